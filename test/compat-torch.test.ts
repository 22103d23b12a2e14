/**
 * PyTorch compatibility (`compat: 'torch'`), checked against PyTorch's own formulas.
 *
 * PyTorch's loss docstrings (torch/nn/modules/loss.py) use random tensors, so there are no printed
 * numbers to quote; every expected value is a float64 oracle written below from PyTorch's source and
 * compared with relative tolerance 1e-12:
 *  - aten/src/ATen/native/Loss.cpp, binary_cross_entropy_out_cpu:
 *      (target - 1) * max(log(1 - input), -100) - target * max(log(input), -100), times weight;
 *    binary_cross_entropy_backward: grad * (input - target) / max((1 - input) * input, EPSILON),
 *      EPSILON = 1e-12, times weight, divided by input.numel() for 'mean'.
 *  - Loss.cpp, binary_cross_entropy_with_logits:
 *      max_val = clamp_min(-input, 0); log_weight = (pos_weight - 1) * target + 1;
 *      loss = (1 - target) * input + log_weight * (log(exp(-max_val) + exp(-input - max_val)) + max_val)
 *    backward: t = pos_weight * target; ((t + 1 - target) * sigmoid(input) - t) * weight [/ numel].
 *    apply_loss_reduction 'mean' = unreduced.mean(): divides by the element count even with weights.
 *  - aten/src/ATen/native/LossNLL.cpp, cross_entropy_loss_symint / cross_entropy_loss_label_smoothing
 *    / cross_entropy_loss_prob_target, and the CrossEntropyLoss docstring:
 *      class indices: l_n = -w_{y_n} log softmax(x_n)_{y_n} * 1{y_n != ignore_index};
 *        'mean' = sum_n l_n / sum_n w_{y_n} 1{y_n != ignore_index};
 *      label smoothing with class indices: (1 - s) * nll + s / K * smooth, where
 *        smooth_n = -sum_k w_k log p_{n,k} (0 for ignored rows), normalised for 'mean' by the same
 *        sum of target weights;
 *      probabilities: target = target * (1 - s) + s / K; l_n = -sum_c w_c y_{n,c} log p_{n,c};
 *        'mean' = sum_n l_n / N.
 *  - NLLLoss: the same as class-index cross entropy with the log-softmax already applied.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createXent } from '../src/index.js';
import { flat, expectRel, expectBadInput, logSoftmaxRow, oneHotRows } from './helpers.js';

type Xent = Awaited<ReturnType<typeof createXent>>;
type Reduction = 'mean' | 'sum' | 'none';

// ---------------------------------------------------------------------------------------------
// Float64 oracle of PyTorch's formulas

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const sum = (v: number[]): number => v.reduce((a, b) => a + b, 0);

function reduce(values: number[], reduction: Reduction, denominator = values.length): number | number[] {
  if (reduction === 'none') return values;
  return reduction === 'sum' ? sum(values) : sum(values) / denominator;
}

/** binary_cross_entropy_out_cpu, one element. */
function tBce(x: number, y: number): number {
  return (y - 1) * Math.max(Math.log(1 - x), -100) - y * Math.max(Math.log(x), -100);
}
/** binary_cross_entropy_backward_out_cpu, one element, grad_output = 1. */
function tBceGrad(x: number, y: number): number {
  return (x - y) / Math.max((1 - x) * x, 1e-12);
}
/** binary_cross_entropy_with_logits, one element. */
function tBceLogits(z: number, y: number, pw = 1): number {
  const maxVal = Math.max(-z, 0);
  const logWeight = (pw - 1) * y + 1;
  return (1 - y) * z + logWeight * (Math.log(Math.exp(-maxVal) + Math.exp(-z - maxVal)) + maxVal);
}
/** binary_cross_entropy_with_logits_backward, one element, grad_output = 1. */
function tBceLogitsGrad(z: number, y: number, pw = 1): number {
  const t = pw * y;
  return (t + 1 - y) * sigmoid(z) - t;
}

interface SparseOpts {
  w?: number[];
  ignore?: number;
  s?: number;
  logProbs?: boolean;
}

/** CrossEntropyLoss / NLLLoss with class-index targets (label smoothing as LossNLL.cpp). */
function tCeSparse(x: number[][], labels: number[], reduction: Reduction, o: SparseOpts = {}): number | number[] {
  const K = x[0].length;
  const w = o.w ?? new Array<number>(K).fill(1);
  const ignore = o.ignore ?? -100;
  const s = o.s ?? 0;
  let W = 0;
  const per = x.map((row, n) => {
    const y = labels[n];
    if (y === ignore) return 0;
    const lp = o.logProbs ? row : logSoftmaxRow(row);
    W += w[y];
    const nll = -w[y] * lp[y];
    let smooth = 0;
    for (let k = 0; k < K; k++) smooth -= w[k] * lp[k];
    return (1 - s) * nll + (s / K) * smooth;
  });
  return reduce(per, reduction, W);
}

/** d/dx of tCeSparse (x are logits, or log-probabilities when logProbs). */
function tCeSparseGrad(x: number[][], labels: number[], reduction: Reduction, o: SparseOpts = {}): number[] {
  const K = x[0].length;
  const w = o.w ?? new Array<number>(K).fill(1);
  const ignore = o.ignore ?? -100;
  const s = o.s ?? 0;
  let W = 0;
  for (const y of labels) if (y !== ignore) W += w[y];
  const scale = reduction === 'mean' ? 1 / W : 1;
  const sw = sum(w);
  return x.flatMap((row, n) => {
    const y = labels[n];
    if (y === ignore) return row.map(() => 0);
    if (o.logProbs) return row.map((_, j) => (j === y ? -w[y] * scale : 0));
    const p = logSoftmaxRow(row).map(Math.exp);
    // d(-log p_k)/dz_j = p_j - [j == k]
    return p.map((pj, j) => ((1 - s) * w[y] * (pj - (j === y ? 1 : 0)) + (s / K) * (pj * sw - w[j])) * scale);
  });
}

/** CrossEntropyLoss with probability targets (cross_entropy_loss_prob_target). */
function tCeProb(z: number[][], target: number[][], reduction: Reduction, w?: number[], s = 0): number | number[] {
  const K = z[0].length;
  const per = z.map((row, n) => {
    const lp = logSoftmaxRow(row);
    let acc = 0;
    for (let k = 0; k < K; k++) acc -= (w ? w[k] : 1) * (target[n][k] * (1 - s) + s / K) * lp[k];
    return acc;
  });
  return reduce(per, reduction, z.length);
}
function tCeProbGrad(z: number[][], target: number[][], reduction: Reduction, w?: number[], s = 0): number[] {
  const K = z[0].length;
  const scale = reduction === 'mean' ? 1 / z.length : 1;
  return z.flatMap((row, n) => {
    const p = logSoftmaxRow(row).map(Math.exp);
    const wy = target[n].map((y, k) => (w ? w[k] : 1) * (y * (1 - s) + s / K));
    const total = sum(wy);
    return p.map((pj, j) => (pj * total - wy[j]) * scale);
  });
}

// Shared data
const P = [
  [0.2, 1.0, 0.0, 0.7],
  [0.7, 0.5, 0.999, 0.3],
];
const YB = [
  [0, 1, 0, 1],
  [1, 0, 1, 0],
];
const Z = [
  [0.3, -1.2, 2.5, 7.0],
  [-0.7, 4.0, -3.1, -9.0],
];
const YSOFTB = [
  [0.25, 0, 1, 0.6],
  [1, 0.5, 0, 0.1],
];
const X = [
  [2.0, -1.0, 0.5, 0.0],
  [0.1, 0.2, -0.3, 1.5],
  [3.2, -2.2, 1.1, -0.4],
  [-1.0, 0.0, 1.0, 2.0],
  [0.7, 0.7, -0.7, 0.0],
];
const LABELS = [0, 3, 1, 2, 3];
const CW = [0.5, 2.0, 1.0, 3.0];
const YSOFT = [
  [0.6, 0.3, 0.1, 0.0],
  [0.0, 0.0, 0.0, 1.0],
  [0.25, 0.25, 0.25, 0.25],
  [0.1, 0.2, 0.3, 0.4],
  [0.0, 1.0, 0.0, 0.0],
];
for (const backend of ['reference', 'wasm'] as const) {
  describe(`torch compat (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    // -------------------------------------------------------------------------------------------
    // BCELoss (probabilities)

    it('BCELoss clamps each log at -100: mean, sum, none (a perfect 0/1 prediction costs exactly 0)', () => {
      const per = P.flatMap((row, n) => row.map((x, c) => tBce(x, YB[n][c])));
      expect(Math.abs(per[1])).toBe(0);
      expectRel(xent.binaryCrossEntropy(P, YB, { compat: 'torch' }), reduce(per, 'mean'));
      expectRel(xent.binaryCrossEntropy(P, YB, { compat: 'torch', reduction: 'sum' }), reduce(per, 'sum'));
      expectRel(xent.binaryCrossEntropy(P, YB, { compat: 'torch', reduction: 'none' }), per);
    });

    it('BCELoss: one totally wrong prediction costs exactly 100', () => {
      expectRel(xent.binaryCrossEntropy([0], [1], { compat: 'torch' }), 100);
      expectRel(xent.binaryCrossEntropy([1], [0], { compat: 'torch' }), 100);
      expectRel(xent.binaryCrossEntropy([0, 1], [1, 1], { compat: 'torch', reduction: 'sum' }), 100);
    });

    it('BCELoss with soft targets', () => {
      const per = P.flatMap((row, n) => row.map((x, c) => tBce(x, YSOFTB[n][c])));
      expectRel(xent.binaryCrossEntropy(P, YSOFTB, { compat: 'torch', reduction: 'none' }), per);
    });

    it("BCELoss weights (element-wise and one per row): 'mean' still divides by the element count", () => {
      const We = [
        [1, 2, 0.5, 0],
        [3, 1, 1, 0.25],
      ];
      const perE = P.flatMap((row, n) => row.map((x, c) => We[n][c] * tBce(x, YB[n][c])));
      expectRel(xent.binaryCrossEntropy(P, YB, { compat: 'torch', weights: We }), sum(perE) / 8);
      expectRel(xent.binaryCrossEntropy(P, YB, { compat: 'torch', weights: We, reduction: 'none' }), perE);
      const Wr = [2, 0.5];
      const perR = P.flatMap((row, n) => row.map((x, c) => Wr[n] * tBce(x, YB[n][c])));
      expectRel(xent.binaryCrossEntropy(P, YB, { compat: 'torch', weights: Wr }), sum(perR) / 8);
      expectRel(xent.binaryCrossEntropy(P, YB, { compat: 'torch', weights: Wr, reduction: 'sum' }), sum(perR));
    });

    it('grad BCELoss: (x - y) / max(x(1 - x), 1e-12) times weight, / numel for mean', () => {
      const Wr = [2, 0.5];
      const want = P.flatMap((row, n) => row.map((x, c) => (Wr[n] * tBceGrad(x, YB[n][c])) / 8));
      expectRel(xent.grad.binaryCrossEntropy(P, YB, { compat: 'torch', weights: Wr }), want);
      // a totally wrong prediction: (0 - 1) / 1e-12
      expectRel(xent.grad.binaryCrossEntropy([0], [1], { compat: 'torch', reduction: 'sum' }), [-1e12]);
      expectRel(xent.grad.binaryCrossEntropy([1], [0], { compat: 'torch', reduction: 'sum' }), [1e12]);
    });

    it("grad with reduction 'none' is the gradient of the sum", () => {
      const want = P.flatMap((row, n) => row.map((x, c) => tBceGrad(x, YB[n][c])));
      expectRel(xent.grad.binaryCrossEntropy(P, YB, { compat: 'torch', reduction: 'none' }), want);
      expectRel(xent.grad.binaryCrossEntropy(P, YB, { compat: 'torch', reduction: 'sum' }), want);
    });

    // -------------------------------------------------------------------------------------------
    // BCEWithLogitsLoss

    it('BCEWithLogitsLoss: mean, sum, none, soft targets', () => {
      const per = Z.flatMap((row, n) => row.map((z, c) => tBceLogits(z, YSOFTB[n][c])));
      expectRel(xent.binaryCrossEntropy(Z, YSOFTB, { compat: 'torch', fromLogits: true }), reduce(per, 'mean'));
      expectRel(xent.binaryCrossEntropy(Z, YSOFTB, { compat: 'torch', fromLogits: true, reduction: 'sum' }), reduce(per, 'sum'));
      expectRel(xent.binaryCrossEntropy(Z, YSOFTB, { compat: 'torch', fromLogits: true, reduction: 'none' }), per);
    });

    it('BCEWithLogitsLoss pos_weight: one number, and one per column, with weights', () => {
      const perScalar = Z.flatMap((row, n) => row.map((z, c) => tBceLogits(z, YB[n][c], 3)));
      expectRel(xent.binaryCrossEntropy(Z, YB, { compat: 'torch', fromLogits: true, posWeight: 3 }), reduce(perScalar, 'mean'));
      const pw = [1, 2, 0.5, 4];
      const Wr = [0.5, 2];
      const per = Z.flatMap((row, n) => row.map((z, c) => Wr[n] * tBceLogits(z, YSOFTB[n][c], pw[c])));
      expectRel(xent.binaryCrossEntropy(Z, YSOFTB, { compat: 'torch', fromLogits: true, posWeight: pw, weights: Wr }), sum(per) / 8);
      expectRel(xent.binaryCrossEntropy(Z, YSOFTB, { compat: 'torch', fromLogits: true, posWeight: pw, weights: Wr, reduction: 'none' }), per);
    });

    it('grad BCEWithLogitsLoss with pos_weight and weights', () => {
      const pw = [1, 2, 0.5, 4];
      const Wr = [0.5, 2];
      const want = Z.flatMap((row, n) => row.map((z, c) => (Wr[n] * tBceLogitsGrad(z, YSOFTB[n][c], pw[c])) / 8));
      expectRel(xent.grad.binaryCrossEntropy(Z, YSOFTB, { compat: 'torch', fromLogits: true, posWeight: pw, weights: Wr }), want);
    });

    it('BCEWithLogitsLoss at logits of +-1e4 is finite and exact', () => {
      const z = [1e4, -1e4, 1e4, -1e4];
      const y = [0, 1, 1, 0];
      const per = z.map((v, i) => tBceLogits(v, y[i], 2));
      expectRel(per, [1e4, 2e4, 0, 0]);
      expectRel(xent.binaryCrossEntropy(z, y, { compat: 'torch', fromLogits: true, posWeight: 2, reduction: 'none' }), per);
      expectRel(xent.grad.binaryCrossEntropy(z, y, { compat: 'torch', fromLogits: true, posWeight: 2, reduction: 'sum' }), z.map((v, i) => tBceLogitsGrad(v, y[i], 2)));
    });

    // -------------------------------------------------------------------------------------------
    // CrossEntropyLoss with class indices

    it('CrossEntropyLoss from logits (class indices): mean, sum, none', () => {
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true }), tCeSparse(X, LABELS, 'mean'));
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, reduction: 'sum' }), tCeSparse(X, LABELS, 'sum'));
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, reduction: 'none' }), tCeSparse(X, LABELS, 'none'));
    });

    it("CrossEntropyLoss class weights: 'mean' divides by the sum of the target classes' weights", () => {
      const o = { w: CW };
      const mean = tCeSparse(X, LABELS, 'mean', o) as number;
      const total = tCeSparse(X, LABELS, 'sum', o) as number;
      expect(mean).toBeCloseTo(total / (0.5 + 3 + 2 + 1 + 3), 12);
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, classWeights: CW }), mean);
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, classWeights: CW, reduction: 'sum' }), total);
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, classWeights: CW, reduction: 'none' }), tCeSparse(X, LABELS, 'none', o));
    });

    it('ignore_index defaults to -100: removed from the sum and from the denominator', () => {
      const labels = [0, -100, 1, 2, -100];
      expectRel(xent.sparseCategoricalCrossEntropy(X, labels, { compat: 'torch', fromLogits: true }), tCeSparse(X, labels, 'mean'));
      expectRel(xent.sparseCategoricalCrossEntropy(X, labels, { compat: 'torch', fromLogits: true, classWeights: CW }), tCeSparse(X, labels, 'mean', { w: CW }));
      const none = flat(xent.sparseCategoricalCrossEntropy(X, labels, { compat: 'torch', fromLogits: true, reduction: 'none' }));
      expect(Math.abs(none[1])).toBe(0);
      expect(Math.abs(none[4])).toBe(0);
      expectRel(none, tCeSparse(X, labels, 'none') as number[]);
    });

    it('explicit ignoreIndex', () => {
      const o = { w: CW, ignore: 3 };
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, classWeights: CW, ignoreIndex: 3 }), tCeSparse(X, LABELS, 'mean', o));
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, ignoreIndex: 3, reduction: 'sum' }), tCeSparse(X, LABELS, 'sum', { ignore: 3 }));
    });

    it('label_smoothing with class indices: (1 - s) * nll + s/K * smooth', () => {
      const o = { s: 0.1 };
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, labelSmoothing: 0.1 }), tCeSparse(X, LABELS, 'mean', o));
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, labelSmoothing: 0.1, reduction: 'none' }), tCeSparse(X, LABELS, 'none', o));
    });

    it("label_smoothing with class weights: PyTorch's formula normalised by sum of w[y] (mean, sum, none)", () => {
      const o = { s: 0.2, w: CW };
      const opts = { compat: 'torch', fromLogits: true, labelSmoothing: 0.2, classWeights: CW } as const;
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, opts), tCeSparse(X, LABELS, 'mean', o));
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { ...opts, reduction: 'sum' }), tCeSparse(X, LABELS, 'sum', o));
      expectRel(xent.sparseCategoricalCrossEntropy(X, LABELS, { ...opts, reduction: 'none' }), tCeSparse(X, LABELS, 'none', o));
    });

    it('label_smoothing with class weights and ignore_index', () => {
      const labels = [0, -100, 1, 3, 2];
      expectRel(
        xent.sparseCategoricalCrossEntropy(X, labels, { compat: 'torch', fromLogits: true, labelSmoothing: 0.3, classWeights: CW }),
        tCeSparse(X, labels, 'mean', { s: 0.3, w: CW }),
      );
    });

    it('grad CrossEntropyLoss: class weights, label smoothing, ignored rows get zero gradient', () => {
      const labels = [0, -100, 1, 3, 2];
      expectRel(
        xent.grad.sparseCategoricalCrossEntropy(X, labels, { compat: 'torch', fromLogits: true, classWeights: CW }),
        tCeSparseGrad(X, labels, 'mean', { w: CW }),
      );
      expectRel(
        xent.grad.sparseCategoricalCrossEntropy(X, labels, { compat: 'torch', fromLogits: true, classWeights: CW, labelSmoothing: 0.2 }),
        tCeSparseGrad(X, labels, 'mean', { w: CW, s: 0.2 }),
      );
      expectRel(
        xent.grad.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, labelSmoothing: 0.1, reduction: 'sum' }),
        tCeSparseGrad(X, LABELS, 'sum', { s: 0.1 }),
      );
    });

    // -------------------------------------------------------------------------------------------
    // NLLLoss (fromLogProbs)

    it('fromLogProbs = NLLLoss: weights and ignore_index; gradient -w[y]/W at the target', () => {
      const logProbs = X.map(logSoftmaxRow);
      const labels = [0, 3, -100, 2, 3];
      const o = { w: CW, logProbs: true };
      expectRel(xent.sparseCategoricalCrossEntropy(logProbs, labels, { compat: 'torch', fromLogProbs: true, classWeights: CW }), tCeSparse(logProbs, labels, 'mean', o));
      expectRel(
        xent.sparseCategoricalCrossEntropy(logProbs, labels, { compat: 'torch', fromLogProbs: true, classWeights: CW, reduction: 'none' }),
        tCeSparse(logProbs, labels, 'none', o),
      );
      expectRel(xent.grad.sparseCategoricalCrossEntropy(logProbs, labels, { compat: 'torch', fromLogProbs: true, classWeights: CW }), tCeSparseGrad(logProbs, labels, 'mean', o));
      // NLL on log-probabilities equals cross entropy on the logits they came from
      expectRel(xent.sparseCategoricalCrossEntropy(logProbs, LABELS, { compat: 'torch', fromLogProbs: true }), tCeSparse(X, LABELS, 'mean'));
    });

    // -------------------------------------------------------------------------------------------
    // CrossEntropyLoss with probability targets

    it("probability targets with class weights: 'mean' divides by the number of rows", () => {
      expectRel(xent.categoricalCrossEntropy(X, YSOFT, { compat: 'torch', fromLogits: true, classWeights: CW }), tCeProb(X, YSOFT, 'mean', CW));
      expectRel(xent.categoricalCrossEntropy(X, YSOFT, { compat: 'torch', fromLogits: true, classWeights: CW, reduction: 'sum' }), tCeProb(X, YSOFT, 'sum', CW));
      expectRel(xent.categoricalCrossEntropy(X, YSOFT, { compat: 'torch', fromLogits: true, classWeights: CW, reduction: 'none' }), tCeProb(X, YSOFT, 'none', CW));
    });

    it('probability targets with label smoothing (and class weights)', () => {
      expectRel(xent.categoricalCrossEntropy(X, YSOFT, { compat: 'torch', fromLogits: true, labelSmoothing: 0.1 }), tCeProb(X, YSOFT, 'mean', undefined, 0.1));
      expectRel(
        xent.categoricalCrossEntropy(X, YSOFT, { compat: 'torch', fromLogits: true, labelSmoothing: 0.1, classWeights: CW }),
        tCeProb(X, YSOFT, 'mean', CW, 0.1),
      );
    });

    it('dense one-hot float targets take PyTorch\'s probability path: weighted, divided by rows', () => {
      // PyTorch: "Assume soft targets when input and target shapes are the same"
      const Y = oneHotRows(LABELS, 4);
      expectRel(xent.categoricalCrossEntropy(X, Y, { compat: 'torch', fromLogits: true, classWeights: CW }), tCeProb(X, Y, 'mean', CW));
    });

    it('grad, probability targets: (p * sum_k w_k y_k - w_j y_j) / rows', () => {
      expectRel(xent.grad.categoricalCrossEntropy(X, YSOFT, { compat: 'torch', fromLogits: true, classWeights: CW, labelSmoothing: 0.1 }), tCeProbGrad(X, YSOFT, 'mean', CW, 0.1));
    });

    // -------------------------------------------------------------------------------------------
    // Layouts

    it('{ data, shape } batches give the same values, and the gradient comes back in that layout', () => {
      const batch = { data: Float64Array.from(X.flat()), shape: [5, 4] as [number, number] };
      expectRel(xent.sparseCategoricalCrossEntropy(batch, LABELS, { compat: 'torch', fromLogits: true, classWeights: CW }), tCeSparse(X, LABELS, 'mean', { w: CW }));
      const g = xent.grad.sparseCategoricalCrossEntropy(batch, LABELS, { compat: 'torch', fromLogits: true, classWeights: CW }) as unknown as {
        shape: number[];
      };
      expect(Array.from(g.shape)).toEqual([5, 4]);
      expectRel(g, tCeSparseGrad(X, LABELS, 'mean', { w: CW }));
      const g2 = xent.grad.binaryCrossEntropy(Z, YB, { compat: 'torch', fromLogits: true }) as unknown;
      expect(Array.isArray(g2) && (g2 as unknown[]).length === 2 && (g2 as number[][])[0].length === 4).toBe(true);
    });

    // -------------------------------------------------------------------------------------------
    // Bad input

    it('bad input: BCE probabilities outside [0, 1]', () => {
      expectBadInput(() => xent.binaryCrossEntropy([[0.5, 1.5]], [[0, 1]], { compat: 'torch' }), /binaryCrossEntropy[\s\S]*pred/);
      expectBadInput(() => xent.binaryCrossEntropy([[0.5, -0.1]], [[0, 1]], { compat: 'torch' }), /binaryCrossEntropy[\s\S]*pred/);
    });

    it('bad input: class index out of range or not an integer', () => {
      expectBadInput(() => xent.sparseCategoricalCrossEntropy(X, [0, 4, 1, 2, 3], { compat: 'torch', fromLogits: true }), /sparseCategoricalCrossEntropy[\s\S]*label/);
      expectBadInput(() => xent.sparseCategoricalCrossEntropy(X, [0, 1.5, 1, 2, 3], { compat: 'torch', fromLogits: true }), /sparseCategoricalCrossEntropy[\s\S]*label/);
      expectBadInput(() => xent.sparseCategoricalCrossEntropy(X, [0, 1, 2], { compat: 'torch', fromLogits: true }), /sparseCategoricalCrossEntropy[\s\S]*label/);
    });

    it('bad input: classWeights / posWeight of the wrong length, NaN logits', () => {
      expectBadInput(() => xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', fromLogits: true, classWeights: [1, 2, 3] }), /sparseCategoricalCrossEntropy[\s\S]*classWeights/);
      expectBadInput(() => xent.binaryCrossEntropy(Z, YB, { compat: 'torch', fromLogits: true, posWeight: [1, 2] }), /binaryCrossEntropy[\s\S]*posWeight/);
      expectBadInput(() => xent.categoricalCrossEntropy([[0, Number.NaN, 1, 2]], [[0, 0, 1, 0]], { compat: 'torch', fromLogits: true }), /categoricalCrossEntropy[\s\S]*pred/);
    });

    it('bad input: unknown option name', () => {
      expectBadInput(() => xent.sparseCategoricalCrossEntropy(X, LABELS, { compat: 'torch', ignore_index: -1 } as never), /sparseCategoricalCrossEntropy[\s\S]*ignore_index/);
    });
  });
}
