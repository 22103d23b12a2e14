// xent.valueAndGrad.<loss>: the value and the gradient of one kernel pass are exactly what the separate
// calls return, for every loss, layout and reduction, on both backends.
import { beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Xent } from '../src/index.js';
import { mulberry32 } from './helpers.js';

for (const backend of ['reference', 'wasm'] as const) {
  describe(`valueAndGrad (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    it('equals the value and gradient computed separately', () => {
      const r = mulberry32(31);
      const rows = 5;
      const cols = 7;
      const probs = Array.from({ length: rows }, () => Array.from({ length: cols }, () => 0.05 + 0.9 * r()));
      const logits = { data: Float32Array.from({ length: rows * cols }, () => (r() - 0.5) * 8), shape: [rows, cols] as [number, number] };
      const soft = Array.from({ length: rows }, () => Array.from({ length: cols }, () => r()));
      const labels = Array.from({ length: rows }, () => Math.floor(r() * cols));
      const dist = probs.map((row) => row.map((v) => v / row.reduce((a, b) => a + b, 0)));
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        const cases: [string, () => unknown, () => unknown, () => { value: unknown; grad: unknown }][] = [
          ['bce', () => xent.binaryCrossEntropy(probs, soft, { reduction }), () => xent.grad.binaryCrossEntropy(probs, soft, { reduction }),
            () => xent.valueAndGrad.binaryCrossEntropy(probs, soft, { reduction })],
          ['bce logits keras', () => xent.binaryCrossEntropy(logits, { data: new Float64Array(soft.flat()), shape: [rows, cols] }, { fromLogits: true, compat: 'keras', reduction }),
            () => xent.grad.binaryCrossEntropy(logits, { data: new Float64Array(soft.flat()), shape: [rows, cols] }, { fromLogits: true, compat: 'keras', reduction }),
            () => xent.valueAndGrad.binaryCrossEntropy(logits, { data: new Float64Array(soft.flat()), shape: [rows, cols] }, { fromLogits: true, compat: 'keras', reduction })],
          ['cce logits', () => xent.categoricalCrossEntropy(logits, { data: new Float64Array(soft.flat()), shape: [rows, cols] }, { fromLogits: true, labelSmoothing: 0.1, reduction }),
            () => xent.grad.categoricalCrossEntropy(logits, { data: new Float64Array(soft.flat()), shape: [rows, cols] }, { fromLogits: true, labelSmoothing: 0.1, reduction }),
            () => xent.valueAndGrad.categoricalCrossEntropy(logits, { data: new Float64Array(soft.flat()), shape: [rows, cols] }, { fromLogits: true, labelSmoothing: 0.1, reduction })],
          ['sparse torch', () => xent.sparseCategoricalCrossEntropy(probs, labels, { compat: 'torch', reduction }),
            () => xent.grad.sparseCategoricalCrossEntropy(probs, labels, { compat: 'torch', reduction }),
            () => xent.valueAndGrad.sparseCategoricalCrossEntropy(probs, labels, { compat: 'torch', reduction })],
          ['quadratic', () => xent.quadraticCost(probs, soft, { reduction, weights: [1, 2, 3, 4, 5] }),
            () => xent.grad.quadraticCost(probs, soft, { reduction, weights: [1, 2, 3, 4, 5] }),
            () => xent.valueAndGrad.quadraticCost(probs, soft, { reduction, weights: [1, 2, 3, 4, 5] })],
        ];
        if (reduction !== 'none') {
          const all = Array.from({ length: cols }, (_, k) => k);
          cases.push(['logLoss', () => xent.logLoss(labels, dist, { reduction, labels: all }), () => xent.grad.logLoss(labels, dist, { reduction, labels: all }),
            () => xent.valueAndGrad.logLoss(labels, dist, { reduction, labels: all })]);
          cases.push(['logLoss 1-D sklearn', () => xent.logLoss([0, 1, 1], [0.2, 0.7, 0.9], { compat: 'sklearn', reduction }),
            () => xent.grad.logLoss([0, 1, 1], [0.2, 0.7, 0.9], { compat: 'sklearn', reduction }),
            () => xent.valueAndGrad.logLoss([0, 1, 1], [0.2, 0.7, 0.9], { compat: 'sklearn', reduction })]);
        }
        for (const [name, value, grad, both] of cases) {
          const b = both();
          expect(b.value, `${name} ${reduction}`).toEqual(value());
          expect(b.grad, `${name} ${reduction}`).toEqual(grad());
        }
      }
    });

    it('validates like the separate calls, naming valueAndGrad and the function', () => {
      expect(() => xent.valueAndGrad.binaryCrossEntropy([0.5], [2])).toThrow(/^valueAndGrad\.binaryCrossEntropy: targets must be targets in \[0, 1\]/);
      expect(() => xent.valueAndGrad.sparseCategoricalCrossEntropy([[0.5, 0.5]], [2])).toThrow(RangeError);
      expect(xent.liveBytes()).toBe(0);
    });
  });
}
