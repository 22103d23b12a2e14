/**
 * Bad input throws a TypeError (wrong type) or RangeError (wrong value or size) whose message starts
 * with the public function's name and names the offending argument; nothing reaches the kernels, so on
 * the wasm backend no memory is left allocated, and the instance keeps working afterwards.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { createXent, type Xent } from '../src/index.js';
import { backends } from './helpers.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = (...args: any[]) => unknown;
type ErrorClass = typeof TypeError | typeof RangeError;
/** [what, call, error class, message pattern]. */
type Case = [string, (x: Record<string, Loose>, g: Record<string, Loose>) => unknown, ErrorClass, RegExp];

const P23 = [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]];
const Y23 = [[0, 0, 1], [1, 0, 0]];
const Y32 = [[0, 1], [1, 0], [0, 1]];

const CASES: Case[] = [
  // --- binaryCrossEntropy ---------------------------------------------------------------------
  ['bce: targets shape differs', (x) => x.binaryCrossEntropy!(P23, Y32), RangeError,
    /^binaryCrossEntropy: targets shape \[3,2\] must match predictions shape \[2,3\]/],
  ['bce: vector vs batch', (x) => x.binaryCrossEntropy!([0.5], [[1]]), RangeError, /^binaryCrossEntropy: targets shape/],
  ['bce: vector lengths differ', (x) => x.binaryCrossEntropy!([0.5, 0.5], [1]), RangeError, /^binaryCrossEntropy: targets shape \[1\] must match predictions shape \[2\]/],
  ['bce: NaN prediction', (x) => x.binaryCrossEntropy!([0.5, NaN], [1, 0]), RangeError, /^binaryCrossEntropy: predictions .*NaN at index 1/],
  ['bce: NaN target', (x) => x.binaryCrossEntropy!([[0.5, 0.5]], [[NaN, 0]]), RangeError, /^binaryCrossEntropy: targets .*NaN at \[0\]\[0\]/],
  ['bce: NaN logit', (x) => x.binaryCrossEntropy!([0.5, NaN], [1, 0], { fromLogits: true }), RangeError, /^binaryCrossEntropy: predictions must be finite, got NaN/],
  ['bce: negative probability', (x) => x.binaryCrossEntropy!([0.5, -0.1], [1, 0]), RangeError, /^binaryCrossEntropy: predictions .*\[0, 1\].*-0\.1/],
  ['bce: probability > 1', (x) => x.binaryCrossEntropy!(new Float64Array([1.5, 0.5]), [1, 0]), RangeError, /^binaryCrossEntropy: predictions .*1\.5 at index 0/],
  ['bce: target > 1', (x) => x.binaryCrossEntropy!([0.5], [2]), RangeError, /^binaryCrossEntropy: targets .*2/],
  ['bce: negative target', (x) => x.binaryCrossEntropy!([0.5], [-1]), RangeError, /^binaryCrossEntropy: targets .*-1/],
  ['bce: logit +Infinity', (x) => x.binaryCrossEntropy!([Infinity], [1], { fromLogits: true }), RangeError, /^binaryCrossEntropy: predictions must be finite, got Infinity/],
  ['bce: logit NaN in a batch', (x) => x.binaryCrossEntropy!([[-Infinity, NaN]], [[1, 0]], { fromLogits: true }), RangeError, /^binaryCrossEntropy: predictions must be finite, got NaN/],
  ['bce: unknown option', (x) => x.binaryCrossEntropy!([0.5], [1], { fromLogit: true }), TypeError, /^binaryCrossEntropy: unknown option "fromLogit"/],
  ['bce: options not an object', (x) => x.binaryCrossEntropy!([0.5], [1], 'mean'), TypeError, /^binaryCrossEntropy: options must be an object/],
  ['bce: options null', (x) => x.binaryCrossEntropy!([0.5], [1], null), TypeError, /^binaryCrossEntropy: options must be an object, got null/],
  ['bce: bad reduction', (x) => x.binaryCrossEntropy!([0.5], [1], { reduction: 'avg' }), RangeError, /^binaryCrossEntropy: reduction must be one of .*"avg"/],
  ['bce: bad compat', (x) => x.binaryCrossEntropy!([0.5], [1], { compat: 'tensorflow' }), RangeError, /^binaryCrossEntropy: compat must be one of .*"tensorflow"/],
  ['bce: compat scipy is not a loss compat', (x) => x.binaryCrossEntropy!([0.5], [1], { compat: 'scipy' }), RangeError, /^binaryCrossEntropy: compat/],
  ['bce: fromLogits not boolean', (x) => x.binaryCrossEntropy!([0.5], [1], { fromLogits: 'yes' }), TypeError, /^binaryCrossEntropy: fromLogits must be a boolean/],
  ['bce: weights of wrong length', (x) => x.binaryCrossEntropy!(P23, Y23, { weights: [1, 1, 1] }), RangeError, /^binaryCrossEntropy: weights must have .*got 3 values/],
  ['bce: negative weight', (x) => x.binaryCrossEntropy!(P23, Y23, { weights: [1, -1] }), RangeError, /^binaryCrossEntropy: weights must be finite and ≥ 0, got -1 at index 1/],
  ['bce: NaN weight', (x) => x.binaryCrossEntropy!(P23, Y23, { weights: [1, NaN] }), RangeError, /^binaryCrossEntropy: weights .*NaN/],
  ['bce: weights not numbers', (x) => x.binaryCrossEntropy!(P23, Y23, { weights: 'heavy' }), TypeError, /^binaryCrossEntropy: weights must be/],
  ['bce: posWeight per column of wrong length', (x) => x.binaryCrossEntropy!(P23, Y23, { posWeight: [1, 2] }), RangeError, /^binaryCrossEntropy: posWeight must have one value per column \(3\)/],
  ['bce: negative posWeight', (x) => x.binaryCrossEntropy!(P23, Y23, { posWeight: -2 }), RangeError, /^binaryCrossEntropy: posWeight must be ≥ 0/],
  ['bce: labelSmoothing > 1', (x) => x.binaryCrossEntropy!([0.5], [1], { labelSmoothing: 1.5 }), RangeError, /^binaryCrossEntropy: labelSmoothing must be ≤ 1/],
  ['bce: epsilon with fromLogits', (x) => x.binaryCrossEntropy!([0.5], [1], { fromLogits: true, epsilon: 1e-7 }), RangeError, /^binaryCrossEntropy: epsilon/],
  ['bce: ragged predictions', (x) => x.binaryCrossEntropy!([[0.5, 0.5], [0.5]], [[1, 0], [1, 0]]), RangeError, /^binaryCrossEntropy: predictions is ragged: row 0 has 2 values but row 1 has 1/],
  ['bce: ragged targets', (x) => x.binaryCrossEntropy!([[0.5, 0.5], [0.5, 0.5]], [[1, 0], [1, 0, 1]]), RangeError, /^binaryCrossEntropy: targets is ragged/],
  ['bce: row not an array', (x) => x.binaryCrossEntropy!([[0.5, 0.5], 0.5], [[1, 0], [1, 0]]), TypeError, /^binaryCrossEntropy: predictions\[1\] must be an array/],
  ['bce: element not a number', (x) => x.binaryCrossEntropy!([0.5, '0.5'], [1, 0]), TypeError, /^binaryCrossEntropy: predictions\[1\] must be a number/],
  ['bce: nested element not a number', (x) => x.binaryCrossEntropy!([[0.5, 0.5]], [[1, null]]), TypeError, /^binaryCrossEntropy: targets\[0\]\[1\] must be a number/],
  ['bce: not an input', (x) => x.binaryCrossEntropy!('0.5', [1]), TypeError, /^binaryCrossEntropy: predictions must be a number\[\]/],
  ['bce: {data, shape} shape/data mismatch', (x) => x.binaryCrossEntropy!({ data: new Float64Array(5).fill(0.5), shape: [2, 3] }, { data: new Float64Array(6), shape: [2, 3] }),
    RangeError, /^binaryCrossEntropy: predictions\.shape \[2,3\] needs 6 values but predictions\.data has 5/],
  ['bce: {data, shape} bad shape', (x) => x.binaryCrossEntropy!({ data: new Float64Array(6), shape: [6] }, [1]), RangeError, /^binaryCrossEntropy: predictions\.shape must be \[rows, cols\]/],
  ['bce: {data, shape} with plain data', (x) => x.binaryCrossEntropy!([[0.5]], { data: [1], shape: [1, 1] }), TypeError, /^binaryCrossEntropy: targets\.data must be a Float32Array or Float64Array/],
  ['grad.bce: targets shape differs', (_x, g) => g.binaryCrossEntropy!(P23, Y32), RangeError, /^grad\.binaryCrossEntropy: targets shape/],
  ['grad.bce: NaN prediction', (_x, g) => g.binaryCrossEntropy!([NaN], [1]), RangeError, /^grad\.binaryCrossEntropy: predictions/],

  // --- categoricalCrossEntropy ------------------------------------------------------------------
  ['cce: targets shape differs', (x) => x.categoricalCrossEntropy!(P23, Y32), RangeError, /^categoricalCrossEntropy: targets shape \[3,2\] must match predictions shape \[2,3\]/],
  ['cce: NaN prediction', (x) => x.categoricalCrossEntropy!([[0.2, NaN, 0.5]], [[0, 0, 1]]), RangeError, /^categoricalCrossEntropy: predictions .*NaN at \[0\]\[1\]/],
  ['cce: NaN target', (x) => x.categoricalCrossEntropy!([0.2, 0.3, 0.5], [0, NaN, 1]), RangeError, /^categoricalCrossEntropy: targets .*NaN/],
  ['cce: negative probability', (x) => x.categoricalCrossEntropy!([-0.2, 0.7, 0.5], [0, 0, 1]), RangeError, /^categoricalCrossEntropy: predictions .*-0\.2/],
  ['cce: probability > 1', (x) => x.categoricalCrossEntropy!([1.2, 0, 0], [1, 0, 0]), RangeError, /^categoricalCrossEntropy: predictions .*1\.2/],
  ['cce: logit +Infinity', (x) => x.categoricalCrossEntropy!([[1, Infinity, 0]], [[0, 1, 0]], { fromLogits: true }), RangeError, /^categoricalCrossEntropy: predictions must be finite, got Infinity/],
  ['cce: every logit -Infinity', (x) => x.categoricalCrossEntropy!([[1, 0], [-Infinity, -Infinity]], [[0, 1], [1, 0]], { fromLogits: true }), RangeError, /^categoricalCrossEntropy: predictions row 1 has every value −Infinity/],
  ['cce: log-probability +Infinity', (x) => x.categoricalCrossEntropy!([0, Infinity], [1, 0], { fromLogProbs: true }), RangeError, /^categoricalCrossEntropy: predictions must be finite/],
  ['cce: fromLogits and fromLogProbs', (x) => x.categoricalCrossEntropy!(P23, Y23, { fromLogits: true, fromLogProbs: true }), RangeError, /^categoricalCrossEntropy: fromLogits and fromLogProbs/],
  ['cce: classWeights of wrong length', (x) => x.categoricalCrossEntropy!(P23, Y23, { classWeights: [1, 2] }), RangeError, /^categoricalCrossEntropy: classWeights must have one value per class \(3\), got 2/],
  ['cce: negative classWeight', (x) => x.categoricalCrossEntropy!(P23, Y23, { classWeights: [1, -2, 1] }), RangeError, /^categoricalCrossEntropy: classWeights must be finite and ≥ 0/],
  ['cce: per-element weights not accepted', (x) => x.categoricalCrossEntropy!(P23, Y23, { weights: [1, 1, 1, 1, 1, 1] }), RangeError, /^categoricalCrossEntropy: weights must have one value per row \(2\)/],
  ['cce: no columns', (x) => x.categoricalCrossEntropy!([[], []], [[], []]), RangeError, /^categoricalCrossEntropy: predictions must have at least one class/],
  ['cce: unknown option', (x) => x.categoricalCrossEntropy!(P23, Y23, { ignoreIndex: 0 }), TypeError, /^categoricalCrossEntropy: unknown option "ignoreIndex"/],
  ['cce: bad reduction', (x) => x.categoricalCrossEntropy!(P23, Y23, { reduction: 'batch' }), RangeError, /^categoricalCrossEntropy: reduction/],
  ['cce: bad compat', (x) => x.categoricalCrossEntropy!(P23, Y23, { compat: 'jax' }), RangeError, /^categoricalCrossEntropy: compat/],
  ['cce: epsilon with torch', (x) => x.categoricalCrossEntropy!(P23, Y23, { compat: 'torch', epsilon: 1e-7 }), RangeError, /^categoricalCrossEntropy: epsilon/],
  ['grad.cce: ragged', (_x, g) => g.categoricalCrossEntropy!([[0.5, 0.5], [1]], Y23), RangeError, /^grad\.categoricalCrossEntropy: predictions is ragged/],

  // --- sparseCategoricalCrossEntropy --------------------------------------------------------------
  ['sparse: label out of range', (x) => x.sparseCategoricalCrossEntropy!(P23, [0, 3]), RangeError, /^sparseCategoricalCrossEntropy: labels\[1\] = 3 is out of range \[0, 3\)/],
  ['sparse: negative label', (x) => x.sparseCategoricalCrossEntropy!(P23, [-1, 0]), RangeError, /^sparseCategoricalCrossEntropy: labels\[0\] = -1 is out of range/],
  ['sparse: negative label (keras)', (x) => x.sparseCategoricalCrossEntropy!(P23, [0, -1], { compat: 'keras' }), RangeError, /^sparseCategoricalCrossEntropy: labels\[1\] = -1 is out of range/],
  ['sparse: negative label (torch)', (x) => x.sparseCategoricalCrossEntropy!(P23, [-1, 0], { compat: 'torch' }), RangeError, /^sparseCategoricalCrossEntropy: labels\[0\] = -1 is out of range/],
  ['grad.sparse: negative label', (_x, g) => g.sparseCategoricalCrossEntropy!(P23, [-1, 0], { fromLogits: true }), RangeError, /^grad\.sparseCategoricalCrossEntropy: labels\[0\] = -1 is out of range/],
  ['sparse: non-integer label', (x) => x.sparseCategoricalCrossEntropy!(P23, [1.5, 0]), TypeError, /^sparseCategoricalCrossEntropy: labels\[0\] must be an integer, got 1\.5/],
  ['sparse: NaN label', (x) => x.sparseCategoricalCrossEntropy!(P23, new Float64Array([0, NaN])), TypeError, /^sparseCategoricalCrossEntropy: labels\[1\] must be an integer/],
  ['sparse: string label', (x) => x.sparseCategoricalCrossEntropy!(P23, ['0', 1]), TypeError, /^sparseCategoricalCrossEntropy: labels\[0\] must be an integer/],
  ['sparse: too few labels', (x) => x.sparseCategoricalCrossEntropy!(P23, [0]), RangeError, /^sparseCategoricalCrossEntropy: labels must have one value per row \(2\), got 1/],
  ['sparse: labels not an array', (x) => x.sparseCategoricalCrossEntropy!(P23, 'ab'), TypeError, /^sparseCategoricalCrossEntropy: labels must be an array/],
  ['sparse: single label out of range for a vector', (x) => x.sparseCategoricalCrossEntropy!([0.2, 0.8], 2), RangeError, /^sparseCategoricalCrossEntropy: labels\[0\] = 2/],
  ['sparse: non-integer ignoreIndex', (x) => x.sparseCategoricalCrossEntropy!(P23, [0, 1], { ignoreIndex: 0.5 }), RangeError, /^sparseCategoricalCrossEntropy: ignoreIndex must be an integer/],
  ['sparse: -100 is a label only when ignored', (x) => x.sparseCategoricalCrossEntropy!(P23, [0, -100]), RangeError, /^sparseCategoricalCrossEntropy: labels\[1\] = -100/],
  ['sparse: NaN prediction', (x) => x.sparseCategoricalCrossEntropy!([[NaN, 0.5, 0.5]], [0]), RangeError, /^sparseCategoricalCrossEntropy: predictions/],
  ['sparse: every logit -Infinity', (x) => x.sparseCategoricalCrossEntropy!([-Infinity, -Infinity], 0, { fromLogits: true }), RangeError, /^sparseCategoricalCrossEntropy: predictions has every value −Infinity/],
  ['sparse: weights of wrong length', (x) => x.sparseCategoricalCrossEntropy!(P23, [0, 1], { weights: [1, 2, 3] }), RangeError, /^sparseCategoricalCrossEntropy: weights/],
  ['grad.sparse: label out of range', (_x, g) => g.sparseCategoricalCrossEntropy!(P23, [0, 9]), RangeError, /^grad\.sparseCategoricalCrossEntropy: labels\[1\] = 9/],

  // --- quadraticCost ------------------------------------------------------------------------------
  ['quadratic: shape differs', (x) => x.quadraticCost!([1, 2, 3], [1, 2]), RangeError, /^quadraticCost: targets shape \[2\] must match predictions shape \[3\]/],
  ['quadratic: NaN prediction', (x) => x.quadraticCost!([1, NaN], [1, 2]), RangeError, /^quadraticCost: predictions must be finite, got NaN at index 1/],
  ['quadratic: Infinity target', (x) => x.quadraticCost!([[1, 2]], [[1, Infinity]]), RangeError, /^quadraticCost: targets must be finite, got Infinity at \[0\]\[1\]/],
  ['quadratic: bad compat', (x) => x.quadraticCost!([1], [1], { compat: 'torch' }), RangeError, /^quadraticCost: compat must be one of 'xent'/],
  ['quadratic: negative weight', (x) => x.quadraticCost!([[1], [2]], [[1], [2]], { weights: [1, -0.5] }), RangeError, /^quadraticCost: weights must be finite and ≥ 0/],
  ['quadratic: unknown option', (x) => x.quadraticCost!([1], [1], { fromLogits: true }), TypeError, /^quadraticCost: unknown option "fromLogits"/],
  ['grad.quadratic: bad reduction', (_x, g) => g.quadraticCost!([1], [1], { reduction: 'max' }), RangeError, /^grad\.quadraticCost: reduction/],

  // --- logLoss --------------------------------------------------------------------------------------
  ['logLoss: one label', (x) => x.logLoss!([1, 1, 1], [0.9, 0.8, 0.7]), RangeError, /^logLoss: yTrue contains only one label \(1\); pass all class labels with the labels option/],
  ['logLoss: unknown label', (x) => x.logLoss!([0, 1, 5], [[0.5, 0.25, 0.25], [0.5, 0.25, 0.25], [0.5, 0.25, 0.25]], { labels: [0, 1, 2] }), RangeError,
    /^logLoss: yTrue\[2\] = 5 is not one of the labels \(0, 1, 2\)/],
  ['logLoss: unknown string label', (x) => x.logLoss!(['cat', 'dog'], [0.2, 0.9], { labels: ['ant', 'cat'] }), RangeError, /^logLoss: yTrue\[1\] = "dog" is not one of the labels \("ant", "cat"\)/],
  ['logLoss: rows differ', (x) => x.logLoss!([0, 1, 1], [[0.5, 0.5], [0.5, 0.5]]), RangeError, /^logLoss: yPred has 2 rows but yTrue has 3 labels/],
  ['logLoss: columns differ from labels', (x) => x.logLoss!([0, 1], [[0.2, 0.3, 0.5], [0.2, 0.3, 0.5]]), RangeError, /^logLoss: yPred has 3 columns but there are 2 labels/],
  ['logLoss: 1-D yPred with 3 labels', (x) => x.logLoss!([0, 1, 2], [0.5, 0.5, 0.5]), RangeError, /^logLoss: yPred gives one probability per sample, which needs exactly 2 labels, got 3/],
  ['logLoss: row not summing to 1', (x) => x.logLoss!([0, 1], [[0.5, 0.6], [0.5, 0.5]]), RangeError, /^logLoss: yPred row 0 sums to 1\.1.*'sklearn'/],
  ['logLoss: probability > 1', (x) => x.logLoss!([0, 1], [1.5, 0.5]), RangeError, /^logLoss: yPred .*1\.5/],
  ['logLoss: NaN in yPred', (x) => x.logLoss!([0, 1], [NaN, 0.5]), RangeError, /^logLoss: yPred .*NaN/],
  ['logLoss: mixed label types', (x) => x.logLoss!([0, 'a'], [0.5, 0.5]), TypeError, /^logLoss: yTrue mixes numbers and strings/],
  ['logLoss: yTrue not an array', (x) => x.logLoss!('01', [0.5, 0.5]), TypeError, /^logLoss: yTrue must be an array/],
  ['logLoss: bad compat', (x) => x.logLoss!([0, 1], [0.5, 0.5], { compat: 'torch' }), RangeError, /^logLoss: compat/],
  ['grad.logLoss: one label', (_x, g) => g.logLoss!([0, 0], [0.5, 0.5]), RangeError, /^grad\.logLoss: yTrue contains only one label/],

  // --- information measures -----------------------------------------------------------------------
  ['entropy: not a distribution (hint)', (x) => x.entropy!([0.5, 0.6]), RangeError, /^entropy: p must sum to 1 \(got 1\.1\); pass \{ normalize: true \}/],
  ['entropy: batch row not a distribution', (x) => x.entropy!([[0.5, 0.5], [0.2, 0.2]]), RangeError, /^entropy: p row 1 must sum to 1 .*normalize: true/],
  ['entropy: negative entry', (x) => x.entropy!([1.5, -0.5]), RangeError, /^entropy: p must not be negative, got -0\.5 at index 1/],
  ['entropy: NaN', (x) => x.entropy!([NaN, 1]), RangeError, /^entropy: p must be finite/],
  ['entropy: Infinity', (x) => x.entropy!([Infinity, 1], { normalize: true }), RangeError, /^entropy: p must be finite/],
  ['entropy: base 1', (x) => x.entropy!([0.5, 0.5], { base: 1 }), RangeError, /^entropy: base must not be 1/],
  ['entropy: base 0', (x) => x.entropy!([0.5, 0.5], { base: 0 }), RangeError, /^entropy: base must be > 0/],
  ['entropy: base not a number', (x) => x.entropy!([0.5, 0.5], { base: 'e' }), TypeError, /^entropy: base must be a number/],
  ['entropy: bad compat', (x) => x.entropy!([0.5, 0.5], { compat: 'torch' }), RangeError, /^entropy: compat/],
  ['entropy: unknown option', (x) => x.entropy!([0.5, 0.5], { reduction: 'sum' }), TypeError, /^entropy: unknown option "reduction"/],
  ['entropy: normalising a zero row', (x) => x.entropy!([[0, 0], [1, 1]], { normalize: true }), RangeError, /^entropy: p row 0 sums to 0/],
  ['crossEntropy: shapes differ', (x) => x.crossEntropy!([0.5, 0.5], [0.2, 0.3, 0.5]), RangeError, /^crossEntropy: q shape \[3\] must match p shape \[2\]/],
  ['crossEntropy: q not a distribution', (x) => x.crossEntropy!([0.5, 0.5], [0.5, 0.4]), RangeError, /^crossEntropy: q must sum to 1 .*normalize: true/],
  ['crossEntropy: p negative', (x) => x.crossEntropy!([-0.5, 1.5], [0.5, 0.5]), RangeError, /^crossEntropy: p must not be negative/],
  ['klDivergence: NaN in q', (x) => x.klDivergence!([0.5, 0.5], [NaN, 0.5]), RangeError, /^klDivergence: q must be finite/],
  ['klDivergence: q not a distribution', (x) => x.klDivergence!([[0.5, 0.5]], [[0.7, 0.7]]), RangeError, /^klDivergence: q row 0 must sum to 1 .*normalize: true/],
  ['perplexity: p not a distribution', (x) => x.perplexity!([0.3, 0.3]), RangeError, /^perplexity: p must sum to 1/],
  ['perplexity: base not a number', (x) => x.perplexity!([0.5, 0.5], { base: 'e' }), TypeError, /^perplexity: base must be a number/],
  ['perplexity: base 1', (x) => x.perplexity!([0.5, 0.5], [0.5, 0.5], { base: 1 }), RangeError, /^perplexity: base must not be 1/],
  ['perplexity: unknown option', (x) => x.perplexity!([0.5, 0.5], { bas: 2 }), TypeError, /^perplexity: unknown option "bas"/],
  ['grad.entropy: not a distribution', (_x, g) => g.entropy!([0.5, 0.6]), RangeError, /^grad\.entropy: p must sum to 1 .*normalize: true/],
  ['grad.crossEntropy: shapes differ', (_x, g) => g.crossEntropy!([[0.5, 0.5]], [0.5, 0.5]), RangeError, /^grad\.crossEntropy: q shape/],
  ['grad.klDivergence: negative q', (_x, g) => g.klDivergence!([0.5, 0.5], [1.5, -0.5]), RangeError, /^grad\.klDivergence: q must not be negative/],

  // --- activations and matmul ---------------------------------------------------------------------
  ['softmax: +Infinity', (x) => x.softmax!([1, Infinity]), RangeError, /^softmax: z must be finite, got Infinity at index 1/],
  ['logSoftmax: every value -Infinity', (x) => x.logSoftmax!([[1, -Infinity], [-Infinity, -Infinity]]), RangeError, /^logSoftmax: z row 1 has every value −Infinity/],
  ['sigmoid: +Infinity', (x) => x.sigmoid!([-Infinity, Infinity]), RangeError, /^sigmoid: z must be finite, got Infinity at index 1/],
  ['sigmoid: NaN', (x) => x.sigmoid!(new Float32Array([NaN])), RangeError, /^sigmoid: z must be finite, got NaN/],
  ['sigmoid: not an input', (x) => x.sigmoid!(3), TypeError, /^sigmoid: z must be/],
  ['matmul: inner dimensions differ', (x) => x.matmul!([[1, 2, 3], [4, 5, 6]], [[1, 2], [3, 4]]), RangeError, /^matmul: inner dimensions differ: op\(a\) is 2×3 but op\(b\) is 2×2/],
  ['matmul: inner dimensions differ after transposeB', (x) => x.matmul!([[1, 2]], [[1, 2]], { transposeA: true, transposeB: true }), RangeError, /^matmul: inner dimensions differ/],
  ['matmul: packed shapes differ', (x) => x.matmul!({ data: new Float32Array(6), shape: [2, 3] }, { data: new Float32Array(6), shape: [2, 3] }), RangeError, /^matmul: inner dimensions differ/],
  ['matmul: vector operand', (x) => x.matmul!([1, 2], [[1], [2]]), RangeError, /^matmul: a and b must be matrices/],
  ['matmul: NaN in b', (x) => x.matmul!([[1]], [[NaN]]), RangeError, /^matmul: b must be finite/],
  ['matmul: unknown option', (x) => x.matmul!([[1]], [[1]], { transpose: true }), TypeError, /^matmul: unknown option "transpose"/],
];

for (const backend of backends) {
  describe(backend, () => {
    let xent: Xent;
    let X: Record<string, Loose>;
    let G: Record<string, Loose>;
    beforeAll(async () => {
      xent = await createXent({ backend });
      X = xent as unknown as Record<string, Loose>;
      G = xent.grad as unknown as Record<string, Loose>;
    });

    for (const [what, call, cls, pattern] of CASES) {
      it(`${what} → ${cls.name}, nothing left allocated`, () => {
        const before = xent.liveBytes();
        let caught: unknown;
        try {
          call(X, G);
        } catch (e) {
          caught = e;
        }
        expect(caught, 'throws').toBeInstanceOf(Error);
        expect((caught as Error).constructor, `class of: ${String(caught)}`).toBe(cls);
        expect((caught as Error).message).toMatch(pattern);
        expect(xent.liveBytes(), 'liveBytes after the error').toBe(before);
      });
    }

    it('the instance keeps working after errors, with nothing leaked', () => {
      const before = xent.liveBytes();
      for (const [, call] of CASES) {
        try {
          call(X, G);
        } catch {
          // expected
        }
      }
      expect(xent.liveBytes()).toBe(before);
      // −ln 0.8 for a correct confident prediction.
      expect(Math.abs(xent.binaryCrossEntropy([0.8], [1]) - -Math.log(0.8))).toBeLessThan(1e-15);
      expect(xent.liveBytes()).toBe(before);
    });

    it('errors come before any allocation even for large inputs', () => {
      const n = 1 << 16;
      const a = new Float64Array(n).fill(0.5);
      a[n - 1] = NaN;
      const before = xent.liveBytes();
      expect(() => xent.binaryCrossEntropy(a, new Float64Array(n))).toThrow(/^binaryCrossEntropy: predictions .*NaN at index 65535/);
      expect(() => xent.grad.categoricalCrossEntropy({ data: a, shape: [256, 256] }, { data: new Float64Array(n), shape: [256, 256] }))
        .toThrow(/^grad\.categoricalCrossEntropy: predictions .*NaN at \[255\]\[255\]/);
      expect(xent.liveBytes()).toBe(before);
    });
  });
}

describe('createXent', () => {
  it('rejects an unknown backend with a RangeError naming the option', async () => {
    await expect(createXent({ backend: 'gpu' as 'wasm' })).rejects.toThrow(RangeError);
    await expect(createXent({ backend: 'gpu' as 'wasm' })).rejects.toThrow(/^createXent: backend must be one of 'wasm', 'reference', got "gpu"/);
  });
  it('rejects an unknown option with a TypeError', async () => {
    await expect(createXent({ workers: 4 } as object)).rejects.toThrow(TypeError);
    await expect(createXent({ workers: 4 } as object)).rejects.toThrow(/^createXent: unknown option "workers"/);
    await expect(createXent({ threads: 4 } as object)).rejects.toThrow(RangeError);
  });
});
