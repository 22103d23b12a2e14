// Bytes to float32 (assembly/convert.ts: byte/255 by two multiplies and an add, no division) must give
// exactly what b / 255 rounded to float32 gives — the reference backend's conversion (src/data/dataset.ts)
// — for every byte, in every lane and in the scalar tail, on both SIMD builds.
import { describe, expect, it } from 'vitest';
import { exactBytes } from '../src/data/dataset.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend } from '../src/backend/wasm.js';
import { mulberry32, ulpStep } from './helpers.js';

for (const flavor of ['plain', 'relaxed'] as const) {
  describe(`bytes to float32 (${flavor})`, () => {
    it('every byte, at every offset of a 16-byte step and in the tail, is Math.fround(b / 255)', async () => {
      const be = await createWasmBackend(flavor);
      const k = be.kernels;
      const n = 256 + 16 + 7; // all bytes in each of 16 lanes (shifted by the offset), then a tail of 7
      const src = be.heap.alloc(n + 64);
      const out = be.heap.alloc(4 * n + 64);
      for (let shift = 0; shift < 16; shift++) {
        const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 167 + shift) & 255); // 167 is odd: a permutation of 0..255 per 256
        new Uint8Array(k.memory.buffer, src, n).set(bytes);
        k.bytesToF32(src, out, n);
        const got = new Float32Array(k.memory.buffer, out, n);
        for (let i = 0; i < n; i++) if (got[i] !== Math.fround(bytes[i]! / 255)) expect.fail(`byte ${bytes[i]} at ${i}: ${got[i]}`);
      }
      be.dispose();
    });

    it('four rows at once (the gather) agree with one row at a time', async () => {
      const be = await createWasmBackend(flavor);
      const k = be.kernels;
      const n = 784 + 5;
      const rows = be.heap.alloc(4 * n);
      const out = be.heap.alloc(16 * n);
      const bytes = Uint8Array.from({ length: 4 * n }, (_, i) => (i * 31 + 7) & 255);
      new Uint8Array(k.memory.buffer, rows, 4 * n).set(bytes);
      k.bytesToF32Rows4(rows + 3 * n, rows + n, rows, rows + 2 * n, out, n);
      const got = new Float32Array(k.memory.buffer, out, 4 * n);
      [3, 1, 0, 2].forEach((r, j) => {
        for (let i = 0; i < n; i++) {
          if (got[j * n + i] !== Math.fround(bytes[r * n + i]! / 255)) expect.fail(`row ${j}, byte ${i}: ${got[j * n + i]}`);
        }
      });
      be.dispose();
    });

    it('a gather of rows in any order (gatherBytes) is those rows converted, for awkward row counts and widths', async () => {
      const be = await createWasmBackend(flavor);
      const k = be.kernels;
      const r = mulberry32(5);
      for (const n of [1, 3, 7, 17, 63, 64, 65, 784]) {
        for (const rows of [1, 3, 4, 7, 17, 128]) {
          const stored = 40;
          const src = be.heap.alloc(stored * n);
          const order = be.heap.alloc(4 * rows);
          const out = be.heap.alloc(4 * rows * n + 4);
          const bytes = Uint8Array.from({ length: stored * n }, () => Math.floor(256 * r()));
          const idx = Int32Array.from({ length: rows }, () => Math.floor(stored * r()));
          new Uint8Array(k.memory.buffer, src, stored * n).set(bytes);
          new Int32Array(k.memory.buffer, order, rows).set(idx);
          new Float32Array(k.memory.buffer, out, rows * n + 1).fill(-1);
          k.gatherBytes(src, order, rows, n, out);
          const got = new Float32Array(k.memory.buffer, out, rows * n + 1);
          for (let i = 0; i < rows * n; i++) {
            const want = Math.fround(bytes[idx[Math.floor(i / n)]! * n + (i % n)]! / 255);
            if (got[i] !== want) expect.fail(`n ${n}, rows ${rows}: [${i}] ${got[i]} vs ${want}`);
          }
          expect(got[rows * n], 'nothing written past the rows').toBe(-1);
          for (const p of [src, order, out]) be.heap.free(p);
        }
      }
      be.dispose();
    });
  });
}

// A value that breaks exactness, and whether JS and the kernel must both reject it (all of these do).
const NOT_QUOTIENTS = [ulpStep(Math.fround(77 / 255), 1), ulpStep(Math.fround(77 / 255), -1), -0, NaN, Infinity, -Infinity,
  Math.fround(510 / 255) /* 2: the candidate 510 converts back to it, out of range */, Math.fround(-3 / 255), Math.fround(256 / 255),
  0.5, 1e30, -1e30, 3.4e38, 16843010];

for (const flavor of ['plain', 'relaxed'] as const) {
  describe(`float32 to bytes, checked (${flavor}; exactBytesF32, twin of exactBytes)`, () => {
    it('converts every byte/255 in every lane and the tail, and finds the first value that is no quotient', async () => {
      const be = await createWasmBackend(flavor);
      const k = be.kernels;
      const r = mulberry32(9);
      for (const n of [0, 1, 3, 7, 15, 16, 17, 33, 63, 64, 65, 256 + 16 + 7, 1000]) {
        const bytes = Uint8Array.from({ length: n }, (_, i) => (i < 256 ? (i * 167) & 255 : Math.floor(256 * r())));
        const floats = Float32Array.from(bytes, (b) => b / 255);
        const src = be.heap.alloc(4 * n + 64);
        const dst = be.heap.alloc(n + 64);
        new Float32Array(k.memory.buffer, src, n).set(floats);
        expect(k.exactBytesF32(src, dst, n), `n = ${n}`).toBe(-1);
        expect(Array.from(new Uint8Array(k.memory.buffer, dst, n))).toEqual(Array.from(bytes));
        // in place: the bytes land at the start of the float buffer
        expect(k.exactBytesF32(src, src, n)).toBe(-1);
        expect(Array.from(new Uint8Array(k.memory.buffer, src, n))).toEqual(Array.from(bytes));
        for (const bad of n ? NOT_QUOTIENTS : []) {
          for (const at of [0, Math.floor(n / 2), n - 1]) {
            const x = floats.slice();
            x[at] = bad;
            if (at < n - 1) x[n - 1] = NaN; // a later bad value: the first is reported
            new Float32Array(k.memory.buffer, src, n).set(x);
            expect(k.exactBytesF32(src, dst, n), `n = ${n}, ${bad} at ${at}`).toBe(at);
            expect(exactBytes(x), `JS twin: ${bad}`).toBeNull();
          }
        }
        be.heap.free(src);
        be.heap.free(dst);
      }
      be.dispose();
    });

    it('uploadExactBytes gives what the reference backend gives, across slices; null leaves nothing allocated', async () => {
      const be = await createWasmBackend(flavor);
      const ref = createReferenceBackend();
      const r = mulberry32(13);
      const live = be.liveBytes();
      for (const n of [0, 5, 16_383, 16_384, 16_385, 40_000]) {
        const floats = Float32Array.from({ length: n }, () => Math.floor(256 * r()) / 255);
        const a = be.uploadExactBytes(floats)!;
        const b = ref.uploadExactBytes(floats)!;
        expect(a.type).toBe('u8');
        expect(Array.from(a.read())).toEqual(Array.from(b.read()));
        a.free();
        for (const at of n > 16_384 ? [3, 16_384, n - 1] : n ? [n - 1] : []) { // a value in the first slice, and in a later one
          const x = floats.slice();
          x[at] = -0;
          expect(be.uploadExactBytes(x), `n = ${n}, −0 at ${at}`).toBeNull();
          expect(ref.uploadExactBytes(x)).toBeNull();
        }
        expect(be.liveBytes()).toBe(live);
      }
      be.dispose();
    });
  });
}
