// One valid call of every public method of an Xent instance, by the name its errors carry
// ("grad.entropy", "valueAndGrad.logLoss"): the dispose, fuzz and soak tests walk this table, and a
// test checks that it names every method the instance has.
import type { Xent } from '../src/index.js';

const P = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]];
const Y = [[0, 0, 1], [1, 0, 0]];
const NET = { sizes: [2, 1], weights: [[[0.5, -0.5]]], biases: [[[0.1]]], cost: 'CrossEntropyCost' as const };

/** A checkpoint of an untrained 2-1 network, as net.checkpoint() writes it (made once, by the reference backend). */
const { createXent } = await import('../src/index.js');
const CHECKPOINT = await (async () => {
  const x = await createXent({ backend: 'reference' });
  const c = x.network([2, 1]).checkpoint();
  x.dispose();
  return c;
})();
/** The same network as ONNX and safetensors bytes. */
const [ONNX, SAFETENSORS] = await (async () => {
  const x = await createXent({ backend: 'reference' });
  const net = x.loadNetwork(NET);
  const files = [net.toONNX(), net.toSafetensors()];
  x.dispose();
  return files;
})();

/** [method name, a valid call of it]. */
export const VALID_CALLS: readonly (readonly [string, (x: Xent) => unknown])[] = [
  ['entropy', (x) => x.entropy([0.5, 0.5])],
  ['crossEntropy', (x) => x.crossEntropy([0.5, 0.5], [0.25, 0.75])],
  ['klDivergence', (x) => x.klDivergence([0.5, 0.5], [0.25, 0.75])],
  ['perplexity', (x) => x.perplexity([0.5, 0.5])],
  ['sigmoid', (x) => x.sigmoid([0, 1])],
  ['softmax', (x) => x.softmax([0, 1])],
  ['logSoftmax', (x) => x.logSoftmax([0, 1])],
  ['binaryCrossEntropy', (x) => x.binaryCrossEntropy([0.5, 0.25], [1, 0])],
  ['categoricalCrossEntropy', (x) => x.categoricalCrossEntropy(P, Y)],
  ['sparseCategoricalCrossEntropy', (x) => x.sparseCategoricalCrossEntropy(P, [2, 0])],
  ['quadraticCost', (x) => x.quadraticCost([0.5, 0.25], [1, 0])],
  ['logLoss', (x) => x.logLoss([0, 1], [0.25, 0.75])],
  ['matmul', (x) => x.matmul([[1, 2]], [[3], [4]])],
  ['network', (x) => x.network([2, 1])],
  ['loadNetwork', (x) => x.loadNetwork(NET)],
  ['loadCheckpoint', (x) => x.loadCheckpoint(CHECKPOINT)],
  ['fromONNX', (x) => x.fromONNX(ONNX!)],
  ['fromSafetensors', (x) => x.fromSafetensors(SAFETENSORS!)],
  ['liveBytes', (x) => x.liveBytes()],
  ['grad.entropy', (x) => x.grad.entropy([0.5, 0.5])],
  ['grad.crossEntropy', (x) => x.grad.crossEntropy([0.5, 0.5], [0.25, 0.75])],
  ['grad.klDivergence', (x) => x.grad.klDivergence([0.5, 0.5], [0.25, 0.75])],
  ['grad.binaryCrossEntropy', (x) => x.grad.binaryCrossEntropy([0.5, 0.25], [1, 0])],
  ['grad.categoricalCrossEntropy', (x) => x.grad.categoricalCrossEntropy(P, Y)],
  ['grad.sparseCategoricalCrossEntropy', (x) => x.grad.sparseCategoricalCrossEntropy(P, [2, 0])],
  ['grad.quadraticCost', (x) => x.grad.quadraticCost([0.5, 0.25], [1, 0])],
  ['grad.logLoss', (x) => x.grad.logLoss([0, 1], [0.25, 0.75])],
  ['valueAndGrad.binaryCrossEntropy', (x) => x.valueAndGrad.binaryCrossEntropy([0.5, 0.25], [1, 0])],
  ['valueAndGrad.categoricalCrossEntropy', (x) => x.valueAndGrad.categoricalCrossEntropy(P, Y)],
  ['valueAndGrad.sparseCategoricalCrossEntropy', (x) => x.valueAndGrad.sparseCategoricalCrossEntropy(P, [2, 0])],
  ['valueAndGrad.quadraticCost', (x) => x.valueAndGrad.quadraticCost([0.5, 0.25], [1, 0])],
  ['valueAndGrad.logLoss', (x) => x.valueAndGrad.logLoss([0, 1], [0.25, 0.75])],
];

/** Every method name of an instance, grad.* and valueAndGrad.* included (dispose excepted). */
export function methodNames(x: Xent): string[] {
  const names: string[] = [];
  const walk = (o: object, prefix: string) => {
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'function' && k !== 'dispose') names.push(prefix + k);
      else if (v !== null && typeof v === 'object') walk(v as object, `${prefix}${k}.`);
    }
  };
  walk(x, '');
  return names.sort();
}
