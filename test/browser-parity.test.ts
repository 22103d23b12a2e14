// Node and Chromium side by side. Determinism across engines: with simd 'plain' a seeded training run
// gives bit-identical weights (same SHA-256) in Node and in Chromium. No timer clamp: small-data
// training in Chromium runs within 2× of Node per epoch (bench/browser-yield.mjs measures it exactly),
// and training on a page's main thread still gives the event loop a turn every few milliseconds.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXent } from '../dist/index.js';
import { launchChromium, openPage, present, servePages } from './chromium.js';

type Create = typeof createXent;

// The functions below run in both engines (Chromium gets their source text): no outside references.

/** A seeded run: 3 epochs of momentum SGD with L2 and dropout on 600 synthetic examples; SHA-256 of the weights. */
const SEEDED_RUN = `async (createXent, simd) => {
  const x = await createXent({ simd });
  const count = 600, inputSize = 20;
  const inputs = new Float32Array(count * inputSize);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let k = 0; k < inputSize; k++) inputs[i * inputSize + k] = ((i * 31 + k * 17) % 23) / 23 + (k % 3 === i % 3 ? 0.5 : 0);
  }
  const net = x.network([inputSize, 24, 3], { seed: 7 });
  await net.train({ inputs, labels, count, inputSize }, { epochs: 3, batchSize: 8, eta: 0.7, lambda: 0.5, momentum: 0.5, dropout: 0.2, seed: 11 });
  const params = net.parameters();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', params));
  return { simd: x.simd, count: params.length, hash: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') };
}`;

/** Best ms per epoch of two small-data workloads (best of `reps`), simd 'plain'. */
const EPOCH_TIMES = `async (createXent, reps) => {
  const x = await createXent({ simd: 'plain' });
  const xor = { inputs: Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1), labels: Uint8Array.of(0, 1, 1, 0), count: 4, inputSize: 2 };
  const count = 1000;
  const inputs = new Float32Array(count * 8);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let k = 0; k < 8; k++) inputs[i * 8 + k] = (i % 2 ? 0.7 : 0.3) + ((i * 7 + k * 13) % 10) / 50;
  }
  const out = {};
  for (const [name, sizes, data, batchSize, epochs] of [['xor', [2, 4, 2], xor, 4, 1000], ['blobs', [8, 16, 2], { inputs, labels, count, inputSize: 8 }, 10, 20]]) {
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const net = x.network(sizes, { seed: 1 });
      const t0 = performance.now();
      await net.train(data, { epochs, batchSize, eta: 1 });
      best = Math.min(best, (performance.now() - t0) / epochs);
      net.dispose();
    }
    out[name] = best;
  }
  return out;
}`;

const compile = (src: string) => new Function(`return (${src})`)() as (create: Create, arg: unknown) => Promise<never>;

describe.skipIf(!present)('Node and Chromium side by side', () => {
  let browser: Browser;
  let page: Page;
  let close: () => void;
  let errors: string[];

  beforeAll(async () => {
    // The page server serves a directory: the browser build, with a blank page.
    const dir = new URL('./.apps/parity/', import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    cpSync(new URL('../dist/browser/', import.meta.url).pathname, dir, { recursive: true });
    writeFileSync(`${dir}index.html`, '<!doctype html><link rel="icon" href="data:,"><title>parity</title>');
    const server = await servePages(dir);
    close = server.close;
    browser = await launchChromium();
    ({ page, errors } = await openPage(browser, server.base));
  });
  afterAll(async () => {
    expect(errors).toEqual([]);
    await browser?.close();
    close?.();
  });

  /** Runs one of the functions above in Chromium, on the browser build. */
  function inChromium<T>(src: string, arg: unknown): Promise<T> {
    return page.evaluate(async ([s, a]) => {
      const { createXent } = await new Function('u', 'return import(u)')('./xent.js'); // kept from vitest's import rewriting
      return new Function(`return (${s})`)()(createXent, a);
    }, [src, arg] as const) as Promise<T>;
  }

  it("simd 'plain': a seeded training run gives bit-identical weights in Node and in Chromium", async () => {
    const node = await compile(SEEDED_RUN)(createXent, 'plain') as { simd: string; count: number; hash: string };
    const chrome = await inChromium<typeof node>(SEEDED_RUN, 'plain');
    expect(node.simd).toBe('plain');
    expect(chrome).toEqual(node);
    expect(node.count).toBe(20 * 24 + 24 + 24 * 3 + 3);
    // 'auto' is not portable: Chromium takes relaxed SIMD, Node 20 (without its flag) plain SIMD.
    const auto = await inChromium<typeof node>(SEEDED_RUN, 'auto');
    expect(auto.simd).toBe('relaxed');
  });

  it('small-data training in Chromium runs within 2× of Node per epoch (no 4 ms timer clamp)', async () => {
    const times = { node: [] as Record<string, number>[], chrome: [] as Record<string, number>[] };
    for (let round = 0; round < 2; round++) { // alternated, so that a load spike does not favour one engine
      times.node.push(await compile(EPOCH_TIMES)(createXent, 5));
      times.chrome.push(await inChromium(EPOCH_TIMES, 5));
    }
    for (const name of ['xor', 'blobs']) {
      const node = Math.min(...times.node.map((t) => t[name]!));
      const chrome = Math.min(...times.chrome.map((t) => t[name]!));
      console.log(`${name}: Node ${node.toFixed(4)} ms/epoch, Chromium ${chrome.toFixed(4)} ms/epoch`);
      expect(chrome, name).toBeLessThanOrEqual(2 * node);
    }
  });

  it("training on a page's main thread gives the event loop a turn every few milliseconds", async () => {
    const got = await page.evaluate(async () => {
      const { createXent } = await new Function('u', 'return import(u)')('./xent.js');
      const x = await createXent();
      const count = 4000;
      const inputs = new Float32Array(count * 100).map((_, i) => ((i * 37) % 101) / 101);
      const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
      const net = x.network([100, 64, 10], { seed: 1 });
      const ticks: number[] = [];
      let running = true;
      const tick = () => {
        ticks.push(performance.now());
        if (running) setTimeout(tick, 0);
      };
      tick();
      const t0 = performance.now();
      await net.train({ inputs, labels, count, inputSize: 100 }, { epochs: 40, batchSize: 10, eta: 0.5 });
      const ms = performance.now() - t0;
      await new Promise((resolve) => setTimeout(resolve, 0)); // the turn after training counts too
      running = false;
      let gap = 0;
      for (let i = 1; i < ticks.length; i++) gap = Math.max(gap, ticks[i]! - ticks[i - 1]!);
      return { ms, gap, ticks: ticks.length };
    });
    console.log(`main-thread training: ${got.ms.toFixed(0)} ms, ${got.ticks} timer turns, longest gap ${got.gap.toFixed(1)} ms`);
    expect(got.ms).toBeGreaterThan(100); // long enough for the gaps to mean something
    // A turn every 5 ms of training, each followed by the 4 ms clamp of the timer chain: ~9 ms apart
    // (a run that never yields gets 2 or 3 turns in all). Counted on average rather than bounded one by
    // one, so that a loaded machine's scheduling (other processes on the cores) does not fail it.
    expect(got.ticks).toBeGreaterThanOrEqual(got.ms / 50);
  });
});
