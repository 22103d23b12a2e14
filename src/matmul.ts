// Matrix multiply at the public edge: C = op(A)·op(B) in f32.
import type { Backend } from './backend/backend.js';
import { checkFlag, checkOptions, rangeError } from './errors.js';
import { checkFinite, parse, type Batch, type Packed } from './tensor.js';

/** Options of matmul. */
export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/** C = op(A)·op(B) in float32; number[][] in → number[][] out, { data, shape } in → Float32Array-backed out. */
export function matmul(be: Backend, a: Batch, b: Batch, options?: MatmulOptions): number[][] | Packed<Float32Array> {
  const fn = 'matmul';
  const o = checkOptions(fn, options, ['transposeA', 'transposeB']);
  const ta = checkFlag(fn, 'transposeA', o.transposeA);
  const tb = checkFlag(fn, 'transposeB', o.transposeB);
  const pa = parse(fn, 'a', a);
  const pb = parse(fn, 'b', b);
  if (pa.kind === 'vector' || pb.kind === 'vector') rangeError(fn, 'a and b must be matrices (number[][] or { data, shape })');
  checkFinite(fn, 'a', pa);
  checkFinite(fn, 'b', pb);
  const [m, k] = ta ? [pa.cols, pa.rows] : [pa.rows, pa.cols];
  const [kb, n] = tb ? [pb.cols, pb.rows] : [pb.rows, pb.cols];
  if (k !== kb) {
    rangeError(fn, `inner dimensions differ: op(a) is ${m}×${k} but op(b) is ${kb}×${n}`);
  }
  const c = new Float32Array(m * n);
  const f32 = (x: Float32Array | Float64Array) => (x instanceof Float32Array ? x : Float32Array.from(x));
  be.matmul(f32(pa.data), f32(pb.data), c, m, k, n, ta, tb);
  if (pa.kind === 'packed') return { data: c, shape: [m, n] as const };
  const out: number[][] = [];
  for (let r = 0; r < m; r++) out.push(Array.from(c.subarray(r * n, (r + 1) * n)));
  return out;
}
