// The cost figures the CLI prints, named as network2.py names them: `loss` is the mean data cost per
// example (no regularisation), `penalty` the regularisation term with n = the training-set size (the
// term the update minimises), and `total_cost` network2.py's total_cost(data, λ) = loss + penalty with
// n = the *evaluated* set's size — which is why a validation total_cost at λ = 5 sits far above the
// training one (10,000 vs 50,000 in the denominator) without any overfitting.
import type { Dataset } from '../data/dataset.js';
import { penalty } from '../network/evaluate.js';
import type { Network } from '../network/network.js';
import type { EpochReport } from '../network/train.js';

/** The regularisation of a run: λ, L2 or L1, and n = the training-set size. */
export interface Regularization {
  lambda: number;
  regularization: 'l2' | 'l1';
  trainingCount: number;
}

/** The regularisation term (λ/2n)Σw² (L2) or (λ/n)Σ|w| (L1) of the network's current weights. */
export function penaltyOf(net: Network, reg: Regularization, n = reg.trainingCount): number {
  return penalty(net, reg.lambda, reg.regularization, n);
}

/** The figures of one evaluated dataset (what `xent evaluate` prints). */
export interface DataCosts {
  accuracy: number;
  loss: number;
  penalty: number;
  /** network2.py's total_cost: loss + the penalty with n = this dataset's size. */
  totalCost: number;
}

/** Accuracy, loss, penalty (n = the training-set size) and total_cost of a network on a dataset. */
export function costsOn(net: Network, data: Dataset, reg: Regularization): DataCosts {
  const loss = net.totalCost(data, { lambda: 0 });
  return { accuracy: net.accuracy(data), loss, penalty: penaltyOf(net, reg), totalCost: loss + penaltyOf(net, reg, data.count) };
}

const f4 = (x: number | undefined) => (x === undefined ? '—' : x.toFixed(4));

/** One text line per epoch: the evaluated set's accuracy, loss and total_cost, then training's, then the penalty. */
export function epochLine(r: EpochReport, epochs: number, evalName: string, showEta: boolean): string {
  const parts = [`epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}`];
  if (r.evaluationAccuracy !== undefined || r.evaluationLoss !== undefined) {
    const e = [`${evalName}:`];
    if (r.evaluationAccuracy !== undefined) e.push(`accuracy ${(100 * r.evaluationAccuracy).toFixed(2)}%`);
    if (r.evaluationLoss !== undefined) e.push(`loss ${f4(r.evaluationLoss)} total_cost ${f4(r.evaluationCost)}`);
    parts.push(e.join(' '));
  }
  if (r.trainingAccuracy !== undefined || r.trainingLoss !== undefined) {
    const t = ['training:'];
    if (r.trainingAccuracy !== undefined) t.push(`accuracy ${(100 * r.trainingAccuracy).toFixed(2)}%`);
    if (r.trainingLoss !== undefined) t.push(`loss ${f4(r.trainingLoss)} total_cost ${f4(r.trainingCost)}`);
    parts.push(t.join(' '));
  }
  parts.push(`penalty ${f4(r.penalty)}`);
  parts.push(`${r.seconds.toFixed(2)} s (eval ${r.evalSeconds.toFixed(2)} s)`);
  if (showEta) parts.push(`η ${r.eta}`);
  return parts.join('  ');
}
