// The vectorised exp of assembly/fastmath.ts against Math.exp, in units in the last place, over dense
// sweeps of its whole range plus its clamps; and the sigmoid built on it.
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm.js';

const f32bits = new Int32Array(1);
const f32view = new Float32Array(f32bits.buffer);
function ulp32(a: number, b: number): number {
  f32view[0] = a;
  const ia = f32bits[0]!;
  f32view[0] = b;
  return Math.abs(ia - f32bits[0]!);
}
const f64bits = new BigInt64Array(1);
const f64view = new Float64Array(f64bits.buffer);
function ulp64(a: number, b: number): number {
  f64view[0] = a;
  const ia = f64bits[0]!;
  f64view[0] = b;
  const d = ia - f64bits[0]!;
  return Number(d < 0n ? -d : d);
}

for (const simd of ['plain', 'relaxed'] as const) {
  describe(`fast exp and sigmoid (${simd} build)`, () => {
    let be: WasmBackend;
    beforeAll(async () => {
      be = await createWasmBackend(simd);
    });

    /** Runs expF32/expF64 on a copy of xs in the backend's memory. */
    function run(kernel: 'expF32' | 'expF64', xs: Float32Array | Float64Array): Float32Array | Float64Array {
      const fn = (be.kernels as unknown as Record<string, (x: number, o: number, n: number) => void>)[kernel]!;
      const x = be.heap.alloc(xs.byteLength);
      const o = be.heap.alloc(xs.byteLength);
      const mem = () => new Uint8Array(be.kernels.memory.buffer);
      mem().set(new Uint8Array(xs.buffer, xs.byteOffset, xs.byteLength), x);
      fn(x, o, xs.length);
      const out = mem().slice(o, o + xs.byteLength);
      be.heap.free(x);
      be.heap.free(o);
      return xs instanceof Float32Array ? new Float32Array(out.buffer) : new Float64Array(out.buffer);
    }

    it('f32 exp is within 2 ULP of Math.exp on [−87.3, 88] (2^20 points, every length mod 4)', () => {
      const n = (1 << 20) + 3;
      const xs = Float32Array.from({ length: n }, (_, i) => -87.3 + (175.3 * i) / (n - 1));
      const ys = run('expF32', xs);
      let worst = 0;
      for (let i = 0; i < n; i++) worst = Math.max(worst, ulp32(ys[i]!, Math.fround(Math.exp(xs[i]!))));
      expect(worst).toBeLessThanOrEqual(2);
    });

    it('f32 exp clamps: e^88 above 88 (never ∞), 0 below −87.3, exactly 1 at 0', () => {
      const ys = run('expF32', Float32Array.of(1e4, 88.5, 0, -87.31, -1e4, 1e-10));
      expect(ulp32(ys[0]!, Math.fround(Math.exp(88)))).toBeLessThanOrEqual(2);
      expect(ys[1]).toBe(ys[0]);
      expect(ys[2]).toBe(1);
      expect(ys[3]).toBe(0);
      expect(ys[4]).toBe(0);
      expect(ys[5]).toBe(1);
    });

    it('f64 exp is within 2 ULP of Math.exp on [−708.3, 709] (2^19 points) and near 0', () => {
      const n = (1 << 19) + 1;
      const xs = Float64Array.from({ length: n }, (_, i) => -708.3 + (1417.3 * i) / (n - 1));
      const small = Float64Array.from({ length: 4097 }, (_, i) => (i - 2048) * 1e-3);
      let worst = 0;
      for (const sweep of [xs, small]) {
        const ys = run('expF64', sweep);
        for (let i = 0; i < sweep.length; i++) worst = Math.max(worst, ulp64(ys[i]!, Math.exp(sweep[i]!)));
      }
      expect(worst).toBeLessThanOrEqual(2);
      const edge = run('expF64', Float64Array.of(710, -708.31, 0, -1e4));
      expect(Number.isFinite(edge[0])).toBe(true);
      expect(edge[1]).toBe(0);
      expect(edge[2]).toBe(1);
      expect(edge[3]).toBe(0);
    });

    it('sigmoid on the fast exp is within 4 ULP of 1/(1+e^−x) (f32 and f64) and saturates cleanly', async () => {
      const { xentOn } = await import('../src/xent.js');
      const x = xentOn(be);
      const n = 100003;
      const z32 = Float32Array.from({ length: n }, (_, i) => -40 + (80 * i) / (n - 1));
      const s32 = x.sigmoid(z32) as Float32Array;
      const s64 = x.sigmoid(Float64Array.from(z32)) as Float64Array;
      let w32 = 0;
      let w64 = 0;
      for (let i = 0; i < n; i++) {
        const z = z32[i]!;
        const exact = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        w32 = Math.max(w32, ulp32(s32[i]!, Math.fround(exact)));
        w64 = Math.max(w64, ulp64(s64[i]!, exact));
      }
      expect(w32).toBeLessThanOrEqual(4);
      expect(w64).toBeLessThanOrEqual(4);
      expect(Array.from(x.sigmoid(Float32Array.of(1e4, -1e4, 0)) as Float32Array)).toEqual([1, 0, 0.5]);
    });
  });
}
