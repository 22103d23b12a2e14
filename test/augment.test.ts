// Expanded data (Nielsen ch. 6): expandShifted builds every image plus its four one-pixel shifts, and
// the augment training option draws the same copies inside the gather kernel — so training with
// augment is training on expandShifted's data set, bit for bit, with 1× memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Dataset, type Xent } from '../src/index.js';
import { expandShifted } from '../src/data/mnist.js';
import { backends, mulberry32 } from './helpers.js';

/** count images of width × height with seeded pixels (bytes or float32) and labels. */
function images(count: number, width: number, height: number, seed: number, bytes: boolean): Dataset {
  const r = mulberry32(seed);
  const n = count * width * height;
  const inputs = bytes ? Uint8Array.from({ length: n }, () => Math.floor(r() * 256)) : Float32Array.from({ length: n }, () => r());
  return { inputs, labels: Uint8Array.from({ length: count }, (_, i) => i % 3), count, inputSize: width * height };
}

describe('expandShifted', () => {
  it('appends the copies shifted up, down, left and right, zero-filled; labels kept; bytes stay bytes', () => {
    // One 3 × 2 image: rows [1 2 3] [4 5 6].
    const d: Dataset = { inputs: Uint8Array.from([1, 2, 3, 4, 5, 6]), labels: Uint8Array.from([2]), count: 1, inputSize: 6 };
    const e = expandShifted(d, { width: 3, height: 2 });
    expect(e.inputs).toBeInstanceOf(Uint8Array);
    expect(e.count).toBe(5);
    expect(Array.from(e.inputs)).toEqual([
      1, 2, 3, 4, 5, 6, // original
      4, 5, 6, 0, 0, 0, // up
      0, 0, 0, 1, 2, 3, // down
      2, 3, 0, 5, 6, 0, // left
      0, 1, 2, 0, 4, 5, // right
    ]);
    expect(Array.from(e.labels)).toEqual([2, 2, 2, 2, 2]);
    const two = expandShifted({ ...d, inputs: Float32Array.from(d.inputs) }, { width: 3, height: 2, shift: 2 });
    expect(two.inputs).toBeInstanceOf(Float32Array);
    expect(Array.from(two.inputs.subarray(18, 24))).toEqual([3, 0, 0, 6, 0, 0]); // left by 2
  });

  it('validates its arguments', () => {
    const d = images(2, 4, 4, 1, true);
    expect(() => expandShifted(d, { width: 4, height: 3 })).toThrow(/expandShifted: width × height = 12 must equal data.inputSize 16/);
    expect(() => expandShifted(d, undefined as never)).toThrow(/expandShifted: options \{ width, height \} are required/);
    expect(() => expandShifted(d, { width: 4, height: 4, shift: 0 })).toThrow(/expandShifted: shift must be ≥ 1/);
  });
});

for (const backend of backends) {
  describe(`augment (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    for (const bytes of [true, false]) {
      it(`training with augment is training on expandShifted's data, bit for bit (${bytes ? 'bytes' : 'float32'})`, async () => {
        const d = images(30, 5, 4, 3, bytes);
        const a = xent.network([20, 7, 3], { seed: 2 });
        const b = xent.network([20, 7, 3], { seed: 2 });
        const totals: number[] = [];
        const ha = await a.train(d, { epochs: 2, batchSize: 8, eta: 0.5, lambda: 1, momentum: 0.5,
          augment: { shift: 1, width: 5, height: 4 }, onProgress: (p) => totals.push(p.total) });
        await b.train(expandShifted(d, { width: 5, height: 4 }), { epochs: 2, batchSize: 8, eta: 0.5, lambda: 1, momentum: 0.5 });
        expect(Array.from(a.parameters())).toEqual(Array.from(b.parameters()));
        expect(totals.every((t) => t === Math.ceil((5 * 30) / 8))).toBe(true);
        expect(ha.epochs).toHaveLength(2);
        // …and it is not the plain training (the copies were drawn).
        const c = xent.network([20, 7, 3], { seed: 2 });
        await c.train(d, { epochs: 2, batchSize: 8, eta: 0.5, lambda: 1, momentum: 0.5 });
        expect(Array.from(c.parameters())).not.toEqual(Array.from(a.parameters()));
      });
    }

    it('a square image by default; shift 2; bad geometry is an error', async () => {
      const d = images(12, 4, 4, 5, true);
      const a = xent.network([16, 5, 3], { seed: 1 });
      const b = xent.network([16, 5, 3], { seed: 1 });
      await a.train(d, { epochs: 1, batchSize: 5, eta: 0.5, augment: { shift: 2 } });
      await b.train(expandShifted(d, { width: 4, height: 4, shift: 2 }), { epochs: 1, batchSize: 5, eta: 0.5 });
      expect(Array.from(a.parameters())).toEqual(Array.from(b.parameters()));
      const odd = xent.network([15, 5, 3]);
      await expect(odd.train(images(3, 5, 3, 1, true), { epochs: 1, batchSize: 5, eta: 0.5, augment: { shift: 1 } }))
        .rejects.toThrow(/train: augment needs width × height = 15 inputs/);
      await expect(a.train(d, { epochs: 1, batchSize: 5, eta: 0.5, augment: { shift: 0 } })).rejects.toThrow(/augment.shift must be ≥ 1/);
    });
  });
}
