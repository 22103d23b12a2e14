// The optimisers train() offers, declared once: the kernels' code (src/backend/contract.ts), the
// options each reads, and the key under which its state persists on the network between train()
// calls (a change of key resets the state). The update rules are in assembly/optimizers.ts and its
// twin src/backend/reference/optimizers.ts.
import { OPT_ADAM, OPT_NESTEROV, OPT_SGD } from '../backend/contract.js';

/** Optimiser names of TrainOptions.optimizer. */
export type OptimizerName = 'sgd' | 'nesterov' | 'adam';

/** The optimiser settings of one train() call. */
export interface OptimizerSettings {
  name: OptimizerName;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** One optimiser's entry. */
export interface OptimizerEntry {
  /** The kernels' code. */
  readonly code: number;
  /** Whether it needs momentum > 0 (PyTorch's rule for Nesterov). */
  readonly needsMomentum: boolean;
  /** Which state it keeps: settings that keep another kind of state reset it. */
  stateKey(s: OptimizerSettings): string;
}

export const OPTIMIZERS: Readonly<Record<OptimizerName, OptimizerEntry>> = {
  sgd: { code: OPT_SGD, needsMomentum: false, stateKey: (s) => (s.momentum > 0 ? 'sgd+momentum' : 'sgd') },
  nesterov: { code: OPT_NESTEROV, needsMomentum: true, stateKey: () => 'nesterov' },
  adam: { code: OPT_ADAM, needsMomentum: false, stateKey: () => 'adam' },
};

/** Names in table order, for option checks and messages. */
export const OPTIMIZER_NAMES = Object.keys(OPTIMIZERS) as OptimizerName[];

/** The kernel settings that keep the state of `key` (for sizing a saved state). */
export const STATE_KEYS: Readonly<Record<string, { optimizer: number; momentum: number }>> = {
  sgd: { optimizer: OPT_SGD, momentum: 0 },
  'sgd+momentum': { optimizer: OPT_SGD, momentum: 0.5 },
  nesterov: { optimizer: OPT_NESTEROV, momentum: 0.5 },
  adam: { optimizer: OPT_ADAM, momentum: 0 },
};
