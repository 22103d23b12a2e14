// Trains the same networks with two copies of the package (bench/dist-copy.mjs) in one process and
// reports whether parameters and every reported cost are identical to the bit: the check that a
// refactoring of the training core changed no arithmetic.
//   node --experimental-wasm-relaxed-simd bench/same-bits.mjs <old> <new> [examples]
import { loadMnist } from '../dist/data/mnist.js';

const [a, b, countArg] = process.argv.slice(2);
if (!b) throw new Error('usage: node bench/same-bits.mjs <old> <new> [examples]');
const mnist = await loadMnist({ bytes: true, trainingSize: Number(countArg ?? 50000) });
const small = await loadMnist({ bytes: true, trainingSize: 2000 });
const load = async (name) => (await import(new URL(`../.ab/${name}/index.js`, import.meta.url).href)).createXent;
const [oldX, newX] = [await load(a), await load(b)];

const cases = [];
for (const cost of ['cross-entropy', 'quadratic', 'log-likelihood']) {
  for (const batchSize of [10, 128]) cases.push({ net: { cost }, train: { batchSize, lambda: 5 } });
}
cases.push({ net: { hidden: 'tanh' }, train: { batchSize: 10, lambda: 5, momentum: 0.9 } });
cases.push({ net: { hidden: 'relu' }, train: { batchSize: 128, lambda: 5, regularization: 'l1' } });
cases.push({ net: {}, train: { batchSize: 10, lambda: 5, dropout: 0.5, momentum: 0.5 } });
cases.push({ net: { cost: 'log-likelihood' }, train: { batchSize: 128, lambda: 0, momentum: 0.9, epochs: 2 } });

const bits = (f) => Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
let same = 0;
let differ = 0;
for (const backend of ['wasm-plain', 'wasm-relaxed', 'reference']) {
  const opts = backend === 'reference' ? { backend: 'reference' } : { simd: backend.slice(5) };
  const data = backend === 'reference' ? small : mnist;
  for (const c of cases) {
    const results = [];
    for (const createXent of [oldX, newX]) {
      const x = await createXent(opts);
      const net = x.network([784, 30, 10], { seed: 3, ...c.net });
      const h = await net.train(data.training, {
        epochs: 1, eta: 0.5, evaluationData: data.validation,
        monitor: { evaluationAccuracy: true, evaluationCost: true, trainingAccuracy: true, trainingCost: true }, ...c.train,
      });
      const costs = h.epochs.map((e) => [e.evaluationAccuracy, e.evaluationCost, e.trainingAccuracy, e.trainingCost]);
      results.push({ params: bits(net.parameters()), costs: JSON.stringify(costs) });
    }
    const ok = results[0].params === results[1].params && results[0].costs === results[1].costs;
    ok ? same++ : differ++;
    console.log(`${ok ? 'same  ' : 'DIFFER'} ${backend} ${JSON.stringify(c)} ${ok ? '' : `${results[0].costs} vs ${results[1].costs}`}`);
  }
}
console.log(`${same} identical, ${differ} different`);
process.exitCode = differ ? 1 : 0;
