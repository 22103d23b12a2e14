// `xent train`: Nielsen's chapter-3 experiments on MNIST from the command line. Every flag is checked
// before any work; each epoch prints one line (or one JSON object); --save writes the best epoch's
// weights (or the last epoch's with --no-restore-best), atomically; Ctrl-C stops after the current
// chunk of mini-batches and still saves; a diverged run (non-finite cost or weights) exits 3 and writes
// no model.
import type { Dataset } from '../data/dataset.js';
import { sliceDataset } from '../data/dataset.js';
import { expandShifted } from '../data/expand.js';
import type { Network } from '../network/network.js';
import type { EpochReport, TrainingHistory, TrainOptions } from '../network/train.js';
import type { Xent } from '../xent.js';
import { CliError, UsageError, type FlagSpec } from './args.js';
import { BACKEND_FLAGS, DATA_FLAG, backendChoice, loadData, openXent, out, readText } from './common.js';
import { epochLine } from './costs.js';
import { checkWritable, removeTemporaryFiles, writeAtomic } from './files.js';
import { Progress } from './progress.js';

/** The flags of `xent train`, in --help order. */
export const TRAIN_FLAGS: readonly FlagSpec[] = [
  { name: 'sizes', kind: 'sizes', meta: 'A,B,…', default: '784,30,10', help: 'layer sizes (784 inputs, 10 outputs)' },
  { name: 'cost', kind: 'choice', choices: ['cross-entropy', 'quadratic', 'log-likelihood'], default: 'cross-entropy', help: 'output cost; log-likelihood has a softmax output' },
  { name: 'hidden', kind: 'choice', choices: ['sigmoid', 'tanh', 'relu'], default: 'sigmoid', help: 'hidden units' },
  { name: 'init', kind: 'choice', choices: ['default', 'large'], default: 'default', help: 'weights N(0, 1/n_in) or N(0, 1); biases N(0, 1)' },
  { name: 'epochs', kind: 'int', min: 1, max: 1e6, default: '30', help: 'epochs of the run (with --resume: the run\'s total, as Keras\' initial_epoch)' },
  { name: 'batch', kind: 'int', min: 1, max: 1 << 20, default: '10', help: 'mini-batch size' },
  { name: 'eta', kind: 'number', min: 0, minExclusive: true, max: 1e30, default: '0.5', help: 'learning rate η' },
  { name: 'lambda', kind: 'number', min: 0, max: 1e30, default: '5', help: 'regularisation λ (the update uses n = the training-set size)' },
  { name: 'regularization', kind: 'choice', choices: ['l2', 'l1'], default: 'l2', help: 'weight penalty (λ/2n)Σw² or (λ/n)Σ|w|' },
  { name: 'optimizer', kind: 'choice', choices: ['sgd', 'nesterov', 'adam'], default: 'sgd', help: 'update rule (sgd with --momentum is classical momentum)' },
  { name: 'momentum', kind: 'number', min: 0, max: 1, maxExclusive: true, default: '0', help: 'momentum μ (sgd, nesterov)' },
  { name: 'beta1', kind: 'number', min: 0, max: 1, maxExclusive: true, default: '0.9', help: 'Adam β₁' },
  { name: 'beta2', kind: 'number', min: 0, max: 1, maxExclusive: true, default: '0.999', help: 'Adam β₂' },
  { name: 'dropout', kind: 'number', min: 0, max: 1, maxExclusive: true, default: '0', help: 'probability of dropping each hidden unit per mini-batch' },
  { name: 'class-weights', kind: 'numbers', meta: 'W0,…,W9', min: 0, default: 'all 1', help: 'weight of each class in the training cost (Keras class_weight)' },
  { name: 'label-smoothing', kind: 'number', min: 0, max: 1, maxExclusive: true, default: '0', help: 'label smoothing s: targets y(1−s) + s/K (softmax) or + s/2 (sigmoid)' },
  { name: 'augment-shift', kind: 'int', min: 1, max: 27, meta: 'N', help: 'train on each image and its shifts by N pixels up/down/left/right, drawn in the kernel (5× the epoch)' },
  { name: 'expand', kind: 'boolean', help: 'store each image shifted by one pixel up/down/left/right (5× the training set in memory)' },
  { name: 'training-size', kind: 'int', min: 1, max: 60000, default: '50000', help: 'use the first N training images' },
  { name: 'validation-size', kind: 'int', min: 0, max: 59999, default: '10000', help: 'images at the end of the training file held out for validation' },
  { name: 'eval', kind: 'choice', choices: ['validation', 'test'], default: 'validation', help: 'data measured after each epoch' },
  { name: 'early-stopping', kind: 'int', min: 1, max: 1e6, meta: 'N', help: 'stop after N epochs without improvement' },
  { name: 'monitor', kind: 'choice', choices: ['accuracy', 'cost'], default: 'accuracy', help: 'what improves: evaluation accuracy, or evaluation cost (also picks the best epoch)' },
  { name: 'no-restore-best', kind: 'boolean', help: 'keep the last epoch\'s weights instead of the best epoch\'s' },
  { name: 'schedule', kind: 'int', min: 1, max: 1e6, meta: 'N', help: 'divide η by --schedule-factor after N epochs without improvement' },
  { name: 'schedule-factor', kind: 'number', min: 1, minExclusive: true, max: 1e6, default: '2', help: 'the schedule\'s divisor' },
  { name: 'min-eta', kind: 'number', min: 0, minExclusive: true, max: 1e30, default: 'η/128', help: 'the schedule ends the run when η falls below this' },
  { name: 'monitor-training', kind: 'boolean', help: 'also report training accuracy (the training loss is always reported)' },
  { name: 'seed', kind: 'int', min: 0, max: 2 ** 32 - 1, default: '1', help: 'initial weights and shuffles: same seed, same backend, same result' },
  ...BACKEND_FLAGS,
  DATA_FLAG,
  { name: 'save', kind: 'string', meta: 'FILE', help: 'write the network (network2.py JSON) when training ends, atomically' },
  { name: 'checkpoint', kind: 'string', meta: 'FILE', help: 'write a checkpoint after every epoch, atomically (resume with --resume)' },
  { name: 'resume', kind: 'string', meta: 'FILE', help: 'continue the run of a checkpoint exactly (give the same flags; no --sizes/--cost/--hidden/--init/--seed)' },
  { name: 'json', kind: 'boolean', help: 'one JSON object per epoch and a final {"done":true,…} on stdout' },
];

/** Everything `xent train` will do, read and checked from the flags before any work. */
interface Plan {
  sizes: number[];
  flags: Record<string, unknown>;
  epochs: number;
  evalSet: 'validation' | 'test';
  restoreBest: boolean;
  json: boolean;
  save?: string;
  checkpoint?: string;
  resumeText?: string;
}

async function plan(flags: Record<string, unknown>): Promise<Plan> {
  const sizes = (flags.sizes as number[] | undefined) ?? [784, 30, 10];
  if (sizes[0] !== 784) throw new UsageError(`--sizes must start with 784 (MNIST images are 28×28), got ${sizes.join(',')}`);
  if (sizes[sizes.length - 1] !== 10) throw new UsageError(`--sizes must end with 10 (ten digits), got ${sizes.join(',')}`);
  const optimizer = (flags.optimizer as string | undefined) ?? 'sgd';
  if (optimizer === 'nesterov' && !flags.momentum) throw new UsageError('--optimizer nesterov needs --momentum > 0');
  if (optimizer === 'adam' && flags.momentum !== undefined) throw new UsageError('--momentum applies to sgd and nesterov, not adam (use --beta1)');
  for (const f of ['beta1', 'beta2']) if (flags[f] !== undefined && optimizer !== 'adam') throw new UsageError(`--${f} needs --optimizer adam`);
  const weights = flags['class-weights'] as number[] | undefined;
  if (weights && weights.length !== 10) throw new UsageError(`--class-weights needs 10 values (one per digit), got ${weights.length}`);
  if (weights && weights.every((w) => w === 0)) throw new UsageError('--class-weights must not all be 0');
  if (flags.expand && flags['augment-shift'] !== undefined) throw new UsageError('--expand and --augment-shift are two ways to the same data: choose one');
  const trainingSize = (flags['training-size'] as number | undefined) ?? 50000;
  const validationSize = (flags['validation-size'] as number | undefined) ?? 10000;
  if (flags['training-size'] !== undefined && trainingSize + validationSize > 60000) {
    throw new UsageError(`--training-size ${trainingSize} + --validation-size ${validationSize} exceed MNIST's 60,000 training images`);
  }
  const evalSet = (flags.eval as Plan['evalSet'] | undefined) ?? 'validation';
  if (evalSet === 'validation' && validationSize === 0) throw new UsageError('--validation-size 0 leaves nothing to evaluate: use --eval test');
  const evaluates = ['early-stopping', 'schedule'].some((f) => flags[f] !== undefined);
  for (const f of ['monitor', 'schedule-factor', 'min-eta']) {
    if (flags[f] !== undefined && !(f === 'monitor' ? evaluates : flags.schedule !== undefined)) {
      throw new UsageError(`--${f} needs ${f === 'monitor' ? '--early-stopping or --schedule' : '--schedule'}`);
    }
  }
  backendChoice(flags);
  let resumeText: string | undefined;
  if (flags.resume !== undefined) {
    for (const f of ['sizes', 'cost', 'hidden', 'init', 'seed']) {
      if (flags[f] !== undefined) throw new UsageError(`--${f} cannot be combined with --resume (the checkpoint holds the network and its random stream)`);
    }
    resumeText = await readText(flags.resume as string);
  }
  const save = flags.save as string | undefined;
  const checkpoint = flags.checkpoint as string | undefined;
  if (save !== undefined && save === checkpoint) throw new UsageError('--save and --checkpoint must be different files');
  if (save !== undefined) await checkWritable('save', save);
  if (checkpoint !== undefined) await checkWritable('checkpoint', checkpoint);
  return {
    sizes, flags, epochs: (flags.epochs as number | undefined) ?? 30, evalSet, restoreBest: flags['no-restore-best'] !== true,
    json: flags.json === true, save, checkpoint, resumeText,
  };
}

/** The network to train: a fresh one, or the checkpoint's (whose epochs count toward --epochs). */
function startNetwork(xent: Xent, p: Plan): { net: Network; done: number } {
  if (p.resumeText !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(p.resumeText);
    } catch {
      throw new UsageError(`--resume ${String(p.flags.resume)}: not a JSON checkpoint`);
    }
    let net: Network;
    try {
      net = xent.loadCheckpoint(parsed as Parameters<Xent['loadCheckpoint']>[0]);
    } catch (e) {
      throw new UsageError(`--resume ${String(p.flags.resume)}: ${(e as Error).message}`);
    }
    const done = net.epoch;
    if (done >= p.epochs) throw new UsageError(`--resume: the checkpoint has done ${done} epochs, --epochs ${p.epochs} leaves none`);
    return { net, done };
  }
  const f = p.flags;
  const net = xent.network(p.sizes, {
    cost: f.cost as 'cross-entropy' | undefined, hidden: f.hidden as 'sigmoid' | undefined, init: f.init as 'default' | undefined,
    seed: (f.seed as number | undefined) ?? 1,
  });
  return { net, done: 0 };
}

/** The library's train() options for the plan. */
function trainOptions(p: Plan, evaluationData: Dataset, epochs: number): TrainOptions {
  const f = p.flags;
  const o: TrainOptions = {
    epochs,
    batchSize: (f.batch as number | undefined) ?? 10,
    eta: (f.eta as number | undefined) ?? 0.5,
    lambda: (f.lambda as number | undefined) ?? 5,
    regularization: (f.regularization as 'l2' | 'l1' | undefined) ?? 'l2',
    evaluationData,
    // The training cost is always reported (its forward pass is timed in evalSeconds, not seconds).
    monitor: { evaluationAccuracy: true, evaluationCost: true, trainingCost: true, trainingAccuracy: f['monitor-training'] === true },
  };
  if (f.momentum !== undefined) o.momentum = f.momentum as number;
  if (f.dropout !== undefined) o.dropout = f.dropout as number;
  const monitor = f.monitor === 'cost' ? 'evaluationCost' : 'evaluationAccuracy';
  // Early stopping's tracker always runs: it picks the best epoch (and restores its weights at the end,
  // also after Ctrl-C); without --early-stopping it has no patience and never stops the run.
  o.earlyStopping = { monitor, restoreBest: p.restoreBest, ...(f['early-stopping'] !== undefined ? { patience: f['early-stopping'] as number } : {}) };
  if (f.schedule !== undefined) {
    o.schedule = { patience: f.schedule as number, monitor };
    if (f['schedule-factor'] !== undefined) o.schedule.factor = f['schedule-factor'] as number;
    if (f['min-eta'] !== undefined) o.schedule.minEta = f['min-eta'] as number;
  }
  if (f.optimizer !== undefined) o.optimizer = f.optimizer as TrainOptions['optimizer'];
  if (f.beta1 !== undefined) o.beta1 = f.beta1 as number;
  if (f.beta2 !== undefined) o.beta2 = f.beta2 as number;
  if (f['class-weights'] !== undefined) o.classWeights = f['class-weights'] as number[];
  if (f['label-smoothing'] !== undefined) o.labelSmoothing = f['label-smoothing'] as number;
  if (f['augment-shift'] !== undefined) o.augment = { shift: f['augment-shift'] as number, width: 28, height: 28 };
  return o;
}

/**
 * Trains one epoch per train() call and writes a checkpoint after each: a call commits the run's
 * whole state (the stop policy's counters and best weights included), which a checkpoint taken inside
 * onEpoch would miss. Consecutive calls continue the run exactly, so the result is the single call's.
 */
async function trainCheckpointed(net: Network, training: Dataset, options: TrainOptions, file: string): Promise<TrainingHistory> {
  let history: TrainingHistory | undefined;
  for (let i = 0; i < options.epochs; i++) {
    const h = await net.train(training, { ...options, epochs: 1 });
    history = history ? { ...h, epochs: [...history.epochs, ...h.epochs] } : h;
    if (h.stopped !== 'diverged' && h.epochs.length) await writeAtomic(file, JSON.stringify(net.checkpoint()));
    if (h.stopped !== 'completed') break;
  }
  return history!;
}

/** Runs `xent train` with parsed flags; resolves to the exit status. */
export async function train(flags: Record<string, unknown>, positional: readonly string[]): Promise<number> {
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const p = await plan(flags);
  const progress = new Progress({ stream: process.stderr, enabled: process.stderr.isTTY === true });
  const started = performance.now();
  const controller = new AbortController();
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) {
      removeTemporaryFiles();
      process.exit(130);
    }
    interrupted = true;
    controller.abort();
    progress.clear();
    process.stderr.write('xent: interrupted — stopping (Ctrl-C again quits at once)\n');
  };
  process.on('SIGINT', onSigint);
  try {
    const xent = await openXent(backendChoice(flags));
    const { net, done } = startNetwork(xent, p);
    progress.phase('loading MNIST…');
    const mnist = await loadData(flags);
    if (mnist.training.count === 0) throw new UsageError('the training set is empty (see --training-size, --validation-size, --data)');
    const training = flags.expand ? expandShifted(mnist.training, { width: 28, height: 28 }) : mnist.training;
    const evaluation = mnist[p.evalSet];
    if (evaluation.count === 0) throw new UsageError(`the ${p.evalSet} set is empty`);
    const sample = sliceDataset(training, 0, Math.min(1000, training.count));
    let sampleLoss: number | undefined;
    let lastSample = -Infinity;
    const reports = new Map<number, EpochReport>();
    // --no-restore-best saves the last finished epoch (never a Ctrl-C'd epoch's half-trained weights).
    let last: string | undefined = p.save !== undefined && !p.restoreBest && done > 0 ? JSON.stringify(net.toJSON()) : undefined;
    const options = trainOptions(p, evaluation, p.epochs - done);
    const batchSize = options.batchSize;
    options.signal = controller.signal;
    options.onProgress = progress.enabledFor() ? (pr) => {
      const now = performance.now();
      if (now - lastSample > 500) {
        lastSample = now;
        sampleLoss = net.totalCost(sample, { lambda: 0 });
      }
      progress.epoch({ ...pr, epochs: p.epochs, batchSize, loss: sampleLoss });
    } : undefined;
    options.onEpoch = async (r) => {
      reports.set(r.epoch, r);
      progress.clear();
      out(p.json ? JSON.stringify(r) : epochLine(r, p.epochs, p.evalSet, flags.schedule !== undefined));
      if (p.save !== undefined && !p.restoreBest) last = JSON.stringify(net.toJSON());
    };
    const history = p.checkpoint === undefined ? await net.train(training, options) : await trainCheckpointed(net, training, options, p.checkpoint);
    progress.clear();
    const diverged = history.diverged;
    const seconds = (performance.now() - started) / 1000;
    const epochs = net.epoch;
    // After train() the network holds the best epoch's weights (restoreBest), or the last epoch's.
    const model = diverged || epochs === 0 ? undefined : p.restoreBest ? JSON.stringify(net.toJSON()) : last;
    const saved = p.save !== undefined && model !== undefined ? p.save : null;
    if (saved) await writeAtomic(saved, model!);
    const bestEpoch = history.bestEpoch ?? null;
    const best = bestEpoch === null ? null : reports.get(bestEpoch) ?? null;
    const summary = {
      done: true, stopped: history.stopped, bestEpoch, epochs, seconds: +seconds.toFixed(3), best, saved,
      backend: xent.backend, simd: xent.simd, ...(diverged ? { diverged } : {}),
    };
    if (p.json) out(JSON.stringify(summary));
    else {
      const b = best ? `; best epoch ${best.epoch}: ${p.evalSet} accuracy ${(100 * best.evaluationAccuracy!).toFixed(2)}%, loss ${best.evaluationLoss!.toFixed(4)}`
        : bestEpoch !== null ? `; best epoch ${bestEpoch}` : '';
      out(`stopped: ${history.stopped} after ${epochs} epochs in ${seconds.toFixed(1)} s${b}`);
      if (saved) out(`saved ${saved} (${p.restoreBest ? `the best epoch's weights, epoch ${bestEpoch}` : 'the last epoch\'s weights'})`);
      else if (p.save !== undefined) out(`not saved: ${diverged ? 'the run diverged' : 'no epoch finished'}`);
    }
    net.dispose();
    xent.dispose();
    if (diverged) throw new CliError(diverged.message.replace('try a smaller eta', 'try a smaller --eta'), 3);
    return interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
