// Matrix multiply at the public edge: C = op(A)·op(B) in f32.
import type { Backend } from './backend/backend.js';
import { checkFlag, checkOptions, rangeError } from './errors.js';
import { checkFinite, parse, type Batch, type Packed } from './tensor.js';

/** The most bytes a product's operands and result may take together: 3 GiB (the WASM heap's 4 GiB less room). */
const MAX_BYTES = 3 * 2 ** 30;

/** Options of matmul. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * C = op(A)·op(B) in float32; number[][] in → number[][] out, { data, shape } in → Float32Array-backed out.
 * Inputs must be finite in float32; a product whose value overflows float32 is a RangeError (never ±∞ or NaN).
 */
export function matmul(be: Backend, a: Batch, b: Batch, options?: MatmulOptions): number[][] | Packed<Float32Array> {
  const fn = 'matmul';
  const o = checkOptions(fn, options, ['transposeA', 'transposeB']);
  const ta = checkFlag(fn, 'transposeA', o.transposeA);
  const tb = checkFlag(fn, 'transposeB', o.transposeB);
  const pa = parse(fn, 'a', a);
  const pb = parse(fn, 'b', b);
  if (pa.kind === 'vector' || pb.kind === 'vector') rangeError(fn, 'a and b must be matrices (number[][] or { data, shape })');
  checkFinite(fn, 'a', pa, { float32: true });
  checkFinite(fn, 'b', pb, { float32: true });
  const [m, k] = ta ? [pa.cols, pa.rows] : [pa.rows, pa.cols];
  const [kb, n] = tb ? [pb.cols, pb.rows] : [pb.rows, pb.cols];
  if (k !== kb) {
    rangeError(fn, `inner dimensions differ: op(a) is ${m}×${k} but op(b) is ${kb}×${n}`);
  }
  // Every backend holds A, B and C at once (the WASM heap is 32-bit): a product that cannot fit fails
  // here, before anything is allocated (an empty [65536,0]×[0,65536] still has a 2³²-value result).
  const bytes = 4 * (m * k + k * n + m * n);
  if (bytes > MAX_BYTES) {
    rangeError(fn, `op(a)·op(b) is ${m}×${n} (inner ${k}): its operands and result need ${bytes} bytes of float32, more than the ${MAX_BYTES}-byte limit`);
  }
  const c = new Float32Array(m * n);
  const f32 = (x: Float32Array | Float64Array) => (x instanceof Float32Array ? x : Float32Array.from(x));
  be.matmul(f32(pa.data), f32(pb.data), c, m, k, n, ta, tb);
  for (let i = 0; i < c.length; i++) {
    if (c[i]! - c[i]! !== 0) rangeError(fn, `the product overflows float32 at [${Math.floor(i / n)}][${i % n}] (|a|·|b| too large)`);
  }
  if (pa.kind === 'packed') return { data: c, shape: [m, n] as const };
  const out: number[][] = [];
  for (let r = 0; r < m; r++) out.push(Array.from(c.subarray(r * n, (r + 1) * n)));
  return out;
}
