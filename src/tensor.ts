// Input parsing and result shaping. Vectors are number[] | Float32Array | Float64Array; batches (rows =
// examples) are number[][] or { data, shape: [rows, cols] }. Results keep the caller's layout.
import { describe, isPacked, rangeError, typeError } from './errors.js';

/** A 1-D input. */
export type Vector = number[] | Float32Array | Float64Array;
/** A row-major matrix in one typed array. */
export interface Packed<T extends Float32Array | Float64Array = Float32Array | Float64Array> {
  data: T;
  shape: readonly [number, number];
}
/** A 2-D input, rows = examples. */
export type Batch = number[][] | Packed;
/** Any numeric input. */
export type Input = Vector | Batch;

/** A result taken element-wise from input T (a gradient, an activation): T's container and float type. */
export type Like<T> = T extends number[][] ? number[][]
  : T extends Packed<infer D extends Float32Array | Float64Array> ? Packed<D>
  : T extends Float32Array ? Float32Array
  : T extends Float64Array ? Float64Array
  : number[];
/** Float64 values element-wise in T's layout (unreduced binary cross-entropy): a typed vector gives a Float64Array. */
export type Elementwise<T> = T extends number[][] ? number[][]
  : T extends Packed ? Packed<Float64Array>
  : T extends number[] ? number[]
  : Float64Array;
/** matmul's result for left operand A: number[][] for number[][], else { data: Float32Array, shape }. */
export type Product<A> = A extends Packed ? Packed<Float32Array> : number[][];
/** A network's outputs for input T (float32 values): number[] / number[][] for plain arrays, else Float32Array-backed. */
export type Prediction<T> = T extends number[][] ? number[][]
  : T extends Packed ? Packed<Float32Array>
  : T extends number[] ? number[]
  : Float32Array;
/** One value per row of T: a number for a vector (one row), number[] for number[][], a Float64Array for { data, shape }. */
export type PerRow<T> = T extends Packed ? Float64Array : T extends number[][] ? number[] : number;

/** A parsed input: a contiguous row-major array and how the caller laid it out. */
export interface Parsed {
  /** The caller's numbers, row-major: the caller's own typed array when it was one, else a Float64Array. */
  data: Float32Array | Float64Array;
  rows: number;
  cols: number;
  kind: 'vector' | 'nested' | 'packed';
  /** The caller's element container: plain arrays, f32 or f64 typed arrays. */
  type: 'array' | 'f32' | 'f64';
}

/** The largest row or column count: the kernels index with i32. */
export const MAX_DIM = 2 ** 31 - 1;
/**
 * The most rows an empty { data, shape: [rows, 0] } input may declare. Per-row results (losses, their
 * buffers in the backend) are allocated per row, so a shape of [2²⁸, 0] would ask for gigabytes for
 * nothing; it fails fast instead.
 */
export const MAX_EMPTY_ROWS = 2 ** 20;
/** The largest finite float32, 2¹²⁸ − 2¹⁰⁴. */
export const MAX_FLOAT32 = 3.4028234663852886e38;

/** Parses a vector or batch; a vector is one row. Throws TypeError/RangeError naming fn and name. */
export function parse(fn: string, name: string, x: unknown): Parsed {
  if (x instanceof Float64Array || x instanceof Float32Array) {
    return { data: x, rows: 1, cols: x.length, kind: 'vector', type: x instanceof Float32Array ? 'f32' : 'f64' };
  }
  if (Array.isArray(x)) {
    if (x.length > 0 && Array.isArray(x[0])) {
      const rows = x.length;
      const cols = (x[0] as unknown[]).length;
      const data = new Float64Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        const row: unknown = x[r];
        if (!Array.isArray(row)) typeError(fn, `${name}[${r}] must be an array of numbers, got ${describe(row)}`);
        if (row.length !== cols) rangeError(fn, `${name} is ragged: row 0 has ${cols} values but row ${r} has ${row.length}`);
        for (let k = 0; k < cols; k++) {
          const v: unknown = row[k];
          if (typeof v !== 'number') typeError(fn, `${name}[${r}][${k}] must be a number, got ${describe(v)}`);
          data[r * cols + k] = v;
        }
      }
      return { data, rows, cols, kind: 'nested', type: 'array' };
    }
    const data = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) {
      const v: unknown = x[i];
      if (typeof v !== 'number') typeError(fn, `${name}[${i}] must be a number, got ${describe(v)}`);
      data[i] = v;
    }
    return { data, rows: 1, cols: x.length, kind: 'vector', type: 'array' };
  }
  if (isPacked(x)) {
    const { data, shape } = x;
    if (!(data instanceof Float64Array || data instanceof Float32Array)) {
      typeError(fn, `${name}.data must be a Float32Array or Float64Array, got ${describe(data)}`);
    }
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      rangeError(fn, `${name}.shape must be [rows, cols] of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const [rows, cols] = shape as [number, number];
    if (rows > MAX_DIM || cols > MAX_DIM) rangeError(fn, `${name}.shape [${rows},${cols}] is too large: each dimension must be ≤ ${MAX_DIM}`);
    if (rows * cols !== data.length) {
      rangeError(fn, `${name}.shape [${rows},${cols}] needs ${rows * cols} values but ${name}.data has ${data.length}`);
    }
    if (data.length === 0 && rows > MAX_EMPTY_ROWS) {
      rangeError(fn, `${name}.shape [${rows},${cols}] holds no values but ${rows} rows; an empty input may have at most ${MAX_EMPTY_ROWS} rows`);
    }
    return { data, rows, cols, kind: 'packed', type: data instanceof Float32Array ? 'f32' : 'f64' };
  }
  typeError(fn, `${name} must be a number[], Float32Array, Float64Array, number[][] or { data, shape }, got ${describe(x)}`);
}

/** The data as a Float64Array (the caller's own array when it already is one: never written to). */
export function f64(p: Parsed): Float64Array {
  return p.data instanceof Float64Array ? p.data : Float64Array.from(p.data);
}

/** "[rows,cols]" or "[n]" for messages. */
function shapeText(p: Parsed): string {
  return p.kind === 'vector' ? `[${p.cols}]` : `[${p.rows},${p.cols}]`;
}

/** Throws unless a and b have the same shape (a vector matches a vector of the same length). */
export function checkSameShape(fn: string, a: Parsed, aName: string, b: Parsed, bName: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols || (a.kind === 'vector') !== (b.kind === 'vector')) {
    rangeError(fn, `${bName} shape ${shapeText(b)} must match ${aName} shape ${shapeText(a)}`);
  }
}

/**
 * Throws on NaN (always) and on ±Infinity (−Infinity allowed with `negInf`). With `float32`, values
 * bound for float32 storage must also be finite once rounded to float32 (|x| ≤ 3.4028234663852886e38
 * after rounding), so 1e39 is an error rather than a silent ±Infinity.
 */
export function checkFinite(fn: string, name: string, p: Parsed, allow: { negInf?: boolean; float32?: boolean } = {}): void {
  const d = p.data;
  const negInf = allow.negInf === true;
  // A finite Float32Array value is finite in float32; float64 values beyond ±3.4e38 are rounded to see.
  const float32 = allow.float32 === true && !(d instanceof Float32Array);
  if (!float32 && allFinite(d)) return;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v - v !== 0) {
      if (!(negInf && v === -Infinity)) notFinite(fn, name, p, i);
    } else if (float32 && (v > 3.4e38 || v < -3.4e38) && Math.abs(Math.fround(v)) === Infinity) {
      rangeError(fn, `${name} must be finite in float32 (|x| ≤ ${MAX_FLOAT32}), got ${v} at ${at(p, i)}`);
    }
  }
}

/**
 * Whether every value is finite, fast: x·0 is 0 for finite x and NaN for ±∞ and NaN, summed in four
 * independent chains (2.5× the speed of a compare per value in V8). The caller scans again for the index.
 */
export function allFinite(d: ArrayLike<number>): boolean {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  const n = d.length - (d.length % 4);
  let i = 0;
  for (; i < n; i += 4) {
    a0 += d[i]! * 0;
    a1 += d[i + 1]! * 0;
    a2 += d[i + 2]! * 0;
    a3 += d[i + 3]! * 0;
  }
  for (; i < d.length; i++) a0 += d[i]! * 0;
  return a0 + a1 + a2 + a3 === 0;
}

/** Whether every row of a rows×cols matrix has at least one value above −Infinity (none for cols = 0). */
export function checkSomeFinitePerRow(fn: string, name: string, p: Parsed, what: string): void {
  const d = p.data;
  for (let r = 0; r < p.rows && p.cols > 0; r++) {
    let any = false;
    for (let k = 0; k < p.cols && !any; k++) any = d[r * p.cols + k]! > -Infinity;
    if (!any) rangeError(fn, `${name}${p.kind === 'vector' ? '' : ` row ${r}`} has every value −Infinity, so ${what} is undefined`);
  }
}

/**
 * float64 values as float32, saturating: a finite value beyond the float32 range becomes
 * ±3.4028234663852886e38 instead of overflowing to ±Infinity (an infinite value stays infinite).
 */
export function toFloat32(values: Float64Array): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    const f = Math.fround(v);
    out[i] = f === Infinity && v !== Infinity ? MAX_FLOAT32 : f === -Infinity && v !== -Infinity ? -MAX_FLOAT32 : f;
  }
  return out;
}

/** Throws unless every value is in [lo, hi] (and not NaN). */
export function checkRange(fn: string, name: string, p: Parsed, lo: number, hi: number, what: string): void {
  const d = p.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= lo && v <= hi)) rangeError(fn, `${name} must be ${what} in [${lo}, ${hi}], got ${v} at ${at(p, i)}`);
  }
}

/** Throws unless every value is finite and ≥ 0 (and not NaN). */
export function checkNonNegative(fn: string, name: string, p: Parsed, what: string): void {
  const d = p.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (!(v >= 0 && v < Infinity)) rangeError(fn, `${name} must be ${what}, finite and ≥ 0, got ${v} at ${at(p, i)}`);
  }
}

/** The error for p's value at i, which is not finite (checkFinite's, also raised where a kernel found it). */
export function notFinite(fn: string, name: string, p: Parsed, i: number): never {
  rangeError(fn, `${name} must be finite, got ${p.data[i]} at ${at(p, i)}`);
}

/** "index i" or "[r][k]" for messages. */
export function at(p: Parsed, i: number): string {
  return p.kind === 'vector' ? `index ${i}` : `[${Math.floor(i / p.cols)}][${i % p.cols}]`;
}

/**
 * Shapes a result with the input's layout; values are Float64 unless `keepType` and the input was f32
 * (then float64 results, i.e. gradients, are rounded to float32 saturating at ±3.4028234663852886e38).
 */
export function like(p: Parsed, values: Float32Array | Float64Array, keepType: boolean): unknown {
  const typed = keepType && p.type === 'f32' && !(values instanceof Float32Array) ? toFloat32(values) : values;
  if (p.kind === 'packed') return { data: typed, shape: [p.rows, p.cols] as const };
  if (p.kind === 'nested') {
    const out: number[][] = [];
    for (let r = 0; r < p.rows; r++) out.push(Array.from(values.subarray(r * p.cols, (r + 1) * p.cols)));
    return out;
  }
  return p.type === 'array' ? Array.from(values) : typed;
}

/** Shapes one value per row: a number for a vector input, number[] for nested, Float64Array for packed. */
export function perRow(p: Parsed, values: Float64Array): number | number[] | Float64Array {
  if (p.kind === 'vector') return values[0]!;
  return p.kind === 'nested' ? Array.from(values) : values;
}

/** Σ values in index order. */
export function sum(values: Float64Array): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}
