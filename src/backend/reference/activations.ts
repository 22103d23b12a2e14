// Plain-TypeScript twins of assembly/activations.ts (same formulas; f32 rounding via Math.fround).
import type { Floats } from '../backend.js';

/** σ(x), stable on both sides (twin of sigmoid64). */
export function sigmoid64(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function sigmoid32(x: number): number {
  const f = Math.fround;
  if (x >= 0) return f(1 / f(1 + f(Math.exp(-x))));
  const e = f(Math.exp(x));
  return f(e / f(1 + e));
}

/** out[i] = σ(x[i]); f32 arrays are computed with f32 rounding. */
export function sigmoid(x: Floats, out: Floats): void {
  const s = x instanceof Float32Array ? sigmoid32 : sigmoid64;
  for (let i = 0; i < x.length; i++) out[i] = s(x[i]!);
}

/** Row-wise softmax or log-softmax with the row max subtracted (twin of softmaxF32/F64). */
export function softmax(x: Floats, out: Floats, rows: number, cols: number, log: boolean): void {
  const f = x instanceof Float32Array ? Math.fround : (v: number) => v;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let k = 0; k < cols; k++) m = Math.max(m, x[o + k]!);
    let s = 0; // f64 accumulation, as in the kernel
    for (let k = 0; k < cols; k++) s += f(Math.exp(f(x[o + k]! - m)));
    if (log) {
      const ls = f(Math.log(s));
      for (let k = 0; k < cols; k++) out[o + k] = f(f(x[o + k]! - m) - ls);
    } else {
      const inv = 1 / s;
      for (let k = 0; k < cols; k++) out[o + k] = f(Math.exp(f(x[o + k]! - m))) * inv;
    }
  }
}
