// Inference on the 10,000 MNIST test images: xent's net.predict against TensorFlow.js wasm (XNNPACK, one
// thread, the same weights as tf tensors) and onnxruntime-web (its WASM backend, one thread, SIMD,
// running net.toONNX() of the same network), for 784-30-10 and 784-100-10, batch 10,000 (one call) and
// batch 1 (one call per image). Outputs are checked first (same argmax on all 10,000 images). Then
// ROUNDS interleaved rounds (the order of the three rotates): each round times one batch-10,000 call per
// implementation and a batch-1 pass over a fifth of the images (the rounds together cover all 10,000).
// Figures: images/s (median over rounds; also in the process's CPU time, `cpu`, which a loaded machine
// disturbs less) and batch-1 latency (median over every call).
//   node --experimental-wasm-relaxed-simd bench/inference.mjs [--quick]   (also run by bench/run.mjs)
import os from 'node:os';
import * as ort from 'onnxruntime-web';
import { createXent } from '../dist/index.js';
import { loadMnist } from '../dist/data/mnist.js';
import { tf, useTf } from './peers.mjs';

ort.env.wasm.numThreads = 1; // one thread, as xent and TensorFlow.js here
ort.env.wasm.simd = true;

const median = (xs) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function argmaxes(out, n, K) {
  const a = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (out[r * K + k] > out[r * K + best]) best = k;
    a[r] = best;
  }
  return a;
}

/** The three implementations of one trained network: each { name, batch(x, n), one(x) } returning output activations. */
async function implementations(net, d) {
  const W = net.weights(); // [layer][out][in]
  const B = net.biases();
  const tw = W.map((w) => tf.tensor2d(Float32Array.from(w.flat()), [w.length, w[0].length]).transpose()); // [in, out]
  const tb = B.map((b) => tf.tensor1d(Float32Array.from(b)));
  if (net.output !== 'sigmoid' || net.hidden !== 'sigmoid') throw new Error('inference bench: the tfjs twin is written for sigmoid layers');
  const tfForward = (x, n) => tf.tidy(() => {
    let a = tf.tensor2d(x, [n, d]);
    for (let l = 0; l < tw.length; l++) a = tf.sigmoid(tf.add(tf.matMul(a, tw[l]), tb[l]));
    return a.dataSync();
  });
  const session = await ort.InferenceSession.create(net.toONNX(), { executionProviders: ['wasm'] });
  const ortRun = async (x, n) => (await session.run({ input: new ort.Tensor('float32', x, [n, d]) })).output.data;
  return {
    impls: [
      { name: 'xent wasm', batch: (x, n) => net.predict({ data: x, shape: [n, d] }).data, one: (x) => net.predict(x) },
      { name: 'tfjs wasm', batch: tfForward, one: (x) => tfForward(x, 1) },
      { name: 'onnxruntime-web wasm', batch: ortRun, one: (x) => ortRun(x, 1) },
    ],
    dispose: async () => {
      for (const t of [...tw, ...tb]) t.dispose();
      await session.release();
    },
  };
}

/** Rows for bench/run.mjs: per network, batch-10,000 and batch-1 throughput (images/s) and batch-1 latency (µs). */
export async function inference({ quick = false, rounds = 5 } = {}) {
  await useTf('wasm');
  const mnist = await loadMnist({ trainingSize: 10_000 });
  const { inputs, count: n, inputSize: d } = mnist.test;
  const xent = await createXent({ simd: 'plain' });
  const R = quick ? 2 : rounds;
  const slice = Math.ceil(n / R);
  const rows = [];
  for (const sizes of [[784, 30, 10], [784, 100, 10]]) {
    const net = xent.network(sizes, { seed: 1 });
    // Trained for one epoch on 10,000 images, so that the argmax check compares real decisions.
    await net.train(mnist.training, { epochs: 1, batchSize: 10, eta: 0.5, seed: 1 });
    const K = sizes.at(-1);
    const { impls, dispose } = await implementations(net, d);
    const want = argmaxes(await impls[0].batch(inputs, n), n, K);
    for (const impl of impls.slice(1)) {
      const got = argmaxes(await impl.batch(inputs, n), n, K);
      const differ = want.reduce((s, v, i) => s + (v !== got[i]), 0);
      if (differ) throw new Error(`inference ${sizes.join('-')}: ${impl.name} and xent disagree on the argmax of ${differ} of ${n} images`);
      const single = await impl.one(inputs.subarray(0, d));
      if (argmaxes(single, 1, K)[0] !== want[0]) throw new Error(`inference ${sizes.join('-')}: ${impl.name} batch 1 disagrees`);
    }
    const accuracy = want.reduce((s, v, i) => s + (v === mnist.test.labels[i]), 0) / n;
    const bigRate = Object.fromEntries(impls.map((i) => [i.name, []]));
    const oneRate = Object.fromEntries(impls.map((i) => [i.name, []]));
    const oneUs = Object.fromEntries(impls.map((i) => [i.name, []]));
    // the same rates in the process's CPU time: on a loaded machine, other processes' time slices do not count
    const bigCpu = Object.fromEntries(impls.map((i) => [i.name, []]));
    const oneCpu = Object.fromEntries(impls.map((i) => [i.name, []]));
    const cpuSeconds = (c) => (c.user + c.system) / 1e6;
    for (const impl of impls) for (let w = 0; w < 200; w++) await impl.one(inputs.subarray(w * d, (w + 1) * d)); // warm-up
    for (let r = 0; r < R; r++) {
      const order = impls.map((_, i) => impls[(i + r) % impls.length]);
      for (const impl of order) {
        let c0 = process.cpuUsage();
        let t0 = performance.now();
        await impl.batch(inputs, n);
        bigRate[impl.name].push(n / ((performance.now() - t0) / 1000));
        bigCpu[impl.name].push(n / cpuSeconds(process.cpuUsage(c0)));
        const lo = r * slice;
        const hi = Math.min(n, lo + (quick ? Math.min(slice, 1000) : slice));
        const start = performance.now();
        c0 = process.cpuUsage();
        for (let i = lo; i < hi; i++) {
          t0 = performance.now();
          await impl.one(inputs.subarray(i * d, (i + 1) * d));
          oneUs[impl.name].push((performance.now() - t0) * 1000);
        }
        oneRate[impl.name].push((hi - lo) / ((performance.now() - start) / 1000));
        oneCpu[impl.name].push((hi - lo) / cpuSeconds(process.cpuUsage(c0)));
      }
    }
    await dispose();
    net.dispose();
    const samples = Object.fromEntries(impls.map((i) => [i.name, R]));
    const acc = Object.fromEntries(impls.map((i) => [i.name, accuracy]));
    const of = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, median(v)]));
    // the best round too: on a loaded machine, the round least disturbed by other processes
    const best = (m, f) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, f(...v)]));
    const name = sizes.join('-');
    rows.push({ suite: 'inference', name: `predict ${name}, batch 10,000`, unit: 'images/s', higherIsBetter: true, values: of(bigRate), cpu: of(bigCpu), best: best(bigRate, Math.max), samples, accuracy: acc });
    rows.push({ suite: 'inference', name: `predict ${name}, batch 1`, unit: 'images/s', higherIsBetter: true, values: of(oneRate), cpu: of(oneCpu), best: best(oneRate, Math.max), samples });
    rows.push({ suite: 'inference latency', name: `predict ${name}, batch 1 latency`, unit: 'µs', higherIsBetter: false, values: of(oneUs),
      samples: Object.fromEntries(Object.entries(oneUs).map(([k, v]) => [k, v.length])) });
    process.stderr.write(`  inference ${name} done\n`);
  }
  xent.dispose();
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const t0 = performance.now();
  const rows = await inference({ quick: process.argv.includes('--quick') });
  console.log(`${new Date().toISOString()}; ${os.cpus()[0]?.model}; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  for (const r of rows) {
    const x = r.values['xent wasm'];
    const ratio = (p) => (r.higherIsBetter ? x / r.values[p] : r.values[p] / x).toFixed(2);
    console.log(`${r.name}: ${Object.entries(r.values).map(([k, v]) => `${k} ${v.toFixed(r.unit === 'µs' ? 1 : 0)}`).join(', ')} ${r.unit}; xent ${ratio('tfjs wasm')}× tfjs wasm, ${ratio('onnxruntime-web wasm')}× onnxruntime-web`);
    if (r.cpu) {
      const c = (p) => (r.cpu['xent wasm'] / r.cpu[p]).toFixed(2);
      console.log(`  CPU time: ${Object.entries(r.cpu).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')} ${r.unit}; xent ${c('tfjs wasm')}× tfjs wasm, ${c('onnxruntime-web wasm')}× onnxruntime-web`);
    }
  }
}
