// Two-thread MNIST epochs of two or more copies of the package (bench/dist-copy.mjs), each measurement a
// fresh process in a session of its own (as bench/threads.mjs runs them), the copies alternating round
// by round, so that a slow spell of the machine falls on all of them. A measurement is the best of
// epochs 2–3 of 784-30-10 at batch 128 with createXent({ threads }). Prints the median and every value.
//   node bench/threads-ab.mjs <rounds> <threads: 1|2> <name> <name> …
//   e.g. node bench/dist-copy.mjs old && (change, npm run build) && node bench/dist-copy.mjs new
//        node bench/threads-ab.mjs 8 2 old new
import { execFileSync } from 'node:child_process';

const [roundsArg, threadsArg, ...names] = process.argv.slice(2);
if (!names.length) throw new Error('usage: node bench/threads-ab.mjs <rounds> <threads> <name> <name> …');
const child = `
const root = process.argv[1];
const { createXent } = await import(root + '/index.js');
const { loadMnist } = await import(root + '/data/mnist.js');
const mnist = await loadMnist({ bytes: true });
const x = await createXent({ threads: Number(process.argv[2]) });
const net = x.network([784, 30, 10], { seed: 1 });
const h = await net.train(mnist.training, { epochs: 3, batchSize: 128, eta: 0.5 });
console.log(Math.min(...h.epochs.slice(1).map((e) => e.seconds)));
x.dispose();`;
const seconds = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < Number(roundsArg); r++) {
  for (const n of names) {
    const root = new URL(`../.ab/${n}`, import.meta.url).pathname;
    const out = execFileSync('setsid', ['node', '--experimental-wasm-relaxed-simd', '--input-type=module', '-e', child, root, threadsArg]);
    seconds[n].push(Number(out.toString()));
  }
}
for (const n of names) {
  const s = seconds[n].sort((a, b) => a - b);
  console.log(`${n}: median ${s[s.length >> 1].toFixed(4)} s, all ${s.map((v) => v.toFixed(3)).join(' ')}`);
}
