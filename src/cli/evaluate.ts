// `xent evaluate MODEL.json`: the figures `xent train` prints, for a saved model on one MNIST set:
// accuracy, loss (mean data cost), penalty (n = the training-set size) and network2.py's total_cost.
import { UsageError, type FlagSpec } from './args.js';
import { BACKEND_FLAGS, DATA_FLAG, backendChoice, loadData, loadModel, openXent, out, readModel } from './common.js';
import { costsOn } from './costs.js';

/** The flags of `xent evaluate`. */
export const EVALUATE_FLAGS: readonly FlagSpec[] = [
  { name: 'eval', kind: 'choice', choices: ['validation', 'test', 'training'], default: 'test', help: 'the data measured' },
  { name: 'lambda', kind: 'number', min: 0, max: 1e30, default: '0', help: 'λ of the penalty and total_cost (give train\'s λ to compare with its figures)' },
  { name: 'regularization', kind: 'choice', choices: ['l2', 'l1'], default: 'l2', help: 'the penalty\'s form' },
  { name: 'training-size', kind: 'int', min: 1, max: 60000, default: '50000', help: 'n of the penalty (λ/2n)Σw², and the training set\'s size with --eval training' },
  { name: 'validation-size', kind: 'int', min: 0, max: 59999, default: '10000', help: 'images at the end of the training file held out for validation' },
  ...BACKEND_FLAGS,
  DATA_FLAG,
  { name: 'json', kind: 'boolean', help: 'one JSON object {data, count, accuracy, loss, penalty, totalCost, seconds}' },
];

/** Runs `xent evaluate`; resolves to the exit status. */
export async function evaluate(flags: Record<string, unknown>, positional: readonly string[]): Promise<number> {
  if (positional.length !== 1) throw new UsageError('evaluate needs exactly one MODEL.json argument');
  const file = positional[0]!;
  const evalSet = (flags.eval as 'validation' | 'test' | 'training' | undefined) ?? 'test';
  const choice = backendChoice(flags);
  const model = await readModel(file);
  const xent = await openXent(choice);
  const net = loadModel(xent, model);
  if (net.sizes[0] !== 784) throw new UsageError(`${file}: the network takes ${net.sizes[0]} inputs, MNIST images have 784`);
  const mnist = await loadData(flags);
  const data = mnist[evalSet];
  if (data.count === 0) throw new UsageError(`the ${evalSet} set is empty`);
  const reg = {
    lambda: (flags.lambda as number | undefined) ?? 0,
    regularization: (flags.regularization as 'l2' | 'l1' | undefined) ?? 'l2',
    trainingCount: (flags['training-size'] as number | undefined) ?? 50000,
  };
  const t0 = performance.now();
  const c = costsOn(net, data, reg);
  const seconds = (performance.now() - t0) / 1000;
  if (flags.json) out(JSON.stringify({ data: evalSet, count: data.count, accuracy: c.accuracy, loss: c.loss, penalty: c.penalty, totalCost: c.totalCost, seconds }));
  else {
    out(`${evalSet}: accuracy ${(100 * c.accuracy).toFixed(2)}% (${Math.round(c.accuracy * data.count)}/${data.count})  loss ${c.loss.toFixed(4)}  ` +
      `total_cost ${c.totalCost.toFixed(4)}  penalty ${c.penalty.toFixed(4)} (λ ${reg.lambda}, n ${reg.trainingCount})`);
  }
  net.dispose();
  xent.dispose();
  return 0;
}
