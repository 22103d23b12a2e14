// The training loop: epochs of shuffled mini-batch SGD run by the backend's networkTrain kernel in
// chunks of mini-batches, with monitoring, early stopping, a learning-rate schedule, progress and
// cancellation. Never prints: everything goes through callbacks and the returned history.
import type { DeviceArray } from '../backend/backend.js';
import { checkDataset, type Dataset } from '../data/dataset.js';
import { checkChoice, checkFlag, checkNumber, checkOptions, rangeError, typeError } from '../errors.js';
import { accuracyOf, classes, costOf, penalty } from './evaluate.js';
import type { DeviceData, Network } from './network.js';
import { shuffle, uniformSource } from './random.js';
import { yieldToEventLoop } from './yield.js';

/** What to measure after each epoch. */
export interface Monitor {
  evaluationAccuracy?: boolean;
  evaluationCost?: boolean;
  trainingAccuracy?: boolean;
  trainingCost?: boolean;
}

/** Options of network.train(data, options). */
export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** Learning rate η. */
  eta: number;
  /** Regularisation strength λ (default 0); the update uses the training-set size n. */
  lambda?: number;
  /** 'l2' (default, network2.py's weight decay) or 'l1'. */
  regularization?: 'l2' | 'l1';
  /** Momentum coefficient μ ∈ [0, 1): v ← μv − η∇C, w ← w + v. Default 0. */
  momentum?: number;
  /** Probability of dropping each hidden unit per mini-batch (inverted dropout). Default 0. */
  dropout?: number;
  /** Data measured after each epoch (validation or test). */
  evaluationData?: Dataset;
  /** Default: evaluation accuracy and cost when evaluationData is given. */
  monitor?: Monitor;
  /** Stop when evaluation accuracy has not improved for `patience` epochs. */
  earlyStopping?: { patience: number };
  /** Divide η by `factor` (2) after `patience` epochs without improvement; stop below `minEta` (η₀/128). */
  schedule?: { patience: number; factor?: number; minEta?: number };
  /** Seed of the shuffles and dropout masks (default: the network's seed). */
  seed?: number;
  /** Called after each epoch; return false to stop. */
  onEpoch?: (report: EpochReport) => boolean | void | Promise<boolean | void>;
  /** Called during an epoch with the mini-batches done so far. */
  onProgress?: (progress: { epoch: number; done: number; total: number }) => void;
  /** Stops training at the next chunk of mini-batches; train() then resolves with stopped: 'aborted'. */
  signal?: AbortSignal;
}

/** One epoch's measurements (accuracies are fractions in [0, 1]). */
export interface EpochReport {
  epoch: number;
  eta: number;
  /** Training time of this epoch alone, in seconds. */
  seconds: number;
  /** Time spent measuring after this epoch, in seconds. */
  evalSeconds: number;
  evaluationAccuracy?: number;
  evaluationCost?: number;
  trainingAccuracy?: number;
  trainingCost?: number;
}

/** What train() resolves to. */
export interface TrainingHistory {
  epochs: EpochReport[];
  evaluationAccuracy: number[];
  evaluationCost: number[];
  trainingAccuracy: number[];
  trainingCost: number[];
  /** Why training ended. */
  stopped: 'completed' | 'early-stopping' | 'schedule' | 'callback' | 'aborted';
  /** The epoch with the best evaluation accuracy, when it was measured. */
  bestEpoch?: number;
}

const KEYS = ['epochs', 'batchSize', 'eta', 'lambda', 'regularization', 'momentum', 'dropout', 'evaluationData',
  'monitor', 'earlyStopping', 'schedule', 'seed', 'onEpoch', 'onProgress', 'signal'] as const;
/** Mini-batch chunks per epoch: how often progress, cancellation and the event loop get a turn. */
const CHUNKS_PER_EPOCH = 50;

const now = () => globalThis.performance.now() / 1000;

function parseOptions(fn: string, options: unknown) {
  if (options === undefined) typeError(fn, 'options { epochs, batchSize, eta } are required');
  const o = checkOptions(fn, options as TrainOptions, KEYS) as TrainOptions;
  const epochs = checkNumber(fn, 'epochs', o.epochs, { integer: true, min: 0 });
  const batchSize = checkNumber(fn, 'batchSize', o.batchSize, { integer: true, min: 1 });
  const eta = checkNumber(fn, 'eta', o.eta, { min: 0, minExclusive: true });
  const lambda = o.lambda === undefined ? 0 : checkNumber(fn, 'lambda', o.lambda, { min: 0 });
  const regularization = checkChoice(fn, 'regularization', o.regularization, ['l2', 'l1'] as const, 'l2');
  const momentum = o.momentum === undefined ? 0 : checkNumber(fn, 'momentum', o.momentum, { min: 0, max: 1, maxExclusive: true });
  const dropout = o.dropout === undefined ? 0 : checkNumber(fn, 'dropout', o.dropout, { min: 0, max: 1, maxExclusive: true });
  const m = checkOptions(fn, o.monitor, ['evaluationAccuracy', 'evaluationCost', 'trainingAccuracy', 'trainingCost']);
  const hasEval = o.evaluationData !== undefined;
  const monitor = {
    evaluationAccuracy: m.evaluationAccuracy === undefined ? hasEval : checkFlag(fn, 'monitor.evaluationAccuracy', m.evaluationAccuracy),
    evaluationCost: m.evaluationCost === undefined ? hasEval : checkFlag(fn, 'monitor.evaluationCost', m.evaluationCost),
    trainingAccuracy: checkFlag(fn, 'monitor.trainingAccuracy', m.trainingAccuracy),
    trainingCost: checkFlag(fn, 'monitor.trainingCost', m.trainingCost),
  };
  if ((monitor.evaluationAccuracy || monitor.evaluationCost) && !hasEval) rangeError(fn, 'monitor asks for evaluation measures but no evaluationData was given');
  let patience: number | undefined;
  if (o.earlyStopping !== undefined) {
    const e = checkOptions(fn, o.earlyStopping, ['patience']);
    patience = checkNumber(fn, 'earlyStopping.patience', e.patience, { integer: true, min: 1 });
  }
  let schedule: { patience: number; factor: number; minEta: number } | undefined;
  if (o.schedule !== undefined) {
    const s = checkOptions(fn, o.schedule, ['patience', 'factor', 'minEta']);
    schedule = {
      patience: checkNumber(fn, 'schedule.patience', s.patience, { integer: true, min: 1 }),
      factor: s.factor === undefined ? 2 : checkNumber(fn, 'schedule.factor', s.factor, { min: 1, minExclusive: true }),
      minEta: s.minEta === undefined ? eta / 128 : checkNumber(fn, 'schedule.minEta', s.minEta, { min: 0, minExclusive: true }),
    };
  }
  if ((patience !== undefined || schedule !== undefined) && !hasEval) rangeError(fn, 'earlyStopping and schedule need evaluationData');
  if (o.onEpoch !== undefined && typeof o.onEpoch !== 'function') typeError(fn, 'onEpoch must be a function');
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') typeError(fn, 'onProgress must be a function');
  if (o.signal !== undefined && !(o.signal && typeof o.signal.aborted === 'boolean')) typeError(fn, 'signal must be an AbortSignal');
  const seed = o.seed === undefined ? undefined : checkNumber(fn, 'seed', o.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
  return { ...o, epochs, batchSize, eta, lambda, regularization, momentum, dropout, monitor, patience, schedule, seed };
}

/** Trains `net` in place; resolves to the per-epoch history. */
export async function train(net: Network, trainingData: Dataset, options: TrainOptions): Promise<TrainingHistory> {
  const fn = 'train';
  net.live(fn);
  const o = parseOptions(fn, options);
  const training = checkDataset(fn, 'trainingData', trainingData, net.sizes[0], net.sizes[net.sizes.length - 1]) as Dataset;
  const evaluation = o.evaluationData === undefined ? undefined
    : checkDataset(fn, 'evaluationData', o.evaluationData, net.sizes[0], net.sizes[net.sizes.length - 1]) as Dataset;
  const be = net.backend;
  const K = net.sizes[net.sizes.length - 1]!;
  const n = training.count;
  const owned: DeviceArray[] = [];
  const keep = <T extends DeviceArray | null>(a: T): T => {
    if (a) owned.push(a);
    return a;
  };
  const history: TrainingHistory = { epochs: [], evaluationAccuracy: [], evaluationCost: [], trainingAccuracy: [], trainingCost: [], stopped: 'completed' };
  try {
    const dev = net.upload(fn, 'trainingData', training);
    keep(dev.inputs), keep(dev.labels), keep(dev.targets);
    let evalDev: DeviceData | undefined;
    if (evaluation) {
      evalDev = evaluation === training ? dev : net.upload(fn, 'evaluationData', evaluation);
      if (evalDev !== dev) keep(evalDev.inputs), keep(evalDev.labels), keep(evalDev.targets);
    }
    const cap = Math.min(o.batchSize, Math.max(1, n));
    const work = keep(be.networkWork(net.desc, cap));
    const velocity = o.momentum > 0 ? keep(be.alloc('f32', net.params.length)) : null;
    const order = keep(be.alloc('i32', n));
    const hyper = keep(be.alloc('f32', 5));
    const uniform = uniformSource(o.seed ?? net.seed);
    const rng = keep(be.alloc('u32', 1));
    rng.write([Math.floor(uniform() * 0xfffffffe) + 1]); // xorshift32 needs a non-zero state
    const regKind = o.lambda === 0 ? 0 : o.regularization === 'l2' ? 1 : 2;
    const hostOrder = new Int32Array(n);
    for (let i = 0; i < n; i++) hostOrder[i] = i;
    const truthTrain = classes(training, K);
    const truthEval = evaluation ? classes(evaluation, K) : undefined;
    const batches = Math.ceil(n / o.batchSize);
    const chunk = Math.max(1, Math.ceil(batches / CHUNKS_PER_EPOCH)) * o.batchSize;
    let eta = o.eta;
    let best = -1;
    let sinceBest = 0;
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const t0 = now();
      shuffle(hostOrder, uniform);
      order.write(hostOrder);
      hyper.write([eta, o.lambda, n, o.momentum, o.dropout]);
      for (let from = 0; from < n; from += chunk) {
        if (o.signal?.aborted) {
          history.stopped = 'aborted';
          return history;
        }
        const to = Math.min(n, from + chunk);
        be.networkTrain(net.desc, net.params, velocity, work, cap, dev.inputs, dev.labels, dev.targets, order, from, to,
          o.batchSize, hyper, regKind, rng);
        o.onProgress?.({ epoch, done: Math.ceil(to / o.batchSize), total: batches });
        await yieldToEventLoop();
      }
      const t1 = now();
      const report: EpochReport = { epoch, eta, seconds: t1 - t0, evalSeconds: 0 };
      const { monitor } = o;
      const needEval = evaluation && (monitor.evaluationAccuracy || monitor.evaluationCost || o.patience || o.schedule);
      if (needEval) {
        const z = net.logits(evalDev!);
        const acc = accuracyOf(z, truthEval!, K);
        if (monitor.evaluationAccuracy || o.patience || o.schedule) report.evaluationAccuracy = acc;
        if (monitor.evaluationCost) report.evaluationCost = costOf(net, z, evaluation) + penalty(net, o.lambda, o.regularization, evaluation.count);
      }
      if (monitor.trainingAccuracy || monitor.trainingCost) {
        const z = net.logits(dev);
        if (monitor.trainingAccuracy) report.trainingAccuracy = accuracyOf(z, truthTrain, K);
        if (monitor.trainingCost) report.trainingCost = costOf(net, z, training) + penalty(net, o.lambda, o.regularization, n);
      }
      report.evalSeconds = now() - t1;
      history.epochs.push(report);
      if (report.evaluationAccuracy !== undefined) history.evaluationAccuracy.push(report.evaluationAccuracy);
      if (report.evaluationCost !== undefined) history.evaluationCost.push(report.evaluationCost);
      if (report.trainingAccuracy !== undefined) history.trainingAccuracy.push(report.trainingAccuracy);
      if (report.trainingCost !== undefined) history.trainingCost.push(report.trainingCost);
      if (o.onEpoch && (await o.onEpoch(report)) === false) {
        history.stopped = 'callback';
        break;
      }
      if (report.evaluationAccuracy !== undefined) {
        if (report.evaluationAccuracy > best) {
          best = report.evaluationAccuracy;
          history.bestEpoch = epoch;
          sinceBest = 0;
        } else sinceBest++;
      }
      if (o.patience !== undefined && sinceBest >= o.patience) {
        history.stopped = 'early-stopping';
        break;
      }
      if (o.schedule && sinceBest >= o.schedule.patience) {
        eta /= o.schedule.factor;
        sinceBest = 0;
        if (eta < o.schedule.minEta) {
          history.stopped = 'schedule';
          break;
        }
      }
    }
    return history;
  } finally {
    for (const a of owned) a.free();
  }
}
