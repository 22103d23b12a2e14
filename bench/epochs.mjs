// Per-epoch training times of one configuration in a fresh process, for A/B comparisons that the main
// suite (first epochs of fresh networks) cannot show: later epochs run after V8's tier-up.
//   node --experimental-wasm-relaxed-simd bench/epochs.mjs [sizes] [batch] [threads] [simd] [epochs] [dist]
//   e.g. … bench/epochs.mjs 784,30,10 128 2 relaxed 3   (run it alternately with threads 1 and 2)
// `dist` (default dist/) may be a copy of an older build, to compare two versions of the code in
// alternating processes. Prints one line: the configuration and each epoch's training seconds.
const [sizesArg = '784,30,10', batchArg = '10', threadsArg = '1', simd = 'auto', epochsArg = '3', dist = 'dist'] = process.argv.slice(2);
const root = new URL(`../${dist}/`, import.meta.url);
const { createXent } = await import(new URL('index.js', root).href);
const { loadMnist } = await import(new URL('data/mnist.js', root).href);

const sizes = sizesArg.split(',').map(Number);
const mnist = await loadMnist({ bytes: true }); // as the CLI trains
const x = await createXent({ threads: Number(threadsArg), simd });
const net = x.network(sizes, { seed: 1 });
const h = await net.train(mnist.training, { epochs: Number(epochsArg), batchSize: Number(batchArg), eta: 0.5 });
console.log(`${sizes.join('-')} batch ${batchArg}, ${x.simd} SIMD, ${x.threads} thread(s): ${h.epochs.map((e) => e.seconds.toFixed(3)).join(' ')} s`);
x.dispose();
