// Every training option against the float64 oracle of test/oracle.ts, on both backends: the network's
// parameters after a few epochs of ragged mini-batches (12 examples, batches of 5) must follow the rule
// as REFERENCE.md §3 writes it. A rule ignored or mis-implemented (L1 as L2, μ dropped, Adam without
// bias correction, no mask, weights or smoothing ignored) moves the parameters far past the tolerance.
import { beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Dataset, type NetworkOptions, type TrainOptions, type Xent } from '../src/index.js';
import { backends, mulberry32 } from './helpers.js';
import { oracleTrain, type OracleNet } from './oracle.js';

const SIZES = [4, 5, 3];
const N = 12;

/** Seeded inputs in [0, 1) and labels; targets as the output's dense rows (cold elsewhere). */
function data(seed: number, soft = false): { set: Dataset; x: number[][]; labels: number[] } {
  const r = mulberry32(seed);
  const inputs = new Float32Array(N * SIZES[0]!).map(() => r());
  const labels = Array.from({ length: N }, (_, i) => (i * 7 + seed) % SIZES[2]!);
  const x = Array.from({ length: N }, (_, i) => Array.from(inputs.subarray(i * 4, i * 4 + 4)));
  if (!soft) return { set: { inputs, labels: Uint8Array.from(labels), count: N, inputSize: 4 }, x, labels };
  // Soft targets: 0.7 on the label, the rest spread evenly.
  const t = new Float32Array(N * 3).map((_, j) => (j % 3 === labels[Math.floor(j / 3)] ? 0.7 : 0.15));
  return { set: { inputs, labels: t, count: N, inputSize: 4 }, x, labels };
}

function targetsOf(labels: number[], cold: number, soft: boolean): number[][] {
  return labels.map((l) => [0, 1, 2].map((k) => (soft ? (k === l ? Math.fround(0.7) : Math.fround(0.15)) : k === l ? 1 : cold)));
}

interface Case {
  name: string;
  net: NetworkOptions;
  train: Partial<TrainOptions>;
  soft?: boolean;
}

const cases: Case[] = [
  { name: 'plain SGD (network2.py)', net: {}, train: { eta: 0.5 } },
  { name: 'SGD + L2', net: {}, train: { eta: 0.5, lambda: 5 } },
  { name: 'SGD + L1', net: {}, train: { eta: 0.5, lambda: 5, regularization: 'l1' } },
  { name: 'SGD + momentum', net: {}, train: { eta: 0.5, momentum: 0.9, lambda: 1 } },
  { name: 'Nesterov', net: {}, train: { optimizer: 'nesterov', eta: 0.3, momentum: 0.8, lambda: 1 } },
  { name: 'Adam', net: {}, train: { optimizer: 'adam', eta: 0.01 } },
  { name: 'Adam + L2, other betas', net: {}, train: { optimizer: 'adam', eta: 0.02, lambda: 2, beta1: 0.8, beta2: 0.99, epsilon: 1e-6 } },
  { name: 'Adam + L1', net: {}, train: { optimizer: 'adam', eta: 0.02, lambda: 2, regularization: 'l1' } },
  { name: 'dropout', net: {}, train: { eta: 0.5, dropout: 0.4 } },
  { name: 'dropout + momentum, tanh hidden', net: { hidden: 'tanh' }, train: { eta: 0.2, dropout: 0.5, momentum: 0.5 } },
  { name: 'class weights', net: {}, train: { eta: 0.5, classWeights: [1, 3, 0.5] } },
  { name: 'class weights, soft targets', net: {}, train: { eta: 0.5, classWeights: [2, 0.5, 1] }, soft: true },
  { name: 'label smoothing, sigmoid + cross-entropy', net: {}, train: { eta: 0.5, labelSmoothing: 0.2 } },
  { name: 'label smoothing, softmax + log-likelihood', net: { cost: 'log-likelihood' }, train: { eta: 0.5, labelSmoothing: 0.3 } },
  { name: 'class weights + smoothing, softmax', net: { cost: 'log-likelihood', hidden: 'relu' }, train: { eta: 0.3, classWeights: [0.5, 1, 2], labelSmoothing: 0.1 } },
  { name: 'quadratic cost, sigmoid', net: { cost: 'quadratic' }, train: { eta: 1, lambda: 1 } },
  { name: 'tanh output, cross-entropy', net: { output: 'tanh' }, train: { eta: 0.2 } },
  { name: 'tanh output, cross-entropy, smoothing + weights', net: { output: 'tanh' }, train: { eta: 0.2, labelSmoothing: 0.2, classWeights: [1, 2, 3] } },
  { name: 'tanh output, quadratic', net: { output: 'tanh', cost: 'quadratic' }, train: { eta: 0.2, momentum: 0.5 } },
];

for (const backend of backends) {
  describe(`training rules against the float64 oracle (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    for (const c of cases) {
      it(`${c.name}: 3 epochs of batches 5, 5, 2`, async () => {
        const { set, x, labels } = data(31, c.soft);
        const net = xent.network(SIZES, { seed: 7, ...c.net });
        const o: OracleNet = { sizes: SIZES, hidden: net.hidden, output: net.output, cost: net.cost };
        const y = targetsOf(labels, net.output === 'tanh' ? -1 : 0, c.soft ?? false);
        const start = net.parameters();
        await net.train(set, { epochs: 3, batchSize: 5, eta: 0.5, ...c.train });
        const want = oracleTrain(o, start, x, y, { seed: 7, ...c.train } as never, 3, 5, c.soft ? undefined : labels);
        const got = net.parameters();
        let worst = 0;
        for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.max(1, Math.abs(want[i]!)));
        expect(worst, `largest relative difference from the oracle`).toBeLessThan(2e-5);
        // …and the rule moved the parameters (a no-op would sit at a distance of the whole update).
        let moved = 0;
        for (let i = 0; i < got.length; i++) moved = Math.max(moved, Math.abs(got[i]! - start[i]!));
        expect(moved).toBeGreaterThan(1e-3);
      });
    }

    it('dropout p → 0 is no dropout, bit for bit; class weights of 1 are no weights, bit for bit', async () => {
      const { set } = data(5);
      const run = async (extra: Partial<TrainOptions>) => {
        const net = xent.network(SIZES, { seed: 3 });
        await net.train(set, { epochs: 2, batchSize: 5, eta: 0.5, momentum: 0.5, ...extra });
        return Array.from(net.parameters());
      };
      const base = await run({});
      expect(await run({ dropout: 1e-10 })).toEqual(base);
      expect(await run({ classWeights: [1, 1, 1] })).toEqual(base);
      expect(await run({ labelSmoothing: 0 })).toEqual(base);
      expect(await run({ dropout: 0.3 })).not.toEqual(base);
    });

    it('the reported training cost is the objective: (1/n)·Σ w_x·C_x on smoothed targets, plus the penalty', async () => {
      const { set, labels } = data(9);
      const net = xent.network(SIZES, { seed: 2, cost: 'log-likelihood' });
      const w = [0.5, 2, 1];
      const s = 0.2;
      const h = await net.train(set, { epochs: 1, batchSize: 4, eta: 0.1, lambda: 3, classWeights: w, labelSmoothing: s,
        monitor: { trainingCost: true } });
      const a = net.predict({ data: set.inputs as Float32Array, shape: [N, 4] }) as { data: Float32Array };
      let loss = 0;
      for (let i = 0; i < N; i++) {
        for (let k = 0; k < 3; k++) {
          const yk = (k === labels[i] ? 1 : 0) * (1 - s) + s / 3;
          loss -= w[labels[i]!]! * yk * Math.log(a.data[i * 3 + k]!);
        }
      }
      loss /= N;
      const p = net.parameters();
      let sq = 0;
      for (const [off, count] of [[0, 20], [25, 15]] as const) for (let i = off; i < off + count; i++) sq += p[i]! ** 2;
      const penalty = (3 / (2 * N)) * sq;
      expect(h.epochs[0]!.trainingLoss).toBeCloseTo(loss, 5);
      expect(h.epochs[0]!.penalty).toBeCloseTo(penalty, 5);
      expect(h.trainingCost[0]).toBeCloseTo(loss + penalty, 5);
      // Evaluation measures stay unweighted and unsmoothed.
      const e = await net.train(set, { epochs: 1, batchSize: 4, eta: 1e-30, classWeights: w, labelSmoothing: s, evaluationData: set });
      expect(e.epochs[0]!.evaluationLoss).toBeCloseTo(net.totalCost(set), 6);
    });

    it('rejects options that cannot apply', async () => {
      const { set } = data(1);
      const q = xent.network(SIZES, { cost: 'quadratic' });
      await expect(q.train(set, { epochs: 1, batchSize: 4, eta: 1, labelSmoothing: 0.1 })).rejects.toThrow(/train: labelSmoothing applies/);
      const net = xent.network(SIZES);
      await expect(net.train(set, { epochs: 1, batchSize: 4, eta: 1, classWeights: [1, 2] })).rejects.toThrow(/train: classWeights must have one weight per output \(3\), got 2/);
      await expect(net.train(set, { epochs: 1, batchSize: 4, eta: 1, classWeights: [1, -2, 1] })).rejects.toThrow(/classWeights\[1\] must be ≥ 0/);
      await expect(net.train(set, { epochs: 1, batchSize: 4, eta: 1, optimizer: 'nesterov' })).rejects.toThrow(/'nesterov' needs momentum > 0/);
      await expect(net.train(set, { epochs: 1, batchSize: 4, eta: 1, optimizer: 'rmsprop' as never })).rejects.toThrow(/optimizer must be one of 'sgd', 'nesterov', 'adam'/);
      await expect(net.train(set, { epochs: 1, batchSize: 4, eta: 1, beta1: 0.5 })).rejects.toThrow(/beta1 applies to optimizer 'adam' only/);
      await expect(net.train(set, { epochs: 1, batchSize: 4, eta: 1e39 })).rejects.toThrow(/eta must be ≤ 3.40282/);
      await expect(net.train(set, { epochs: 1, batchSize: 4, eta: 1, earlyStopping: { monitor: 'evaluationCost' } })).rejects.toThrow(/earlyStopping.monitor 'evaluationCost' needs evaluationData/);
      const tanh = xent.network(SIZES, { output: 'tanh' });
      const bad = { ...set, labels: new Float32Array(N * 3).fill(-2) };
      await expect(tanh.train(bad, { epochs: 1, batchSize: 4, eta: 1 })).rejects.toThrow(/targets\) must be in \[-1, 1\]/);
      expect(() => xent.network(SIZES, { output: 'tanh', cost: 'log-likelihood' })).toThrow(/cost 'log-likelihood' needs output 'softmax', got output 'tanh'/);
    });
  });
}

for (const backend of backends) {
  describe(`output layers (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });
    const layers: NetworkOptions[] = [
      { cost: 'cross-entropy' }, { cost: 'quadratic' }, { cost: 'log-likelihood' },
      { output: 'tanh', cost: 'cross-entropy' }, { output: 'tanh', cost: 'quadratic' },
    ];
    for (const layer of layers) {
      it(`meanGradient is ∂(mean cost)/∂θ by central differences: ${layer.output ?? 'default'} output, ${layer.cost}`, () => {
        const { set } = data(17);
        const net = xent.network(SIZES, { seed: 8, hidden: 'tanh', ...layer });
        const g = net.meanGradient(set);
        const json = net.toJSON();
        const costAt = (edit: (j: typeof json) => void) => {
          const copy = structuredClone(json);
          edit(copy);
          const n = xent.loadNetwork(copy);
          const c = n.totalCost(set);
          n.dispose();
          return c;
        };
        const h = 1e-3;
        // Every bias and weight of both layers (layout: W1 5×4, b1, W2 3×5, b2).
        let i = 0;
        for (let l = 0; l < 2; l++) {
          const [s, p] = [SIZES[l + 1]!, SIZES[l]!];
          for (let j = 0; j < s; j++) {
            for (let k = 0; k <= p; k++) {
              const index = k < p ? i + j * p + k : i + s * p + j;
              const nudge = (d: number) => (c: typeof json) => {
                if (k < p) c.weights[l]![j]![k]! += d;
                else c.biases[l]![j]![0]! += d;
              };
              const fd = (costAt(nudge(h)) - costAt(nudge(-h))) / (2 * h);
              expect(Math.abs(g[index]! - fd), `θ[${index}] ${g[index]} vs ${fd}`).toBeLessThan(1e-2 * Math.abs(fd) + 2e-4);
            }
          }
          i += s * p + s;
        }
      });
    }

    it('the tanh cross-entropy is −[(1+y)/2·ln((1+a)/2) + (1−y)/2·ln((1−a)/2)] and predict gives a = tanh z', () => {
      const { set, labels } = data(4);
      const net = xent.network(SIZES, { seed: 3, output: 'tanh' });
      const a = net.predict({ data: set.inputs as Float32Array, shape: [N, 4] }) as { data: Float32Array };
      let c = 0;
      for (let i = 0; i < N; i++) {
        for (let k = 0; k < 3; k++) {
          const y = k === labels[i] ? 1 : -1;
          const ai = a.data[i * 3 + k]!;
          c -= ((1 + y) / 2) * Math.log((1 + ai) / 2) + ((1 - y) / 2) * Math.log((1 - ai) / 2);
        }
      }
      expect(net.totalCost(set)).toBeCloseTo(c / N, 5);
      expect(a.data.every((v) => v > -1 && v < 1)).toBe(true);
      expect(a.data.some((v) => v < 0)).toBe(true);
      // Saturated units stay finite: the cost is computed from z (logit 2z), never log(0).
      const json = net.toJSON();
      json.biases[1] = [[40], [-40], [40]];
      const sat = xent.loadNetwork(json);
      expect(Number.isFinite(sat.totalCost(set))).toBe(true);
    });
  });
}
