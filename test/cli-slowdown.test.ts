// examples/slowdown.mjs, the book's single-neuron demonstration of the learning slowdown, checked
// against the facts the book states (chapter 3, REFERENCE.md §4 last paragraph).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';

const EXAMPLE = new URL('../examples/slowdown.mjs', import.meta.url).pathname;

interface Report { cost: string; w0: number; b0: number; eta: number; epoch: number; output: number; loss: number }

const r = spawnSync(process.execPath, [EXAMPLE, '--json', '--every', '10'], { encoding: 'utf8', timeout: 60_000 });
const reports = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Report);
const run = (cost: string, w0: number) => reports.filter((x) => x.cost === cost && x.w0 === w0);
/** Cost decrease over each report interval. */
const drops = (rs: Report[]) => rs.slice(1).map((x, i) => rs[i]!.loss - x.loss);

describe('examples/slowdown.mjs', () => {
  it('reports every 10 epochs for both costs from both starts, with the fields of the issue', () => {
    expect(r.status, r.stderr).toBe(0);
    expect(reports).toHaveLength(4 * 31);
    expect(Object.keys(reports[0]!).sort()).toEqual(['b0', 'cost', 'epoch', 'eta', 'loss', 'output', 'w0']);
    for (const x of reports) {
      const a = x.output;
      expect(x.loss).toBeCloseTo(x.cost === 'quadratic' ? 0.5 * a * a : -Math.log(1 - a), 10); // target 0
    }
  });

  it('quadratic cost from w = 0.6, b = 0.9, η = 0.15: the output falls from 0.82 to about 0.09 in 300 epochs', () => {
    const q = run('quadratic', 0.6);
    expect(q[0]!.eta).toBe(0.15);
    expect(q[0]!.output).toBeCloseTo(0.82, 2);
    expect(q.at(-1)!.epoch).toBe(300);
    expect(q.at(-1)!.output).toBeGreaterThan(0.08);
    expect(q.at(-1)!.output).toBeLessThan(0.1);
  });

  it('quadratic cost from the saturated start w = b = 2: still above 0.9 at epoch 150, a slow start', () => {
    const q = run('quadratic', 2);
    expect(q[0]!.output).toBeCloseTo(0.98, 2);
    expect(q.find((x) => x.epoch === 150)!.output).toBeGreaterThan(0.9);
    const d = drops(q);
    expect(d[0]!).toBeLessThan(Math.max(...d) / 5); // it learns slowly first, fast later
  });

  it('cross-entropy (η = 0.005): the cost falls fastest at the start, from both starts', () => {
    for (const w0 of [0.6, 2]) {
      const c = run('cross-entropy', w0);
      expect(c[0]!.eta).toBe(0.005);
      const d = drops(c);
      expect(d.every((x) => x > 0)).toBe(true);
      expect(d[0]!).toBe(Math.max(...d));
    }
  });
});
