// An independent float64 implementation of the training rules (REFERENCE.md §3 and the README):
// full-batch steps of backprop with SGD (momentum), Nesterov or Adam, L1/L2, dropout, class weights,
// label smoothing and the three output layers. Written from the formulas, not from the kernels: the
// tests compare the library's float32 training against it.
import { shuffle } from '../src/network/random.js';
import { mulberry32 } from './helpers.js';

export interface OracleNet {
  sizes: number[];
  hidden: 'sigmoid' | 'tanh' | 'relu';
  output: 'sigmoid' | 'softmax' | 'tanh';
  cost: 'cross-entropy' | 'quadratic' | 'log-likelihood';
}

export interface OracleRun {
  optimizer?: 'sgd' | 'nesterov' | 'adam';
  eta: number;
  lambda?: number;
  regularization?: 'l2' | 'l1';
  momentum?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  dropout?: number;
  classWeights?: number[];
  labelSmoothing?: number;
  /** The seed the library derives the dropout stream from (the network's seed or options.seed). */
  seed?: number;
}

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

function act(name: string, z: number[]): number[] {
  if (name === 'softmax') {
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  }
  return z.map((v) => (name === 'sigmoid' ? sigma(v) : name === 'tanh' ? Math.tanh(v) : Math.max(v, 0)));
}

/** d act / dz at z (elementwise activations). */
function dact(name: string, z: number): number {
  if (name === 'sigmoid') return sigma(z) * (1 - sigma(z));
  if (name === 'tanh') return 1 - Math.tanh(z) ** 2;
  return z > 0 ? 1 : 0;
}

/** The xorshift32 stream of the dropout masks, started from state x. */
function xorshift(x: number): () => number {
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x >>> 8) / 16777216;
  };
}

/**
 * Parameters after `epochs` epochs of mini-batches of `batchSize` from `params` (the library's layout:
 * W_l row-major, then b_l, per layer) on inputs x (rows) and targets y (dense rows; for labels pass
 * their one-hot rows with the output's cold value, and the labels for class weights). The epoch order
 * and the dropout stream are the ones train() draws from the seed (mulberry32, then xorshift32).
 */
export function oracleTrain(net: OracleNet, params: ArrayLike<number>, x: number[][], y: number[][], run: OracleRun,
  epochs: number, batchSize: number, labels?: number[]): number[] {
  const { sizes } = net;
  const L = sizes.length - 1;
  const w = Array.from(params);
  const P = w.length;
  const n = x.length;
  const opt = run.optimizer ?? 'sgd';
  const eta = run.eta;
  const lambda = run.lambda ?? 0;
  const mu = run.momentum ?? 0;
  const [b1, b2, eps] = [run.beta1 ?? 0.9, run.beta2 ?? 0.999, run.epsilon ?? 1e-8];
  const p = run.dropout ?? 0;
  const s = run.labelSmoothing ?? 0;
  const K = sizes[L]!;
  const cold = net.output === 'tanh' ? -1 : 0;
  const offset = net.output === 'softmax' ? s / K : net.output === 'sigmoid' ? s / 2 : 0;
  const u = mulberry32(run.seed ?? 1);
  const drops = xorshift(Math.floor(u() * 0xfffffffe) + 1);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const batches: number[][] = [];
  for (let ep = 0; ep < epochs; ep++) {
    shuffle(order, u);
    for (let b = 0; b < n; b += batchSize) batches.push(Array.from(order.subarray(b, Math.min(n, b + batchSize))));
  }
  const s1 = new Array(P).fill(0);
  const s2 = new Array(P).fill(0);
  const offsets: number[] = [];
  let o = 0;
  for (let l = 1; l <= L; l++) {
    offsets.push(o);
    o += sizes[l]! * sizes[l - 1]! + sizes[l]!;
  }
  for (let t = 1; t <= batches.length; t++) {
    const batch = batches[t - 1]!;
    const m = batch.length;
    // One mask per mini-batch over the hidden units, inverted (kept units scaled by 1/(1 − p)).
    const masks: number[][] = [];
    for (let l = 1; l < L; l++) {
      masks.push(Array.from({ length: sizes[l]! }, () => (p > 0 ? (drops() >= Math.fround(p) ? 1 / (1 - p) : 0) : 1)));
    }
    const G = new Array(P).fill(0);
    for (const e of batch) {
      const as: number[][] = [x[e]!];
      const zs: number[][] = [];
      for (let l = 1; l <= L; l++) {
        const sl = sizes[l]!;
        const pl = sizes[l - 1]!;
        const z = Array.from({ length: sl }, (_, j) => {
          let v = w[offsets[l - 1]! + sl * pl + j]!;
          for (let k = 0; k < pl; k++) v += w[offsets[l - 1]! + j * pl + k]! * as[l - 1]![k]!;
          return v;
        });
        zs.push(z);
        let a = act(l === L ? net.output : net.hidden, z);
        if (l < L) a = a.map((v, j) => v * masks[l - 1]![j]!);
        as.push(a);
      }
      const aL = as[L]!;
      const target = y[e]!.map((v) => v * (1 - s) + offset);
      let weight = 1;
      if (run.classWeights) {
        weight = labels ? run.classWeights[labels[e]!]! : y[e]!.reduce((acc, v, k) => acc + run.classWeights![k]! * (v - cold) / (1 - cold), 0);
      }
      let delta = aL.map((a, k) => {
        const d = a - target[k]!;
        return weight * (net.cost === 'quadratic' ? d * dact(net.output, zs[L - 1]![k]!) : d);
      });
      for (let l = L; l >= 1; l--) {
        const sl = sizes[l]!;
        const pl = sizes[l - 1]!;
        const off = offsets[l - 1]!;
        for (let j = 0; j < sl; j++) {
          for (let k = 0; k < pl; k++) G[off + j * pl + k] += delta[j]! * as[l - 1]![k]!;
          G[off + sl * pl + j] += delta[j]!;
        }
        if (l > 1) {
          delta = Array.from({ length: pl }, (_, k) => {
            let v = 0;
            for (let j = 0; j < sl; j++) v += w[off + j * pl + k]! * delta[j]!;
            return v * dact(net.hidden, zs[l - 2]![k]!) * masks[l - 2]![k]!;
          });
        }
      }
    }
    for (let l = 1; l <= L; l++) {
      const off = offsets[l - 1]!;
      const nw = sizes[l]! * sizes[l - 1]!;
      for (let i = off; i < off + nw + sizes[l]!; i++) {
        const isWeight = i < off + nw;
        const r = run.regularization === 'l1' ? Math.sign(w[i]!) : w[i]!;
        const g = G[i]! / m + (isWeight ? (lambda / n) * r : 0);
        if (opt === 'sgd') {
          s1[i] = mu * s1[i] - eta * g;
          w[i] = w[i]! + s1[i];
        } else if (opt === 'nesterov') {
          s1[i] = mu * s1[i] + g;
          w[i] = w[i]! - eta * (g + mu * s1[i]);
        } else {
          s1[i] = b1 * s1[i] + (1 - b1) * g;
          s2[i] = b2 * s2[i] + (1 - b2) * g * g;
          w[i] = w[i]! - (eta * (s1[i] / (1 - b1 ** t))) / (Math.sqrt(s2[i] / (1 - b2 ** t)) + eps);
        }
      }
    }
  }
  return w;
}
