// Runs that continue and stop where they should, on both backends: consecutive train() calls and
// checkpoints (also across processes) continue bit for bit; early stopping restores the best epoch's
// weights whatever ends the run; the schedule ends it at η₀/128; a diverging run is rolled back and
// reported; one train() at a time per network.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Dataset, type TrainOptions, type Xent } from '../src/index.js';
import { backends, mulberry32 } from './helpers.js';

/** Two noisy classes of points in 6 dimensions (some overlap, so accuracy moves between epochs). */
function points(count: number, seed: number): Dataset {
  const r = mulberry32(seed);
  const inputs = new Float32Array(count * 6);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let k = 0; k < 6; k++) inputs[i * 6 + k] = (k % 3 === i % 3 ? 0.6 : 0.3) + 0.5 * r();
  }
  return { inputs, labels, count, inputSize: 6 };
}

const train = points(90, 1);
const valid = points(60, 2);
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

const variants: [string, Partial<TrainOptions>][] = [
  ['momentum', { momentum: 0.9, lambda: 1 }],
  ['Nesterov', { optimizer: 'nesterov', momentum: 0.8 }],
  ['Adam', { optimizer: 'adam', eta: 0.01, lambda: 0.5 }],
  ['dropout + momentum', { dropout: 0.3, momentum: 0.5 }],
  ['early stopping that restores the best', { momentum: 0.9, eta: 2, earlyStopping: { patience: 10 } }],
];

for (const backend of backends) {
  describe(`runs (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });
    const base = { batchSize: 7, eta: 0.5, evaluationData: valid } as const;

    for (const [name, extra] of variants) {
      it(`2 + 2 epochs in two calls are 4 epochs in one, bit for bit (${name})`, async () => {
        const one = xent.network([6, 8, 3], { seed: 4 });
        const h4 = await one.train(train, { ...base, ...extra, epochs: 4 });
        const two = xent.network([6, 8, 3], { seed: 4 });
        const a = await two.train(train, { ...base, ...extra, epochs: 2 });
        const b = await two.train(train, { ...base, ...extra, epochs: 2 });
        expect(bits(two.parameters())).toBe(bits(one.parameters()));
        expect([...a.epochs, ...b.epochs].map((e) => [e.epoch, e.evaluationAccuracy, e.evaluationCost]))
          .toEqual(h4.epochs.map((e) => [e.epoch, e.evaluationAccuracy, e.evaluationCost]));
        expect(two.epoch).toBe(4);
        one.dispose();
        two.dispose();
      });
    }

    it('a seed on a later call restarts the stream; resetOptimizer() forgets the state', async () => {
      const a = xent.network([6, 8, 3], { seed: 4 });
      await a.train(train, { ...base, epochs: 1, momentum: 0.9, seed: 11 });
      const b = xent.network([6, 8, 3], { seed: 4 });
      await b.train(train, { ...base, epochs: 1, momentum: 0.9, seed: 99 });
      await b.resetOptimizer();
      b.dispose();
      // Same start, same seed: same result, whatever came before on the other network.
      const c = xent.network([6, 8, 3], { seed: 4 });
      await c.train(train, { ...base, epochs: 1, momentum: 0.9 });
      const d = xent.network([6, 8, 3], { seed: 4 });
      await d.train(train, { ...base, epochs: 1, momentum: 0.9, seed: 4 });
      expect(bits(d.parameters())).toBe(bits(c.parameters()));
      // Continuing with the velocity differs from continuing without it.
      const e = xent.network([6, 8, 3], { seed: 4 });
      await e.train(train, { ...base, epochs: 1, momentum: 0.9 });
      await c.train(train, { ...base, epochs: 1, momentum: 0.9 });
      e.resetOptimizer();
      await e.train(train, { ...base, epochs: 1, momentum: 0.9 });
      expect(bits(e.parameters())).not.toBe(bits(c.parameters()));
      // The Adam step count persists: a reset restarts its bias correction.
      const f = xent.network([6, 8, 3], { seed: 4 });
      const g = xent.network([6, 8, 3], { seed: 4 });
      for (const n of [f, g]) await n.train(train, { ...base, epochs: 1, optimizer: 'adam', eta: 0.01 });
      g.resetOptimizer();
      await f.train(train, { ...base, epochs: 1, optimizer: 'adam', eta: 0.01 });
      await g.train(train, { ...base, epochs: 1, optimizer: 'adam', eta: 0.01 });
      expect(bits(f.parameters())).not.toBe(bits(g.parameters()));
      expect(f.checkpoint().optimizer?.key).toBe('adam');
      for (const n of [a, c, d, e, f, g]) n.dispose();
    });

    for (const [name, extra] of variants) {
      it(`2 epochs + checkpoint + JSON + loadCheckpoint in a new process + 2 epochs ≡ 4 epochs (${name})`, async () => {
        // One build on both sides (vitest enables relaxed SIMD, a plain node process does not).
        const options = backend === 'wasm' ? { backend, simd: 'plain' } as const : { backend };
        const x = await createXent(options);
        const one = x.network([6, 8, 3], { seed: 9 });
        await one.train(train, { ...base, ...extra, epochs: 4 });
        const two = x.network([6, 8, 3], { seed: 9 });
        await two.train(train, { ...base, ...extra, epochs: 2 });
        const text = JSON.stringify(two.checkpoint());
        const script = `
          import { createXent } from './dist/index.js';
          const [text, data, valid, extra, options] = JSON.parse(process.argv[1]);
          const set = (d) => ({ ...d, inputs: Float32Array.from(d.inputs), labels: Uint8Array.from(d.labels) });
          const x = await createXent(options);
          const net = x.loadCheckpoint(text);
          await net.train(set(data), { batchSize: 7, eta: 0.5, evaluationData: set(valid), ...extra, epochs: 2 });
          const p = net.parameters();
          process.stdout.write(JSON.stringify({ epoch: net.epoch, bits: Buffer.from(p.buffer, p.byteOffset, p.byteLength).toString('base64') }));`;
        const plain = (d: Dataset) => ({ ...d, inputs: Array.from(d.inputs), labels: Array.from(d.labels) });
        const child = spawnSync(process.execPath, ['--input-type=module', '-e', script,
          JSON.stringify([text, plain(train), plain(valid), extra, options])], { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
        expect(child.stderr).toBe('');
        const out = JSON.parse(child.stdout) as { epoch: number; bits: string };
        expect(out.epoch).toBe(4);
        expect(out.bits).toBe(bits(one.parameters()));
        x.dispose();
      });
    }

    it('a checkpoint taken in onEpoch resumes with the stop policy of that moment', async () => {
      const opts = { ...base, eta: 1, momentum: 0.5, earlyStopping: {} } as const;
      const one = xent.network([6, 8, 3], { seed: 6 });
      const h = await one.train(train, { ...opts, epochs: 12 });
      const two = xent.network([6, 8, 3], { seed: 6 });
      let saved = '';
      await two.train(train, { ...opts, epochs: 12, onEpoch: (r) => {
        if (r.epoch === 10) saved = JSON.stringify(two.checkpoint());
      } });
      const resumed = xent.loadCheckpoint(saved);
      const rest = await resumed.train(train, { ...opts, epochs: 2 });
      expect(h.bestEpoch).toBeLessThan(10); // the best comes from before the checkpoint
      expect(rest.bestEpoch).toBe(h.bestEpoch);
      expect(bits(resumed.parameters())).toBe(bits(one.parameters()));
      for (const n of [one, two, resumed]) n.dispose();
    });

    it('loadCheckpoint works on any backend and names the field of a corrupt or mismatched checkpoint', async () => {
      const net = xent.network([6, 8, 3], { seed: 2 });
      await net.train(train, { ...base, epochs: 2, optimizer: 'adam', eta: 0.01, earlyStopping: {} });
      const c = net.checkpoint();
      expect(Object.keys(c).sort()).toEqual(['epoch', 'format', 'network', 'optimizer', 'rng', 'stopPolicy', 'version']);
      const other = await createXent({ backend: backend === 'wasm' ? 'reference' : 'wasm' });
      const moved = other.loadCheckpoint(JSON.parse(JSON.stringify(c)));
      expect(bits(moved.parameters())).toBe(bits(net.parameters()));
      expect(moved.epoch).toBe(2);
      const bad = (edit: (c: Record<string, any>) => void, re: RegExp) => {
        const copy = JSON.parse(JSON.stringify(c));
        edit(copy);
        expect(() => xent.loadCheckpoint(copy)).toThrow(re);
      };
      bad((c) => (c.format = 'x'), /loadCheckpoint: format must be 'xent-checkpoint'/);
      bad((c) => (c.version = 7), /loadCheckpoint: version must be 1/);
      bad((c) => (c.epoch = -1), /loadCheckpoint: epoch must be an integer/);
      bad((c) => (c.network.weights[0][0][0] = 'x'), /loadCheckpoint: network: weights\[0\]\[0\]\[0\] must be a finite number/);
      bad((c) => c.network.sizes.push(3), /loadCheckpoint: network: /);
      bad((c) => (c.optimizer.key = 'rmsprop'), /loadCheckpoint: optimizer.key must be one of/);
      bad((c) => (c.optimizer.state = c.optimizer.state.slice(8)), /loadCheckpoint: optimizer.state must hold \d+ float32 values/);
      bad((c) => (c.optimizer.state = '%%%'), /loadCheckpoint: optimizer.state is not valid base64/);
      bad((c) => (c.rng.stream = (c.rng.stream + 1) % 2 ** 32), /loadCheckpoint: rng.stream does not follow/);
      bad((c) => (c.rng.dropout = 0), /loadCheckpoint: rng.dropout must be an integer in \[1,/);
      bad((c) => (c.stopPolicy.bestWeights = 'AAAA'), /loadCheckpoint: stopPolicy.bestWeights must hold \d+ float32 values/);
      bad((c) => (c.stopPolicy.earlyStopping.since = 0.5), /loadCheckpoint: stopPolicy.earlyStopping.since must be an integer/);
      expect(() => xent.loadCheckpoint('{')).toThrow(/loadCheckpoint: checkpoint is not valid JSON/);
      const resumed = xent.loadCheckpoint(c);
      await expect(resumed.train(points(30, 5), { ...base, epochs: 1 })).rejects.toThrow(/train: the checkpoint's run has epochs of 90 examples \(rng.examples\), the training data gives 30/);
      other.dispose();
    });

    it('early stopping restores the best epoch, whatever ends the run', async () => {
      const ends: [string, Partial<TrainOptions>, (c: AbortController) => Partial<TrainOptions>][] = [
        ['completed', { epochs: 12 }, () => ({})],
        ['early-stopping', { epochs: 200, earlyStopping: { patience: 3 } }, () => ({})],
        ['callback', { epochs: 12 }, () => ({ onEpoch: (r) => r.epoch < 9 })],
        ['aborted', { epochs: 12 }, (c) => ({ signal: c.signal, onEpoch: (r) => void (r.epoch === 8 && c.abort()) })],
        ['schedule', { epochs: 200, schedule: { patience: 2, minEta: 0.5 } }, () => ({})],
      ];
      for (const [reason, opts, more] of ends) {
        const net = xent.network([6, 8, 3], { seed: 6 });
        const h = await net.train(train, { ...base, eta: 1, momentum: 0.5, earlyStopping: {}, ...opts, ...more(new AbortController()) } as TrainOptions);
        expect(h.stopped).toBe(reason);
        const accs = h.evaluationAccuracy;
        const best = Math.max(...accs);
        expect(h.bestEpoch, `${reason} ${accs}`).toBe(accs.indexOf(best) + 1);
        expect(net.accuracy(valid)).toBe(best);
        net.dispose();
      }
      // restoreBest: false keeps the last epoch's weights.
      const last = xent.network([6, 8, 3], { seed: 6 });
      const h = await last.train(train, { ...base, eta: 1, momentum: 0.5, epochs: 12, earlyStopping: { restoreBest: false } });
      expect(last.accuracy(valid)).toBe(h.evaluationAccuracy.at(-1));
      expect(Math.max(...h.evaluationAccuracy)).toBeGreaterThan(h.evaluationAccuracy.at(-1)!);
      last.dispose();
    });

    it('monitors cost with minDelta, and the schedule watches the training cost', async () => {
      const net = xent.network([6, 8, 3], { seed: 6 });
      const minDelta = 0.04;
      const h = await net.train(train, { ...base, eta: 1, momentum: 0.5, epochs: 15,
        earlyStopping: { monitor: 'evaluationCost', minDelta } });
      const costs = h.evaluationCost;
      // The best under minDelta: a new best must beat the old by more than minDelta…
      let best = costs[0]!;
      let at = 1;
      costs.forEach((c, i) => {
        if (c < best - minDelta) [best, at] = [c, i + 1];
      });
      expect(h.bestEpoch).toBe(at);
      // …which is not simply the lowest cost here (so the test sees minDelta).
      expect(costs.indexOf(Math.min(...costs)) + 1).not.toBe(at);
      expect(net.totalCost(valid)).toBeCloseTo(best, 12);
      const s = xent.network([6, 8, 3], { seed: 6 });
      const hs = await s.train(train, { batchSize: 7, eta: 1e-6, epochs: 40, schedule: { patience: 1, monitor: 'trainingCost' } });
      // The training cost falls every epoch at a tiny η, so the schedule never halves it.
      expect(hs.stopped).toBe('completed');
      expect(hs.epochs.every((e) => e.eta === 1e-6)).toBe(true);
      expect(hs.trainingCost).toHaveLength(40); // measured because the schedule watches it
      net.dispose();
      s.dispose();
    });

    it('the schedule ends the run when η reaches η₀/128, without training at it', async () => {
      const net = xent.network([6, 8, 3], { seed: 6 });
      const h = await net.train(train, { ...base, eta: 1e-9, epochs: 100, schedule: { patience: 1 } });
      expect(h.stopped).toBe('schedule');
      const etas = h.epochs.map((e) => e.eta);
      expect(etas).toEqual([1e-9, 1e-9, 1e-9 / 2, 1e-9 / 4, 1e-9 / 8, 1e-9 / 16, 1e-9 / 32, 1e-9 / 64]);
      net.dispose();
    });

    it('a diverging run stops, reports where, and rolls back to the last finite epoch (or the best)', async () => {
      for (const [sizes, hidden, eta] of [[[6, 8, 3], 'sigmoid', 1e6], [[6, 16, 16, 3], 'relu', 1e30]] as const) {
        const net = xent.network(sizes.slice(), { seed: 3, hidden });
        await net.train(train, { ...base, epochs: 2 });
        const before = net.parameters();
        const h = await net.train(train, { ...base, eta, lambda: 5, epochs: 5 });
        expect(h.stopped).toBe('diverged');
        expect(h.diverged!.epoch).toBe(3);
        expect(h.diverged!.batch).toBeGreaterThanOrEqual(1);
        expect(h.diverged!.batch).toBeLessThanOrEqual(13);
        expect(h.diverged!.message).toMatch(/diverged at epoch 3, mini-batch \d+: .* try a smaller eta/);
        expect(bits(net.parameters())).toBe(bits(before));
        expect(net.epoch).toBe(2);
        net.dispose();
      }
      // Nothing measured after the epoch: the kernels' own check stops it at the mini-batch that broke.
      const quiet = xent.network([6, 16, 16, 3], { seed: 3, hidden: 'relu' });
      const start = quiet.parameters();
      const hq = await quiet.train(train, { batchSize: 7, eta: 1e30, epochs: 3 });
      expect(hq.stopped).toBe('diverged');
      expect(hq.diverged!.epoch).toBe(1);
      expect(hq.diverged!.batch).toBeLessThan(13);
      expect(bits(quiet.parameters())).toBe(bits(start));
      quiet.dispose();
      // Chunks of 20 mini-batches (1,000 batches of 1): the report names the batch, not the chunk's end.
      const fine = xent.network([6, 16, 16, 3], { seed: 3, hidden: 'relu' });
      const hf = await fine.train(points(1000, 3), { batchSize: 1, eta: 1e30, epochs: 1 });
      expect(hf.stopped).toBe('diverged');
      expect(hf.diverged!.batch).toBeLessThan(10);
      fine.dispose();
      // With early stopping the best epoch comes back instead (the run's best, from the earlier call).
      const net = xent.network([6, 8, 3], { seed: 3 });
      const h = await net.train(train, { ...base, epochs: 6, earlyStopping: {} });
      expect(h.stopped).toBe('completed');
      const big = await net.train(train, { ...base, eta: 1e7, lambda: 5, epochs: 3, earlyStopping: {} });
      expect(big.stopped).toBe('diverged');
      expect(net.accuracy(valid)).toBe(Math.max(...h.evaluationAccuracy));
      net.dispose();
    });

    it('a batch larger than the training set is one batch of all of it, up to 2⁵³ (no i32 wrap-around)', async () => {
      const runWith = async (batchSize: number) => {
        const net = xent.network([6, 8, 3], { seed: 1 });
        await net.train(train, { batchSize, eta: 0.5, epochs: 2, momentum: 0.5 });
        const p = bits(net.parameters());
        net.dispose();
        return p;
      };
      const full = await runWith(90);
      for (const b of [91, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 3, 2 ** 53 - 1]) expect(await runWith(b), `batchSize ${b}`).toBe(full);
      expect(await runWith(89)).not.toBe(full);
      const net = xent.network([6, 8, 3]);
      await expect(net.train(train, { batchSize: 2 ** 53, eta: 0.5, epochs: 1 })).rejects.toThrow(/train: batchSize must be ≤ 9007199254740991/);
      await expect(net.train(train, { batchSize: 1.5, eta: 0.5, epochs: 1 })).rejects.toThrow(/train: batchSize must be an integer/);
      await expect(net.train(train, { batchSize: 10, eta: 0.5, epochs: 2 ** 31 })).rejects.toThrow(/train: epochs must be ≤ 2147483647/);
    });

    it('xent.dispose() while a network trains: train() rejects at its next chunk, naming the instance', async () => {
      const x = await createXent({ backend });
      const net = x.network([6, 8, 3], { seed: 1 });
      const running = net.train(train, { ...base, epochs: 50 });
      x.dispose();
      await expect(running).rejects.toThrow(/train: xent: this instance was disposed/);
      expect(() => net.parameters()).toThrow(/xent: this instance was disposed/);
    });

    it('one train() at a time; dispose() while training is refused', async () => {
      const net = xent.network([6, 8, 3], { seed: 1 });
      const first = net.train(train, { ...base, epochs: 3 });
      await expect(net.train(train, { ...base, epochs: 1 })).rejects.toThrow(/train: this network is already training/);
      expect(() => net.dispose()).toThrow(/dispose: this network is training/);
      expect((await first).stopped).toBe('completed');
      await expect(net.train(train, { ...base, epochs: 1 })).resolves.toMatchObject({ stopped: 'completed' });
      net.dispose();
      await expect(net.train(train, { ...base, epochs: 1 })).rejects.toThrow(/train: this network was disposed/);
    });
  });
}
