// Result types narrow to the input's layout, and the runtime agrees. `npm test` type-checks this file
// first (tsc -p test): each `const x: T = …` must compile, and each @ts-expect-error must be an error
// (an unused one fails the check), so a type that widens back to a union breaks the suite.
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { createXent, type Packed } from '../src/index.js';
import { backends } from './helpers.js';

for (const backend of backends) {
  describe(`narrowed result types (${backend})`, () => {
    it('a vector gives a number, a batch one value per row in its layout', async () => {
      const xent = await createXent({ backend });
      const h: number = xent.entropy([0.5, 0.5]);
      const rows: number[] = xent.entropy([[0.5, 0.5], [1, 0]]);
      const packed: Float64Array = xent.entropy({ data: new Float64Array([0.5, 0.5, 1, 0]), shape: [2, 2] });
      const ce: number[] = xent.categoricalCrossEntropy([[0.5, 0.5]], [[1, 0]], { reduction: 'none' });
      const sparse: Float64Array = xent.sparseCategoricalCrossEntropy({ data: new Float32Array([1, 2]), shape: [1, 2] }, [0], { fromLogits: true, reduction: 'none' });
      const mean: number = xent.categoricalCrossEntropy([[0.5, 0.5]], [[1, 0]], { labelSmoothing: 0.1 });
      const bce: number[][] = xent.binaryCrossEntropy([[0.5, 0.5]], [[1, 0]], { reduction: 'none' });
      const keras: number[] = xent.binaryCrossEntropy([[0.5, 0.5]], [[1, 0]], { reduction: 'none', compat: 'keras' });
      const ll: number[] = xent.logLoss([0, 1], [0.2, 0.7], { reduction: 'none' });
      // @ts-expect-error a vector's entropy is a number
      const wrong: number[] = xent.entropy([0.5, 0.5]);
      // @ts-expect-error reduction 'none' on a batch is not a number
      const wrong2: number = xent.quadraticCost([[0.5]], [[1]], { reduction: 'none' });
      expect(typeof h).toBe('number');
      expect(typeof mean).toBe('number');
      expect(typeof wrong).toBe('number');
      for (const a of [rows, ce, keras, ll, wrong2]) expect(Array.isArray(a) && typeof a[0] === 'number').toBe(true);
      expect(packed).toBeInstanceOf(Float64Array);
      expect(sparse).toBeInstanceOf(Float64Array);
      expect(Array.isArray(bce[0])).toBe(true);
    });

    it('a Float32Array in gives a Float32Array gradient and activation; matmul keeps number[][]', async () => {
      const xent = await createXent({ backend });
      const g: Float32Array = xent.grad.binaryCrossEntropy(new Float32Array([0.5]), [1]);
      const g64: Float64Array = xent.grad.crossEntropy([1, 0], new Float64Array([0.5, 0.5]));
      const gp: Packed<Float32Array> = xent.grad.categoricalCrossEntropy({ data: new Float32Array([1, 2]), shape: [1, 2] }, [[1, 0]], { fromLogits: true });
      const s: Float32Array = xent.sigmoid(new Float32Array([0]));
      const soft: number[][] = xent.softmax([[1, 2]]);
      const m: number[][] = xent.matmul([[1, 2]], [[3], [4]]);
      const mp: Packed<Float32Array> = xent.matmul({ data: new Float32Array([1, 2]), shape: [1, 2] }, [[3], [4]]);
      const { value, grad } = xent.valueAndGrad.binaryCrossEntropy(new Float32Array([0.5]), [1]);
      const v: number = value;
      const vg: Float32Array = grad;
      const net = xent.network([2, 2], { seed: 1 });
      const p: Float32Array = net.predict(new Float32Array([0, 1]));
      const pn: number[][] = net.predict([[0, 1]]);
      // @ts-expect-error a number[][] product is not packed
      const wrong: Packed = xent.matmul([[1]], [[1]]);
      for (const a of [g, s, vg, p, gp.data, mp.data]) expect(a).toBeInstanceOf(Float32Array);
      expect(g64).toBeInstanceOf(Float64Array);
      for (const a of [soft, m, pn, wrong]) expect(Array.isArray(a) && Array.isArray(a[0])).toBe(true);
      expect(m[0]![0]).toBe(11);
      expect(typeof v).toBe('number');
    });
  });
}

describe('util.inspect (console.log) of instances and networks', () => {
  it('prints one line naming what it is', async () => {
    const ref = await createXent({ backend: 'reference' });
    const wasm = await createXent({ simd: 'plain' });
    expect(inspect(ref)).toBe('[xent reference]');
    expect(inspect(wasm)).toBe(`[xent wasm plain 1 thread gemm ${wasm.kernels!.gemm}]`);
    expect(Object.keys(wasm)).not.toContain('inspect'); // the hook is not part of the API's keys
    const net = wasm.network([784, 30, 10], { cost: 'log-likelihood', hidden: 'relu' });
    expect(inspect(net)).toBe('Network 784-30-10 log-likelihood (relu hidden, softmax output)');
    expect(inspect(ref.network([4, 2]))).toBe('Network 4-2 cross-entropy');
    net.dispose();
    expect(inspect(net)).toBe('Network 784-30-10 log-likelihood (relu hidden, softmax output) [disposed]');
    expect(inspect({ net: ref.network([2, 2]) })).toBe('{ net: Network 2-2 cross-entropy }');
  });
});
