// Plain-TypeScript twin of assembly/network.ts: the same layouts, the same steps in the same order,
// f32 storage (Float32Array) with f64 intermediates. Derivations are in the AssemblyScript file.
import { inputsAsFloat32 } from '../../data/dataset.js';
import { gemmF32, matmulF32 } from './matmul.js';

const ACT_SIGMOID = 0;
const ACT_TANH = 1;
const ACT_SOFTMAX = 3;
const COST_QUADRATIC = 1;
const REG_L1 = 2;
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

/** Output pre-activations z_L of `count` examples, in chunks of cap rows. */
export function networkForward(desc: Int32Array, params: Float32Array, work: ReferenceWork, cap: number,
  inputs: Float32Array | Uint8Array, count: number, outZ: Float32Array): void {
  const n = layout(desc);
  const s0 = n.sizes[0]!;
  const sL = n.sizes[n.L]!;
  for (let start = 0; start < count; start += cap) {
    const rows = Math.min(cap, count - start);
    work.a[0]!.set(inputsAsFloat32(inputs, start * s0, (start + rows) * s0));
    forwardRows(n, params, work, rows, true, null);
    outZ.set(work.a[n.L]!.subarray(0, rows * sL), start * sL);
  }
}

/** Mini-batch SGD over order[from..to): forward, output error, backprop, update (twin of networkTrain). */
export function networkTrain(desc: Int32Array, params: Float32Array, velocity: Float32Array | null, work: ReferenceWork,
  _cap: number, inputs: Float32Array | Uint8Array, labels: Uint8Array | null, targets: Float32Array | null, order: Int32Array,
  from: number, to: number, batchSize: number, hyper: Float32Array, regKind: number, rngState: Uint32Array): void {
  const n = layout(desc);
  const { L, sizes } = n;
  const [eta, lambda, count, mu, dropout] = hyper as unknown as [number, number, number, number, number];
  const mask = dropout > 0 ? work.mask : null;
  const keep = f(1 / f(1 - dropout));
  const decay = f(f(eta * lambda) / count);
  const s0 = sizes[0]!;
  const sL = sizes[L]!;
  for (let start = from; start < to; start += batchSize) {
    const rows = Math.min(batchSize, to - start);
    for (let r = 0; r < rows; r++) {
      const idx = order[start + r]!;
      work.a[0]!.set(inputsAsFloat32(inputs, idx * s0, (idx + 1) * s0), r * s0);
    }
    if (mask) {
      let off = 0;
      for (let l = 1; l < L; l++) {
        for (let k = 0; k < sizes[l]!; k++) mask[off + k] = uniform(rngState) >= dropout ? keep : 0;
        off += sizes[l]!;
      }
    }
    forwardRows(n, params, work, rows, false, mask);
    let delta = work.d0;
    let next = work.d1;
    const aL = work.a[L]!;
    for (let r = 0; r < rows; r++) {
      const idx = order[start + r]!;
      for (let k = 0; k < sL; k++) {
        const a = aL[r * sL + k]!;
        const y = labels ? (k === labels[idx] ? 1 : 0) : targets![idx * sL + k]!;
        let d = f(a - y);
        if (n.cost === COST_QUADRATIC) d = f(d * f(a * f(1 - a)));
        delta[r * sL + k] = d;
      }
    }
    let maskOff = 0;
    for (let l = 1; l < L; l++) maskOff += sizes[l]!;
    const scale = f(eta / rows);
    for (let l = L; l >= 1; l--) {
      const s = sizes[l]!;
      const p = sizes[l - 1]!;
      const wOff = weightOffset(sizes, l);
      const aPrev = work.a[l - 1]!;
      for (let k = 0; k < s; k++) {
        let acc = 0;
        for (let r = 0; r < rows; r++) acc = f(acc + delta[r * s + k]!);
        work.gb[k] = acc;
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
      if (!velocity && regKind !== REG_L1) {
        gemmF32(delta, aPrev, params.subarray(wOff, wOff + s * p), s, rows, p, true, false, -scale, f(1 - decay));
      } else {
        matmulF32(delta, aPrev, work.g, s, rows, p, true, false);
        update(params, wOff, work.g, s * p, velocity, scale, decay, mu, regKind);
      }
      update(params, wOff + s * p, work.gb, s, velocity, scale, 0, mu, 0);
      [delta, next] = [next, delta];
    }
  }
}

function update(params: Float32Array, off: number, g: Float32Array, count: number, v: Float32Array | null,
  scale: number, decay: number, mu: number, regKind: number): void {
  for (let i = 0; i < count; i++) {
    const wi = params[off + i]!;
    if (!v && regKind !== REG_L1) {
      params[off + i] = f(wi * f(1 - decay)) - f(g[i]! * scale);
      continue;
    }
    const r = regKind === REG_L1 ? Math.sign(wi) : wi;
    const step = f(f(g[i]! * scale) + f(decay * r));
    if (v) {
      const vi = f(f(mu * v[off + i]!) - step);
      v[off + i] = vi;
      params[off + i] = wi + vi;
    } else {
      params[off + i] = wi - step;
    }
  }
}
