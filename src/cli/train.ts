// `xent train`: Nielsen's chapter-3 experiments on MNIST from the command line. Every flag is checked
// before any work; each epoch prints one line (or one JSON object); --save writes the best epoch's
// weights (or the last epoch's with --no-restore-best), atomically; Ctrl-C stops after the current
// chunk of mini-batches and still saves; a diverged run (non-finite cost or weights) exits 3 and writes
// no model.
import type { Dataset } from '../data/dataset.js';
import { sliceDataset } from '../data/dataset.js';
import type { Network } from '../network/network.js';
import type { TrainingHistory, TrainOptions } from '../network/train.js';
import type { Xent } from '../xent.js';
import { CliError, UsageError, type FlagSpec } from './args.js';
import { BACKEND_FLAGS, DATA_FLAG, backendChoice, loadData, openXent, out, readModelText } from './common.js';
import { epochLine, withCosts, type CostReport } from './costs.js';
import { checkWritable, removeTemporaryFiles, writeAtomic } from './files.js';
import { Progress } from './progress.js';
import { core, expand, type CoreNetwork } from './core.js';

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

const CORE_FLAGS = ['optimizer', 'beta1', 'beta2', 'class-weights', 'label-smoothing', 'augment-shift', 'monitor', 'checkpoint', 'resume'];

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
    resumeText = await readModelText(flags.resume as string);
  }
  const save = flags.save as string | undefined;
  const checkpoint = flags.checkpoint as string | undefined;
  if (save !== undefined && save === checkpoint) throw new UsageError('--save and --checkpoint must be different files');
  if (save !== undefined) await checkWritable('save', save);
  if (checkpoint !== undefined) await checkWritable('checkpoint', checkpoint);
  if (!core.present) {
    const needsCore = CORE_FLAGS.find((f) => flags[f] !== undefined && !(f === 'optimizer' && flags[f] === 'sgd'));
    if (needsCore) throw new UsageError(`--${needsCore} needs the new training core (issue 9), not in this build`);
  }
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
    const net = core.loadCheckpoint(xent, parsed);
    const done = (net as CoreNetwork).epoch ?? 0;
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

/** The library's train() options for the plan (the core's names; see ./core.ts). */
function trainOptions(p: Plan, evaluationData: Dataset, epochs: number): TrainOptions & Record<string, unknown> {
  const f = p.flags;
  const o: TrainOptions & Record<string, unknown> = {
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
  if (f['early-stopping'] !== undefined) {
    const e: Record<string, unknown> = { patience: f['early-stopping'] as number };
    if (core.present) Object.assign(e, { monitor, restoreBest: p.restoreBest });
    o.earlyStopping = e as TrainOptions['earlyStopping'];
  }
  if (f.schedule !== undefined) {
    const s: Record<string, unknown> = { patience: f.schedule as number };
    if (f['schedule-factor'] !== undefined) s.factor = f['schedule-factor'];
    if (f['min-eta'] !== undefined) s.minEta = f['min-eta'];
    if (core.present) s.monitor = monitor;
    o.schedule = s as TrainOptions['schedule'];
  }
  if (f.optimizer !== undefined && f.optimizer !== 'sgd') o.optimizer = f.optimizer;
  if (f.beta1 !== undefined) o.beta1 = f.beta1;
  if (f.beta2 !== undefined) o.beta2 = f.beta2;
  if (f['class-weights'] !== undefined) o.classWeights = f['class-weights'];
  if (f['label-smoothing'] !== undefined) o.labelSmoothing = f['label-smoothing'];
  if (f['augment-shift'] !== undefined) o.augment = { shift: f['augment-shift'], width: 28, height: 28 };
  return o;
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
    const training = flags.expand ? expand(mnist.training) : mnist.training;
    const evaluation = mnist[p.evalSet];
    if (evaluation.count === 0) throw new UsageError(`the ${p.evalSet} set is empty`);
    const reg = { lambda: (flags.lambda as number | undefined) ?? 5, regularization: (flags.regularization as 'l2' | 'l1' | undefined) ?? 'l2', trainingCount: training.count };
    const sample = sliceDataset(training, 0, Math.min(1000, training.count));
    let sampleLoss: number | undefined;
    let lastSample = -Infinity;
    const toMonitor = flags.monitor === 'cost' ? (r: CostReport) => -(r.evaluationCost ?? Infinity) : (r: CostReport) => r.evaluationAccuracy ?? -Infinity;
    let best: { epoch: number; score: number; report: CostReport } | undefined;
    let keep: string | undefined; // the model --save will write: the best epoch's (or the last one's)
    let diverged: { epoch: number; message: string } | undefined;
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
    options.onEpoch = async (raw) => {
      const r = withCosts(raw, net, reg, evaluation.count);
      const finite = [r.trainingCost, r.evaluationCost].every((c) => c === undefined || Number.isFinite(c)) && net.parameters().every(Number.isFinite);
      if (!finite) {
        diverged = { epoch: r.epoch, message: `diverged in epoch ${r.epoch}: the training cost is ${r.trainingCost} (try a smaller --eta)` };
        return false;
      }
      progress.clear();
      out(p.json ? JSON.stringify(r) : epochLine(r, p.epochs, p.evalSet, flags.schedule !== undefined));
      const score = toMonitor(r);
      const improved = !best || score > best.score;
      if (improved) best = { epoch: r.epoch, score, report: r };
      if (p.save !== undefined && (improved || !p.restoreBest)) keep = JSON.stringify(net.toJSON());
      if (p.checkpoint !== undefined) await writeAtomic(p.checkpoint, JSON.stringify(core.checkpoint(net)));
      return undefined;
    };
    const history = await net.train(training, options) as TrainingHistory & { diverged?: { epoch: number; message: string } };
    progress.clear();
    diverged ??= history.stopped === ('diverged' as TrainingHistory['stopped']) ? history.diverged : undefined;
    const stopped = diverged ? 'diverged' : history.stopped;
    const seconds = (performance.now() - started) / 1000;
    const saved = !diverged && p.save !== undefined && keep !== undefined ? p.save : null;
    if (saved) await writeAtomic(saved, keep!);
    const summary = {
      done: true, stopped, bestEpoch: best?.epoch ?? null, epochs: done + history.epochs.length, seconds: +seconds.toFixed(3),
      best: best?.report ?? null, saved, backend: xent.backend, simd: xent.simd, ...(diverged ? { diverged } : {}),
    };
    if (p.json) out(JSON.stringify(summary));
    else {
      const b = best ? `; best epoch ${best.epoch}: ${p.evalSet} accuracy ${(100 * best.report.evaluationAccuracy!).toFixed(2)}%, loss ${best.report.evaluationLoss!.toFixed(4)}` : '';
      out(`stopped: ${stopped} after ${summary.epochs} epochs in ${seconds.toFixed(1)} s${b}`);
      if (saved) out(`saved ${saved} (${p.restoreBest ? `the best epoch's weights, epoch ${best!.epoch}` : 'the last epoch\'s weights'})`);
      else if (p.save !== undefined) out(`not saved: ${diverged ? 'the weights diverged' : 'no epoch finished'}`);
    }
    net.dispose();
    xent.dispose();
    if (diverged) throw new CliError(diverged.message, 3);
    return interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
