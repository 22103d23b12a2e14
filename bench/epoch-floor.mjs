// MNIST epochs against their FLOP floor (bench/flops.mjs ÷ the peak bench/peak.mjs measures in the same
// process): 784-30-10 at batch 128 and 10, plain and relaxed builds, one thread; rounds alternate the
// builds, each a fresh network (seed 1) trained for 3 epochs. Each epoch is timed in wall time (the
// library's own epoch time) and in the process's CPU time (between onEpoch calls; the first epoch's CPU
// time also holds the dataset's upload), which a loaded machine disturbs less.
//   node --experimental-wasm-relaxed-simd bench/epoch-floor.mjs [rounds]
import os from 'node:os';
import { createXent } from '../dist/index.js';
import { loadMnist } from '../dist/data/mnist.js';
import { epochFlops } from './flops.mjs';
import { measurePeak } from './peak.mjs';

const rounds = Number(process.argv[2] ?? 3);
const EPOCHS = 3;
const median = (xs) => [...xs].sort((p, q) => p - q)[xs.length >> 1];
const loadStart = os.loadavg();
const { cpu, peak } = await measurePeak({ rounds: 5 });
const mnist = await loadMnist(); // float32 pixels, as bench/run.mjs's epoch suite hands them
const builds = [];
for (const simd of ['plain', 'relaxed']) {
  try {
    builds.push([simd, await createXent({ simd })]);
  } catch {
    // relaxed SIMD not available
  }
}
const configs = [[[784, 30, 10], 128], [[784, 30, 10], 10]];
const times = {};
for (let r = 0; r < rounds; r++) {
  for (const [sizes, batch] of configs) {
    for (const [simd, x] of builds) {
      const key = `${sizes.join('-')} b${batch} ${simd}`;
      const t = (times[key] ??= { wall1: [], cpu1: [], wall: [], cpu: [] });
      const net = x.network(sizes, { seed: 1 });
      let c = process.cpuUsage();
      await net.train(mnist.training, {
        epochs: EPOCHS, batchSize: batch, eta: 0.5,
        onEpoch: (rep) => {
          const d = process.cpuUsage(c);
          c = process.cpuUsage();
          const s = (d.user + d.system) / 1e6;
          if (rep.epoch === 1) { t.wall1.push(rep.seconds); t.cpu1.push(s); } else { t.wall.push(rep.seconds); t.cpu.push(s); }
        },
      });
      net.dispose();
    }
  }
}
console.log(`${new Date().toISOString()}; ${cpu}; load ${loadStart.map((v) => v.toFixed(2)).join(' ')} → ${os.loadavg().map((v) => v.toFixed(2)).join(' ')}; ${rounds} rounds`);
console.log(`peak mul+add ${peak.plain.toFixed(1)} GFLOP/s, relaxed_madd ${peak.relaxed?.toFixed(1) ?? '—'} GFLOP/s`);
for (const [key, t] of Object.entries(times)) {
  const [name, b, simd] = key.split(' ');
  const f = epochFlops(name.split('-').map(Number), mnist.training.count, Number(b.slice(1)));
  const floor = f.total / ((simd === 'relaxed' ? peak.relaxed : peak.plain) * 1e9);
  const show = (s) => `${s.toFixed(3)} s (${(s / floor).toFixed(2)}× floor)`;
  console.log(`${key}: ${(f.total / 1e9).toFixed(3)} GFLOP, floor ${floor.toFixed(3)} s; first epoch wall ${show(median(t.wall1))}, CPU ${show(median(t.cpu1))}; ` +
    `epochs 2–${EPOCHS} wall ${show(median(t.wall))}, CPU ${show(median(t.cpu))}`);
}
for (const [, x] of builds) x.dispose();
