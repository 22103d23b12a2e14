// The browser bundle (dist/browser/xent.js) in headless Chromium (Debian's package, driven by
// playwright-core; never a downloaded browser): it loads as one ES module, picks relaxed SIMD, computes
// losses, trains a network, and — on a cross-origin-isolated page — runs createXent({ threads: 2 }) on
// a Web Worker with shared memory, with the same results as one thread. A page that is not isolated
// gets a clear error instead. Under CI=true a missing Chromium fails the suite; elsewhere these tests
// are reported as skipped.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];
const present = existsSync(CHROMIUM);

describe('Chromium is available where CI runs the browser tests', () => {
  it.runIf(process.env.CI === 'true')(`${CHROMIUM} exists (.ci/run installs Debian's chromium)`, () => {
    expect(present).toBe(true);
  });
});

const PAGE = '<!doctype html><meta charset="utf-8"><title>xent</title><body></body>';

/**
 * Serves the bundle (and the chunk of threaded builds it imports lazily) and a blank page; /isolated/
 * adds the COOP/COEP headers that enable SharedArrayBuffer.
 */
function serve(): Promise<Server> {
  const dir = new URL('../dist/browser/', import.meta.url);
  const files = new Map(readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => [f, readFileSync(new URL(f, dir))]));
  const server = createServer((req, res) => {
    const isolated = req.url?.startsWith('/isolated/') ?? false;
    const headers: Record<string, string> = isolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {};
    const file = files.get(req.url?.split('/').pop() ?? '');
    if (file) {
      res.writeHead(200, { 'Content-Type': 'text/javascript', ...headers }).end(file);
    } else if (req.url === '/' || req.url === '/isolated/') {
      res.writeHead(200, { 'Content-Type': 'text/html', ...headers }).end(PAGE);
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe.skipIf(!present)('the browser bundle in headless Chromium', () => {
  let browser: Browser;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = await serve();
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + path);
    expect(errors).toEqual([]);
    return page;
  }

  it('loads as an ES module, takes relaxed SIMD, computes cross-entropy and trains a network', async () => {
    const page = await open('/');
    const got = await page.evaluate(async (url) => {
      const { createXent } = await new Function('u', 'return import(u)')(url); // kept from vitest's import rewriting
      const x = await createXent();
      const h = x.crossEntropy([0.5, 0.25, 0.25], [0.25, 0.5, 0.25], { base: 2 });
      // Two well-separated blobs in 4 dimensions, labels 0/1.
      const count = 200;
      const inputs = new Float32Array(count * 4);
      const labels = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        labels[i] = i % 2;
        for (let k = 0; k < 4; k++) inputs[i * 4 + k] = (i % 2 ? 0.8 : 0.2) + ((i * 7 + k * 13) % 10) / 100;
      }
      const data = { inputs, labels, count, inputSize: 4 };
      const net = x.network([4, 5, 2], { seed: 1 });
      await net.train(data, { epochs: 20, batchSize: 10, eta: 1 });
      return { simd: x.simd, threads: x.threads, h, accuracy: net.accuracy(data), isolated: crossOriginIsolated };
    }, `${base}/xent.js`);
    await page.close();
    expect(got.simd).toBe('relaxed'); // Chrome ≥ 114 has relaxed SIMD
    expect(got.threads).toBe(1);
    // H(p, q) = −Σ p log2 q = 0.5·2 + 0.25·1 + 0.25·2 = 1.75 bits.
    expect(got.h).toBeCloseTo(1.75, 12);
    expect(got.accuracy).toBe(1);
    expect(got.isolated).toBe(false);
  });

  it('threads: 2 on a page that is not cross-origin isolated is a clear error', async () => {
    const page = await open('/');
    const message = await page.evaluate(async (url) => {
      const { createXent } = await new Function('u', 'return import(u)')(url); // kept from vitest's import rewriting
      try {
        await createXent({ threads: 2 });
        return 'no error';
      } catch (e) {
        return (e as Error).message;
      }
    }, `${base}/xent.js`);
    await page.close();
    expect(message).toMatch(/^createXent: threads: 2 cannot run here: .*(SharedArrayBuffer|cross-origin isolated)/);
  });

  it('threads: 2 on a cross-origin-isolated page: a Web Worker, the same product and training as one thread', async () => {
    const page = await open('/isolated/');
    const got = await page.evaluate(async (url) => {
      const { createXent } = await new Function('u', 'return import(u)')(url); // kept from vitest's import rewriting
      const one = await createXent();
      const two = await createXent({ threads: 2 });
      const [m, k, n] = [96, 512, 200]; // 9.8 M multiply-adds: split between the threads
      const a = { data: Float32Array.from({ length: m * k }, (_, i) => ((i * 37) % 101) / 101 - 0.5), shape: [m, k] };
      const b = { data: Float32Array.from({ length: k * n }, (_, i) => ((i * 53) % 97) / 97 - 0.5), shape: [k, n] };
      const c1 = one.matmul(a, b).data as Float32Array;
      const c2 = two.matmul(a, b).data as Float32Array;
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < c1.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(c1[i] - c2[i]));
        maxAbs = Math.max(maxAbs, Math.abs(c1[i]));
      }
      const count = 512;
      const inputs = new Float32Array(count * 256);
      const labels = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        labels[i] = i % 4;
        for (let j = 0; j < 256; j++) inputs[i * 256 + j] = (j % 4 === i % 4 ? 0.7 : 0.1) + ((i * 31 + j * 7) % 17) / 100;
      }
      const data = { inputs, labels, count, inputSize: 256 };
      const acc = [];
      for (const x of [one, two]) {
        const net = x.network([256, 64, 4], { seed: 2 });
        await net.train(data, { epochs: 2, batchSize: 128, eta: 0.5 });
        acc.push(net.accuracy(data));
      }
      two.dispose();
      return { isolated: crossOriginIsolated, threads: two.threads, maxDiff, maxAbs, acc };
    }, `${base}/isolated/xent.js`);
    await page.close();
    expect(got.isolated).toBe(true);
    expect(got.threads).toBe(2);
    expect(got.maxAbs).toBeGreaterThan(1);
    expect(got.maxDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, got.maxAbs));
    expect(got.acc[1]).toBe(got.acc[0]);
    expect(got.acc[0]).toBeGreaterThan(0.9);
  });
});
