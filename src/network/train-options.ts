// The options of network.train(), checked once at the edge and resolved to defaults: every value that
// reaches the kernels' f32 configuration record must be finite in float32.
import { REG_L1, REG_L2, REG_NONE } from '../backend/contract.js';
import type { Dataset } from '../data/dataset.js';
import { checkChoice, checkFlag, checkNumber, checkOptions, describe, rangeError, typeError } from '../errors.js';
import { OPTIMIZER_NAMES, OPTIMIZERS, type OptimizerName, type OptimizerSettings } from './optimizers.js';
import type { OutputName, CostName } from './outputs.js';
import { MONITORS, type EarlyStoppingRule, type MonitorName, type ScheduleRule } from './stop-policy.js';
import type { EpochReport } from './train.js';

/** What to measure after each epoch. */
export interface Monitor {
  evaluationAccuracy?: boolean;
  evaluationCost?: boolean;
  trainingAccuracy?: boolean;
  trainingCost?: boolean;
}

/** Options of network.train(data, options). */
export interface TrainOptions {
  /** Epochs of this call (the run's epoch numbers continue across calls). */
  epochs: number;
  batchSize: number;
  /** Learning rate η. */
  eta: number;
  /** Regularisation strength λ (default 0); the update uses the training-set size n. */
  lambda?: number;
  /** 'l2' (default, network2.py's weight decay) or 'l1'. */
  regularization?: 'l2' | 'l1';
  /** 'sgd' (default; with momentum μ: v ← μv − ηg, w ← w + v), 'nesterov' (PyTorch's) or 'adam' (PyTorch's). */
  optimizer?: OptimizerName;
  /** Momentum coefficient μ ∈ [0, 1) of 'sgd' and 'nesterov'. Default 0. */
  momentum?: number;
  /** Adam's β₁ (0.9), β₂ (0.999) and ε (1e-8). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Probability of dropping each hidden unit per mini-batch (inverted dropout). Default 0. */
  dropout?: number;
  /** One weight per output class: each example's cost and output error are multiplied by w[y] (Keras class_weight). */
  classWeights?: readonly number[];
  /** Label smoothing s ∈ [0, 1): targets y(1 − s) + s/K (softmax), y(1 − s) + s/2 (sigmoid), y(1 − s) (tanh). */
  labelSmoothing?: number;
  /** Each epoch also draws every example shifted by `shift` pixels up, down, left and right (5n examples). */
  augment?: { shift: number; width?: number; height?: number };
  /** Data measured after each epoch (validation or test). */
  evaluationData?: Dataset;
  /** Default: evaluation accuracy and cost when evaluationData is given. */
  monitor?: Monitor;
  /** Track the best epoch (restoring its weights at the end by default); stop after `patience` epochs without improvement. */
  earlyStopping?: { patience?: number; monitor?: MonitorName; minDelta?: number; restoreBest?: boolean };
  /** Divide η by `factor` (2) after `patience` epochs without improvement; the run ends when η reaches `minEta` (η₀/128). */
  schedule?: { patience: number; factor?: number; minEta?: number; monitor?: MonitorName };
  /** Seed of the shuffles and dropout masks: restarts the run's random stream (default: the network's seed on its first call). */
  seed?: number;
  /** Called after each epoch; return false to stop. */
  onEpoch?: (report: EpochReport) => boolean | void | Promise<boolean | void>;
  /** Called during an epoch with the mini-batches done so far. */
  onProgress?: (progress: { epoch: number; done: number; total: number }) => void;
  /** Stops training at the next chunk of mini-batches; train() then resolves with stopped: 'aborted'. */
  signal?: AbortSignal;
}

const KEYS = ['epochs', 'batchSize', 'eta', 'lambda', 'regularization', 'optimizer', 'momentum', 'beta1', 'beta2', 'epsilon',
  'dropout', 'classWeights', 'labelSmoothing', 'augment', 'evaluationData', 'monitor', 'earlyStopping', 'schedule', 'seed',
  'onEpoch', 'onProgress', 'signal'] as const;

/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;
const I32_MAX = 2 ** 31 - 1;

/** The network facts the options are checked against. */
export interface NetworkShape {
  sizes: readonly number[];
  output: OutputName;
  cost: CostName;
}

/** TrainOptions resolved: every default filled in, every value checked. */
export interface ResolvedOptions {
  epochs: number;
  batchSize: number;
  eta: number;
  lambda: number;
  regularization: 'l2' | 'l1';
  regCode: number;
  optimizer: OptimizerSettings;
  dropout: number;
  classWeights: Float64Array | null;
  labelSmoothing: number;
  augment: { shift: number; width: number; height: number } | null;
  evaluationData: Dataset | undefined;
  monitor: Required<Monitor>;
  earlyStopping: EarlyStoppingRule | null;
  schedule: ScheduleRule | null;
  seed: number | undefined;
  onEpoch: TrainOptions['onEpoch'];
  onProgress: TrainOptions['onProgress'];
  signal: AbortSignal | undefined;
}

const f32 = (fn: string, name: string, v: unknown, rule: Parameters<typeof checkNumber>[3] = {}) =>
  checkNumber(fn, name, v, { max: F32_MAX, ...rule });

/** Checks train()'s options against the network; throws TypeError/RangeError naming the option. */
export function resolveOptions(fn: string, options: unknown, net: NetworkShape): ResolvedOptions {
  if (options === undefined) typeError(fn, 'options { epochs, batchSize, eta } are required');
  const o = checkOptions(fn, options as TrainOptions, KEYS) as TrainOptions;
  const K = net.sizes[net.sizes.length - 1]!;
  const epochs = checkNumber(fn, 'epochs', o.epochs, { integer: true, min: 0, max: I32_MAX });
  // Any batch size is allowed; one larger than the training set is one batch of all of it.
  const batchSize = checkNumber(fn, 'batchSize', o.batchSize, { integer: true, min: 1, max: Number.MAX_SAFE_INTEGER });
  const eta = f32(fn, 'eta', o.eta, { min: 0, minExclusive: true });
  const lambda = o.lambda === undefined ? 0 : f32(fn, 'lambda', o.lambda, { min: 0 });
  const regularization = checkChoice(fn, 'regularization', o.regularization, ['l2', 'l1'] as const, 'l2');
  const name = checkChoice(fn, 'optimizer', o.optimizer, OPTIMIZER_NAMES, 'sgd');
  const momentum = o.momentum === undefined ? 0 : checkNumber(fn, 'momentum', o.momentum, { min: 0, max: 1, maxExclusive: true });
  if (OPTIMIZERS[name].needsMomentum && !(momentum > 0)) rangeError(fn, `optimizer '${name}' needs momentum > 0, got ${momentum}`);
  if (name === 'adam' && o.momentum !== undefined) rangeError(fn, "momentum applies to 'sgd' and 'nesterov'; Adam has beta1");
  if (name !== 'adam') {
    for (const k of ['beta1', 'beta2', 'epsilon'] as const) if (o[k] !== undefined) rangeError(fn, `${k} applies to optimizer 'adam' only`);
  }
  const beta = (k: 'beta1' | 'beta2', d: number) => (o[k] === undefined ? d : checkNumber(fn, k, o[k], { min: 0, max: 1, maxExclusive: true }));
  const optimizer: OptimizerSettings = {
    name, momentum, beta1: beta('beta1', 0.9), beta2: beta('beta2', 0.999),
    epsilon: o.epsilon === undefined ? 1e-8 : f32(fn, 'epsilon', o.epsilon, { min: 0, minExclusive: true }),
  };
  const dropout = o.dropout === undefined ? 0 : checkNumber(fn, 'dropout', o.dropout, { min: 0, max: 1, maxExclusive: true });
  let classWeights: Float64Array | null = null;
  if (o.classWeights !== undefined) {
    const w: unknown = o.classWeights;
    if (!Array.isArray(w) && !ArrayBuffer.isView(w)) typeError(fn, `classWeights must be an array of ${K} numbers, got ${describe(w)}`);
    const list = Array.from(w as ArrayLike<unknown>);
    if (list.length !== K) rangeError(fn, `classWeights must have one weight per output (${K}), got ${list.length}`);
    classWeights = Float64Array.from(list.map((v, i) => f32(fn, `classWeights[${i}]`, v, { min: 0 })));
  }
  const labelSmoothing = o.labelSmoothing === undefined ? 0
    : checkNumber(fn, 'labelSmoothing', o.labelSmoothing, { min: 0, max: 1, maxExclusive: true });
  if (labelSmoothing > 0 && net.cost === 'quadratic') rangeError(fn, "labelSmoothing applies to the cross-entropy and log-likelihood costs, not 'quadratic'");
  let augment: ResolvedOptions['augment'] = null;
  if (o.augment !== undefined) {
    const a = checkOptions(fn, o.augment, ['shift', 'width', 'height']);
    const s0 = net.sizes[0]!;
    const side = Math.round(Math.sqrt(s0));
    const width = a.width === undefined ? (a.height === undefined ? side : s0 / a.height) : checkNumber(fn, 'augment.width', a.width, { integer: true, min: 1 });
    const height = a.height === undefined ? s0 / width : checkNumber(fn, 'augment.height', a.height, { integer: true, min: 1 });
    if (!Number.isInteger(width) || !Number.isInteger(height) || width * height !== s0) {
      rangeError(fn, `augment needs width × height = ${s0} inputs (give augment.width and augment.height), got ${width} × ${height}`);
    }
    const shift = checkNumber(fn, 'augment.shift', a.shift, { integer: true, min: 1, max: Math.max(width, height) });
    augment = { shift, width, height };
  }
  const m = checkOptions(fn, o.monitor, ['evaluationAccuracy', 'evaluationCost', 'trainingAccuracy', 'trainingCost']);
  const hasEval = o.evaluationData !== undefined;
  const monitor = {
    evaluationAccuracy: m.evaluationAccuracy === undefined ? hasEval : checkFlag(fn, 'monitor.evaluationAccuracy', m.evaluationAccuracy),
    evaluationCost: m.evaluationCost === undefined ? hasEval : checkFlag(fn, 'monitor.evaluationCost', m.evaluationCost),
    trainingAccuracy: checkFlag(fn, 'monitor.trainingAccuracy', m.trainingAccuracy),
    trainingCost: checkFlag(fn, 'monitor.trainingCost', m.trainingCost),
  };
  if ((monitor.evaluationAccuracy || monitor.evaluationCost) && !hasEval) rangeError(fn, 'monitor asks for evaluation measures but no evaluationData was given');
  const watch = (name: string, v: unknown): MonitorName => {
    const w = checkChoice(fn, name, v, MONITORS, 'evaluationAccuracy');
    if (w !== 'trainingCost' && !hasEval) rangeError(fn, `${name} '${w}' needs evaluationData`);
    return w;
  };
  let earlyStopping: EarlyStoppingRule | null = null;
  if (o.earlyStopping !== undefined) {
    const e = checkOptions(fn, o.earlyStopping, ['patience', 'monitor', 'minDelta', 'restoreBest']);
    earlyStopping = {
      patience: e.patience === undefined ? null : checkNumber(fn, 'earlyStopping.patience', e.patience, { integer: true, min: 1 }),
      monitor: watch('earlyStopping.monitor', e.monitor),
      minDelta: e.minDelta === undefined ? 0 : checkNumber(fn, 'earlyStopping.minDelta', e.minDelta, { min: 0 }),
      restoreBest: e.restoreBest === undefined ? true : checkFlag(fn, 'earlyStopping.restoreBest', e.restoreBest),
    };
  }
  let schedule: ScheduleRule | null = null;
  if (o.schedule !== undefined) {
    const s = checkOptions(fn, o.schedule, ['patience', 'factor', 'minEta', 'monitor']);
    schedule = {
      patience: checkNumber(fn, 'schedule.patience', s.patience, { integer: true, min: 1 }),
      factor: s.factor === undefined ? 2 : checkNumber(fn, 'schedule.factor', s.factor, { min: 1, minExclusive: true }),
      minEta: s.minEta === undefined ? eta / 128 : f32(fn, 'schedule.minEta', s.minEta, { min: 0, minExclusive: true }),
      monitor: watch('schedule.monitor', s.monitor),
    };
  }
  if (o.onEpoch !== undefined && typeof o.onEpoch !== 'function') typeError(fn, 'onEpoch must be a function');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') typeError(fn, 'onProgress must be a function');
  if (o.signal !== undefined && !(o.signal && typeof o.signal.aborted === 'boolean')) typeError(fn, 'signal must be an AbortSignal');
  const seed = o.seed === undefined ? undefined : checkNumber(fn, 'seed', o.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  const regCode = lambda === 0 ? REG_NONE : regularization === 'l2' ? REG_L2 : REG_L1;
  return {
    epochs, batchSize, eta, lambda, regularization, regCode, optimizer, dropout, classWeights, labelSmoothing, augment,
    evaluationData: o.evaluationData, monitor, earlyStopping, schedule, seed, onEpoch: o.onEpoch, onProgress: o.onProgress,
    signal: o.signal,
  };
}
