// Bytes to float32 (assembly/convert.ts: byte/255 by two multiplies and an add, no division) must give
// exactly what b / 255 rounded to float32 gives — the reference backend's conversion (src/data/dataset.ts)
// — for every byte, in every lane and in the scalar tail, on both SIMD builds.
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/backend/wasm.js';

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
  });
}
