// Issue 10's findings, one block each (#3 use after dispose, #4 values beyond float32, #5 leaks and
// blow-ups, #7 options and overloads, #8 float32 gradients, #9 compat gaps): each test reproduced its
// finding on the code before the fix. Both backends.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Xent } from '../src/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend } from '../src/backend/wasm.js';
import { xentOn } from '../src/xent.js';
import { methodNames, VALID_CALLS } from './calls.js';
import { backends } from './helpers.js';

const MAX_F32 = 3.4028234663852886e38;

/** The error `f` throws (fails the test if it returns). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  expect.fail('expected a throw');
}

for (const backend of backends) {
  describe(`issue 10 (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    describe('#3 use after dispose', () => {
      it('the call table names every method of the instance', () => {
        expect(VALID_CALLS.map(([n]) => n).sort()).toEqual(methodNames(xent));
      });

      it('every method, grad.* and valueAndGrad.* included, throws "<method>: xent: this instance was disposed"', async () => {
        const x = await createXent({ backend });
        const net = x.network([2, 1]);
        for (const [, call] of VALID_CALLS) call(x); // all valid while alive
        x.dispose();
        x.dispose(); // a second dispose is a no-op
        for (const [name, call] of VALID_CALLS) {
          const e = thrown(() => call(x));
          expect(e, name).toBeInstanceOf(RangeError);
          expect(e.message).toBe(`${name}: xent: this instance was disposed`);
        }
        const data = { inputs: Float32Array.from([0, 1]), labels: Uint8Array.from([0]), count: 1, inputSize: 2 };
        for (const [name, call] of [
          ['predict', () => net.predict([0, 1])],
          ['parameters', () => net.parameters()],
          ['toJSON', () => net.toJSON()],
          ['accuracy', () => net.accuracy(data)],
          ['totalCost', () => net.totalCost(data)],
          ['checkpoint', () => net.checkpoint()],
        ] as const) {
          expect(() => call(), name).toThrow(new RangeError(`${name}: xent: this instance was disposed`));
        }
        await expect(net.train(data, { epochs: 1, batchSize: 1, eta: 0.1 })).rejects.toThrow(new RangeError('train: xent: this instance was disposed'));
        expect(x.backend).toBe(backend); // properties stay readable
      });

      it('Backend.disposed is false until dispose(), then true (the reference backend too)', async () => {
        const be = backend === 'wasm' ? await createWasmBackend('plain') : createReferenceBackend();
        expect(be.disposed).toBe(false);
        be.dispose();
        expect(be.disposed).toBe(true);
      });
    });

    describe('#4 values beyond float32', () => {
      it('matmul rejects inputs that are infinite in float32, naming the argument and index', () => {
        expect(() => xent.matmul([[1e39]], [[0]])).toThrow(new RangeError('matmul: a must be finite in float32 (|x| ≤ 3.4028234663852886e+38), got 1e+39 at [0][0]'));
        expect(() => xent.matmul([[1, 0]], { data: new Float64Array([1, -4e38]), shape: [2, 1] })).toThrow(/^matmul: b must be finite in float32 .*-4e\+38 at \[1\]\[0\]/);
        // 3.4028235e38 rounds to the largest float32: accepted.
        expect(xent.matmul([[3.4028235e38]], [[1]])).toEqual([[MAX_F32]]);
      });

      it('matmul of finite float32 inputs whose product overflows is a RangeError, not ±∞ or NaN', () => {
        expect(() => xent.matmul([[1, 1e38]], [[1], [1e38]])).toThrow(/^matmul: the product overflows float32 at \[0\]\[0\]/);
      });

      it('predict inputs and loadNetwork weights must be finite in float32', () => {
        const json = { sizes: [2, 1], weights: [[[0.5, 1e39]]], biases: [[[0]]], cost: 'CrossEntropyCost' as const };
        expect(() => xent.loadNetwork(json)).toThrow(/^loadNetwork: weights\[0\]\[0\]\[1\] must be finite in float32 .*1e\+39/);
        expect(() => xent.loadNetwork({ ...json, weights: [[[0.5, 0]]], biases: [[[-1e300]]] })).toThrow(/^loadNetwork: biases\[0\]\[0\] must be finite in float32/);
        const net = xent.network([2, 1]);
        expect(() => net.predict([1, 5e38])).toThrow(/^predict: input must be finite in float32 .*5e\+38 at index 1/);
        net.dispose();
      });

      it('predict finds a value that is not finite anywhere in a Float32Array batch (checked by the kernel, chunk by chunk)', () => {
        // 600 rows of 7: three chunks of 256 rows (the last one partial), 4200 values, not a multiple of 8.
        const net = xent.network([7, 3, 2], { seed: 1 });
        const rows = 600;
        const x = Float32Array.from({ length: rows * 7 }, (_, i) => ((i * 37) % 101) / 101);
        const live = xent.liveBytes();
        const clean = net.predict({ data: x, shape: [rows, 7] }).data;
        for (const [i, v] of [[0, NaN], [6, Infinity], [255 * 7 + 6, -Infinity], [256 * 7, NaN], [517 * 7 + 3, Infinity], [rows * 7 - 1, NaN]] as const) {
          const bad = x.slice();
          bad[i] = v;
          if (i < rows * 7 - 1) bad[rows * 7 - 1] = v; // a second bad value later: the first is named
          const r = Math.floor(i / 7);
          const e = thrown(() => net.predict({ data: bad, shape: [rows, 7] }));
          expect(e).toBeInstanceOf(RangeError);
          expect(e.message).toBe(`predict: input must be finite, got ${v} at [${r}][${i % 7}]`);
          expect(xent.liveBytes()).toBe(live);
        }
        const vector = Float32Array.from([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, NaN]);
        expect(() => net.predict(vector)).toThrow(/^predict: input must be finite, got NaN at index 6$/);
        expect(net.predict({ data: x, shape: [rows, 7] }).data).toEqual(clean); // the failed calls changed nothing
        net.dispose();
      });

      it('train, accuracy and totalCost name a float32 input that is not finite, also among byte/255 values (scanned at upload, once)', async () => {
        // Network.check leaves float32 inputs' finiteness to uploadChecked, which converts byte/255 values
        // to bytes (finite by construction) and scans the rest: a bad value after many exact bytes must
        // still be named, with the same message checkDataset gives, before anything is trained.
        const count = 200, size = 7;
        const pixels = Float32Array.from({ length: count * size }, (_, i) => ((i * 37) % 256) / 255);
        const labels = Uint8Array.from({ length: count }, (_, i) => i % 2);
        const ok = { inputs: pixels, labels, count, inputSize: size };
        const net = xent.network([size, 3, 2], { seed: 2 });
        const before = net.parameters();
        const live = xent.liveBytes();
        for (const [i, v] of [[0, NaN], [count * size - 1, Infinity], [700, -Infinity]] as const) {
          const bad = { ...ok, inputs: pixels.slice() };
          bad.inputs[i] = v;
          const want = (fn: string, name: string) => `${fn}: ${name}.inputs must be finite, got ${v} at index ${i}`;
          await expect(net.train(bad, { epochs: 1, batchSize: 10, eta: 0.5 })).rejects.toThrow(want('train', 'trainingData'));
          await expect(net.train(ok, { epochs: 1, batchSize: 10, eta: 0.5, evaluationData: bad })).rejects.toThrow(want('train', 'evaluationData'));
          expect(() => net.accuracy(bad)).toThrow(want('accuracy', 'data'));
          expect(() => net.totalCost(bad)).toThrow(want('totalCost', 'data'));
          expect(xent.liveBytes()).toBe(live);
        }
        expect(net.parameters()).toEqual(before); // nothing was trained
        expect(net.epoch).toBe(0);
        await net.train(ok, { epochs: 1, batchSize: 10, eta: 0.5 }); // and the network still trains
        expect(net.parameters()).not.toEqual(before);
        net.dispose();
      });

      it('predict names a bad input whose first-layer weights are all zero, and computes finite inputs whose first product overflows', async () => {
        // The kernel scans a chunk's inputs only when its first product W·x is not all finite: ∞·0 is NaN,
        // so an input no weight reads still shows; a product that overflows from finite inputs is computed.
        const json = {
          sizes: [3, 2, 2], cost: 'CrossEntropyCost' as const,
          weights: [[[1, 0, 2], [1, 0, -1]], [[1, -1], [0.5, 0.25]]], biases: [[[0], [0.5]], [[0.1], [-0.2]]],
        };
        const net = xent.loadNetwork(json);
        const ref = (await createXent({ backend: 'reference' })).loadNetwork(json);
        for (const rows of [1, 5, 100, 300]) { // one row, the direct product, the transposed one, two chunks
          const x = Float32Array.from({ length: rows * 3 }, (_, i) => ((i * 7) % 11) / 11);
          for (const v of [NaN, Infinity, -Infinity]) {
            const bad = x.slice();
            const at = (rows - 1) * 3 + 1; // column 1: both first-layer weights are 0
            bad[at] = v;
            expect(() => net.predict({ data: bad, shape: [rows, 3] }), `${rows} rows, ${v}`).toThrow(
              `predict: input must be finite, got ${v} at [${rows - 1}][1]`);
          }
          const big = x.slice();
          for (let r = 0; r < rows; r += 2) big.set([3e38, 1, 3e38], r * 3); // z = 9e38 and 0: ±∞ in float32
          const got = net.predict({ data: big, shape: [rows, 3] }).data;
          const want = ref.predict({ data: big, shape: [rows, 3] }).data;
          expect(Array.from(got).every(Number.isFinite)).toBe(true);
          for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
        }
        net.dispose();
      });
    });

    describe('#5 leaks and blow-ups', () => {
      it('a network too large for any backend fails before allocating its weights', () => {
        const t0 = performance.now();
        expect(() => xent.network([40000, 30000])).toThrow(/^network: sizes \[40000,30000\] need 1200030000 parameters, more than the 268435456/);
        expect(performance.now() - t0).toBeLessThan(1000);
      });

      it('predict reports a float32 overflow inside the network instead of returning NaN or a saturated guess', () => {
        const json = { sizes: [1, 2, 1], weights: [[[3e38], [-3e38]], [[3e38, 3e38]]], biases: [[[0], [0]], [[0]]], cost: 'CrossEntropyCost' as const, hidden: 'relu' as const };
        const net = xent.loadNetwork(json);
        expect(() => net.predict([[0], [3e38]])).toThrow(/^predict: the output layer's input overflows float32 .*z = Infinity for example 1, output 0/);
        expect((net.predict([[0]]) as number[][])[0]![0]).toBe(0.5);
        net.dispose();
      });

      it('an empty [2²⁸, 0] batch fails fast instead of allocating per row', () => {
        const t0 = performance.now();
        const big = { data: new Float64Array(0), shape: [2 ** 28, 0] as const };
        expect(() => xent.quadraticCost(big, big)).toThrow(/^quadraticCost: predictions\.shape \[268435456,0\] holds no values but 268435456 rows/);
        expect(() => xent.entropy(big, { compat: 'scipy', normalize: false })).toThrow(/^entropy: p\.shape/);
        expect(performance.now() - t0).toBeLessThan(1000);
      });

      it('matmul of empty [65536,0]×[0,65536] (a 2³²-value result) fails fast with the function name', () => {
        const a = { data: new Float32Array(0), shape: [65536, 0] as const };
        const b = { data: new Float32Array(0), shape: [0, 65536] as const };
        expect(() => xent.matmul(a, b)).toThrow(/^matmul: op\(a\)·op\(b\) is 65536×65536 \(inner 0\).*more than the \d+-byte limit/);
      });

      it('packed shapes beyond i32 are rejected', () => {
        expect(() => xent.softmax({ data: new Float64Array(0), shape: [0, 2 ** 31] })).toThrow(/^softmax: z\.shape \[0,2147483648\] is too large/);
      });
    });

    describe('#7 options and overloads', () => {
      it('a polluted Object.prototype changes no default', () => {
        const proto = Object.prototype as Record<string, unknown>;
        const want = [
          xent.binaryCrossEntropy([0.25, 0.5], [1, 0]),
          xent.categoricalCrossEntropy([[1, 2]], [[0, 1]], { fromLogits: true }),
          xent.entropy([0.5, 0.5]),
          xent.logLoss([0, 1], [0.25, 0.75]),
        ];
        const pollution = { reduction: 'sum', fromLogits: true, compat: 'torch', base: 2, normalize: true, epsilon: 0.1, output: 'softmax', cost: 'quadratic', data: 1, shape: [1, 1] };
        try {
          Object.assign(proto, pollution);
          const got = [
            xent.binaryCrossEntropy([0.25, 0.5], [1, 0]),
            xent.categoricalCrossEntropy([[1, 2]], [[0, 1]], { fromLogits: true }),
            xent.entropy([0.5, 0.5]),
            xent.logLoss([0, 1], [0.25, 0.75]),
          ];
          const net = xent.network([2, 1]);
          const loaded = xent.loadNetwork({ sizes: [2, 1], weights: [[[0, 0]]], biases: [[[0]]], cost: 'CrossEntropyCost' });
          for (const n of Object.keys(pollution)) delete proto[n];
          expect(got).toEqual(want);
          expect([net.cost, net.output, loaded.output]).toEqual(['cross-entropy', 'sigmoid', 'sigmoid']);
        } finally {
          for (const n of Object.keys(pollution)) delete proto[n];
        }
      });

      it('a polluted Object.prototype changes no training default', async () => {
        const data = { inputs: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), labels: Uint8Array.from([0, 1, 1, 0]), count: 4, inputSize: 2 };
        const trained = async () => {
          const net = xent.network([2, 3, 2], { seed: 7 });
          await net.train(data, { epochs: 2, batchSize: 2, eta: 0.5 });
          const p = net.parameters();
          net.dispose();
          return p;
        };
        const want = await trained();
        const proto = Object.prototype as Record<string, unknown>;
        const pollution = { momentum: 0.9, lambda: 5, optimizer: 'adam', dropout: 0.5, labelSmoothing: 0.2, seed: 99, regularization: 'l1' };
        let got: Float32Array;
        try {
          Object.assign(proto, pollution);
          got = await trained();
        } finally {
          for (const n of Object.keys(pollution)) delete proto[n];
        }
        expect(Array.from(got)).toEqual(Array.from(want));
      });

      it('perplexity(p, options, options) is a TypeError; the two documented forms still work', () => {
        expect(() => xent.perplexity([0.5, 0.5], { base: 2 } as never, { normalize: true })).toThrow(
          new TypeError('perplexity: q must be a distribution when options are passed as the third argument, got an object'),
        );
        expect(xent.perplexity([0.5, 0.5], { base: 2 })).toBeCloseTo(2, 14);
        expect(xent.perplexity([1, 1], [1, 3], { normalize: true })).toBeCloseTo(Math.exp(-0.5 * Math.log(0.25) - 0.5 * Math.log(0.75)), 14);
      });
    });

    describe('#8 float32 gradients saturate', () => {
      it('gradients at probabilities of exactly 0 or 1 are ±3.4028235e38 in a Float32Array, not ±∞', () => {
        const g = xent.grad.binaryCrossEntropy(new Float32Array([0, 1, 0.5]), new Float32Array([1, 0, 1]), { reduction: 'sum' }) as Float32Array;
        expect(g).toBeInstanceOf(Float32Array);
        expect(Array.from(g)).toEqual([-MAX_F32, MAX_F32, -2]);
        const c = xent.grad.categoricalCrossEntropy(new Float32Array([0, 1]), new Float32Array([1, 0])) as Float32Array;
        expect(Array.from(c)).toEqual([-MAX_F32, 0]);
      });

      it('a zero weight makes a term exactly 0 even where it is infinite (never 0·∞ = NaN)', () => {
        expect(xent.grad.binaryCrossEntropy([0, 0.5], [1, 1], { weights: [0, 1], posWeight: 10 })).toEqual([0, -20]);
        expect(xent.binaryCrossEntropy([-Infinity, 0], [1, 1], { fromLogits: true, weights: [0, 1], reduction: 'none' })).toEqual([0, Math.log(2)]);
        expect(xent.grad.categoricalCrossEntropy([[0, 1], [0.5, 0.5]], [[1, 0], [1, 0]], { weights: [0, 1], classWeights: [10, 1] })).toEqual([[0, 0], [-2, 0]]);
        expect(xent.categoricalCrossEntropy([[-Infinity, 1], [0, 0]], [[1, 0], [1, 0]], { fromLogits: true, weights: [0, 1], reduction: 'none' })).toEqual([0, Math.log(2)]);
        expect(xent.categoricalCrossEntropy([[0, 1], [0.5, 0.5]], [[1, 0], [1, 0]], { weights: [0, 1], compat: 'torch', reduction: 'none' })).toEqual([0, Math.log(2)]);
        expect(xent.quadraticCost([[1e300], [1]], [[-1e300], [0]], { weights: [0, 2], reduction: 'sum' })).toBe(1);
      });

      it('grad.entropy at p = 0 is +Infinity (the exact value, documented), in float64 and float32', () => {
        expect((xent.grad.entropy([0, 1]) as number[])[0]).toBe(Infinity);
        expect((xent.grad.entropy(new Float32Array([0, 1])) as Float32Array)[0]).toBe(Infinity);
      });
    });

    describe('#9 compat gaps', () => {
      it('softmax and logSoftmax accept −∞ logits: probability exactly 0, log-probability −∞ (PyTorch)', () => {
        const e = Math.E;
        expect(xent.softmax([0, -Infinity, 1])).toEqual([expect.closeTo(1 / (1 + e), 14), 0, expect.closeTo(e / (1 + e), 14)]);
        expect((xent.logSoftmax([[0, -Infinity, 1]]) as number[][])[0]![1]).toBe(-Infinity);
        expect((xent.logSoftmax([[0, -Infinity, 1]]) as number[][])[0]![0]).toBeCloseTo(-Math.log(1 + e), 14);
        const f = xent.softmax(new Float32Array([-Infinity, 3, -Infinity])) as Float32Array;
        expect(Array.from(f)).toEqual([0, 1, 0]);
        expect(xent.sigmoid([-Infinity, 0])).toEqual([0, 0.5]);
        expect(Array.from(xent.sigmoid(new Float32Array([-Infinity, 1, 2, 3, -Infinity])) as Float32Array)[4]).toBe(0);
        expect(() => xent.softmax([0, Infinity])).toThrow(/^softmax: z must be finite, got Infinity/);
        expect(() => xent.softmax([NaN, 0])).toThrow(/^softmax: z must be finite, got NaN/);
      });

      it('masked logits anywhere in a wide row (the SIMD lanes and the tail), float32 and float64', () => {
        for (const cols of [5, 8, 9, 17]) {
          const z = Array.from({ length: cols }, (_, k) => (k % 3 === 1 ? -Infinity : k / 4));
          const kept = z.filter((v) => v > -Infinity);
          const m = Math.max(...kept);
          const s = kept.reduce((a, v) => a + Math.exp(v - m), 0);
          const want = z.map((v) => (v === -Infinity ? 0 : Math.exp(v - m) / s));
          const wantLog = z.map((v) => (v === -Infinity ? -Infinity : v - m - Math.log(s)));
          for (const input of [z, Float32Array.from(z)]) {
            const tol = input instanceof Float32Array ? 2e-6 : 1e-14;
            const got = Array.from(xent.softmax(input) as ArrayLike<number>);
            const gotLog = Array.from(xent.logSoftmax(input) as ArrayLike<number>);
            got.forEach((v, k) => (want[k] === 0 ? expect(v).toBe(0) : expect(Math.abs(v - want[k]!)).toBeLessThan(tol)));
            gotLog.forEach((v, k) => (wantLog[k] === -Infinity ? expect(v).toBe(-Infinity) : expect(Math.abs(v - wantLog[k]!)).toBeLessThan(tol * 4)));
          }
          const labels = [0];
          const ce = xent.sparseCategoricalCrossEntropy([z], labels, { fromLogits: true }) as number;
          expect(ce).toBeCloseTo(-wantLog[0]!, 12);
        }
      });

      it('from-logits losses accept −∞: finite loss when the target class is finite, +∞ when it is the −∞ one', () => {
        const e = Math.E;
        // torch.nn.functional.cross_entropy([[0, -inf, 1]], [0]) = log(1 + e).
        expect(xent.sparseCategoricalCrossEntropy([[0, -Infinity, 1]], [0], { fromLogits: true })).toBeCloseTo(Math.log(1 + e), 14);
        expect(xent.categoricalCrossEntropy([[0, -Infinity, 1]], [[1, 0, 0]], { fromLogits: true })).toBeCloseTo(Math.log(1 + e), 14);
        expect(xent.sparseCategoricalCrossEntropy([[0, -Infinity, 1]], [1], { fromLogits: true })).toBe(Infinity);
        const g = xent.grad.sparseCategoricalCrossEntropy([[0, -Infinity, 1]], [0], { fromLogits: true }) as number[][];
        expect(g[0]![0]).toBeCloseTo(1 / (1 + e) - 1, 14);
        expect(g[0]![1]).toBe(0);
        expect(g[0]![2]).toBeCloseTo(e / (1 + e), 14);
        expect(xent.binaryCrossEntropy([-Infinity, -Infinity], [0, 1], { fromLogits: true, reduction: 'none' })).toEqual([0, Infinity]);
        expect(xent.grad.binaryCrossEntropy([-Infinity, -Infinity], [0, 1], { fromLogits: true, reduction: 'sum' })).toEqual([0, -1]);
      });

      it("compat 'keras' renormalises categorical rows: [2, 1, 1] is [0.5, 0.25, 0.25]", () => {
        expect(xent.categoricalCrossEntropy([[2, 1, 1]], [[1, 0, 0]], { compat: 'keras' })).toBeCloseTo(Math.log(2), 14);
        expect(xent.sparseCategoricalCrossEntropy([[2, 1, 1]], [1], { compat: 'keras' })).toBeCloseTo(Math.log(4), 14);
        expect(() => xent.categoricalCrossEntropy([[2, -1, 1]], [[1, 0, 0]], { compat: 'keras' })).toThrow(/^categoricalCrossEntropy: predictions must be probabilities.*-1 at \[0\]\[1\]/);
        expect(() => xent.categoricalCrossEntropy([[0, 0]], [[1, 0]], { compat: 'keras' })).toThrow(/row 0 sums to 0/);
        expect(() => xent.categoricalCrossEntropy([[2, 1, 1]], [[1, 0, 0]])).toThrow(RangeError);
      });
    });
  });
}

describe('#5 a failed allocation frees what the call allocated (wasm)', () => {
  it('matmul that runs out of WebAssembly memory leaves liveBytes unchanged and names matmul', async () => {
    const be = await createWasmBackend('plain');
    const x = xentOn(be, 'plain');
    // Hold most of the 4 GiB address space (virtual: never touched), leaving room for A and B only.
    const hold = be.alloc('u8', 4 * 2 ** 30 - 2 ** 22);
    const before = x.liveBytes();
    const a = { data: new Float32Array(256 * 256).fill(1), shape: [256, 256] as const }; // 256 KiB
    for (let i = 0; i < 3; i++) {
      const e = thrown(() => x.matmul(a, { data: new Float32Array(256 * 4096), shape: [256, 4096] }));
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(/^matmul: xent: out of WebAssembly memory/);
      expect(x.liveBytes()).toBe(before);
    }
    hold.free();
    x.dispose();
  });

  it('a network method that runs out of memory names itself and frees what it allocated', async () => {
    const be = await createWasmBackend('plain');
    const x = xentOn(be, 'plain');
    const net = x.network([4, 2]);
    const count = 196_608; // 3 MiB of float32 inputs fit in what is left; their logits do not
    const data = { inputs: new Float32Array(count * 4).fill(0.3), labels: new Uint8Array(count), count, inputSize: 4 };
    const hold = be.alloc('u8', 4 * 2 ** 30 - 2 ** 22);
    const before = x.liveBytes();
    for (const [name, call] of [['accuracy', () => net.accuracy(data)], ['totalCost', () => net.totalCost(data)]] as const) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(RangeError);
      expect(e.message).toMatch(new RegExp(`^${name}: xent: out of WebAssembly memory`));
      expect(x.liveBytes()).toBe(before);
    }
    const big = { inputs: new Float32Array(2 * count * 4).fill(0.3), labels: new Uint8Array(2 * count), count: 2 * count, inputSize: 4 };
    await expect(net.train(big, { epochs: 1, batchSize: 10, eta: 0.1 })).rejects.toThrow(/^train: xent: out of WebAssembly memory/);
    hold.free();
    net.dispose();
    expect(x.liveBytes()).toBe(0);
    x.dispose();
  });
});

describe('#5 loadMnist with a hostile .gz', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'xent-gz-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** An IDX header (u8) with these dimensions. */
  function header(dims: number[]): Uint8Array {
    const h = new Uint8Array(4 + 4 * dims.length);
    h.set([0, 0, 0x08, dims.length]);
    dims.forEach((d, i) => new DataView(h.buffer).setUint32(4 + 4 * i, d, false));
    return h;
  }

  /** A directory whose training images are `images` (gzip bytes) and whose other files are tiny and valid. */
  async function dirWith(name: string, images: Uint8Array): Promise<string> {
    const dir = path.join(root, name);
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dir);
    const labels = (n: number) => Buffer.concat([header([n]), new Uint8Array(n)]);
    const pics = (n: number) => Buffer.concat([header([n, 2, 2]), new Uint8Array(4 * n)]);
    await writeFile(path.join(dir, 'train-images-idx3-ubyte.gz'), images);
    await writeFile(path.join(dir, 'train-labels-idx1-ubyte'), labels(10));
    await writeFile(path.join(dir, 't10k-images-idx3-ubyte'), pics(2));
    await writeFile(path.join(dir, 't10k-labels-idx1-ubyte'), labels(2));
    return dir;
  }

  it('stops decompressing once the stream exceeds the size its IDX header declares', async () => {
    // Declares 10 images of 2×2 (56 bytes) but inflates to 64 MiB of zeros from ~64 KiB of gzip.
    const gz = gzipSync(Buffer.concat([header([10, 2, 2]), new Uint8Array(64 * 2 ** 20)]));
    const dir = await dirWith('trailing', gz);
    const rss = process.memoryUsage().rss;
    await expect(loadMnist({ dir, validationSize: 2 })).rejects.toThrow(/^loadMnist: .*train-images-idx3-ubyte\.gz: decompresses to more than the 56 bytes its IDX header declares/);
    expect(process.memoryUsage().rss - rss).toBeLessThan(48 * 2 ** 20);
  });

  it('rejects a header that declares more than the compressed bytes can inflate to, before decompressing it', async () => {
    const gz = gzipSync(Buffer.concat([header([60000, 2000, 2000]), new Uint8Array(100)]));
    const dir = await dirWith('huge', gz);
    await expect(loadMnist({ dir, validationSize: 2 })).rejects.toThrow(/^loadMnist: .*: its IDX header declares 240000000016 bytes, more than \d+ compressed bytes can hold/);
  });

  it('names loadMnist and the file on a corrupt gzip stream ("unknown compression method")', async () => {
    const dir = await dirWith('corrupt', Uint8Array.from([0x1f, 0x8b, 0x07, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8]));
    await expect(loadMnist({ dir, validationSize: 2 })).rejects.toThrow(/^loadMnist: .*train-images-idx3-ubyte\.gz: cannot decompress \(unknown compression method\)/);
  });

  it('a polluted Object.prototype does not set loadMnist options', async () => {
    const gz = gzipSync(Buffer.concat([header([10, 2, 2]), new Uint8Array(40)]));
    const dir = await dirWith('polluted', gz);
    const proto = Object.prototype as Record<string, unknown>;
    try {
      proto.trainingSize = 3;
      proto.bytes = true;
      const m = await loadMnist({ dir, validationSize: 2 });
      delete proto.trainingSize;
      delete proto.bytes;
      expect(m.training.count).toBe(8);
      expect(m.training.inputs).toBeInstanceOf(Float32Array);
    } finally {
      delete proto.trainingSize;
      delete proto.bytes;
    }
  });
});
