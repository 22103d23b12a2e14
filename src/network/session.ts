// One train() call's resources and steps: the session owns the device arrays (the uploaded data, the
// kernels' work memory, the epoch order, the dropout generator, the class weights), runs an epoch in
// chunks of mini-batches and measures the network after it. The network's run (src/network/run.ts)
// supplies and keeps what continues between calls: the streams and the optimiser state.
import type { Backend, DeviceArray, TrainArrays, TrainConfig } from '../backend/backend.js';
import { TRAIN_FINITE } from '../backend/contract.js';
import type { Dataset } from '../data/dataset.js';
import { accuracyOf, classes, costOf, penalty, type Objective } from './evaluate.js';
import type { DeviceData, Network } from './network.js';
import { OPTIMIZERS } from './optimizers.js';
import { OUTPUTS } from './outputs.js';
import { shuffle, type Mulberry32 } from './random.js';
import type { MonitorName } from './stop-policy.js';
import type { ResolvedOptions } from './train-options.js';
import type { EpochReport } from './train.js';
import { yieldToEventLoop } from './yield.js';

/** Mini-batch chunks per epoch: how often progress, cancellation and the event loop get a turn. */
const CHUNKS_PER_EPOCH = 50;

/** How an epoch ended. */
export type EpochOutcome = { kind: 'done' } | { kind: 'aborted' } | { kind: 'diverged'; batch: number };

/** The parameters and optimiser state at a point of the run (host copies), to roll back to. */
export interface Snapshot {
  params: Float32Array;
  state: Float32Array;
}

/** The device side of one train() call. */
export class TrainingSession {
  readonly examples: number;
  readonly batches: number;
  private readonly be: Backend;
  private readonly owned: DeviceArray[] = [];
  private readonly data: DeviceData;
  private readonly evalData: DeviceData | undefined;
  private readonly arrays: TrainArrays;
  private readonly config: TrainConfig;
  private readonly stream: Mulberry32;
  private readonly order: Int32Array;
  private readonly chunk: number;
  private readonly objective: Objective;

  constructor(private readonly net: Network, private readonly o: ResolvedOptions, readonly training: Dataset,
    readonly evaluation: Dataset | undefined, fn: string) {
    const be = (this.be = net.backend);
    try {
      // Both datasets were checked by train().
      this.data = this.keep(net.uploadChecked(training, fn, 'trainingData'));
      this.evalData = evaluation === undefined ? undefined
        : evaluation === training ? this.data : this.keep(net.uploadChecked(evaluation, fn, 'evaluationData'));
      const n = (this.examples = training.count * (o.augment ? 5 : 1));
      if (n > 2 ** 31 - 1) throw new RangeError(`${fn}: an epoch of ${n} examples is more than the kernels index (2³¹ − 1)`);
      const batchSize = Math.max(1, Math.min(o.batchSize, n));
      this.batches = Math.ceil(n / batchSize);
      this.chunk = Math.max(1, Math.ceil(this.batches / CHUNKS_PER_EPOCH)) * batchSize;
      const layer = OUTPUTS[net.output];
      const K = net.sizes[net.sizes.length - 1]!;
      const opt = o.optimizer;
      this.config = {
        eta: o.eta, lambda: o.lambda, n, momentum: opt.momentum, dropout: o.dropout,
        smoothing: o.labelSmoothing, smoothOffset: layer.smoothOffset(o.labelSmoothing, K), cold: layer.cold,
        optimizer: OPTIMIZERS[opt.name].code, regularization: o.regCode, batchSize, cap: batchSize, stored: training.count,
        shift: o.augment?.shift ?? 0, width: o.augment?.width ?? 0, height: o.augment?.height ?? 0,
        beta1: opt.beta1, beta2: opt.beta2, epsilon: opt.epsilon,
      };
      this.objective = { classWeights: o.classWeights, smoothing: o.labelSmoothing };
      const run = net.run;
      ({ stream: this.stream, order: this.order } = run.streams(fn, n, o.seed, net.seed));
      const rng = this.keep(be.alloc('u32', 1));
      rng.write([run.rng!.dropout]);
      let weights: DeviceArray | null = null;
      if (o.classWeights) {
        weights = this.keep(be.alloc('f32', K));
        weights.write(o.classWeights);
      }
      this.arrays = {
        desc: net.desc, params: net.params, state: net.optimizerState(OPTIMIZERS[opt.name].stateKey(opt), this.config),
        work: this.keep(be.networkWork(net.desc, batchSize)), inputs: this.data.inputs, labels: this.data.labels,
        targets: this.data.targets, classWeights: weights, order: this.keep(be.alloc('i32', n)), rng,
      };
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  private keep<T extends DeviceArray | DeviceData | null>(a: T): T {
    if (a && 'free' in a) this.owned.push(a);
    else if (a) for (const x of [a.inputs, a.labels, a.targets]) if (x) this.owned.push(x);
    return a;
  }

  /** One epoch at learning rate `eta`: shuffle, then the kernel over chunks of mini-batches. */
  async epoch(fn: string, epoch: number, eta: number): Promise<EpochOutcome> {
    const { o, arrays, examples: n } = this;
    const run = this.net.run;
    shuffle(this.order, () => this.stream.next());
    run.rng = { ...run.rng!, shuffles: run.rng!.shuffles + 1, stream: this.stream.state };
    arrays.order.write(this.order);
    const config = { ...this.config, eta };
    try {
      for (let from = 0; from < n; from += this.chunk) {
        if (o.signal?.aborted) return { kind: 'aborted' };
        this.net.live(fn);
        const to = Math.min(n, from + this.chunk);
        const result = this.be.networkTrain(arrays, config, from, to);
        if (result !== TRAIN_FINITE) return { kind: 'diverged', batch: from / config.batchSize + result + 1 };
        o.onProgress?.({ epoch, done: Math.ceil(to / config.batchSize), total: this.batches });
        await yieldToEventLoop();
      }
      return { kind: 'done' };
    } finally {
      if (!this.net.disposed) run.rng = { ...run.rng!, dropout: arrays.rng.read()[0]! };
    }
  }

  /** Fills the report's measures: those asked for, and those the stop policy watches. */
  measure(report: EpochReport, watched: readonly MonitorName[]): void {
    const { o, net } = this;
    const K = net.sizes[net.sizes.length - 1]!;
    const { monitor } = o;
    if (o.lambda > 0) report.penalty = penalty(net, o.lambda, o.regularization, this.examples);
    const wantEvalAcc = monitor.evaluationAccuracy || watched.includes('evaluationAccuracy');
    const wantEvalCost = monitor.evaluationCost || watched.includes('evaluationCost');
    if (this.evaluation && (wantEvalAcc || wantEvalCost)) {
      const z = net.logits(this.evalData!);
      if (wantEvalAcc) report.evaluationAccuracy = accuracyOf(z, classes(this.evaluation, K), K);
      if (wantEvalCost) {
        report.evaluationLoss = costOf(net, z, this.evaluation);
        report.evaluationCost = report.evaluationLoss + penalty(net, o.lambda, o.regularization, this.evaluation.count);
      }
    }
    const wantTrainCost = monitor.trainingCost || watched.includes('trainingCost');
    if (monitor.trainingAccuracy || wantTrainCost) {
      const z = net.logits(this.data);
      if (monitor.trainingAccuracy) report.trainingAccuracy = accuracyOf(z, classes(this.training, K), K);
      if (wantTrainCost) {
        report.trainingLoss = costOf(net, z, this.training, this.objective);
        report.trainingCost = report.trainingLoss + (report.penalty ?? 0);
      }
    }
  }

  /** Host copies of the parameters and the optimiser state. */
  snapshot(): Snapshot {
    return { params: this.net.params.read() as Float32Array, state: this.arrays.state.read() as Float32Array };
  }

  /** Puts a snapshot back on the device. */
  restore(s: Snapshot): void {
    this.net.params.write(s.params);
    this.arrays.state.write(s.state);
  }

  /** Frees the session's device arrays (not the network's). */
  dispose(): void {
    for (const a of this.owned.splice(0)) a.free();
  }
}
