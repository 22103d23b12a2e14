// Soak: lifetimes repeated until a leak would show. 1,000 cycles of create an instance → train a tiny
// network → dispose, and 10⁵ loss calls on one instance; liveBytes() must be flat (the same after
// every cycle) and the process's resident memory bounded (growth after a warm-up, sampled after a full
// garbage collection, under 48 MiB and 32 MiB). One cycle in ten runs on the reference backend.
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { createXent } from '../src/index.js';
import type { Dataset } from '../src/data/mnist.js';

const CYCLES = 1000;
const LOSS_CALLS = 100_000;
const MiB = 2 ** 20;

/** XOR-ish data: 4 examples of 2 inputs, 2 classes. */
const DATA: Dataset = {
  inputs: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]),
  labels: Uint8Array.from([0, 1, 1, 0]),
  count: 4,
  inputSize: 2,
};

const rss = () => process.memoryUsage().rss;
v8.setFlagsFromString('--expose-gc');
/** A full garbage collection (the flag set at run time, taken from a fresh context). */
const gc = vm.runInNewContext('gc') as () => void;

describe('soak', () => {
  it(`${CYCLES} × (createXent → network → train → dispose) keep liveBytes flat and RSS bounded`, async () => {
    let base = -1;
    let warm = 0;
    let peak = 0;
    for (let i = 0; i < CYCLES; i++) {
      const xent = await createXent({ backend: i % 10 === 9 ? 'reference' : 'wasm' });
      const start = xent.liveBytes();
      const net = xent.network([2, 3, 2], { seed: i });
      const history = await net.train(DATA, { epochs: 1, batchSize: 2, eta: 0.5 });
      expect(history.epochs.length).toBe(1);
      net.dispose();
      expect(xent.liveBytes(), `cycle ${i}`).toBe(start);
      if (xent.backend === 'wasm') {
        if (base < 0) base = start;
        expect(start, `cycle ${i}: an instance starts with the same live bytes`).toBe(base);
      }
      xent.dispose();
      expect(() => xent.liveBytes()).toThrow(/^liveBytes: xent: this instance was disposed$/);
      if (i === 99) {
        gc();
        warm = rss();
      }
      if (i >= 100 && i % 100 === 0) {
        gc();
        peak = Math.max(peak, rss());
      }
    }
    gc();
    peak = Math.max(peak, rss());
    if (process.env.SOAK_REPORT) console.log(`cycles: RSS growth ${((peak - warm) / MiB).toFixed(1)} MiB`);
    expect((peak - warm) / MiB, 'RSS growth after the first 100 cycles (MiB)').toBeLessThan(48);
  }, 120_000);

  it(`${LOSS_CALLS} loss calls on one instance keep liveBytes flat and RSS bounded`, async () => {
    const xent = await createXent();
    const p = { data: new Float64Array(64).map((_, i) => (i % 8 + 1) / 36), shape: [8, 8] as const };
    const y = { data: new Float64Array(64).map((_, i) => (i % 9 === 0 ? 1 : 0)), shape: [8, 8] as const };
    const labels = [0, 1, 2, 3, 4, 5, 6, 7];
    const start = xent.liveBytes();
    let warm = 0;
    let peak = 0;
    let sum = 0;
    for (let i = 0; i < LOSS_CALLS; i++) {
      switch (i % 4) {
        case 0: sum += xent.binaryCrossEntropy(p, y); break;
        case 1: sum += xent.categoricalCrossEntropy(p, y, { fromLogits: true }); break;
        case 2: sum += (xent.valueAndGrad.sparseCategoricalCrossEntropy(p, labels, { fromLogits: true }).value as number); break;
        default: sum += xent.quadraticCost(p, y);
      }
      if (i === 10_000) {
        gc();
        warm = rss();
      }
      if (i % 10_000 === 0) {
        expect(xent.liveBytes(), `call ${i}`).toBe(start);
        if (i > 10_000) {
          gc();
          peak = Math.max(peak, rss());
        }
      }
    }
    expect(Number.isFinite(sum)).toBe(true);
    expect(xent.liveBytes()).toBe(start);
    if (process.env.SOAK_REPORT) console.log(`loss calls: RSS growth ${((peak - warm) / MiB).toFixed(1)} MiB`);
    expect((peak - warm) / MiB, 'RSS growth after 10⁴ calls (MiB)').toBeLessThan(32);
    xent.dispose();
  }, 120_000);
});
