// threads: 2 against threads: 1, each measurement in a fresh process, 1T and 2T alternating, in three
// conditions: a quiet machine; one core kept busy by another process (a spinning `node -e`); two
// instances side by side (two processes at once, both 1T or both 2T). Two workloads: seconds per epoch
// of MNIST 784-30-10 at batch 128 (the best of epochs 2–3, as `xent train` runs it) and the
// (256,1024,1024) GEMM at the kernel level (operands resident, as in training). Prints `uptime` before
// every condition and the median ratio 1T/2T (> 1: two threads are faster) over the rounds. Every child
// and the busy process run detached, each in a session (a Linux autogroup) of its own: with
// sched_autogroup on, the scheduler shares the CPU between sessions first, so a worker thread gets time
// only from its own session's share.
//   node --experimental-wasm-relaxed-simd bench/threads.mjs [rounds=5] [conditions=quiet,busy,pair] [workloads=epoch,gemm]
// One measurement (what each child process runs):
//   node … bench/threads.mjs --child epoch|gemm 1|2
import { execFileSync, spawn } from 'node:child_process';
import { cpus } from 'node:os';

const SELF = new URL(import.meta.url).pathname;
const FLAGS = ['--experimental-wasm-relaxed-simd'];

if (process.argv[2] === '--child') {
  const [, , , workload, threads] = process.argv;
  const root = new URL('../dist/', import.meta.url);
  if (workload === 'epoch') {
    const { createXent } = await import(new URL('index.js', root).href);
    const { loadMnist } = await import(new URL('data/mnist.js', root).href);
    const mnist = await loadMnist({ bytes: true });
    const x = await createXent({ threads: Number(threads) });
    const net = x.network([784, 30, 10], { seed: 1 });
    const h = await net.train(mnist.training, { epochs: 3, batchSize: 128, eta: 0.5 });
    console.log(JSON.stringify({ value: Math.min(...h.epochs.slice(1).map((e) => e.seconds)) }));
    x.dispose();
  } else {
    const { createWasmBackend, relaxedSimdSupported } = await import(new URL('backend/wasm.js', root).href);
    const be = await createWasmBackend(relaxedSimdSupported() ? 'relaxed' : 'plain', Number(threads));
    const [m, k, n] = [256, 1024, 1024];
    const A = be.alloc('f32', m * k);
    const B = be.alloc('f32', k * n);
    const C = be.alloc('f32', m * n);
    A.write(Float32Array.from({ length: m * k }, () => Math.random() - 0.5));
    B.write(Float32Array.from({ length: k * n }, () => Math.random() - 0.5));
    const s = be.heap.alloc(be.kernels.matmulScratchBytes(m, k, n, 0, 0));
    const gemm = () => be.kernels.gemmPar(be.parallelControl, A.ptr, B.ptr, C.ptr, m, k, n, 0, 0, 1, 0, s);
    for (let i = 0; i < 20; i++) gemm();
    const times = [];
    for (let r = 0; r < 9; r++) {
      const t = performance.now();
      for (let i = 0; i < 10; i++) gemm();
      times.push((performance.now() - t) / 10 / 1000);
    }
    console.log(JSON.stringify({ value: times.sort((x, y) => x - y)[4] })); // seconds per product, median
    be.dispose();
  }
  process.exit(0);
}

/** Runs `count` children of one workload at once; resolves with their values (seconds). */
function children(workload, threads, count) {
  return Promise.all(Array.from({ length: count }, () => new Promise((resolve, reject) => {
    // detached: a session (and so a Linux autogroup) of its own, like a program started on its own.
    const p = spawn(process.execPath, [...FLAGS, SELF, '--child', workload, String(threads)], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)).value) : reject(new Error(`child exited ${code}`))));
  })));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => execFileSync('uptime', { encoding: 'utf8' }).trim().replace(/.*load average: /, 'load ');

const [roundsArg = '5', conditionsArg = 'quiet,busy,pair', workloadsArg = 'epoch,gemm'] = process.argv.slice(2);
const rounds = Number(roundsArg);
const autogroup = (() => { try { return execFileSync('cat', ['/proc/sys/kernel/sched_autogroup_enabled'], { encoding: 'utf8' }).trim(); } catch { return '?'; } })();
console.log(`${cpus()[0]?.model} ×${cpus().length}, Node ${process.version}, ${new Date().toISOString()}, sched_autogroup ${autogroup}`);
for (const condition of conditionsArg.split(',')) {
  for (const workload of workloadsArg.split(',')) {
    const busy = condition === 'busy' ? spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', detached: true }) : null;
    const before = load();
    const one = [];
    const two = [];
    for (let r = 0; r < rounds; r++) {
      const count = condition === 'pair' ? 2 : 1;
      // A pair's time is the slower of the two (both must finish); 1T and 2T alternate.
      one.push(Math.max(...(await children(workload, 1, count))));
      two.push(Math.max(...(await children(workload, 2, count))));
    }
    busy?.kill();
    const unit = workload === 'epoch' ? 's/epoch' : 'ms/product';
    const scale = workload === 'epoch' ? 1 : 1000;
    const f = (v) => (v * scale).toFixed(workload === 'epoch' ? 3 : 2);
    const ratios = one.map((v, i) => v / two[i]);
    console.log(`${condition.padEnd(5)} ${workload.padEnd(5)} 1T ${one.map(f).join(' ')}  2T ${two.map(f).join(' ')} ${unit}  ` +
      `1T/2T median ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})  [${before} → ${load()}]`);
  }
}
