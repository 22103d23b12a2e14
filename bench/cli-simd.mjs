// Does `xent train --simd relaxed` (V8's relaxed-SIMD flag set from inside the process, as the CLI does on
// Node 20) win over the plain build? Both builds in one process, alternating epoch by epoch after a
// warm-up epoch each, so slow spells of the shared machine fall on both. Prints min / median training
// seconds per epoch and the ratio plain / relaxed.
//   node bench/cli-simd.mjs [sizes=784,30,10] [batch=10] [rounds=8]
import v8 from 'node:v8';
import os from 'node:os';

v8.setFlagsFromString('--experimental-wasm-relaxed-simd'); // before the first WebAssembly compile
const { createXent } = await import('../dist/index.js');
const { loadMnist } = await import('../dist/data/mnist.js');

const [sizesArg = '784,30,10', batchArg = '10', roundsArg = '8'] = process.argv.slice(2);
const sizes = sizesArg.split(',').map(Number);
const batchSize = Number(batchArg);
const mnist = await loadMnist({ bytes: true });
const runs = [];
for (const simd of ['plain', 'relaxed']) {
  const xent = await createXent({ simd });
  if (xent.simd !== simd) throw new Error(`asked for ${simd}, got ${xent.simd}`);
  const net = xent.network(sizes, { seed: 1 });
  await net.train(mnist.training, { epochs: 1, batchSize, eta: 0.5 }); // warm-up: V8's tier-up
  runs.push({ simd, net, seconds: [] });
}
for (let r = 0; r < Number(roundsArg); r++) {
  for (const run of runs) run.seconds.push((await run.net.train(mnist.training, { epochs: 1, batchSize, eta: 0.5 })).epochs[0].seconds);
}
const median = (s) => [...s].sort((a, b) => a - b)[s.length >> 1];
for (const { simd, seconds } of runs) {
  console.log(`${simd}: min ${Math.min(...seconds).toFixed(4)} s, median ${median(seconds).toFixed(4)} s per epoch`);
}
console.log(`plain / relaxed: median ${(median(runs[0].seconds) / median(runs[1].seconds)).toFixed(3)}, ` +
  `min ${(Math.min(...runs[0].seconds) / Math.min(...runs[1].seconds)).toFixed(3)}  ` +
  `(${sizesArg}, batch ${batchSize}; ${os.cpus()[0]?.model}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, Node ${process.version})`);
