/**
 * The worked numbers and conventions of /work/shared/REFERENCE.md §1–2, and the default ('xent')
 * mode's promises.
 *
 * REFERENCE.md's numbers are "rounded to 3 decimals", so they are compared within 5e-4; each is also
 * checked against a float64 oracle of the formula REFERENCE.md states (written below with Math.log /
 * Math.exp), with relative tolerance 1e-12.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createXent } from '../src/index.js';
import { flat, expectRel as expectRelOf, expectBadInput, logSoftmaxRow, softmaxRow, oneHotRows } from './helpers.js';

type Xent = Awaited<ReturnType<typeof createXent>>;

// ---------------------------------------------------------------------------------------------
// Comparison helpers

/** Formula oracle: relative 1e-12 by default; a scalar result is "a reduced value", not a loss. */
const expectRel = (got: unknown, want: number | number[], rel?: number): void => expectRelOf(got, want, rel, 'value');

/** A REFERENCE.md number rounded to 3 decimals. */
function expect3(got: unknown, printed: number): void {
  expect(typeof got).toBe('number');
  expect(Math.abs((got as number) - printed), `got ${String(got)}, REFERENCE.md ${printed}`).toBeLessThanOrEqual(5e-4 + 1e-12);
}

/** Exactly zero (either sign). */
function expectZero(got: unknown): void {
  for (const v of flat(got)) expect(Math.abs(v), `got ${v}`).toBe(0);
}

/** Finite everywhere (no NaN, no ±Infinity). */
function expectFinite(got: unknown): void {
  for (const v of flat(got)) expect(Number.isFinite(v), `got ${v}`).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// Float64 oracle of REFERENCE.md's formulas

const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);
/** H(p) = -sum p log p, 0 log 0 = 0. */
const H = (p: number[], base = Math.E): number => -sum(p.map((x) => (x > 0 ? x * Math.log(x) : 0))) / Math.log(base);
/** H(p, q) = -sum p log q; p_i = 0 terms are 0. */
const CE = (p: number[], q: number[], base = Math.E): number => -sum(p.map((x, i) => (x > 0 ? x * Math.log(q[i]) : 0))) / Math.log(base);
/** D(p||q) = sum p log(p / q). */
const KL = (p: number[], q: number[], base = Math.E): number => sum(p.map((x, i) => (x > 0 ? x * Math.log(x / q[i]) : 0))) / Math.log(base);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
/** Binary cross-entropy on a probability. */
const bce = (a: number, y: number): number => -(y * Math.log(a) + (1 - y) * Math.log(1 - a));
/** Binary cross-entropy on a logit, stable form: max(z,0) - z y + log(1 + exp(-|z|)). */
const bceLogit = (z: number, y: number): number => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));

// REFERENCE.md §1
const P = [0.1, 0.4, 0.5];
const Q = [0.8, 0.15, 0.05];
const BIN_T = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0];
const BIN_A = [0.8, 0.9, 0.9, 0.6, 0.8, 0.1, 0.4, 0.2, 0.1, 0.3];

// Batches for §2
const ZB = [
  [0.3, -1.2, 2.5],
  [-0.7, 4.0, -3.1],
];
const YB = [
  [1, 0, 1],
  [0, 0.25, 1],
];
const ZC = [
  [2.0, -1.0, 0.5, 0.0],
  [0.1, 0.2, -0.3, 1.5],
  [3.2, -2.2, 1.1, -0.4],
];
const LABELS = [0, 3, 1];
const YC = oneHotRows(LABELS, 4);
const AC = ZC.map(softmaxRow);
const CW = [0.5, 2.0, 1.0, 3.0];

for (const backend of ['reference', 'wasm'] as const) {
  describe(`REFERENCE.md numbers (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    // -------------------------------------------------------------------------------------------
    // §1 Information theory

    it('§1 worked numbers: H(p,q) = 3.288 bits (2.279 nats), H(q,p) = 2.906 bits, D(p||q) = 1.927 bits, H(p) = 1.361 bits', () => {
      expect3(xent.crossEntropy(P, Q, { base: 2 }), 3.288);
      expect3(xent.crossEntropy(P, Q), 2.279);
      expect3(xent.crossEntropy(Q, P, { base: 2 }), 2.906);
      expect3(xent.klDivergence(P, Q, { base: 2 }), 1.927);
      expect3(xent.entropy(P, { base: 2 }), 1.361);
      expectRel(xent.crossEntropy(P, Q, { base: 2 }), CE(P, Q, 2));
      expectRel(xent.crossEntropy(P, Q), CE(P, Q));
      expectRel(xent.crossEntropy(Q, P, { base: 2 }), CE(Q, P, 2));
      expectRel(xent.klDivergence(P, Q, { base: 2 }), KL(P, Q, 2));
      expectRel(xent.entropy(P, { base: 2 }), H(P, 2));
    });

    it('§1 H(p,p) = H(p), and H(p,q) = H(p) + D(p||q) numerically', () => {
      expectRel(xent.crossEntropy(P, P, { base: 2 }), xent.entropy(P, { base: 2 }) as number);
      for (const base of [Math.E, 2, 10]) {
        const h = xent.entropy(P, { base }) as number;
        const d = xent.klDivergence(P, Q, { base }) as number;
        expectRel(xent.crossEntropy(P, Q, { base }), h + d);
        const h2 = xent.entropy(Q, { base }) as number;
        const d2 = xent.klDivergence(Q, P, { base }) as number;
        expectRel(xent.crossEntropy(Q, P, { base }), h2 + d2);
      }
    });

    it('§1 information of an event: -log q(x), in bits with base 2, in any base', () => {
      expectRel(xent.crossEntropy([0, 1, 0], Q, { base: 2 }), -Math.log2(0.15));
      expectRel(xent.crossEntropy([0, 0, 1], Q, { base: 3 }), -Math.log(0.05) / Math.log(3));
    });

    it('§1 zeros: 0 log 0 = 0; p_i = 0 terms are 0 even where q_i = 0; p_i > 0 with q_i = 0 is +Infinity', () => {
      expectRel(xent.entropy([0, 0.5, 0.5], { base: 2 }), 1);
      expectRel(xent.crossEntropy([0.5, 0.5, 0], [0.5, 0.5, 0]), Math.LN2);
      expectRel(xent.klDivergence([0.5, 0.5, 0], [0.25, 0.25, 0.5]), Math.LN2);
      const inf = xent.crossEntropy([0.5, 0.5], [1, 0]);
      expect(inf).toBe(Infinity);
      expect(xent.klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
    });

    it('§1 sums that differ from 1 by more than 1e-6 (relative) are errors unless normalize is set', () => {
      expectBadInput(() => xent.entropy([0.5, 0.51]), /entropy[\s\S]*\bp\b/);
      expectBadInput(() => xent.crossEntropy(P, [0.8, 0.15, 0.06]), /crossEntropy[\s\S]*\bq\b/);
      // within 1e-6: accepted
      const near = xent.entropy([0.5, 0.5 + 4e-7]) as number;
      expect(Math.abs(near - Math.LN2)).toBeLessThan(1e-6);
      // normalize: true normalises (like SciPy)
      expectRel(xent.entropy([1, 4, 5], { normalize: true, base: 2 }), H(P, 2));
      expectRel(xent.crossEntropy([1, 4, 5], [16, 3, 1], { normalize: true, base: 2 }), CE(P, Q, 2));
    });

    it('§1 negative entries and NaN are errors', () => {
      expectBadInput(() => xent.entropy([0.6, 0.5, -0.1]), /entropy[\s\S]*\bp\b/);
      expectBadInput(() => xent.crossEntropy([0.5, Number.NaN], [0.5, 0.5]), /crossEntropy[\s\S]*\bp\b/);
      expectBadInput(() => xent.klDivergence(P, [0.9, 0.15, -0.05]), /klDivergence[\s\S]*\bq\b/);
    });

    it('§1 gradients: dH/dp = -(ln p + 1)/ln b; dH(p,q)/dq = dD(p||q)/dq = -p/(q ln b)', () => {
      expectRel(xent.grad.entropy(P), P.map((p) => -(Math.log(p) + 1)));
      expectRel(xent.grad.entropy(P, { base: 2 }), P.map((p) => -(Math.log(p) + 1) / Math.LN2));
      expectRel(xent.grad.crossEntropy(P, Q), P.map((p, i) => -p / Q[i]));
      expectRel(xent.grad.klDivergence(P, Q, { base: 2 }), P.map((p, i) => -p / Q[i] / Math.LN2));
    });

    it('perplexity = exp(H) (base-independent): uniform over 4 -> 4', () => {
      expectRel(xent.perplexity([0.25, 0.25, 0.25, 0.25]), 4);
      expectRel(xent.perplexity(P), Math.exp(H(P)));
      expectRel(xent.perplexity(P, undefined, { base: 2 }), Math.exp(H(P)));
      expectRel(xent.perplexity(P, Q), Math.exp(CE(P, Q)));
      expectRel(xent.perplexity(P, Q, { base: 2 }), Math.exp(CE(P, Q)));
    });

    // -------------------------------------------------------------------------------------------
    // §1 binary example

    it('§1 binary example: mean binary cross-entropy 0.247 nats, equal to log_loss', () => {
      const want = sum(BIN_A.map((a, i) => bce(a, BIN_T[i]))) / BIN_A.length;
      const got = xent.binaryCrossEntropy(BIN_A, BIN_T);
      expect3(got, 0.247);
      expectRel(got, want);
      const ll = xent.logLoss(BIN_T, BIN_A);
      expect3(ll, 0.247);
      expectRel(ll, want);
      expectRel(xent.logLoss(BIN_T, BIN_A.map((a) => [1 - a, a])), want);
    });

    it('§1 binary example in every input layout', () => {
      const want = sum(BIN_A.map((a, i) => bce(a, BIN_T[i]))) / BIN_A.length;
      expectRel(xent.binaryCrossEntropy(Float64Array.from(BIN_A), Float64Array.from(BIN_T)), want);
      expectRel(xent.binaryCrossEntropy([BIN_A], [BIN_T]), want);
      expectRel(xent.binaryCrossEntropy({ data: Float64Array.from(BIN_A), shape: [2, 5] as [number, number] }, { data: Float64Array.from(BIN_T), shape: [2, 5] as [number, number] }), want);
      // Float32 inputs: the oracle uses the float32-rounded values; 1e-6 allows float32 arithmetic
      const a32 = Float32Array.from(BIN_A);
      const want32 = sum(Array.from(a32).map((a, i) => bce(a, BIN_T[i]))) / a32.length;
      expectRel(xent.binaryCrossEntropy(a32, Float32Array.from(BIN_T)), want32, 1e-6);
    });

    // -------------------------------------------------------------------------------------------
    // §2 Binary cross-entropy

    it('§2 binary on logits: max(z,0) - z y + log(1 + exp(-|z|)); gradient sigma(z) - y (/n for mean)', () => {
      const per = ZB.flatMap((r, n) => r.map((z, c) => bceLogit(z, YB[n][c])));
      expectRel(xent.binaryCrossEntropy(ZB, YB, { fromLogits: true, reduction: 'none' }), per);
      expectRel(xent.binaryCrossEntropy(ZB, YB, { fromLogits: true }), sum(per) / per.length);
      expectRel(xent.binaryCrossEntropy(ZB, YB, { fromLogits: true, reduction: 'sum' }), sum(per));
      const g = ZB.flatMap((r, n) => r.map((z, c) => sigmoid(z) - YB[n][c]));
      expectRel(xent.grad.binaryCrossEntropy(ZB, YB, { fromLogits: true, reduction: 'sum' }), g);
      expectRel(xent.grad.binaryCrossEntropy(ZB, YB, { fromLogits: true }), g.map((v) => v / g.length));
    });

    it('§2 binary on probabilities: the plain formula, weights, label smoothing y(1-s) + 0.5s', () => {
      const A = ZB.map((r) => r.map(sigmoid));
      const per = A.flatMap((r, n) => r.map((a, c) => bce(a, YB[n][c])));
      expectRel(xent.binaryCrossEntropy(A, YB, { reduction: 'none' }), per);
      const w = [
        [1, 2, 0.5],
        [0, 3, 1],
      ];
      expectRel(xent.binaryCrossEntropy(A, YB, { weights: w, reduction: 'sum' }), sum(per.map((v, i) => v * w.flat()[i])));
      const s = 0.2;
      const perS = A.flatMap((r, n) => r.map((a, c) => bce(a, YB[n][c] * (1 - s) + 0.5 * s)));
      expectRel(xent.binaryCrossEntropy(A, YB, { labelSmoothing: s }), sum(perS) / perS.length);
      expectRel(xent.binaryCrossEntropy(ZB, YB, { fromLogits: true, labelSmoothing: s, reduction: 'none' }), ZB.flatMap((r, n) => r.map((z, c) => bceLogit(z, YB[n][c] * (1 - s) + 0.5 * s))));
    });

    it('§2 pos_weight on logits (BCEWithLogitsLoss): -[pw y log sigma(z) + (1-y) log(1 - sigma(z))]', () => {
      const pw = [2, 0.5, 1];
      const per = ZB.flatMap((r, n) => r.map((z, c) => -(pw[c] * YB[n][c] * Math.log(sigmoid(z)) + (1 - YB[n][c]) * Math.log(1 - sigmoid(z)))));
      expectRel(xent.binaryCrossEntropy(ZB, YB, { fromLogits: true, posWeight: pw, reduction: 'none' }), per, 1e-11);
    });

    it('§2 why the cross-entropy: single neuron, input 1, target 0, w = 2, b = 2', () => {
      // dC/db = sigma(z) - y for the cross-entropy; the quadratic cost keeps the sigma'(z) factor
      const z = 2 * 1 + 2;
      const a = sigmoid(z);
      expectRel(xent.grad.binaryCrossEntropy([z], [0], { fromLogits: true }), [a]);
      expectRel(xent.grad.quadraticCost([a], [0]), [a]);
      // dC/dz for the quadratic cost = (a - y) sigma'(z), about 55 times smaller here
      expect(a * a * (1 - a)).toBeLessThan(a / 50);
    });

    // -------------------------------------------------------------------------------------------
    // §2 Categorical / sparse

    it('§2 categorical from logits via log-softmax; gradient softmax(z) - y', () => {
      const per = ZC.map((z, n) => -sum(logSoftmaxRow(z).map((l, k) => YC[n][k] * l)));
      expectRel(xent.categoricalCrossEntropy(ZC, YC, { fromLogits: true, reduction: 'none' }), per);
      expectRel(xent.categoricalCrossEntropy(ZC, YC, { fromLogits: true }), sum(per) / per.length);
      const g = ZC.flatMap((z, n) => softmaxRow(z).map((p, k) => p - YC[n][k]));
      expectRel(xent.grad.categoricalCrossEntropy(ZC, YC, { fromLogits: true, reduction: 'sum' }), g);
      expectRel(xent.grad.categoricalCrossEntropy(ZC, YC, { fromLogits: true }), g.map((v) => v / ZC.length));
    });

    it('§2 categorical on probabilities (one-hot and soft targets); 1-D input is one example', () => {
      const soft = [
        [0.6, 0.3, 0.1, 0.0],
        [0.0, 0.0, 0.5, 0.5],
        [0.25, 0.25, 0.25, 0.25],
      ];
      expectRel(xent.categoricalCrossEntropy(AC, soft, { reduction: 'none' }), AC.map((a, n) => -sum(a.map((v, k) => soft[n][k] * Math.log(v)))));
      expectRel(xent.grad.categoricalCrossEntropy(AC, soft, { reduction: 'sum' }), AC.flatMap((a, n) => a.map((v, k) => -soft[n][k] / v)));
      expectRel(xent.categoricalCrossEntropy([0.2, 0.8], [0, 1]), -Math.log(0.8));
      expectRel(xent.categoricalCrossEntropy([0.2, 0.8], [0, 1], { reduction: 'none' }), -Math.log(0.8));
    });

    it('§2 softmax is shift-invariant: logits + 1000 give the same loss', () => {
      const shifted = ZC.map((r) => r.map((v) => v + 1000));
      const per = ZC.map((z, n) => -logSoftmaxRow(z)[LABELS[n]]);
      // the shift itself rounds the inputs by ~1e-13, hence 1e-9
      expectRel(xent.categoricalCrossEntropy(shifted, YC, { fromLogits: true, reduction: 'none' }), per, 1e-9);
      expectRel(xent.sparseCategoricalCrossEntropy(shifted, LABELS, { fromLogits: true, reduction: 'none' }), per, 1e-9);
    });

    it('§2 logits of +-1e4 give finite, correct results (softmax and sigmoid)', () => {
      const z = [[1e4, -1e4, 0]];
      expectRel(xent.categoricalCrossEntropy(z, [[0, 1, 0]], { fromLogits: true }), 2e4);
      expectRel(xent.categoricalCrossEntropy(z, [[1, 0, 0]], { fromLogits: true }), 0);
      expectRel(xent.sparseCategoricalCrossEntropy(z, [2], { fromLogits: true }), 1e4);
      expectRel(xent.grad.categoricalCrossEntropy(z, [[0, 1, 0]], { fromLogits: true }), [1, -1, 0]);
      expectRel(xent.binaryCrossEntropy([1e4, -1e4, 1e4, -1e4], [0, 1, 1, 0], { fromLogits: true, reduction: 'none' }), [1e4, 1e4, 0, 0]);
      expectRel(xent.grad.binaryCrossEntropy([1e4, -1e4, 1e4, -1e4], [0, 1, 1, 0], { fromLogits: true, reduction: 'sum' }), [1, -1, 0, 0]);
    });

    it('§2 categorical label smoothing y(1-s) + s/K', () => {
      const s = 0.1;
      const K = 4;
      const per = ZC.map((z, n) => -sum(logSoftmaxRow(z).map((l, k) => (YC[n][k] * (1 - s) + s / K) * l)));
      expectRel(xent.categoricalCrossEntropy(ZC, YC, { fromLogits: true, labelSmoothing: s, reduction: 'none' }), per);
      expectRel(xent.grad.categoricalCrossEntropy(ZC, YC, { fromLogits: true, labelSmoothing: s, reduction: 'sum' }), ZC.flatMap((z, n) => softmaxRow(z).map((p, k) => p - (YC[n][k] * (1 - s) + s / K))));
    });

    it("§2 class weights follow PyTorch: 'mean' divides by the sum of the target classes' weights", () => {
      const per = ZC.map((z, n) => -CW[LABELS[n]] * logSoftmaxRow(z)[LABELS[n]]);
      const W = sum(LABELS.map((l) => CW[l]));
      expectRel(xent.sparseCategoricalCrossEntropy(ZC, LABELS, { fromLogits: true, classWeights: CW }), sum(per) / W);
      expectRel(xent.categoricalCrossEntropy(ZC, YC, { fromLogits: true, classWeights: CW }), sum(per) / W);
      expectRel(xent.sparseCategoricalCrossEntropy(ZC, LABELS, { fromLogits: true, classWeights: CW, reduction: 'none' }), per);
    });

    it('§2 ignoreIndex drops examples from both the sum and the denominator', () => {
      const labels = [0, 3, 3];
      const want = -logSoftmaxRow(ZC[0])[0];
      expectRel(xent.sparseCategoricalCrossEntropy(ZC, labels, { fromLogits: true, ignoreIndex: 3 }), want);
      expectRel(xent.sparseCategoricalCrossEntropy(AC, [-1, 3, 1], { ignoreIndex: -1, reduction: 'sum' }), -Math.log(AC[1][3]) - Math.log(AC[2][1]));
    });

    it('§2 log-likelihood cost (Nielsen): C = -ln a_y; with softmax, delta = a - y', () => {
      expectRel(xent.sparseCategoricalCrossEntropy(AC, LABELS, { reduction: 'none' }), LABELS.map((l, n) => -Math.log(AC[n][l])));
      expectRel(xent.grad.sparseCategoricalCrossEntropy(ZC, LABELS, { fromLogits: true, reduction: 'sum' }), ZC.flatMap((z, n) => softmaxRow(z).map((p, k) => p - YC[n][k])));
    });

    it('§2 quadratic cost 1/2 ||a - y||^2 per row; mean averages rows; gradient a - y', () => {
      const a = [
        [0.9, 0.2, 0.4],
        [0.1, 0.5, 0.7],
      ];
      const y = [
        [1, 0, 0],
        [0, 1, 0],
      ];
      const per = a.map((r, n) => 0.5 * sum(r.map((v, k) => (v - y[n][k]) ** 2)));
      expectRel(xent.quadraticCost(a, y, { reduction: 'none' }), per);
      expectRel(xent.quadraticCost(a, y), sum(per) / 2);
      expectRel(xent.quadraticCost(a, y, { reduction: 'sum' }), sum(per));
      expectRel(xent.quadraticCost([0.9, 0.2, 0.4], [1, 0, 0]), per[0]);
      expectRel(xent.grad.quadraticCost(a, y, { reduction: 'sum' }), a.flatMap((r, n) => r.map((v, k) => v - y[n][k])));
      expectRel(xent.grad.quadraticCost(a, y), a.flatMap((r, n) => r.map((v, k) => (v - y[n][k]) / 2)));
    });

    // -------------------------------------------------------------------------------------------
    // Default ('xent') mode promises and the three library rules

    it("default mode: a prediction equal to its target costs exactly 0", () => {
      expectZero(xent.binaryCrossEntropy([1, 0, 1, 0], [1, 0, 1, 0]));
      expectZero(xent.binaryCrossEntropy([[1, 0], [0, 1]], [[1, 0], [0, 1]], { reduction: 'none' }));
      expectZero(xent.categoricalCrossEntropy([[0, 1, 0], [1, 0, 0]], [[0, 1, 0], [1, 0, 0]]));
      expectZero(xent.sparseCategoricalCrossEntropy([[0, 0, 1]], [2]));
      expectZero(xent.crossEntropy([1, 0], [1, 0]));
      expectZero(xent.klDivergence(P, P));
      expectZero(xent.quadraticCost([[0.3, 0.7]], [[0.3, 0.7]]));
    });

    it('default mode: a confidently wrong prediction is finite and large, never Infinity or NaN', () => {
      const cases = [
        xent.binaryCrossEntropy([0], [1]),
        xent.binaryCrossEntropy([1], [0]),
        xent.categoricalCrossEntropy([[1, 0]], [[0, 1]]),
        xent.sparseCategoricalCrossEntropy([[1, 0, 0]], [2]),
      ];
      for (const c of cases) {
        expectFinite(c);
        expect(c as number).toBeGreaterThan(10);
      }
      expectFinite(xent.binaryCrossEntropy([0, 1, 0.5], [1, 0, 0.5], { reduction: 'none' }));
      expectFinite(xent.grad.binaryCrossEntropy([0, 1], [1, 0]));
      expectFinite(xent.grad.categoricalCrossEntropy([[1, 0]], [[0, 1]]));
      expectFinite(xent.grad.sparseCategoricalCrossEntropy([[1, 0, 0]], [2]));
    });

    it('one wrong prediction costs 16.1 (keras), 36.0 (sklearn) or 100 (torch)', () => {
      const keras = xent.binaryCrossEntropy([0], [1], { compat: 'keras' }) as number;
      const sklearn = xent.binaryCrossEntropy([0], [1], { compat: 'sklearn' }) as number;
      const torch = xent.binaryCrossEntropy([0], [1], { compat: 'torch' }) as number;
      expect(Math.abs(keras - 16.1)).toBeLessThan(0.05);
      expect(Math.abs(sklearn - 36.0)).toBeLessThan(0.05);
      expectRel(keras, -Math.log(1e-7));
      expectRel(sklearn, -Math.log(2.220446049250313e-16));
      expectRel(torch, 100);
    });

    it('bad input: shape mismatch, NaN, label out of range, unknown option', () => {
      expectBadInput(() => xent.binaryCrossEntropy([[0.5, 0.5]], [[1, 0, 1]]), /binaryCrossEntropy[\s\S]*target/);
      expectBadInput(() => xent.binaryCrossEntropy([0.5, Number.NaN], [1, 0]), /binaryCrossEntropy[\s\S]*pred/);
      expectBadInput(() => xent.binaryCrossEntropy([0.5, 0.5], [1, 0], { weights: [1, 2, 3] }), /binaryCrossEntropy[\s\S]*weights/);
      expectBadInput(() => xent.sparseCategoricalCrossEntropy(AC, [0, 4, 1]), /sparseCategoricalCrossEntropy[\s\S]*label/);
      expectBadInput(() => xent.quadraticCost([[0.5, 0.5]], [[1, 0], [0, 1]]), /quadraticCost[\s\S]*target/);
      expectBadInput(() => xent.categoricalCrossEntropy(AC, YC, { reduction: 'avg' } as never), /categoricalCrossEntropy[\s\S]*reduction/);
      expectBadInput(() => xent.categoricalCrossEntropy(AC, YC, { classWeight: CW } as never), /categoricalCrossEntropy[\s\S]*classWeight/);
    });
  });
}
