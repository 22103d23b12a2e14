/**
 * Keras 3 compatibility (`compat: 'keras'`), checked against what Keras documents.
 *
 * Expected values are either
 *  - the examples printed in Keras 3's docstrings (keras/src/losses/losses.py), compared with an
 *    absolute tolerance of one unit in the last printed digit (Keras prints float32 results, and some
 *    printed values are truncated rather than rounded: 0.24364 is printed 0.243), or
 *  - a float64 oracle written below from Keras 3's source, compared with relative tolerance 1e-12.
 *
 * Keras 3 formulas used by the oracle (keras/src/backend/numpy/nn.py, keras/src/losses/losses.py):
 *  - binary_crossentropy: output = clip(output, epsilon, 1 - epsilon) with epsilon = 1e-7, then
 *    -(target*log(output) + (1-target)*log(1-output)); the loss function takes the mean over the last
 *    axis; label smoothing: y_true * (1 - label_smoothing) + 0.5 * label_smoothing.
 *    From logits, the TF/JAX/torch backends use the stable form max(x,0) - x*z + log(1+exp(-|x|))
 *    (tf.nn.sigmoid_cross_entropy_with_logits); the oracle uses that, on logits where the numpy
 *    backend's sigmoid-then-clip gives the same value.
 *  - categorical_crossentropy on probabilities: output = output / sum(output, axis);
 *    output = clip(output, epsilon, 1 - epsilon); -sum(target * log(output)); from logits: log_softmax.
 *    Label smoothing: y_true * (1 - label_smoothing) + label_smoothing / num_classes.
 *  - Loss reduction "sum_over_batch_size" (keras/src/losses/loss.py reduce_values): values are
 *    multiplied by sample_weight, summed, and divided by the number of values (one per row).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createXent } from '../src/index.js';
import { flat, expectRel, expectBadInput, logSoftmaxRow, softmaxRow, oneHotRows } from './helpers.js';

type Xent = Awaited<ReturnType<typeof createXent>>;
type Reduction = 'mean' | 'sum' | 'none';

// ---------------------------------------------------------------------------------------------
// Comparison helpers

/** Documented example printed with `decimals` digits: within one unit of the last printed digit. */
function expectDoc(got: unknown, printed: number | number[], decimals: number): void {
  if (typeof printed === 'number') expect(typeof got, 'a reduced loss is a number').toBe('number');
  const g = flat(got);
  const p = typeof printed === 'number' ? [printed] : printed;
  expect(g.length, 'number of values').toBe(p.length);
  const tol = 10 ** -decimals;
  for (let i = 0; i < p.length; i++) {
    expect(Math.abs(g[i] - p[i]), `[${i}] got ${g[i]}, documented ${p[i]}`).toBeLessThan(tol);
  }
}

// ---------------------------------------------------------------------------------------------
// Float64 oracle of Keras 3's formulas

const K_EPS = 1e-7; // keras.backend.epsilon()
const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** keras binary_crossentropy on one probability (after smoothing the target). */
function kBceProb(a: number, y: number): number {
  const p = clip(a, K_EPS, 1 - K_EPS);
  return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
}
/** Stable logits form, as tf.nn.sigmoid_cross_entropy_with_logits documents it. */
function kBceLogit(z: number, y: number): number {
  return Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
}
const smoothBinary = (y: number, s: number): number => y * (1 - s) + 0.5 * s;

/** keras.losses.binary_crossentropy: one value per row (mean over the last axis). */
function kBinaryRows(pred: number[][], target: number[][], fromLogits: boolean, s = 0): number[] {
  return pred.map((row, n) => {
    let acc = 0;
    for (let c = 0; c < row.length; c++) {
      const y = smoothBinary(target[n][c], s);
      acc += fromLogits ? kBceLogit(row[c], y) : kBceProb(row[c], y);
    }
    return acc / row.length;
  });
}


/** keras.losses.categorical_crossentropy: one value per row. */
function kCategoricalRows(pred: number[][], target: number[][], fromLogits: boolean, s = 0): number[] {
  return pred.map((row, n) => {
    const K = row.length;
    let logp: number[];
    if (fromLogits) {
      logp = logSoftmaxRow(row);
    } else {
      const S = row.reduce((a, b) => a + b, 0);
      logp = row.map((a) => Math.log(clip(a / S, K_EPS, 1 - K_EPS)));
    }
    let acc = 0;
    for (let k = 0; k < K; k++) acc -= (target[n][k] * (1 - s) + s / K) * logp[k];
    return acc;
  });
}

/** Keras Loss.__call__ reduction: multiply by sample_weight, then sum / sum_over_batch_size. */
function kReduce(values: number[], reduction: Reduction, sw?: number[]): number | number[] {
  const v = values.map((x, i) => x * (sw ? sw[i] : 1));
  if (reduction === 'none') return v;
  const total = v.reduce((a, b) => a + b, 0);
  return reduction === 'sum' ? total : total / v.length;
}

// Shared data for the oracle tests (logits kept moderate so every Keras backend agrees).
const Z = [
  [0.3, -1.2, 2.5],
  [-0.7, 4.0, -3.1],
];
const YB = [
  [1, 0, 1],
  [0, 1, 1],
];
const A = [
  [0.9, 0.2, 0.65],
  [0.35, 0.8, 0.05],
];
const PC = [
  [0.7, 0.2, 0.1],
  [0.25, 0.25, 0.5],
  [0.1, 0.6, 0.3],
];
const ZC = [
  [2.0, -1.0, 0.5],
  [0.1, 0.2, -0.3],
  [3.2, -2.2, 1.1],
];
const LABELS = [0, 2, 1];
const YC = oneHotRows(LABELS, 3);
const YSOFT = [
  [0.6, 0.3, 0.1],
  [0.2, 0.2, 0.6],
  [0.0, 0.9, 0.1],
];

for (const backend of ['reference', 'wasm'] as const) {
  describe(`keras compat (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    // -------------------------------------------------------------------------------------------
    // Documented examples: keras/src/losses/losses.py, class BinaryCrossentropy docstring

    it('BinaryCrossentropy(from_logits=True) docstring, example 1 -> 0.8654', () => {
      // >>> y_true = np.array([0, 1, 0, 0])
      // >>> y_pred = np.array([-18.6, 0.51, 2.94, -12.8])
      // >>> bce = keras.losses.BinaryCrossentropy(from_logits=True)
      // >>> bce(y_true, y_pred)
      // 0.8654
      const got = xent.binaryCrossEntropy([-18.6, 0.51, 2.94, -12.8], [0, 1, 0, 0], { fromLogits: true, compat: 'keras' });
      expectDoc(got, 0.8654, 4);
    });

    it('BinaryCrossentropy(from_logits=True) docstring, example 2: mean, sample_weight, sum, none', () => {
      // >>> y_true = np.array([[0, 1], [0, 0]])
      // >>> y_pred = np.array([[-18.6, 0.51], [2.94, -12.8]])
      // >>> bce(y_true, y_pred)                              -> 0.8654
      // >>> bce(y_true, y_pred, sample_weight=[0.8, 0.2])     -> 0.243
      // >>> BinaryCrossentropy(from_logits=True, reduction="sum")(y_true, y_pred)  -> 1.730
      // >>> BinaryCrossentropy(from_logits=True, reduction=None)(y_true, y_pred)   -> [0.235, 1.496]
      const pred = [
        [-18.6, 0.51],
        [2.94, -12.8],
      ];
      const target = [
        [0, 1],
        [0, 0],
      ];
      expectDoc(xent.binaryCrossEntropy(pred, target, { fromLogits: true, compat: 'keras' }), 0.8654, 4);
      expectDoc(xent.binaryCrossEntropy(pred, target, { fromLogits: true, compat: 'keras', weights: [0.8, 0.2] }), 0.243, 3);
      expectDoc(xent.binaryCrossEntropy(pred, target, { fromLogits: true, compat: 'keras', reduction: 'sum' }), 1.73, 3);
      expectDoc(xent.binaryCrossEntropy(pred, target, { fromLogits: true, compat: 'keras', reduction: 'none' }), [0.235, 1.496], 3);
    });

    it('keras.losses.binary_crossentropy docstring (probabilities) -> [0.916, 0.714]', () => {
      // >>> y_true = [[0, 1], [0, 0]]
      // >>> y_pred = [[0.6, 0.4], [0.4, 0.6]]
      // >>> loss = keras.losses.binary_crossentropy(y_true, y_pred)
      // array([0.916 , 0.714], dtype=float32)
      const pred = [
        [0.6, 0.4],
        [0.4, 0.6],
      ];
      const target = [
        [0, 1],
        [0, 0],
      ];
      const none = xent.binaryCrossEntropy(pred, target, { compat: 'keras', reduction: 'none' });
      expectDoc(none, [0.916, 0.714], 3);
      expectRel(none, kBinaryRows(pred, target, false));
    });

    // -------------------------------------------------------------------------------------------
    // Documented examples: class CategoricalCrossentropy / SparseCategoricalCrossentropy docstrings

    const CCE_TRUE = [
      [0, 1, 0],
      [0, 0, 1],
    ];
    const CCE_PRED = [
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ];

    it('CategoricalCrossentropy docstring: 1.177, sample_weight 0.814, sum 2.354, none [0.0513, 2.303]', () => {
      // >>> y_true = np.array([[0, 1, 0], [0, 0, 1]])
      // >>> y_pred = np.array([[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
      // >>> cce(y_true, y_pred)                                        -> 1.177
      // >>> cce(y_true, y_pred, sample_weight=np.array([0.3, 0.7]))    -> 0.814
      // >>> CategoricalCrossentropy(reduction="sum")(y_true, y_pred)   -> 2.354
      // >>> CategoricalCrossentropy(reduction=None)(y_true, y_pred)    -> [0.0513, 2.303]
      expectDoc(xent.categoricalCrossEntropy(CCE_PRED, CCE_TRUE, { compat: 'keras' }), 1.177, 3);
      expectDoc(xent.categoricalCrossEntropy(CCE_PRED, CCE_TRUE, { compat: 'keras', weights: [0.3, 0.7] }), 0.814, 3);
      expectDoc(xent.categoricalCrossEntropy(CCE_PRED, CCE_TRUE, { compat: 'keras', reduction: 'sum' }), 2.354, 3);
      const none = xent.categoricalCrossEntropy(CCE_PRED, CCE_TRUE, { compat: 'keras', reduction: 'none' });
      expectDoc(none, [0.0513, 2.303], 3);
      expectRel(none, kCategoricalRows(CCE_PRED, CCE_TRUE, false));
    });

    it('CategoricalCrossentropy docstring example with { data, shape } batches (Float64Array and Float32Array)', () => {
      const t = { data: Float64Array.from(CCE_TRUE.flat()), shape: [2, 3] as [number, number] };
      const p64 = { data: Float64Array.from(CCE_PRED.flat()), shape: [2, 3] as [number, number] };
      const p32 = { data: Float32Array.from(CCE_PRED.flat()), shape: [2, 3] as [number, number] };
      expectDoc(xent.categoricalCrossEntropy(p64, t, { compat: 'keras' }), 1.177, 3);
      expectDoc(xent.categoricalCrossEntropy(p32, t, { compat: 'keras' }), 1.177, 3);
      expectRel(xent.categoricalCrossEntropy(p64, t, { compat: 'keras' }), kReduce(kCategoricalRows(CCE_PRED, CCE_TRUE, false), 'mean'));
    });

    it('SparseCategoricalCrossentropy docstring: 1.177, 0.814, 2.354, [0.0513, 2.303]', () => {
      // >>> y_true = [1, 2]
      // >>> y_pred = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
      // >>> scce(y_true, y_pred)                                       -> 1.177
      // >>> scce(y_true, y_pred, sample_weight=np.array([0.3, 0.7]))   -> 0.814
      // >>> reduction="sum"                                            -> 2.354
      // >>> reduction=None                                             -> [0.0513, 2.303]
      expectDoc(xent.sparseCategoricalCrossEntropy(CCE_PRED, [1, 2], { compat: 'keras' }), 1.177, 3);
      expectDoc(xent.sparseCategoricalCrossEntropy(CCE_PRED, [1, 2], { compat: 'keras', weights: [0.3, 0.7] }), 0.814, 3);
      expectDoc(xent.sparseCategoricalCrossEntropy(CCE_PRED, [1, 2], { compat: 'keras', reduction: 'sum' }), 2.354, 3);
      expectDoc(xent.sparseCategoricalCrossEntropy(CCE_PRED, Int32Array.from([1, 2]), { compat: 'keras', reduction: 'none' }), [0.0513, 2.303], 3);
    });

    // -------------------------------------------------------------------------------------------
    // Formula oracle (Keras 3 source, float64)

    it('clips probabilities to [1e-7, 1-1e-7]: one totally wrong prediction costs -log(1e-7) = 16.118', () => {
      const wrong = -Math.log(1e-7);
      expect(wrong).toBeCloseTo(16.118, 3);
      expectRel(xent.binaryCrossEntropy([0], [1], { compat: 'keras' }), wrong);
      // prediction 1, target 0: Keras takes log(1 - clip(1)) and 1 - (1 - 1e-7) = 9.99999999473644e-8 in
      // float64, so this one costs 16.118095651484676 rather than exactly -log(1e-7).
      expectRel(xent.binaryCrossEntropy([1], [0], { compat: 'keras' }), kBceProb(1, 0));
      expect(kBceProb(1, 0)).toBeCloseTo(16.118, 3);
      expectRel(xent.categoricalCrossEntropy([[1, 0]], [[0, 1]], { compat: 'keras' }), wrong);
      expectRel(xent.sparseCategoricalCrossEntropy([[1, 0]], [1], { compat: 'keras' }), wrong);
    });

    it('clipping also means a perfect probability costs -log(1 - 1e-7), not 0', () => {
      // 1 - 1e-7 is rounded in float64, so allow 1e-9 relative (log vs log1p implementations).
      expectRel(xent.binaryCrossEntropy([1, 0], [1, 0], { compat: 'keras' }), kBceProb(1, 1), 1e-9);
      expectRel(xent.categoricalCrossEntropy([[0, 1, 0]], [[0, 1, 0]], { compat: 'keras' }), -Math.log(1 - K_EPS), 1e-9);
    });

    it('binary on probabilities: mean of row means, sum, none', () => {
      const rows = kBinaryRows(A, YB, false);
      expectRel(xent.binaryCrossEntropy(A, YB, { compat: 'keras' }), kReduce(rows, 'mean'));
      expectRel(xent.binaryCrossEntropy(A, YB, { compat: 'keras', reduction: 'sum' }), kReduce(rows, 'sum'));
      expectRel(xent.binaryCrossEntropy(A, YB, { compat: 'keras', reduction: 'none' }), rows);
    });

    it('binary from logits with sample weights (one per row): mean, sum, none', () => {
      const rows = kBinaryRows(Z, YB, true);
      const sw = [0.5, 2];
      expectRel(xent.binaryCrossEntropy(Z, YB, { fromLogits: true, compat: 'keras', weights: sw }), kReduce(rows, 'mean', sw));
      expectRel(xent.binaryCrossEntropy(Z, YB, { fromLogits: true, compat: 'keras', weights: sw, reduction: 'sum' }), kReduce(rows, 'sum', sw));
      expectRel(xent.binaryCrossEntropy(Z, YB, { fromLogits: true, compat: 'keras', weights: sw, reduction: 'none' }), kReduce(rows, 'none', sw));
    });

    it('binary label smoothing squeezes targets toward 0.5: y(1-s) + 0.5s', () => {
      // binary_crossentropy docstring: "using 1. - 0.5 * label_smoothing for the target class and
      // 0.5 * label_smoothing for the non-target class"
      const s = 0.2;
      expectRel(xent.binaryCrossEntropy(A, YB, { compat: 'keras', labelSmoothing: s }), kReduce(kBinaryRows(A, YB, false, s), 'mean'));
      expectRel(xent.binaryCrossEntropy(Z, YB, { compat: 'keras', fromLogits: true, labelSmoothing: s }), kReduce(kBinaryRows(Z, YB, true, s), 'mean'));
    });

    it('categorical on probabilities renormalises each row by its sum before clipping', () => {
      // numpy backend: output = output / np.sum(output, axis, keepdims=True); then np.clip(...)
      const unnormalised = [
        [0.3, 0.3, 0.3],
        [0.2, 0.2, 0.4],
        [0.5, 0.3, 0.4],
      ];
      const rows = kCategoricalRows(unnormalised, YC, false);
      expect(rows[0]).toBeCloseTo(Math.log(3), 12);
      expectRel(xent.categoricalCrossEntropy(unnormalised, YC, { compat: 'keras', reduction: 'none' }), rows);
      expectRel(xent.categoricalCrossEntropy(unnormalised, YC, { compat: 'keras' }), kReduce(rows, 'mean'));
    });

    it('categorical label smoothing toward 1/K, on probabilities and on logits, one-hot and soft targets', () => {
      // CategoricalCrossentropy: "if 0.1, use 0.1 / num_classes for non-target labels and
      // 0.9 + 0.1 / num_classes for target labels"
      const s = 0.1;
      expectRel(xent.categoricalCrossEntropy(PC, YC, { compat: 'keras', labelSmoothing: s }), kReduce(kCategoricalRows(PC, YC, false, s), 'mean'));
      expectRel(
        xent.categoricalCrossEntropy(ZC, YC, { compat: 'keras', fromLogits: true, labelSmoothing: s, reduction: 'none' }),
        kCategoricalRows(ZC, YC, true, s),
      );
      expectRel(
        xent.categoricalCrossEntropy(ZC, YSOFT, { compat: 'keras', fromLogits: true, labelSmoothing: s, reduction: 'sum' }),
        kReduce(kCategoricalRows(ZC, YSOFT, true, s), 'sum'),
      );
    });

    it('categorical from logits with sample weights', () => {
      const sw = [1, 0.25, 3];
      const rows = kCategoricalRows(ZC, YC, true);
      expectRel(xent.categoricalCrossEntropy(ZC, YC, { compat: 'keras', fromLogits: true, weights: sw }), kReduce(rows, 'mean', sw));
      expectRel(xent.categoricalCrossEntropy(ZC, YC, { compat: 'keras', fromLogits: true, weights: sw, reduction: 'none' }), kReduce(rows, 'none', sw));
    });

    it('sparse categorical from logits equals categorical on one-hot targets', () => {
      const rows = kCategoricalRows(ZC, YC, true);
      expectRel(xent.sparseCategoricalCrossEntropy(ZC, LABELS, { compat: 'keras', fromLogits: true }), kReduce(rows, 'mean'));
      expectRel(xent.sparseCategoricalCrossEntropy(ZC, LABELS, { compat: 'keras', fromLogits: true, reduction: 'none' }), rows);
    });

    // -------------------------------------------------------------------------------------------
    // Gradients of the Keras formulas

    it('grad: binary from logits, mean over last axis then rows, with sample weights', () => {
      const sw = [0.5, 2];
      const s = 0.1;
      const N = Z.length;
      const C = Z[0].length;
      const want = Z.flatMap((row, n) => row.map((z, c) => (sw[n] * (sigmoid(z) - smoothBinary(YB[n][c], s))) / (N * C)));
      expectRel(xent.grad.binaryCrossEntropy(Z, YB, { compat: 'keras', fromLogits: true, weights: sw, labelSmoothing: s }), want);
    });

    it('grad: binary on probabilities inside the clip range is (a - y) / (a(1 - a)) / count', () => {
      const N = A.length;
      const C = A[0].length;
      const want = A.flatMap((row, n) => row.map((a, c) => (a - YB[n][c]) / (a * (1 - a)) / (N * C)));
      expectRel(xent.grad.binaryCrossEntropy(A, YB, { compat: 'keras' }), want);
    });

    it('grad: categorical from logits is (softmax - smoothed y) / rows', () => {
      const s = 0.1;
      const K = 3;
      const want = ZC.flatMap((row, n) => softmaxRow(row).map((p, k) => (p - (YC[n][k] * (1 - s) + s / K)) / ZC.length));
      expectRel(xent.grad.categoricalCrossEntropy(ZC, YC, { compat: 'keras', fromLogits: true, labelSmoothing: s }), want);
      const wantSparse = ZC.flatMap((row, n) => softmaxRow(row).map((p, k) => (p - YC[n][k]) / ZC.length));
      expectRel(xent.grad.sparseCategoricalCrossEntropy(ZC, LABELS, { compat: 'keras', fromLogits: true }), wantSparse);
    });

    it('grad: categorical on probabilities differentiates through the row renormalisation', () => {
      // L = -sum_k y_k log(a_k / S), S = sum_k a_k  =>  dL/da_j = -y_j / a_j + (sum_k y_k) / S
      const want = PC.flatMap((row, n) => {
        const S = row.reduce((a, b) => a + b, 0);
        const ySum = YSOFT[n].reduce((a, b) => a + b, 0);
        return row.map((a, j) => (-YSOFT[n][j] / a + ySum / S) / PC.length);
      });
      expectRel(xent.grad.categoricalCrossEntropy(PC, YSOFT, { compat: 'keras' }), want);
    });

    // -------------------------------------------------------------------------------------------
    // Bad input

    it('bad input: shape mismatch names the function and the targets argument', () => {
      expectBadInput(() => xent.categoricalCrossEntropy(CCE_PRED, [[0, 1], [1, 0]], { compat: 'keras' }), /categoricalCrossEntropy[\s\S]*target/);
    });

    it('bad input: sample weights of the wrong length', () => {
      expectBadInput(() => xent.binaryCrossEntropy(Z, YB, { compat: 'keras', fromLogits: true, weights: [1, 2, 3] }), /binaryCrossEntropy[\s\S]*weights/);
    });

    it('bad input: label smoothing outside [0, 1]', () => {
      expectBadInput(() => xent.binaryCrossEntropy(A, YB, { compat: 'keras', labelSmoothing: 1.5 }), /binaryCrossEntropy[\s\S]*labelSmoothing/);
    });

    it('bad input: unknown option name and unknown compat value', () => {
      expectBadInput(() => xent.binaryCrossEntropy(A, YB, { compat: 'keras', fromLogit: true } as never), /binaryCrossEntropy[\s\S]*fromLogit/);
      expectBadInput(() => xent.categoricalCrossEntropy(PC, YC, { compat: 'tensorflow' } as never), /categoricalCrossEntropy[\s\S]*compat/);
    });
  });
}
