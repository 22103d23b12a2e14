// The training loop, as network2.py's SGD reads: for each epoch, train (the session runs the kernels
// over chunks of mini-batches), measure, report, and ask the stop policy whether and at which η to go
// on. Consecutive calls continue the network's run. Never prints: everything goes through callbacks
// and the returned history.
import type { Dataset } from '../data/dataset.js';
import type { Network } from './network.js';
import { StopPolicy } from './stop-policy.js';
import { TrainingSession, type Snapshot } from './session.js';
import { resolveOptions, type TrainOptions } from './train-options.js';

export type { Monitor, TrainOptions } from './train-options.js';

/** One epoch's measurements (accuracies are fractions in [0, 1]). */
export interface EpochReport {
  /** The run's epoch number (it continues across train() calls). */
  epoch: number;
  eta: number;
  /** Training time of this epoch alone, in seconds. */
  seconds: number;
  /** Time spent measuring after this epoch, in seconds. */
  evalSeconds: number;
  evaluationAccuracy?: number;
  /** network2.py's total_cost on the evaluation data: evaluationLoss + (λ/2n)Σw² with n = its size. */
  evaluationCost?: number;
  trainingAccuracy?: number;
  /** network2.py's total_cost on the training data: trainingLoss + penalty. */
  trainingCost?: number;
  /** Mean data cost per evaluation example (unweighted, unsmoothed), without the penalty. */
  evaluationLoss?: number;
  /** The objective's data part: (1/n)·Σ w_x·C_x on the smoothed targets (the training examples as stored). */
  trainingLoss?: number;
  /** The regularisation term the update minimises: (λ/2n)Σw² (L2) or (λ/n)Σ|w| (L1), n = examples per epoch. */
  penalty?: number;
}

/** Why training ended. */
export type StopReason = 'completed' | 'early-stopping' | 'schedule' | 'callback' | 'aborted' | 'diverged';

/** What train() resolves to. */
export interface TrainingHistory {
  epochs: EpochReport[];
  evaluationAccuracy: number[];
  evaluationCost: number[];
  trainingAccuracy: number[];
  trainingCost: number[];
  /** Why training ended. */
  stopped: StopReason;
  /** Where a non-finite cost or parameter appeared (batch counted from 1 within the epoch). */
  diverged?: { epoch: number; batch: number; message: string };
  /**
   * The best epoch: early stopping's (the one whose weights were restored), else the epoch of this call
   * with the best evaluation accuracy, when it was measured.
   */
  bestEpoch?: number;
}

const now = () => globalThis.performance.now() / 1000;

/** The measures of a report that must be finite. */
const MEASURES = ['evaluationAccuracy', 'evaluationCost', 'trainingAccuracy', 'trainingCost', 'penalty'] as const;

function divergedMessage(epoch: number, batch: number, eta: number): string {
  return `training diverged at epoch ${epoch}, mini-batch ${batch}: a cost or parameter became NaN or infinite ` +
    `(η = ${eta} is probably too large; try a smaller eta, e.g. ${eta / 10})`;
}

/** Trains `net` in place; resolves to the per-epoch history. */
export async function train(net: Network, trainingData: Dataset, options: TrainOptions): Promise<TrainingHistory> {
  const fn = 'train';
  net.live(fn);
  const o = resolveOptions(fn, options, net);
  const training = net.check(fn, 'trainingData', trainingData);
  const evaluation = o.evaluationData === undefined ? undefined : net.check(fn, 'evaluationData', o.evaluationData);
  const release = net.claim(fn);
  const run = net.run;
  const history: TrainingHistory = { epochs: [], evaluationAccuracy: [], evaluationCost: [], trainingAccuracy: [], trainingCost: [], stopped: 'completed' };
  let session: TrainingSession | undefined;
  try {
    session = new TrainingSession(net, o, training, evaluation, fn);
    if (run.resumeWeights) {
      net.params.write(run.resumeWeights);
      run.resumeWeights = null;
    }
    const policy = new StopPolicy(o.earlyStopping, o.schedule, o.eta, run.policy);
    run.policy = policy.state; // live, so that a checkpoint taken in onEpoch holds the counters and best weights
    const watched = policy.monitors();
    let lastGood: Snapshot = session.snapshot();
    let bestAccuracy = -1;
    for (let i = 0; i < o.epochs; i++) {
      const epoch = run.epoch + 1;
      const eta = policy.eta;
      const t0 = now();
      const outcome = await session.epoch(fn, epoch, eta);
      if (outcome.kind === 'aborted') {
        history.stopped = 'aborted';
        break;
      }
      const report: EpochReport = { epoch, eta, seconds: now() - t0, evalSeconds: 0 };
      let divergedAt = outcome.kind === 'diverged' ? outcome.batch : 0;
      if (!divergedAt) {
        const t1 = now();
        session.measure(report, watched);
        report.evalSeconds = now() - t1;
        if (MEASURES.some((m) => report[m] !== undefined && !Number.isFinite(report[m]))) divergedAt = session.batches;
      }
      if (divergedAt) {
        session.restore(lastGood);
        history.stopped = 'diverged';
        history.diverged = { epoch, batch: divergedAt, message: divergedMessage(epoch, divergedAt, eta) };
        break;
      }
      run.epoch = epoch;
      lastGood = session.snapshot();
      history.epochs.push(report);
      if (report.evaluationAccuracy !== undefined) history.evaluationAccuracy.push(report.evaluationAccuracy);
      if (report.evaluationCost !== undefined) history.evaluationCost.push(report.evaluationCost);
      if (report.trainingAccuracy !== undefined) history.trainingAccuracy.push(report.trainingAccuracy);
      if (report.trainingCost !== undefined) history.trainingCost.push(report.trainingCost);
      if (report.evaluationAccuracy !== undefined && report.evaluationAccuracy > bestAccuracy) {
        bestAccuracy = report.evaluationAccuracy;
        history.bestEpoch = epoch;
      }
      const stop = policy.observe(report, () => net.params.read() as Float32Array);
      if (o.onEpoch && (await o.onEpoch(report)) === false) {
        history.stopped = 'callback';
        break;
      }
      if (stop) {
        history.stopped = stop;
        break;
      }
    }
    // A run the policy ended starts afresh on the next call; any other keeps its counters and best weights.
    const ended = history.stopped === 'early-stopping' || history.stopped === 'schedule';
    run.policy = ended ? null : policy.state;
    const best = policy.state.bestWeights;
    if (o.earlyStopping) history.bestEpoch = policy.bestEpoch || undefined;
    if (o.earlyStopping?.restoreBest && best && !net.disposed) {
      if (!ended) run.resumeWeights = net.params.read() as Float32Array;
      net.params.write(best);
    }
    return history;
  } finally {
    session?.dispose();
    release();
  }
}
