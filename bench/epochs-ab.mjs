// Epoch times of two or more copies of the package (bench/dist-copy.mjs) in one process, alternating
// epoch by epoch after one warm-up epoch each, so that the shared machine's slow spells fall on all of
// them. Prints min, fast quartile and median training seconds per copy. Trains on MNIST bytes.
//   node [--experimental-wasm-relaxed-simd] bench/epochs-ab.mjs <sizes> <batch> <plain|relaxed> <rounds> <name> <name> …
//   e.g. node bench/dist-copy.mjs old && (change, npm run build) && node bench/dist-copy.mjs new
//        node bench/epochs-ab.mjs 784,30,10 128 plain 12 old new
import { loadMnist } from '../dist/data/mnist.js';

const [sizesArg, batchArg, simd, roundsArg, ...names] = process.argv.slice(2);
if (!names.length) throw new Error('usage: node bench/epochs-ab.mjs <sizes> <batch> <plain|relaxed> <rounds> <name> …');
const sizes = sizesArg.split(',').map(Number);
const batchSize = Number(batchArg);
const mnist = await loadMnist({ bytes: true });
const copies = [];
for (const name of names) {
  const { createXent } = await import(new URL(`../.ab/${name}/index.js`, import.meta.url).href);
  const net = (await createXent({ simd })).network(sizes, { seed: 1 });
  await net.train(mnist.training, { epochs: 1, batchSize, eta: 0.5 }); // warm-up: V8's tier-up
  copies.push({ name, net, seconds: [] });
}
for (let r = 0; r < Number(roundsArg); r++) {
  for (const c of copies) c.seconds.push((await c.net.train(mnist.training, { epochs: 1, batchSize, eta: 0.5 })).epochs[0].seconds);
}
for (const { name, seconds } of copies) {
  const s = seconds.sort((a, b) => a - b);
  const f = (i) => s[i].toFixed(4);
  console.log(`${name}: min ${f(0)}, q1 ${f(s.length >> 2)}, median ${f(s.length >> 1)} s`);
}
