// Plain-TypeScript twin of assembly/network.ts: the same layouts, the same steps in the same order,
// f32 storage (Float32Array) with f64 intermediates. Derivations are in the AssemblyScript file.
import { inputsAsFloat32 } from '../../data/dataset.js';
import type { TrainConfig } from '../backend.js';
import {
  ACT_SIGMOID, ACT_SOFTMAX, ACT_TANH, COST_QUADRATIC, OPT_SGD, REG_L1, STATE_HEADER_BYTES, STATE_STEP, TRAIN_FINITE,
} from '../contract.js';
import { gemmF32, matmulF32 } from './matmul.js';
import { optimizerStep, stateArrays } from './optimizers.js';
const f = Math.fround;

interface Layout {
  L: number;
  hiddenAct: number;
  outputAct: number;
  cost: number;
  sizes: number[];
}

function layout(desc: Int32Array): Layout {
  const L = desc[0]!;
  return { L, hiddenAct: desc[1]!, outputAct: desc[2]!, cost: desc[3]!, sizes: Array.from(desc.subarray(4, 5 + L)) };
}

/** Float offset of W_l in params; b_l follows W_l. */
function weightOffset(sizes: number[], l: number): number {
  let off = 0;
  for (let j = 1; j < l; j++) off += sizes[j]! * sizes[j - 1]! + sizes[j]!;
  return off;
}

/** Parameters of the network described by desc (twin of parameterCount). */
export function parameterCount(desc: Int32Array): number {
  const { L, sizes } = layout(desc);
  return weightOffset(sizes, L + 1);
}

/** Work buffers of the reference kernels for batches of up to cap rows. */
export interface ReferenceWork {
  a: Float32Array[];
  d0: Float32Array;
  d1: Float32Array;
  g: Float32Array;
  gb: Float32Array;
  mask: Float32Array;
}

/** Allocates the reference work buffers. */
export function networkWork(desc: Int32Array, cap: number): ReferenceWork {
  const { L, sizes } = layout(desc);
  const ms = Math.max(...sizes);
  let mg = 0;
  let hidden = 0;
  for (let l = 1; l <= L; l++) {
    mg = Math.max(mg, sizes[l]! * sizes[l - 1]!);
    if (l < L) hidden += sizes[l]!;
  }
  return {
    a: sizes.map((s) => new Float32Array(cap * s)),
    d0: new Float32Array(cap * ms),
    d1: new Float32Array(cap * ms),
    g: new Float32Array(mg),
    gb: new Float32Array(ms),
    mask: new Float32Array(hidden),
  };
}

function sigmoid(x: number): number {
  if (x >= 0) return f(1 / f(1 + f(Math.exp(-x))));
  const e = f(Math.exp(x));
  return f(e / f(1 + e));
}

function biasActivate(a: Float32Array, b: Float32Array, w0: number, rows: number, cols: number, act: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    if (act === ACT_SOFTMAX) {
      let m = -Infinity;
      for (let k = 0; k < cols; k++) {
        a[o + k] = a[o + k]! + b[w0 + k]!;
        m = Math.max(m, a[o + k]!);
      }
      let s = 0;
      for (let k = 0; k < cols; k++) {
        a[o + k] = Math.exp(a[o + k]! - m);
        s = f(s + a[o + k]!);
      }
      const inv = f(1 / s);
      for (let k = 0; k < cols; k++) a[o + k] = a[o + k]! * inv;
      continue;
    }
    for (let k = 0; k < cols; k++) {
      const z = f(a[o + k]! + b[w0 + k]!);
      a[o + k] = act === ACT_SIGMOID ? sigmoid(z) : act === ACT_TANH ? Math.tanh(z) : Math.max(z, 0);
    }
  }
}

function derivative(a: number, act: number): number {
  if (act === ACT_SIGMOID) return f(a * f(1 - a));
  if (act === ACT_TANH) return f(1 - f(a * a));
  return a > 0 ? 1 : 0;
}

/** xorshift32 step on state[0], as a float in [0, 1) (twin of the kernel's uniform). */
function uniform(state: Uint32Array): number {
  let x = state[0]!;
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  state[0] = x;
  return (x >>> 8) * (1 / 16777216);
}

function forwardRows(n: Layout, params: Float32Array, work: ReferenceWork, rows: number, keepOutputZ: boolean, mask: Float32Array | null): void {
  const { L, sizes } = n;
  let maskOff = 0;
  for (let l = 1; l <= L; l++) {
    const s = sizes[l]!;
    const p = sizes[l - 1]!;
    const wOff = weightOffset(sizes, l);
    const w = params.subarray(wOff, wOff + s * p);
    const a = work.a[l]!;
    matmulF32(work.a[l - 1]!, w, a, rows, p, s, false, true);
    if (l === L && keepOutputZ) {
      for (let r = 0; r < rows; r++) for (let k = 0; k < s; k++) a[r * s + k] = a[r * s + k]! + params[wOff + s * p + k]!;
    } else {
      biasActivate(a, params, wOff + s * p, rows, s, l === L ? n.outputAct : n.hiddenAct);
    }
    if (mask && l < L) {
      for (let r = 0; r < rows; r++) for (let k = 0; k < s; k++) a[r * s + k] = a[r * s + k]! * mask[maskOff + k]!;
      maskOff += s;
    }
  }
}

/**
 * Output pre-activations z_L of `count` examples, in chunks of cap rows. With `check`, returns the index
 * of the first f32 input that is not finite (checked chunk by chunk before it is computed), else −1.
 */
export function networkForward(desc: Int32Array, params: Float32Array, work: ReferenceWork, cap: number,
  inputs: Float32Array | Uint8Array, count: number, outZ: Float32Array, check = false): number {
  const n = layout(desc);
  const s0 = n.sizes[0]!;
  const sL = n.sizes[n.L]!;
  for (let start = 0; start < count; start += cap) {
    const rows = Math.min(cap, count - start);
    if (check && inputs instanceof Float32Array) {
      for (let i = start * s0; i < (start + rows) * s0; i++) if (!Number.isFinite(inputs[i]!)) return i;
    }
    work.a[0]!.set(inputsAsFloat32(inputs, start * s0, (start + rows) * s0));
    forwardRows(n, params, work, rows, true, null);
    outZ.set(work.a[n.L]!.subarray(0, rows * sL), start * sL);
  }
  return -1;
}

/** The host arrays of a networkTrain call. */
export interface ReferenceTrainArrays {
  desc: Int32Array;
  params: Float32Array;
  state: Float32Array;
  work: ReferenceWork;
  inputs: Float32Array | Uint8Array;
  labels: Uint8Array | null;
  targets: Float32Array | null;
  classWeights: Float32Array | null;
  order: Int32Array;
  rng: Uint32Array;
}

/** Copies example idx to row r of A_0, moved by kind (1 up, 2 down, 3 left, 4 right; twin of gatherShifted). */
function gather(c: TrainConfig, inputs: Float32Array | Uint8Array, a0: Float32Array, s0: number, idx: number, kind: number, r: number): void {
  const row = inputsAsFloat32(inputs, idx * s0, (idx + 1) * s0);
  if (kind === 0) {
    a0.set(row, r * s0);
    return;
  }
  const k = c.shift;
  const dx = kind === 3 ? -k : kind === 4 ? k : 0;
  const dy = kind === 1 ? -k : kind === 2 ? k : 0;
  a0.fill(0, r * s0, (r + 1) * s0);
  for (let y = 0; y < c.height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= c.height) continue;
    for (let x = Math.max(0, dx); x < Math.min(c.width, c.width + dx); x++) a0[r * s0 + y * c.width + x] = row[sy * c.width + x - dx]!;
  }
}

/** Output error δ_L of the batch's rows (twin of outputError). */
function outputError(n: Layout, c: TrainConfig, t: ReferenceTrainArrays, delta: Float32Array, start: number, rows: number): void {
  const sL = n.sizes[n.L]!;
  const aL = t.work.a[n.L]!;
  const cold = f(c.cold);
  const s = f(c.smoothing);
  const off = f(c.smoothOffset);
  for (let r = 0; r < rows; r++) {
    const v = t.order[start + r]!;
    const idx = c.shift ? v % c.stored : v;
    const label = t.labels ? t.labels[idx]! : -1;
    let weight = 1;
    if (t.classWeights) {
      if (t.labels) weight = t.classWeights[label]!;
      else {
        weight = 0;
        for (let k = 0; k < sL; k++) weight = f(weight + f(t.classWeights[k]! * f(f(t.targets![idx * sL + k]! - cold) / f(1 - cold))));
      }
    }
    for (let k = 0; k < sL; k++) {
      const a = aL[r * sL + k]!;
      let y = t.labels ? (k === label ? 1 : cold) : t.targets![idx * sL + k]!;
      if (s > 0) y = f(f(y * f(1 - s)) + off);
      let d = f(a - y);
      if (n.cost === COST_QUADRATIC) d = f(d * derivative(a, n.outputAct));
      if (t.classWeights) d = f(d * weight);
      delta[r * sL + k] = d;
    }
  }
}

/** Mini-batches over order[from..to): forward, output error, backprop, optimiser step (twin of networkTrain). */
export function networkTrain(t: ReferenceTrainArrays, c: TrainConfig, from: number, to: number): number {
  const n = layout(t.desc);
  const { L, sizes } = n;
  const { params, work } = t;
  const dropout = f(c.dropout);
  const mask = dropout > 0 ? work.mask : null;
  const keep = f(1 / f(1 - dropout));
  const eta = f(c.eta);
  const decay = f(f(eta * f(c.lambda)) / f(c.n));
  const arrays = stateArrays(c);
  const fused = c.optimizer === OPT_SGD && arrays === 0 && c.regularization !== REG_L1;
  const P = params.length;
  const s1 = arrays > 0 ? new Float32Array(t.state.buffer, t.state.byteOffset + STATE_HEADER_BYTES, P) : null;
  const s2 = arrays > 1 ? new Float32Array(t.state.buffer, t.state.byteOffset + STATE_HEADER_BYTES + 4 * P, P) : null;
  const step = new Uint32Array(t.state.buffer, t.state.byteOffset + STATE_STEP, 1);
  const s0 = sizes[0]!;
  let batch = 0;
  for (let start = from; start < to; start += c.batchSize, batch++) {
    const rows = Math.min(c.batchSize, to - start);
    for (let r = 0; r < rows; r++) {
      const v = t.order[start + r]!;
      if (c.shift) gather(c, t.inputs, work.a[0]!, s0, v % c.stored, Math.floor(v / c.stored), r);
      else gather(c, t.inputs, work.a[0]!, s0, v, 0, r);
    }
    if (mask) {
      let off = 0;
      for (let l = 1; l < L; l++) {
        for (let k = 0; k < sizes[l]!; k++) mask[off + k] = uniform(t.rng) >= dropout ? keep : 0;
        off += sizes[l]!;
      }
    }
    forwardRows(n, params, work, rows, false, mask);
    let delta = work.d0;
    let next = work.d1;
    outputError(n, c, t, delta, start, rows);
    step[0] = step[0]! + 1;
    const tStep = step[0]!;
    let maskOff = 0;
    for (let l = 1; l < L; l++) maskOff += sizes[l]!;
    const scale = f(eta / rows);
    for (let l = L; l >= 1; l--) {
      const s = sizes[l]!;
      const p = sizes[l - 1]!;
      const wOff = weightOffset(sizes, l);
      const bOff = wOff + s * p;
      const aPrev = work.a[l - 1]!;
      for (let k = 0; k < s; k++) {
        let acc = 0;
        for (let r = 0; r < rows; r++) acc = f(acc + delta[r * s + k]!);
        work.gb[k] = acc;
        if (!Number.isFinite(acc)) return batch;
      }
      if (l > 1) {
        matmulF32(delta, params.subarray(wOff, wOff + s * p), next, rows, s, p, false, false);
        maskOff -= p;
        for (let r = 0; r < rows; r++) {
          for (let k = 0; k < p; k++) {
            let a = aPrev[r * p + k]!;
            let m = 1;
            if (mask) {
              m = mask[maskOff + k]!;
              a = m > 0 ? f(a / m) : 0;
            }
            next[r * p + k] = next[r * p + k]! * derivative(a, n.hiddenAct) * m;
          }
        }
      }
      if (fused) {
        gemmF32(delta, aPrev, params.subarray(wOff, wOff + s * p), s, rows, p, true, false, -scale, f(1 - decay));
      } else {
        matmulF32(delta, aPrev, work.g, s, rows, p, true, false);
        optimizerStep(c, params, wOff, work.g, s * p, s1, s2, rows, c.regularization, tStep);
      }
      optimizerStep(c, params, bOff, work.gb, s, s1, s2, rows, 0, tStep);
      [delta, next] = [next, delta];
    }
  }
  for (let i = 0; i < P; i++) if (!Number.isFinite(params[i]!)) return batch - 1;
  return TRAIN_FINITE;
}
