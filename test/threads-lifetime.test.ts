// The lifetime of a threads: 2 instance: a worker that stops mid-block (as a preempted one does) never
// holds its caller up; after dispose() the worker is stopped and every use throws `xent: this instance
// was disposed` (a RangeError) at once, never spinning on a worker that is gone; dispose() during
// training ends the run; 200 create → dispose cycles leave no thread behind. Each case runs in a child
// process with a timeout, so that a hang fails the test instead of stalling the suite.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const INDEX = JSON.stringify(new URL('../dist/index.js', import.meta.url).href);
const WASM = JSON.stringify(new URL('../dist/backend/wasm.js', import.meta.url).href);

/** Runs an ES module body in a fresh Node process; returns its stdout lines (the test fails on a hang). */
function run(body: string, timeout = 30000): string[] {
  const t = Date.now();
  const p = spawnSync(process.execPath, ['--input-type=module', '-e', `import { createXent } from ${INDEX};\n${body}`],
    { encoding: 'utf8', timeout });
  expect(Date.now() - t, `timed out (a hang): ${p.stdout}`).toBeLessThan(timeout);
  expect(p.stderr).toBe('');
  expect(p.status).toBe(0);
  return p.stdout.trim().split('\n');
}

// Prints what a call does: 'ok' or the error's class and message.
const TRY = `const t = (f) => { try { f(); return 'ok'; } catch (e) { return e.constructor.name + ': ' + e.message; } };`;

describe('threads: 2 with a worker that is not running', () => {
  it('the caller takes over the block a stalled worker holds and computes the rest itself; the same bits, no wait', () => {
    const out = run(`
      const { createWasmBackend } = await import(${WASM});
      const one = await createWasmBackend('plain', 1);
      const be = await createWasmBackend('plain', 2);
      const [m, k, n] = [128, 784, 100]; // 10 M multiply-adds: 4 blocks of rows
      const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5);
      const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 104729) % 997) / 997 - 0.5);
      const want = new Float32Array(m * n);
      one.matmul(a, b, want, m, k, n, false, false);
      const same = (c) => c.every((v, i) => v === want[i]);
      const product = () => { const c = new Float32Array(m * n); be.matmul(a, b, c, m, k, n, false, false); return c; };
      for (let i = 0; i < 20 || (be.workerTasks() === 0 && i < 5000); i++) product(); // the worker takes part
      const shared = be.workerTasks();
      be.kernels.parStall(be.parallelControl, 1); // from now on the worker stops before committing a block
      let ok = true;
      for (let i = 0; i < 50; i++) ok &&= same(product());
      const stalled = be.workerTasks();
      be.kernels.parStall(be.parallelControl, 0); // its held block fails to commit; it claims again
      for (let i = 0; i < 400 || (be.workerTasks() === stalled && i < 5000); i++) ok &&= same(product());
      console.log(shared > 0, ok, stalled - shared, be.workerTasks() > stalled);`);
    // The worker took part, every product equals one thread's, the stalled worker committed nothing
    // (the caller computed its block and every later one), and afterwards it shares again.
    expect(out[0]).toBe('true true 0 true');
  });
});

describe('threads: 2 after dispose()', () => {
  it('every use of the instance and of its networks throws a RangeError at once (no hang)', () => {
    const out = run(`${TRY}
      const x = await createXent({ threads: 2 });
      const net = x.network([784, 30, 10], { seed: 1 });
      const inputs = new Float32Array(256 * 784).fill(0.5);
      const data = { inputs, labels: new Uint8Array(256), count: 256, inputSize: 784 };
      await net.train(data, { epochs: 1, batchSize: 128, eta: 0.5 }); // the worker has run
      const a = { data: new Float32Array(128 * 784).fill(1), shape: [128, 784] };
      const b = { data: new Float32Array(784 * 30).fill(1), shape: [784, 30] };
      x.dispose();
      console.log(t(() => x.matmul(a, b)));
      console.log(t(() => net.predict(inputs.subarray(0, 784))));
      console.log(t(() => x.network([4, 2])));
      console.log(t(() => x.softmax([1, 2, 3])));
      const r = await net.train(data, { epochs: 1, batchSize: 128, eta: 0.5 }).then((h) => 'resolved ' + h.stopped, (e) => e.constructor.name + ': ' + e.message);
      console.log(r);`);
    expect(out).toHaveLength(5);
    for (const line of out) expect(line).toMatch(/^RangeError: .*xent: this instance was disposed$/);
  });

  it('dispose() during training ends the run: train() rejects with the RangeError, nothing spins', () => {
    const out = run(`
      const x = await createXent({ threads: 2 });
      const net = x.network([784, 100, 10], { seed: 1 });
      const inputs = new Float32Array(4096 * 784).fill(0.25);
      const data = { inputs, labels: new Uint8Array(4096), count: 4096, inputSize: 784 };
      const run = net.train(data, { epochs: 50, batchSize: 128, eta: 0.5 });
      setTimeout(() => x.dispose(), 300);
      const t = Date.now();
      const r = await run.then((h) => 'resolved ' + h.stopped, (e) => e.constructor.name + ': ' + e.message);
      console.log(r);
      console.log(Date.now() - t < 30000 ? 'ended' : 'late');`);
    expect(out[0]).toMatch(/^RangeError: .*xent: this instance was disposed$/);
    expect(out[1]).toBe('ended');
  });
});

describe('threads: 2 create → dispose cycles', () => {
  it('200 cycles, each running products on the worker, leave no thread behind', () => {
    const out = run(`
      import { readFileSync } from 'node:fs';
      const threads = () => Number(/Threads:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
      const settle = async (limit) => {
        for (let i = 0; i < 400 && threads() > limit; i++) await new Promise((r) => setTimeout(r, 25));
        return threads();
      };
      const a = { data: new Float32Array(128 * 512).fill(0.5), shape: [128, 512] };
      const b = { data: new Float32Array(512 * 128).fill(2), shape: [512, 128] };
      const cycle = async () => {
        const x = await createXent({ threads: 2 });
        if (x.matmul(a, b).data[0] !== 512) throw new Error('wrong product');
        const live = threads();
        x.dispose();
        return live;
      };
      await cycle();
      await new Promise((r) => setTimeout(r, 500));
      const base = threads();
      let peak = 0;
      for (let i = 0; i < 200; i++) peak = Math.max(peak, await cycle());
      console.log(base, await settle(base), peak);`, 120000);
    const [base, after, peak] = out[0]!.split(' ').map(Number);
    expect(peak).toBeGreaterThan(base!); // workers did start (each adds a thread while it lives) …
    expect(after).toBeLessThanOrEqual(base!); // … and every one of them has ended
  });
});
