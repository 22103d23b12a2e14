// Networks on both backends: determinism, wasm vs reference, whole-network gradient checks by finite
// differences, network2.py's JSON format, learning, and the single-neuron demonstration of chapter 3.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createXent, type Dataset, type NetworkJSON, type NetworkOptions, type TrainOptions, type Xent } from '../src/index.js';
import { firstBitDifference, mulberry32 as rng } from './helpers.js';

/** A synthetic classification set: `count` points of `inputSize` features, class = a fixed linear rule. */
function blobs(count: number, inputSize: number, classes: number, seed: number, oneHot = false): Dataset {
  const r = rng(seed);
  const inputs = new Float32Array(count * inputSize);
  const labels = oneHot ? new Float32Array(count * classes) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % classes;
    for (let k = 0; k < inputSize; k++) inputs[i * inputSize + k] = (k % classes === c ? 0.8 : 0.1) + 0.2 * r();
    if (oneHot) labels[i * classes + c] = 1;
    else labels[i] = c;
  }
  return { inputs, labels, count, inputSize };
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** An independent float64 forward pass over network2.py's JSON (sigmoid units). */
function forward64(json: NetworkJSON, x: number[]): number[] {
  let a = x;
  json.weights.forEach((w, l) => {
    a = w.map((row, j) => sigmoid(row.reduce((s, wk, k) => s + wk * a[k]!, 0) + json.biases[l]![j]![0]!));
  });
  return a;
}

for (const backend of ['reference', 'wasm'] as const) {
  describe(`network (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    it('same seed gives the same initial weights and the same weights after training', async () => {
      const data = blobs(200, 6, 3, 1);
      const run = async () => {
        const net = xent.network([6, 5, 3], { seed: 42 });
        const before = net.parameters();
        await net.train(data, { epochs: 3, batchSize: 10, eta: 0.5, lambda: 0.1 });
        const after = net.parameters();
        net.dispose();
        return { before, after };
      };
      const a = await run();
      const b = await run();
      expect(a.before).toEqual(b.before);
      expect(a.after).toEqual(b.after);
      expect(a.after).not.toEqual(a.before);
      const other = xent.network([6, 5, 3], { seed: 43 });
      expect(other.parameters()).not.toEqual(a.before);
      other.dispose();
    });

    it('trains the same on bytes (Uint8Array inputs standing for byte/255) as on the float32 pixels', async () => {
      const r = rng(4);
      // 40 inputs: the WASM conversion takes 16 bytes at a time, then one by one; every byte value occurs
      // in both parts, in rows gathered four at a time and one at a time (batches of 7).
      const size = 40;
      const bytes = Uint8Array.from({ length: 300 * size }, (_, i) => (i % 50 === 0 ? 0 : Math.floor(r() * 256)));
      const seen = [new Set<number>(), new Set<number>()];
      bytes.forEach((b, i) => seen[i % size < 32 ? 0 : 1]!.add(b));
      expect(seen.map((s) => s.size)).toEqual([256, 256]);
      const labels = Uint8Array.from({ length: 300 }, (_, i) => i % 3);
      const asBytes: Dataset = { inputs: bytes, labels, count: 300, inputSize: size };
      // Float32 byte/255 values are stored on the backend as the bytes (exactBytes); with −0 for the zero
      // pixels they are not (−0 is no byte/255), so the float32 gather runs. −0 and 0 contribute the same
      // to every weighted sum and weight gradient, so all three train to the same bits.
      const asFloats: Dataset = { inputs: Float32Array.from(bytes, (b) => b / 255), labels, count: 300, inputSize: size };
      const asFloatsKept: Dataset = { inputs: Float32Array.from(bytes, (b) => (b === 0 ? -0 : b / 255)), labels, count: 300, inputSize: size };
      const net0 = xent.network([size, 7, 3], { seed: 8 });
      expect(net0.upload('t', 'd', asFloats).inputs.type).toBe('u8');
      expect(net0.upload('t', 'd', asFloatsKept).inputs.type).toBe('f32');
      net0.dispose();
      const train = async (d: Dataset) => {
        const net = xent.network([size, 7, 3], { seed: 8 });
        await net.train(d, { epochs: 2, batchSize: 7, eta: 0.4, lambda: 0.2 });
        const p = net.parameters();
        expect(net.accuracy(d)).toBe(net.accuracy(asFloats));
        net.dispose();
        return p;
      };
      const fromBytes = await train(asBytes);
      expect(await train(asFloats)).toEqual(fromBytes);
      expect(await train(asFloatsKept)).toEqual(fromBytes);
    });

    it('stores float32 byte/255 inputs as bytes slice by slice: the same training as from bytes, f32 when a late value is no byte/255', async () => {
      // 150,000 values: nine full slices of 16,384 and a partial tenth on the WASM backend (uploadExactBytes)
      const r = rng(11);
      const count = 100, size = 1500;
      const bytes = Uint8Array.from({ length: count * size }, () => Math.floor(r() * 256));
      bytes[140_000] = 0;
      const labels = Uint8Array.from({ length: count }, (_, i) => i % 3);
      const floats = Float32Array.from(bytes, (b) => b / 255);
      const late = floats.slice();
      late[140_000] = -0; // in the ninth slice, after eight have been written
      const train = async (inputs: Uint8Array | Float32Array) => {
        const net = xent.network([size, 4, 3], { seed: 5 });
        await net.train({ inputs, labels, count, inputSize: size }, { epochs: 1, batchSize: 10, eta: 0.5 });
        const p = net.parameters();
        net.dispose();
        return p;
      };
      const net0 = xent.network([size, 4, 3], { seed: 5 });
      expect(net0.upload('t', 'd', { inputs: floats, labels, count, inputSize: size }).inputs.type).toBe('u8');
      expect(net0.upload('t', 'd', { inputs: late, labels, count, inputSize: size }).inputs.type).toBe('f32');
      net0.dispose();
      const fromBytes = await train(bytes);
      expect(await train(floats)).toEqual(fromBytes);
      expect(await train(late)).toEqual(fromBytes); // −0 weighs as 0
    });

    it('initialises weights ~ N(0, 1/n_in) by default and N(0, 1) with init large', () => {
      const sizes = [400, 100, 10];
      const stats = (init: 'default' | 'large') => {
        const net = xent.network(sizes, { init, seed: 7 });
        const w = net.weights()[0]!.flat();
        const b = net.biases()[0]!;
        net.dispose();
        const variance = (v: number[]) => v.reduce((s, x) => s + x * x, 0) / v.length;
        return { w: variance(w), b: variance(b) };
      };
      const d = stats('default');
      const l = stats('large');
      expect(d.w).toBeGreaterThan(0.9 / 400);
      expect(d.w).toBeLessThan(1.1 / 400);
      expect(l.w).toBeGreaterThan(0.95);
      expect(l.w).toBeLessThan(1.05);
      expect(d.b).toBeGreaterThan(0.6);
      expect(d.b).toBeLessThan(1.4);
    });

    for (const [cost, hidden] of [
      ['cross-entropy', 'sigmoid'],
      ['quadratic', 'tanh'],
      ['log-likelihood', 'relu'],
    ] as const) {
      it(`one full-batch step equals −η·∇(total cost) by finite differences (${cost}, ${hidden} hidden, L2)`, async () => {
        const data = blobs(8, 4, 3, 5, cost === 'quadratic');
        const net = xent.network([4, 5, 3], { cost, hidden, seed: 3 });
        const json = net.toJSON();
        const lambda = 0.3;
        const total = (j: NetworkJSON) => {
          const n = xent.loadNetwork(j);
          const c = n.totalCost(data, { lambda });
          n.dispose();
          return c;
        };
        const eta = 1e-3;
        const before = net.parameters();
        await net.train(data, { epochs: 1, batchSize: data.count, eta, lambda });
        const step = net.parameters().map((v, i) => (before[i]! - v) / eta); // = ∇(total cost)
        let i = 0;
        let checked = 0;
        const h = 1e-2;
        for (let l = 0; l < json.weights.length; l++) {
          const rows = json.weights[l]!;
          for (let j = 0; j < rows.length; j++) {
            for (let k = 0; k <= rows[j]!.length; k++) {
              // k < n_in: a weight; k = n_in: stands for the bias (biases follow the layer's weights)
              const isBias = k === rows[j]!.length;
              const idx = isBias ? i + rows.length * rows[j]!.length + j : i + j * rows[j]!.length + k;
              const get = (q: NetworkJSON) => (isBias ? q.biases[l]![j]! : q.weights[l]![j]!);
              const pos = isBias ? 0 : k;
              const plus = structuredClone(json);
              const minus = structuredClone(json);
              get(plus)[pos]! += h;
              get(minus)[pos]! -= h;
              const fd = (total(plus) - total(minus)) / (2 * h);
              expect(Math.abs(step[idx]! - fd), `layer ${l} neuron ${j} input ${k}`).toBeLessThan(2e-3 + 2e-2 * Math.abs(fd));
              checked++;
            }
          }
          i += rows.length * rows[0]!.length + rows.length;
        }
        expect(checked).toBe(4 * 5 + 5 + 5 * 3 + 3);
        net.dispose();
      });
    }

    it('learns a separable problem (cross-entropy, log-likelihood, momentum, dropout, L1)', async () => {
      const train = blobs(600, 8, 4, 11);
      const test = blobs(200, 8, 4, 12);
      for (const [opts, netOpts] of [
        [{ eta: 0.5 }, {}],
        [{ eta: 0.1 }, { cost: 'log-likelihood' as const }],
        [{ eta: 0.05, momentum: 0.9 }, {}],
        [{ eta: 0.5, dropout: 0.2 }, {}],
        [{ eta: 0.5, lambda: 0.01, regularization: 'l1' as const }, {}],
      ] as [Omit<TrainOptions, 'epochs' | 'batchSize'>, NetworkOptions][]) {
        const net = xent.network([8, 16, 4], { seed: 2, ...netOpts });
        const start = net.accuracy(test);
        const history = await net.train(train, { epochs: 10, batchSize: 10, evaluationData: test, ...opts });
        expect(history.epochs).toHaveLength(10);
        expect(history.evaluationAccuracy.at(-1), JSON.stringify(opts)).toBeGreaterThan(0.95);
        expect(net.accuracy(test)).toBe(history.evaluationAccuracy.at(-1));
        expect(start).toBeLessThan(0.9);
        net.dispose();
      }
    });

    it('monitors what it is asked, stops early, follows the schedule, honours onEpoch and abort', async () => {
      const train = blobs(300, 8, 4, 21);
      const test = blobs(100, 8, 4, 22);
      const net = xent.network([8, 6, 4], { seed: 5 });
      const h = await net.train(train, {
        epochs: 3, batchSize: 10, eta: 0.5, lambda: 1, evaluationData: test,
        monitor: { evaluationAccuracy: true, evaluationCost: true, trainingAccuracy: true, trainingCost: true },
      });
      expect(h.trainingCost).toHaveLength(3);
      expect(h.evaluationCost[2]).toBeCloseTo(net.totalCost(test, { lambda: 1 }), 5);
      expect(h.trainingAccuracy[2]).toBeCloseTo(net.accuracy(train), 10);
      for (const e of h.epochs) expect(e.seconds).toBeGreaterThan(0);
      // A learning rate this small never improves on epoch 1 in accuracy terms for long: early stopping fires.
      const stuck = await net.train(train, { epochs: 50, batchSize: 10, eta: 1e-9, evaluationData: test, earlyStopping: { patience: 2 } });
      expect(stuck.stopped).toBe('early-stopping');
      expect(stuck.epochs).toHaveLength(3);
      const sched = await net.train(train, { epochs: 50, batchSize: 10, eta: 1e-9, evaluationData: test, schedule: { patience: 1, factor: 2, minEta: 1e-9 / 4 } });
      expect(sched.stopped).toBe('schedule');
      // epoch 1 sets the best; each later epoch fails to improve, so η halves after it; the halving that
      // reaches minEta = η₀/4 ends the run without training at it (the book's rule).
      expect(sched.epochs.map((e) => e.eta)).toEqual([1e-9, 1e-9, 1e-9 / 2]);
      let calls = 0;
      const cb = await net.train(train, { epochs: 5, batchSize: 10, eta: 0.1, onEpoch: () => ++calls < 2 });
      expect(cb.stopped).toBe('callback');
      expect(cb.epochs).toHaveLength(2);
      const controller = new AbortController();
      const progress: number[] = [];
      const ab = await net.train(train, {
        epochs: 5, batchSize: 10, eta: 0.1, signal: controller.signal,
        onProgress: ({ done }) => {
          progress.push(done);
          if (done >= 10) controller.abort();
        },
      });
      expect(ab.stopped).toBe('aborted');
      expect(ab.epochs).toHaveLength(0);
      expect(progress[0]).toBeGreaterThan(0);
      net.dispose();
    });

    it("loads a file in network2.py's format and predicts what network2.py computes", () => {
      const json = JSON.parse(readFileSync(new URL('./fixtures/network2-3-4-2.json', import.meta.url), 'utf8')) as NetworkJSON;
      const net = xent.loadNetwork(JSON.stringify(json));
      expect(net.cost).toBe('cross-entropy');
      const x = [0.5, -1, 2];
      const expected = forward64(json, x);
      const got = net.predict(x) as number[];
      expect(got).toHaveLength(2);
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 6));
      const back = net.toJSON();
      expect(back.sizes).toEqual(json.sizes);
      expect(back.biases[0]![0]).toHaveLength(1); // column vectors, as numpy writes them
      back.weights.flat(2).forEach((v, i) => expect(v).toBeCloseTo(json.weights.flat(2)[i]!, 6));
      net.dispose();
    });

    it('rejects corrupt model files with an error naming the field', () => {
      const good = JSON.parse(readFileSync(new URL('./fixtures/network2-3-4-2.json', import.meta.url), 'utf8')) as NetworkJSON;
      expect(() => xent.loadNetwork('{"sizes": [3, 4')).toThrow(/^loadNetwork: model is not valid JSON/);
      expect(() => xent.loadNetwork({ ...good, cost: 'Nope' } as never)).toThrow(/loadNetwork: cost must be one of/);
      expect(() => xent.loadNetwork({ ...good, sizes: [3, 5, 2] })).toThrow(/loadNetwork: weights\[0\] must be a 5×3 matrix/);
      const bad = structuredClone(good);
      bad.weights[1]![0]![2] = null as never;
      expect(() => xent.loadNetwork(bad)).toThrow(/loadNetwork: weights\[1\]\[0\]\[2\] must be a finite number/);
      const { biases: _b, ...noBiases } = good;
      expect(() => xent.loadNetwork(noBiases as never)).toThrow(/loadNetwork: model has no "biases" field/);
    });

    it('chapter 3: from a saturated start, cross-entropy learns where the quadratic cost crawls', async () => {
      // One sigmoid neuron, input 1, target 0, w = 2, b = 2 (output 0.98); the same η for both costs.
      const data: Dataset = { inputs: Float32Array.of(1), labels: Float32Array.of(0), count: 1, inputSize: 1 };
      const outputAfter = async (cost: 'cross-entropy' | 'quadratic') => {
        const net = xent.loadNetwork({ sizes: [1, 1], weights: [[[2]]], biases: [[[2]]], cost: cost === 'quadratic' ? 'QuadraticCost' : 'CrossEntropyCost' });
        await net.train(data, { epochs: 30, batchSize: 1, eta: 0.15 });
        const out = (net.predict([1]) as number[])[0]!;
        net.dispose();
        return out;
      };
      const start = sigmoid(4);
      const ce = await outputAfter('cross-entropy');
      const quad = await outputAfter('quadratic');
      expect(start - quad).toBeLessThan(0.02); // the quadratic cost's gradient carries σ'(z) ≈ 0.018
      expect(ce).toBeLessThan(0.3); // the cross-entropy's does not
      expect(start - ce).toBeGreaterThan(20 * (start - quad));
    });

    it('validates its arguments', async () => {
      expect(() => xent.network([784])).toThrow(/^network: sizes must be an array of at least 2/);
      expect(() => xent.network([784, 0, 10])).toThrow(/^network: sizes\[1\] must be a positive integer/);
      expect(() => xent.network([4, 2], { cost: 'log-likelihood', output: 'sigmoid' })).toThrow(/^network: cost 'log-likelihood' needs output 'softmax'/);
      expect(() => xent.network([4, 2], { bogus: 1 } as never)).toThrow(/^network: unknown option "bogus"/);
      const net = xent.network([4, 3, 2]);
      await expect(net.train(blobs(10, 5, 2, 1), { epochs: 1, batchSize: 2, eta: 1 })).rejects.toThrow(/^train: trainingData.inputSize must be 4/);
      await expect(net.train(blobs(10, 4, 2, 1), { epochs: 1, batchSize: 0, eta: 1 })).rejects.toThrow(/^train: batchSize must be ≥ 1/);
      await expect(net.train(blobs(10, 4, 3, 1), { epochs: 1, batchSize: 2, eta: 1 })).rejects.toThrow(/^train: trainingData.labels/);
      expect(() => net.predict([1, 2, 3])).toThrow(/^predict: input must have 4 values per example/);
      net.dispose();
      expect(() => net.predict([1, 2, 3, 4])).toThrow(/^predict: this network was disposed/);
    });
  });
}

for (const simd of ['plain', 'relaxed'] as const) describe(`network: wasm (${simd} SIMD) vs reference`, () => {
  it('predict of one example equals its row of a batch of 300 to the bit (a layer takes the same GEMM path either way)', async () => {
    // One row: A·Wᵀ with m = 1; a batch of ≥ 64 rows: W·Aᵀ. Both are A·Bᵀ products with the operands
    // stored along k, which take the dot path when k ≥ 128 or a side is small (assembly/matmul.ts
    // useDotPath); before that rule 784-100-10's batch took the packed path and 781 of 3,000 outputs
    // differed in their last bits from the row-by-row ones.
    const w = await createXent({ backend: 'wasm', simd });
    const r = rng(21);
    for (const sizes of [[784, 100, 10], [784, 30, 10], [300, 64, 20, 5]]) {
      const net = w.network(sizes, { seed: 3 });
      const n = 300, d = sizes[0]!, K = sizes.at(-1)!;
      const x = Float32Array.from({ length: n * d }, () => r());
      const batch = net.predict({ data: x, shape: [n, d] }).data;
      const rows = new Float32Array(n * K);
      for (let i = 0; i < n; i++) rows.set(net.predict(x.subarray(i * d, (i + 1) * d)), i * K);
      expect(firstBitDifference(rows, batch), sizes.join('-')).toBe(-1);
      net.dispose();
    }
    w.dispose();
  });

  it('agree within float32 tolerance after 100 mini-batch steps, and two networks do not interfere', async () => {
    const w = await createXent({ backend: 'wasm', simd });
    const r = await createXent({ backend: 'reference' });
    const data = blobs(1000, 17, 7, 3);
    const opts = { epochs: 1, batchSize: 10, eta: 0.3, lambda: 0.5, momentum: 0.5, dropout: 0.3 };
    const a = w.network([17, 9, 7], { seed: 9 });
    const b = r.network([17, 9, 7], { seed: 9 });
    const bystander = w.network([17, 9, 7], { seed: 10 });
    const before = bystander.parameters();
    expect(a.parameters()).toEqual(b.parameters());
    await Promise.all([a.train(data, opts), b.train(data, opts), bystander.train(data, { epochs: 1, batchSize: 10, eta: 0.3 })]);
    const pa = a.parameters();
    const pb = b.parameters();
    let worst = 0;
    for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(pa[i]! - pb[i]!) / (1e-3 + Math.abs(pb[i]!)));
    expect(worst).toBeLessThan(1e-3);
    expect(bystander.parameters()).not.toEqual(before);
    // Training the bystander changed nothing of a: a retrained from scratch alone gives the same weights.
    const again = w.network([17, 9, 7], { seed: 9 });
    await again.train(data, opts);
    expect(again.parameters()).toEqual(pa);
  });

  // Batches of ≥ 64 rows with fewer neurons than rows take the transposed forward (Zᵀ = W·Aᵀ, bias +
  // activation per neuron row, then a transpose): every activation and output, training and evaluation.
  for (const [cost, hidden] of [['cross-entropy', 'sigmoid'], ['quadratic', 'tanh'], ['log-likelihood', 'relu']] as const) {
    it(`agree with batches of 100 (the transposed forward): ${cost}, ${hidden} hidden`, async () => {
      const w = await createXent({ backend: 'wasm', simd });
      const r = await createXent({ backend: 'reference' });
      const data = blobs(1000, 17, 7, 4, cost === 'quadratic');
      const opts = { epochs: 3, batchSize: 100, eta: 0.5, lambda: 0.5 };
      const a = w.network([17, 9, 7], { cost, hidden, seed: 5 });
      const b = r.network([17, 9, 7], { cost, hidden, seed: 5 });
      await a.train(data, opts);
      await b.train(data, opts);
      const pa = a.parameters();
      const pb = b.parameters();
      let worst = 0;
      for (let i = 0; i < pa.length; i++) worst = Math.max(worst, Math.abs(pa[i]! - pb[i]!) / (1e-3 + Math.abs(pb[i]!)));
      expect(worst).toBeLessThan(1e-3);
      expect(a.accuracy(data)).toBe(b.accuracy(data));
      expect(a.totalCost(data)).toBeCloseTo(b.totalCost(data), 4);
      expect(Array.from(pa)).not.toEqual(Array.from(w.network([17, 9, 7], { cost, hidden, seed: 5 }).parameters()));
    });
  }
});
