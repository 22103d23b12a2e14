// Per-epoch training time of small data in headless Chromium against Node, side by side in one process:
// what the yield between chunks of mini-batches costs (src/network/yield.ts: setImmediate in Node, a
// MessageChannel message in browsers; nested setTimeout(0) is clamped to ≥ 4 ms in browsers). Also
// times 1,000 bare yields of each kind in Chromium, to show the clamp the MessageChannel avoids.
//   node bench/browser-yield.mjs        (needs Debian's /usr/bin/chromium; prints a Markdown table)
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { createXent } from '../dist/index.js';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

/** Runs in both engines: the best of `reps` timed runs of each workload, in ms per epoch. */
async function workloads(createXent, reps) {
  const x = await createXent({ simd: 'plain' });
  const xor = { inputs: Float32Array.of(0, 0, 0, 1, 1, 0, 1, 1), labels: Uint8Array.of(0, 1, 1, 0), count: 4, inputSize: 2 };
  const count = 1000;
  const inputs = new Float32Array(count * 8);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    for (let k = 0; k < 8; k++) inputs[i * 8 + k] = (i % 2 ? 0.7 : 0.3) + ((i * 7 + k * 13) % 10) / 50;
  }
  const blobs = { inputs, labels, count, inputSize: 8 };
  const cases = [
    ['XOR, 2-4-2, 4 examples, batch 4 (1 chunk an epoch)', [2, 4, 2], xor, 4, 500],
    ['blobs, 8-16-2, 1,000 examples, batch 10 (50 chunks an epoch)', [8, 16, 2], blobs, 10, 20],
  ];
  const out = {};
  for (const [name, sizes, data, batchSize, epochs] of cases) {
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
}

/** Runs in Chromium: ms for 1,000 sequential yields of each kind. */
async function bareYields() {
  const time = async (once) => {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) await once();
    return performance.now() - t0;
  };
  const channel = new MessageChannel();
  let wake = null;
  channel.port1.onmessage = () => wake();
  return {
    'setTimeout(0)': await time(() => new Promise((r) => setTimeout(r, 0))),
    MessageChannel: await time(() => new Promise((r) => { wake = r; channel.port2.postMessage(0); })),
  };
}

const dir = new URL('../dist/browser/', import.meta.url);
const server = createServer((req, res) => {
  const name = req.url.split('/').pop();
  if (name.endsWith('.js')) res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(new URL(name, dir)));
  else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><link rel="icon" href="data:,"><title>bench</title>');
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: FLAGS });
const page = await browser.newPage();
await page.goto(`${base}/`);
const reps = 5;
const inBrowser = async (fn, ...args) => page.evaluate(async ([url, src, a]) => {
  const { createXent } = await import(url);
  return new Function(`return (${src})`)()(createXent, ...a);
}, [`${base}/xent.js`, fn.toString(), args]);

console.log(`CPU: ${cpus()[0].model} × ${cpus().length}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`Node ${process.version}, ${await browser.version()} (Chromium); best of ${reps} runs, simd 'plain'\n`);
// Alternate the engines twice so that a load spike does not favour one of them.
const node = [];
const chrome = [];
for (let round = 0; round < 2; round++) {
  node.push(await workloads(createXent, reps));
  chrome.push(await inBrowser(workloads, reps));
}
console.log('| workload | Node ms/epoch | Chromium ms/epoch | Chromium / Node |\n|---|---|---|---|');
for (const name of Object.keys(node[0])) {
  const n = Math.min(...node.map((r) => r[name]));
  const c = Math.min(...chrome.map((r) => r[name]));
  console.log(`| ${name} | ${n.toFixed(4)} | ${c.toFixed(4)} | ${(c / n).toFixed(2)} |`);
}
const bare = await page.evaluate(`(${bareYields.toString()})()`);
console.log(`\n1,000 sequential yields in Chromium: ${Object.entries(bare).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ')}`);
await browser.close();
server.close();
