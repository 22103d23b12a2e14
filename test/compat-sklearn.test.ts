/**
 * scikit-learn compatibility: `xent.logLoss` (sklearn.metrics.log_loss) and `compat: 'sklearn'`.
 *
 * Expected values are the example in log_loss's docstring (sklearn/metrics/_classification.py,
 * "0.21616..." — truncated, so compared within 1e-5), or a float64 oracle written below from
 * log_loss's source, compared with relative tolerance 1e-12:
 *   lb = LabelBinarizer().fit(labels if labels is not None else y_true)   (classes_ sorted)
 *   transformed_labels = lb.transform(y_true)  (binary: np.append(1 - t, t, axis=1))
 *   1-D y_pred: y_pred = np.append(1 - y_pred, y_pred, axis=1)             (P(larger label))
 *   eps = np.finfo(y_pred.dtype).eps; y_pred = np.clip(y_pred, eps, 1 - eps)
 *   y_pred = y_pred / y_pred.sum(axis=1)[:, np.newaxis]                     ("Renormalize")
 *   loss = -xlogy(transformed_labels, y_pred).sum(axis=1)
 *   return _weighted_sum(loss, sample_weight, normalize)   (np.average / np.dot / sum)
 * The renormalisation step is the scikit-learn 1.2–1.4 behaviour, which the project's issue
 * specifies; scikit-learn >= 1.5 only warns when rows do not sum to one. Only one test below
 * ('renormalises rows ...') depends on that step; elsewhere rows sum to one.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createXent } from '../src/index.js';
import { expectRel, expectBadInput } from './helpers.js';

type Xent = Awaited<ReturnType<typeof createXent>>;

// ---------------------------------------------------------------------------------------------
// Float64 oracle of scikit-learn's log_loss

const F64_EPS = 2.220446049250313e-16; // np.finfo(np.float64).eps

type Label = number | string;
/** LabelBinarizer's classes_: the sorted unique labels (numbers numerically, strings by code point). */
function sortedClasses(labels: Label[]): Label[] {
  const u = [...new Set(labels)];
  return u.sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

interface SkOpts {
  weights?: number[];
  labels?: Label[];
  normalize?: boolean;
  eps?: number;
}

/** Per-sample losses and the reduced value, as log_loss computes them. */
function skLogLoss(yTrue: Label[], yPred: number[] | number[][], o: SkOpts = {}): { per: number[]; value: number } {
  const eps = o.eps ?? F64_EPS;
  const classes = sortedClasses(o.labels ?? yTrue);
  // scikit-learn clips y_pred first, then (one column) appends 1 − clip(p) unclipped, then renormalises.
  const clip = (p: number) => Math.min(Math.max(p, eps), 1 - eps);
  const rows = (yPred as (number | number[])[]).map((r) => (typeof r === 'number' ? [1 - clip(r), clip(r)] : r.map(clip)));
  const per = rows.map((row, i) => {
    const clipped = row;
    const S = clipped.reduce((a, b) => a + b, 0);
    const k = classes.indexOf(yTrue[i]);
    // xlogy(t, p) is 0 where t == 0, so only the true class contributes
    return -Math.log(clipped[k] / S);
  });
  const w = o.weights;
  let value: number;
  if (o.normalize === false) {
    value = w ? per.reduce((a, l, i) => a + l * w[i], 0) : per.reduce((a, b) => a + b, 0);
  } else {
    value = w ? per.reduce((a, l, i) => a + l * w[i], 0) / w.reduce((a, b) => a + b, 0) : per.reduce((a, b) => a + b, 0) / per.length;
  }
  return { per, value };
}

// Data
const DOC_TRUE = ['spam', 'ham', 'ham', 'spam'];
const DOC_PRED = [
  [0.1, 0.9],
  [0.9, 0.1],
  [0.8, 0.2],
  [0.35, 0.65],
];
const MC_TRUE = [2, 0, 1, 2, 1];
const MC_PRED = [
  [0.1, 0.3, 0.6],
  [0.7, 0.2, 0.1],
  [0.25, 0.5, 0.25],
  [0.05, 0.05, 0.9],
  [0.6, 0.3, 0.1],
];
const MC_W = [1, 2, 0.5, 3, 1];

for (const backend of ['reference', 'wasm'] as const) {
  describe(`sklearn compat (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    it('log_loss docstring example -> 0.21616...', () => {
      // >>> from sklearn.metrics import log_loss
      // >>> log_loss(["spam", "ham", "ham", "spam"],
      // ...          [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
      // 0.21616...
      for (const got of [xent.logLoss(DOC_TRUE, DOC_PRED), xent.logLoss(DOC_TRUE, DOC_PRED, { compat: 'sklearn' })]) {
        expect(typeof got).toBe('number');
        expect(got as number).toBeGreaterThanOrEqual(0.21616);
        expect(got as number).toBeLessThan(0.21617);
        expectRel(got, skLogLoss(DOC_TRUE, DOC_PRED).value);
      }
    });

    it('the docstring example with numeric labels (ham=0 < spam=1) and as a { data, shape } batch', () => {
      const yNum = [1, 0, 0, 1];
      const want = skLogLoss(yNum, DOC_PRED).value;
      expectRel(xent.logLoss(yNum, DOC_PRED, { compat: 'sklearn' }), want);
      expectRel(xent.logLoss(yNum, { data: Float64Array.from(DOC_PRED.flat()), shape: [4, 2] as [number, number] }, { compat: 'sklearn' }), want);
    });

    it('multiclass, sample_weight -> np.average, reduction sum -> normalize=False (np.dot)', () => {
      expectRel(xent.logLoss(MC_TRUE, MC_PRED, { compat: 'sklearn' }), skLogLoss(MC_TRUE, MC_PRED).value);
      expectRel(xent.logLoss(MC_TRUE, MC_PRED, { compat: 'sklearn', weights: MC_W }), skLogLoss(MC_TRUE, MC_PRED, { weights: MC_W }).value);
      expectRel(xent.logLoss(MC_TRUE, MC_PRED, { compat: 'sklearn', reduction: 'sum' }), skLogLoss(MC_TRUE, MC_PRED, { normalize: false }).value);
      expectRel(
        xent.logLoss(MC_TRUE, MC_PRED, { compat: 'sklearn', weights: MC_W, reduction: 'sum' }),
        skLogLoss(MC_TRUE, MC_PRED, { weights: MC_W, normalize: false }).value,
      );
    });

    it('labels: needed when y_true holds one class; columns follow the sorted labels', () => {
      const yPred = [
        [0.3, 0.7],
        [0.4, 0.6],
        [0.9, 0.1],
      ];
      expectRel(xent.logLoss([2, 2, 2], yPred, { compat: 'sklearn', labels: [1, 2] }), skLogLoss([2, 2, 2], yPred, { labels: [1, 2] }).value);
      // given unsorted, LabelBinarizer still orders the columns 1, 2, 3
      const y3 = [3, 1, 3, 2, 1];
      expectRel(xent.logLoss(y3, MC_PRED, { compat: 'sklearn', labels: [3, 1, 2] }), skLogLoss(y3, MC_PRED, { labels: [3, 1, 2] }).value);
      // a class absent from y_true but present in labels
      expectRel(xent.logLoss(['b', 'c', 'b'], MC_PRED.slice(0, 3), { compat: 'sklearn', labels: ['c', 'a', 'b'] }), skLogLoss(['b', 'c', 'b'], MC_PRED.slice(0, 3), { labels: ['c', 'a', 'b'] }).value);
    });

    it('1-D y_pred is the probability of the larger label', () => {
      const p = [0.2, 0.7, 0.9, 0.4];
      expectRel(xent.logLoss(['no', 'yes', 'yes', 'no'], p, { compat: 'sklearn' }), skLogLoss(['no', 'yes', 'yes', 'no'], p).value);
      expectRel(xent.logLoss([-1, 1, 1, -1], p, { compat: 'sklearn' }), skLogLoss([-1, 1, 1, -1], p).value);
      expectRel(xent.logLoss([5, 5, 5, 5], p, { compat: 'sklearn', labels: [5, 9] }), skLogLoss([5, 5, 5, 5], p, { labels: [5, 9] }).value);
    });

    it('REFERENCE.md binary example: log_loss = mean binary cross-entropy = 0.247', () => {
      const t = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
      const a = [0.8, 0.9, 0.9, 0.6, 0.8, 0.1, 0.4, 0.2, 0.1, 0.3];
      const want = skLogLoss(t, a).value;
      expect(Math.abs(want - 0.247)).toBeLessThanOrEqual(5e-4);
      expectRel(xent.logLoss(t, a, { compat: 'sklearn' }), want);
      expectRel(xent.binaryCrossEntropy(a, t, { compat: 'sklearn' }), want);
    });

    it('clips to machine epsilon: one totally wrong prediction costs -log(2.22e-16) = 36.04', () => {
      const wrong = -Math.log(F64_EPS);
      expect(wrong).toBeCloseTo(36.0437, 4);
      expectRel(xent.logLoss([0, 1], [1, 0], { compat: 'sklearn' }), skLogLoss([0, 1], [1, 0]).value);
      expectRel(xent.logLoss([0, 1], [1, 0], { compat: 'sklearn' }), wrong);
      expectRel(xent.logLoss([0, 1], [[0, 1], [1, 0]], { compat: 'sklearn' }), wrong);
      expectRel(xent.binaryCrossEntropy([0], [1], { compat: 'sklearn' }), wrong);
      expectRel(xent.binaryCrossEntropy([1], [0], { compat: 'sklearn' }), wrong);
      expectRel(xent.categoricalCrossEntropy([[1, 0]], [[0, 1]], { compat: 'sklearn' }), wrong);
    });

    it('a perfect prediction costs -log(1 - eps) ~ 2.2e-16 under the sklearn rule', () => {
      expectRel(xent.logLoss([0, 1], [0, 1], { compat: 'sklearn' }), skLogLoss([0, 1], [0, 1]).value, 1e-9);
      expectRel(xent.binaryCrossEntropy([1, 0], [1, 0], { compat: 'sklearn' }), -Math.log(1 - F64_EPS), 1e-9);
    });

    it('1-D yPred forms 1 − clip(p) after clipping: epsilon 1e-15 gives scikit-learn\'s 34.539176…, not 34.538776…', () => {
      // sklearn.metrics.log_loss([0, 1], [1, 0], eps=1e-15) = 34.539176… (issue 10): 1 − (1 − 1e-15)
      // is 9.992e-16 in float64, so the first sample costs 34.539576 and the second 34.538776.
      const v = xent.logLoss([0, 1], [1, 0], { compat: 'sklearn', epsilon: 1e-15 }) as number;
      expect(v).toBeCloseTo(34.539176, 6);
      expect(v).toBeCloseTo((-Math.log(1 - (1 - 1e-15)) - Math.log(1e-15)) / 2, 12);
    });

    it('clips values above 1 like scikit-learn (to 1 − ε, zero gradient there); negative values stay errors', () => {
      expectRel(xent.logLoss([0, 1], [0.3, 1.5], { compat: 'sklearn' }), skLogLoss([0, 1], [0.3, 1.5]).value);
      expectRel(xent.logLoss([0, 1], [[0.3, 0.7], [2, 0.5]], { compat: 'sklearn' }), skLogLoss([0, 1], [[0.3, 0.7], [2, 0.5]]).value);
      expect(Array.from(xent.grad.logLoss([0, 1], new Float64Array([0.3, 1.5]), { compat: 'sklearn' }) as Float64Array)[1]).toBe(0);
      expectRel(xent.categoricalCrossEntropy([[0.3, 1.5]], [[0, 1]], { compat: 'sklearn' }), skLogLoss([1], [[0.3, 1.5]], { labels: [0, 1] }).value);
      expectRel(xent.binaryCrossEntropy([1.5], [0], { compat: 'sklearn' }), -Math.log(F64_EPS));
      expect(() => xent.logLoss([0, 1], [0.3, -0.5], { compat: 'sklearn' })).toThrow(/^logLoss: yPred must be probabilities.*-0\.5 at index 1/);
      expect(() => xent.logLoss([0, 1], [0.3, 1.5])).toThrow(RangeError);
    });

    it('epsilon option replaces machine epsilon (the pre-1.2 default was 1e-15)', () => {
      expectRel(xent.logLoss([0, 1], [1, 0], { compat: 'sklearn', epsilon: 1e-15 }), skLogLoss([0, 1], [1, 0], { eps: 1e-15 }).value);
      expectRel(xent.logLoss(MC_TRUE, MC_PRED, { compat: 'sklearn', epsilon: 0.06 }), skLogLoss(MC_TRUE, MC_PRED, { eps: 0.06 }).value);
    });

    it('renormalises rows after clipping (scikit-learn 1.2-1.4 "Renormalize" step)', () => {
      const yPred = [
        [0.2, 0.6],
        [0.5, 0.3],
      ];
      const want = skLogLoss([1, 0], yPred).value;
      expect(want).toBeCloseTo((-Math.log(0.75) - Math.log(0.625)) / 2, 12);
      expectRel(xent.logLoss([1, 0], yPred, { compat: 'sklearn' }), want);
    });

    it('grad: 1-D y_pred gives -(y/p) + (1-y)/(1-p), averaged with sample weights', () => {
      const y = [1, 0, 1, 0];
      const p = [0.2, 0.7, 0.9, 0.4];
      const w = [1, 3, 0.5, 2];
      const W = w.reduce((a, b) => a + b, 0);
      const want = p.map((pi, i) => (w[i] / W) * (-(y[i] / pi) + (1 - y[i]) / (1 - pi)));
      expectRel(xent.grad.logLoss(y, p, { compat: 'sklearn', weights: w }), want);
    });

    it('grad: 2-D y_pred differentiates -log(p_iy / S_i): (-[j = y]/p_ij + 1/S_i) / n', () => {
      const n = MC_TRUE.length;
      const want = MC_PRED.flatMap((row, i) => {
        const S = row.reduce((a, b) => a + b, 0);
        return row.map((pij, j) => (-(j === MC_TRUE[i] ? 1 : 0) / pij + 1 / S) / n);
      });
      expectRel(xent.grad.logLoss(MC_TRUE, MC_PRED, { compat: 'sklearn' }), want);
    });

    // -------------------------------------------------------------------------------------------
    // Bad input: xent rejects all of these (scikit-learn raises ValueError for the length and
    // class-count cases; it does not check probabilities for negatives).

    it('bad input: inconsistent lengths', () => {
      expectBadInput(() => xent.logLoss([0, 1, 1], DOC_PRED, { compat: 'sklearn' }), /logLoss[\s\S]*(yTrue|yPred)/);
      expectBadInput(() => xent.logLoss(MC_TRUE, MC_PRED, { compat: 'sklearn', weights: [1, 2] }), /logLoss[\s\S]*weights/);
    });

    it('bad input: y_true has one class and no labels; class count differs from y_pred columns', () => {
      expectBadInput(() => xent.logLoss([1, 1, 1, 1], DOC_PRED, { compat: 'sklearn' }), /logLoss[\s\S]*(labels|yTrue)/);
      expectBadInput(() => xent.logLoss([0, 1, 2, 1], DOC_PRED, { compat: 'sklearn' }), /logLoss[\s\S]*(labels|yTrue|yPred)/);
      expectBadInput(() => xent.logLoss([0, 1, 0, 1], DOC_PRED, { compat: 'sklearn', labels: [0, 1, 2] }), /logLoss[\s\S]*(labels|yPred)/);
    });

    it('bad input: y_true label not among labels, negative or NaN probability, unknown option', () => {
      expectBadInput(() => xent.logLoss([0, 1, 7, 1], DOC_PRED, { compat: 'sklearn', labels: [0, 1] }), /logLoss[\s\S]*(yTrue|labels)/);
      expectBadInput(() => xent.logLoss([0, 1], [[-0.1, 1.1], [0.5, 0.5]], { compat: 'sklearn' }), /logLoss[\s\S]*yPred/);
      expectBadInput(() => xent.logLoss([0, 1], [[Number.NaN, 1], [0.5, 0.5]], { compat: 'sklearn' }), /logLoss[\s\S]*yPred/);
      expectBadInput(() => xent.logLoss([0, 1], [[0, 1], [0.5, 0.5]], { sample_weight: [1, 1] } as never), /logLoss[\s\S]*sample_weight/);
    });
  });
}
