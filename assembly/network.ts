// Multilayer perceptron kernels: mini-batch SGD with backpropagation (Nielsen's network2.py), f32.
// Twin: src/backend/reference/network.ts. Everything arrives through pointers; the kernels keep no state.
//
// desc (i32): [L, hiddenAct, outputAct, cost, s_0, …, s_L] — L weight layers, s_l neurons in layer l.
// params (f32): for l = 1..L, W_l (s_l × s_{l−1}, row j = neuron j's weights) then b_l (s_l).
// work (f32): A_0..A_L (cap × s_l each), two delta buffers (cap × max s), G (max s_l·s_{l−1}),
//   GB (max s), MASK (Σ hidden s_l), then matmul scratch; networkWorkBytes gives its size.
//
// Backprop (rows = examples, ⊙ element-wise):
//   Z_l = A_{l−1}·W_lᵀ + b_l,  A_l = act(Z_l)
//   δ_L from the cost: cross-entropy+sigmoid and log-likelihood+softmax give A_L − Y (σ' cancels);
//     quadratic+sigmoid gives (A_L − Y) ⊙ σ'(Z_L), with σ'(z) = a(1 − a)
//   ∂C/∂W_l = δ_lᵀ·A_{l−1},  ∂C/∂b_l = Σ_rows δ_l,  δ_{l−1} = (δ_l·W_l) ⊙ act'(Z_{l−1})
//   act' is computed from the activation: σ' = a(1 − a), tanh' = 1 − a², relu' = [a > 0].
// Update (m = rows in the batch, n = training-set size, μ = momentum, v = velocity):
//   g = ∂C/∂W/m + (λ/n)·w (L2) or (λ/n)·sgn(w) (L1);  v ← μv − ηg;  w ← w + v
//   which for μ = 0 is network2.py's w ← (1 − ηλ/n)w − (η/m)∂C/∂W. Biases are not regularised.
// Dropout (inverted): per mini-batch each hidden unit is kept with probability 1 − p and scaled by
//   1/(1 − p), so inference needs no rescaling; a dropped unit passes no gradient.

import {
  ACT_SIGMOID, ACT_SOFTMAX, ACT_TANH, CFG_BATCH, CFG_CAP, CFG_CLASS_WEIGHTS, CFG_COLD, CFG_DROPOUT, CFG_ETA, CFG_HEIGHT,
  CFG_INPUT_BYTES, CFG_INPUTS, CFG_LABELS, CFG_LAMBDA, CFG_N, CFG_OPTIMIZER, CFG_ORDER, CFG_REGULARIZATION,
  CFG_RNG, CFG_SHIFT, CFG_SMOOTH_OFFSET, CFG_SMOOTHING, CFG_STORED, CFG_TARGETS, CFG_WIDTH, COST_QUADRATIC,
  OPT_SGD, REG_L1, TRAIN_FINITE,
} from '../src/backend/contract';
import { expRowF32 } from './activations';
import { bytesToF32 } from './convert';
import { sigmoidF32x4 } from './fastmath';
import { matmulScratchBytes } from './matmul';
import { transposeInto } from './matmul-common';
import { countStep, optimizerStep, parameterCount, stateArrays, stateAt } from './optimizers';
import { gatherPar, gemmPar } from './parallel';


// @ts-ignore: decorator
@inline function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// @ts-ignore: decorator
@inline function f32p(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

// @ts-ignore: decorator
@inline function align4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Float offset of W_l in params (l ≥ 1); b_l follows at + s_l·s_{l−1}. */
function weightOffset(desc: usize, l: i32): i32 {
  let off = 0;
  for (let j = 1; j < l; j++) {
    const sj = i32At(desc, 4 + j);
    off += sj * i32At(desc, 3 + j) + sj;
  }
  return off;
}

function maxSize(desc: usize): i32 {
  const L = i32At(desc, 0);
  let m = 0;
  for (let l = 0; l <= L; l++) m = max(m, i32At(desc, 4 + l));
  return m;
}

// Work regions, in order: A_0..A_L, then these (indices past L).
const R_D0: i32 = 1;
const R_D1: i32 = 2;
const R_G: i32 = 3;
const R_GB: i32 = 4;
const R_MASK: i32 = 5;
const R_SCRATCH: i32 = 6;

/** Float offset in work of region `which` (0..L: A_l; L + R_*: the others) for batch capacity cap. */
function region(desc: usize, cap: i32, which: i32): i32 {
  const L = i32At(desc, 0);
  let off = 0;
  for (let l = 0; l <= L; l++) {
    if (which == l) return off;
    off += align4(cap * i32At(desc, 4 + l));
  }
  const ms = maxSize(desc);
  let mg = 0;
  let hidden = 0;
  for (let l = 1; l <= L; l++) {
    mg = max(mg, i32At(desc, 4 + l) * i32At(desc, 3 + l));
    if (l < L) hidden += i32At(desc, 4 + l);
  }
  if (which > L + R_D0) off += align4(cap * ms);
  if (which > L + R_D1) off += align4(cap * ms);
  if (which > L + R_G) off += align4(mg);
  if (which > L + R_GB) off += align4(ms);
  if (which > L + R_MASK) off += align4(hidden);
  return off;
}

/** Bytes of work memory the kernels need for batches of up to cap rows. */
export function networkWorkBytes(desc: usize, cap: i32): i32 {
  const L = i32At(desc, 0);
  let scratch = 0;
  for (let l = 1; l <= L; l++) {
    const s = i32At(desc, 4 + l);
    const p = i32At(desc, 3 + l);
    scratch = max(scratch, matmulScratchBytes(cap, p, s, 0, 1));
    scratch = max(scratch, matmulScratchBytes(s, cap, p, 1, 0));
    scratch = max(scratch, matmulScratchBytes(cap, s, p, 0, 0));
    scratch = max(scratch, matmulScratchBytes(s, p, cap, 0, 1));
  }
  return (region(desc, cap, L + R_SCRATCH) << 2) + scratch + 16;
}

/**
 * A = act(A + b) for a rows × cols block. Softmax row by row; sigmoid as a bias pass, then σ over the
 * whole block four lanes at a time (no ragged row ends: 30 columns are 7.5 vectors a row, 960 a batch
 * of 128); tanh and relu element by element.
 */
function biasActivate(a: usize, b: usize, rows: i32, cols: i32, act: i32): void {
  if (act == ACT_SIGMOID) {
    addBias(a, b, rows, cols);
    const n = rows * cols;
    let i = 0;
    for (; i + 4 <= n; i += 4) v128.store(f32p(a, i), sigmoidF32x4(v128.load(f32p(a, i))));
    for (; i < n; i++) store<f32>(f32p(a, i), f32x4.extract_lane(sigmoidF32x4(f32x4.splat(load<f32>(f32p(a, i)))), 0));
    return;
  }
  for (let r = 0; r < rows; r++) {
    const row = f32p(a, r * cols);
    if (act == ACT_SOFTMAX) {
      let m: f32 = -Infinity;
      for (let k = 0; k < cols; k++) {
        const z = load<f32>(f32p(row, k)) + load<f32>(f32p(b, k));
        store<f32>(f32p(row, k), z);
        m = max(m, z);
      }
      const inv = 1.0 / expRowF32(row, row, cols, m);
      for (let k = 0; k < cols; k++) store<f32>(f32p(row, k), <f32>(<f64>load<f32>(f32p(row, k)) * inv));
    } else {
      for (let k = 0; k < cols; k++) {
        const z = load<f32>(f32p(row, k)) + load<f32>(f32p(b, k));
        store<f32>(f32p(row, k), act == ACT_TANH ? Mathf.tanh(z) : max(z, <f32>0));
      }
    }
  }
}

/** A = A + b for a rows × cols block (b added to every row). */
function addBias(a: usize, b: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const row = f32p(a, r * cols);
    let k = 0;
    for (; k + 4 <= cols; k += 4) v128.store(f32p(row, k), f32x4.add(v128.load(f32p(row, k)), v128.load(f32p(b, k))));
    for (; k < cols; k++) store<f32>(f32p(row, k), load<f32>(f32p(row, k)) + load<f32>(f32p(b, k)));
  }
}

/**
 * gb[k] = Σ_r δ[r][k] (rows × s, row-major), summed in increasing r; four columns at a time. Returns
 * whether every sum is finite.
 */
function biasGradient(delta: usize, rows: i32, s: i32, gb: usize): bool {
  let k = 0;
  for (; k + 4 <= s; k += 4) {
    let acc = f32x4.splat(0);
    for (let r = 0; r < rows; r++) acc = f32x4.add(acc, v128.load(f32p(delta, r * s + k)));
    v128.store(f32p(gb, k), acc);
  }
  for (; k < s; k++) {
    let acc: f32 = 0;
    for (let r = 0; r < rows; r++) acc += load<f32>(f32p(delta, r * s + k));
    store<f32>(f32p(gb, k), acc);
  }
  return allFinite(gb, s);
}

/** act'(z) from a = act(z). */
// @ts-ignore: decorator
@inline function derivative(a: f32, act: i32): f32 {
  if (act == ACT_SIGMOID) return a * (<f32>1.0 - a);
  if (act == ACT_TANH) return <f32>1.0 - a * a;
  return a > 0 ? <f32>1.0 : <f32>0.0;
}

/** Next xorshift32 value of the generator whose state is at `state`, as a float in [0, 1). */
// @ts-ignore: decorator
@inline function uniform(state: usize): f32 {
  let x = load<u32>(state);
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  store<u32>(state, x);
  return <f32>(x >> 8) * <f32>(1.0 / 16777216.0);
}

/**
 * Forward pass of `rows` examples already in A_0; leaves activations in A_l. With `check`, it stops
 * after the first layer's product and returns false when that product is not all finite: an input that
 * is not finite makes every W·x it enters ±∞ or NaN (∞·0 is NaN), so the caller scans the inputs only
 * then (a finite input whose product overflowed passes that scan, and the caller runs the chunk again
 * unchecked). Returns true otherwise.
 */
function forwardRows(
  desc: usize, params: usize, work: usize, cap: i32, rows: i32, keepOutputZ: bool, mask: usize, ctrl: usize,
  check: bool = false,
): bool {
  const L = i32At(desc, 0);
  const hiddenAct = i32At(desc, 1);
  const outputAct = i32At(desc, 2);
  const scratch = f32p(work, region(desc, cap, L + R_SCRATCH));
  let maskOff = 0;
  for (let l = 1; l <= L; l++) {
    const s = i32At(desc, 4 + l);
    const p = i32At(desc, 3 + l);
    const w = f32p(params, weightOffset(desc, l));
    const b = f32p(w, s * p);
    const aPrev = f32p(work, region(desc, cap, l - 1));
    const a = f32p(work, region(desc, cap, l));
    if (rows >= 64 && s < rows) {
      // Many examples, few neurons: Zᵀ = W·A_{l−1}ᵀ puts the long side along the GEMM's columns
      // (measured (30,784,128) 132 µs vs (128,784,30) 189 µs), then a cheap transpose into A_l.
      const zt = f32p(work, region(desc, cap, L + R_D1));
      gemmPar(ctrl, w, aPrev, zt, s, p, rows, 0, 1, 1, 0, scratch);
      if (check && l == 1 && !allFinite(zt, rows * s)) return false;
      transposeInto(zt, <usize>rows * 4, s, rows, a, <usize>s * 4);
    } else {
      gemmPar(ctrl, aPrev, w, a, rows, p, s, 0, 1, 1, 0, scratch);
      if (check && l == 1 && !allFinite(a, rows * s)) return false;
    }
    if (l == L && keepOutputZ) {
      addBias(a, b, rows, s);
    } else {
      biasActivate(a, b, rows, s, l == L ? outputAct : hiddenAct);
    }
    if (mask && l < L) {
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < s; k++) {
          const q = f32p(a, r * s + k);
          store<f32>(q, load<f32>(q) * load<f32>(f32p(mask, maskOff + k)));
        }
      }
      maskOff += s;
    }
  }
  return true;
}

/**
 * The index of the first of n f32 at p that is not finite (±∞, NaN: v − v is NaN exactly for them), or
 * −1. Eight values a step in two chains of compares; the index is looked for only when one failed.
 */
function firstNonFinite(p: usize, n: i32): i32 {
  const zero = f32x4.splat(0);
  let bad0 = zero, bad1 = zero; // lanes all ones where a value was not finite
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v0 = v128.load(p + (<usize>i << 2));
    const v1 = v128.load(p + (<usize>i << 2), 16);
    bad0 = v128.or(bad0, f32x4.ne(f32x4.sub(v0, v0), zero));
    bad1 = v128.or(bad1, f32x4.ne(f32x4.sub(v1, v1), zero));
  }
  if (v128.any_true(v128.or(bad0, bad1))) i = 0;
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v - v != 0) return i;
  }
  return -1;
}

/**
 * Output pre-activations z_L (count × s_L) of `count` examples (count × s_0 at `inputs`), processed in
 * chunks of `cap` rows. Accuracy (argmax) and costs are computed from z_L, stably, by the caller.
 * `inputs` may be A_0 itself (work's first region; count ≤ cap): the caller has written the rows there
 * (predict copies host rows in chunk by chunk, src/backend/wasm.ts networkForwardHost). With `check`
 * ≠ 0, f32 inputs are checked in each chunk (when its first product is not all finite, forwardRows):
 * the result is the index of the first value that is not finite (the chunks before it have been
 * computed), or −1 (also for bytes: finite).
 */
export function networkForward(
  desc: usize, params: usize, work: usize, cap: i32, inputs: usize, inputBytes: i32, count: i32, outZ: usize, ctrl: usize,
  check: i32,
): i32 {
  const L = i32At(desc, 0);
  const s0 = i32At(desc, 4);
  const sL = i32At(desc, 4 + L);
  for (let start = 0; start < count; start += cap) {
    const rows = min(cap, count - start);
    const a0 = f32p(work, region(desc, cap, 0));
    if (inputBytes) bytesToF32(inputs + <usize>(start * s0), a0, rows * s0);
    else if (f32p(inputs, start * s0) != a0) memory.copy(a0, f32p(inputs, start * s0), <usize>(rows * s0) << 2);
    if (!forwardRows(desc, params, work, cap, rows, true, 0, ctrl, check != 0 && !inputBytes)) {
      const bad = firstNonFinite(a0, rows * s0);
      if (bad >= 0) return start * s0 + bad;
      forwardRows(desc, params, work, cap, rows, true, 0, ctrl);
    }
    memory.copy(f32p(outZ, start * sL), f32p(work, region(desc, cap, L)), <usize>(rows * sL) << 2);
  }
  return -1;
}

/** An i32 field of the training-configuration record. */
// @ts-ignore: decorator
@inline function cfgI32(cfg: usize, field: i32): i32 {
  return load<i32>(cfg + <usize>field);
}

/** An f32 field of the training-configuration record. */
// @ts-ignore: decorator
@inline function cfgF32(cfg: usize, field: i32): f32 {
  return load<f32>(cfg + <usize>field);
}

/**
 * Copies example `idx` (s0 inputs) to the row at dst, shifted by one of the four one-pixel-kind moves
 * when kind > 0 (1 up, 2 down, 3 left, 4 right, by `shift` pixels of a width × height image; pixels
 * moved in are 0), as src/data/expand.ts builds the expanded data set.
 */
function gatherShifted(cfg: usize, idx: i32, kind: i32, s0: i32, dst: usize): void {
  const inputs = <usize>cfgI32(cfg, CFG_INPUTS);
  const bytes = cfgI32(cfg, CFG_INPUT_BYTES);
  if (kind == 0) {
    if (bytes) bytesToF32(inputs + <usize>(idx * s0), dst, s0);
    else memory.copy(dst, f32p(inputs, idx * s0), <usize>s0 << 2);
    return;
  }
  const k = cfgI32(cfg, CFG_SHIFT);
  const width = cfgI32(cfg, CFG_WIDTH);
  const height = cfgI32(cfg, CFG_HEIGHT);
  const dx = kind == 3 ? -k : kind == 4 ? k : 0;
  const dy = kind == 1 ? -k : kind == 2 ? k : 0;
  memory.fill(dst, 0, <usize>s0 << 2);
  const x0 = max(0, dx);
  const len = min(width, width + dx) - x0;
  if (len <= 0) return;
  for (let y = 0; y < height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= height) continue;
    const from = idx * s0 + sy * width + x0 - dx;
    const to = f32p(dst, y * width + x0);
    if (bytes) bytesToF32(inputs + <usize>from, to, len);
    else memory.copy(to, f32p(inputs, from), <usize>len << 2);
  }
}

/**
 * Gathers the inputs of order[start..start+rows) into A_0. Bytes are converted to byte/255 on the way
 * (4× less to fetch; assembly/convert.ts gatherBytes), on two threads while the products are shared
 * (assembly/parallel.ts gatherPar). With augmentation
 * the order indexes 5 × the stored examples: v names stored example v mod stored, moved by kind
 * v div stored.
 */
function gatherInputs(cfg: usize, a0: usize, s0: i32, start: i32, rows: i32, ctrl: usize): void {
  const inputs = <usize>cfgI32(cfg, CFG_INPUTS);
  const order = <usize>cfgI32(cfg, CFG_ORDER);
  const stored = cfgI32(cfg, CFG_STORED);
  let r = 0;
  if (cfgI32(cfg, CFG_SHIFT)) {
    for (; r < rows; r++) {
      const v = i32At(order, start + r);
      gatherShifted(cfg, v % stored, v / stored, s0, f32p(a0, r * s0));
    }
    return;
  }
  if (cfgI32(cfg, CFG_INPUT_BYTES)) {
    gatherPar(ctrl, inputs, order + (<usize>start << 2), rows, s0, stored, a0);
    return;
  }
  for (; r < rows; r++) gatherShifted(cfg, i32At(order, start + r), 0, s0, f32p(a0, r * s0));
}

/**
 * Output error δ_L of the batch's rows into delta.
 * Targets: the label's one-hot row (1 for its class, CFG_COLD elsewhere) or the dense target row,
 * smoothed to y·(1 − s) + c. δ = A_L − Y for cross-entropy (sigmoid or tanh) and log-likelihood
 * (softmax), since act' cancels; quadratic: (A_L − Y) ⊙ act'(Z_L). With class weights every row of δ
 * is multiplied by its example's weight w[label], or Σ_k w_k·(y_k − cold)/(1 − cold) for dense targets.
 */
function outputError(desc: usize, cfg: usize, aL: usize, delta: usize, start: i32, rows: i32): void {
  const L = i32At(desc, 0);
  const sL = i32At(desc, 4 + L);
  const outputAct = i32At(desc, 2);
  const quadratic = i32At(desc, 3) == COST_QUADRATIC;
  const labels = <usize>cfgI32(cfg, CFG_LABELS);
  const targets = <usize>cfgI32(cfg, CFG_TARGETS);
  const weights = <usize>cfgI32(cfg, CFG_CLASS_WEIGHTS);
  const order = <usize>cfgI32(cfg, CFG_ORDER);
  const stored = cfgI32(cfg, CFG_STORED);
  const augmented = cfgI32(cfg, CFG_SHIFT) != 0;
  const s = cfgF32(cfg, CFG_SMOOTHING);
  const c = cfgF32(cfg, CFG_SMOOTH_OFFSET);
  const cold = cfgF32(cfg, CFG_COLD);
  if (labels && !weights && !quadratic && s == 0) {
    // The common case, four lanes at a time: δ = a − cold everywhere, then a − 1 at each row's label
    // (the same subtractions as the loop below, so the same bits).
    const count = rows * sL;
    const c4 = f32x4.splat(cold);
    let i = 0;
    for (; i + 4 <= count; i += 4) v128.store(f32p(delta, i), f32x4.sub(v128.load(f32p(aL, i)), c4));
    for (; i < count; i++) store<f32>(f32p(delta, i), load<f32>(f32p(aL, i)) - cold);
    for (let r = 0; r < rows; r++) {
      const v = i32At(order, start + r);
      const at = r * sL + <i32>load<u8>(labels + <usize>(augmented ? v % stored : v));
      store<f32>(f32p(delta, at), load<f32>(f32p(aL, at)) - <f32>1.0);
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const v = i32At(order, start + r);
    const idx = augmented ? v % stored : v;
    const label = labels ? <i32>load<u8>(labels + <usize>idx) : -1;
    let weight: f32 = 1;
    if (weights) {
      if (labels) weight = load<f32>(f32p(weights, label));
      else {
        weight = 0;
        for (let k = 0; k < sL; k++) {
          weight += load<f32>(f32p(weights, k)) * ((load<f32>(f32p(targets, idx * sL + k)) - cold) / (<f32>1.0 - cold));
        }
      }
    }
    for (let k = 0; k < sL; k++) {
      const a = load<f32>(f32p(aL, r * sL + k));
      let y: f32 = labels ? (k == label ? 1 : cold) : load<f32>(f32p(targets, idx * sL + k));
      if (s > 0) y = y * (<f32>1.0 - s) + c;
      let d = a - y;
      if (quadratic) d *= derivative(a, outputAct);
      if (weights) d *= weight;
      store<f32>(f32p(delta, r * sL + k), d);
    }
  }
}

/** Whether all count floats at p are finite (x·0 is 0 for finite x, NaN for ±∞ and NaN). */
function allFinite(p: usize, count: i32): bool {
  let acc = f32x4.splat(0);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(f32p(p, i)), zero));
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; i < count; i++) s += load<f32>(f32p(p, i)) * 0;
  return s == 0;
}

/**
 * Trains on the examples order[from..to) in mini-batches of CFG_BATCH (the last may be shorter): for
 * each, gather, dropout masks, forward, output error, backprop and the optimiser's step, all in place
 * on params and the optimiser state (see assembly/optimizers.ts). Everything else arrives in the
 * training-configuration record at cfg (src/backend/contract.ts). Inputs are f32, or bytes standing for
 * byte/255; targets are integer labels (u8) or a dense f32 matrix (stored × s_L).
 * Returns TRAIN_FINITE, or the index (from 0, counted from `from`) of the mini-batch after which a
 * non-finite output error or parameter was seen; training stops there.
 */
export function networkTrain(desc: usize, params: usize, state: usize, work: usize, cfg: usize, from: i32, to: i32, ctrl: usize): i32 {
  const L = i32At(desc, 0);
  const hiddenAct = i32At(desc, 1);
  const s0 = i32At(desc, 4);
  const cap = cfgI32(cfg, CFG_CAP);
  const batchSize = cfgI32(cfg, CFG_BATCH);
  const eta = cfgF32(cfg, CFG_ETA);
  const dropout = cfgF32(cfg, CFG_DROPOUT);
  const opt = cfgI32(cfg, CFG_OPTIMIZER);
  const regKind = cfgI32(cfg, CFG_REGULARIZATION);
  const rngState = <usize>cfgI32(cfg, CFG_RNG);
  const arrays = stateArrays(cfg);
  // Plain SGD with L2 (or none) fuses the update into the gradient product.
  const fused = opt == OPT_SGD && arrays == 0 && regKind != REG_L1;
  const decay = eta * cfgF32(cfg, CFG_LAMBDA) / cfgF32(cfg, CFG_N);
  const mask = dropout > 0 ? f32p(work, region(desc, cap, L + R_MASK)) : 0;
  const keep = <f32>1.0 / (<f32>1.0 - dropout);
  const scratch = f32p(work, region(desc, cap, L + R_SCRATCH));
  const g = f32p(work, region(desc, cap, L + R_G));
  const gb = f32p(work, region(desc, cap, L + R_GB));
  const P = parameterCount(desc);
  let batch = 0;
  for (let start = from; start < to; start += batchSize, batch++) {
    const rows = min(batchSize, to - start);
    gatherInputs(cfg, f32p(work, region(desc, cap, 0)), s0, start, rows, ctrl);
    if (mask) {
      let off = 0;
      for (let l = 1; l < L; l++) {
        const s = i32At(desc, 4 + l);
        for (let k = 0; k < s; k++) store<f32>(f32p(mask, off + k), uniform(rngState) >= dropout ? keep : 0);
        off += s;
      }
    }
    forwardRows(desc, params, work, cap, rows, false, mask, ctrl);
    let delta = f32p(work, region(desc, cap, L + R_D0));
    let next = f32p(work, region(desc, cap, L + R_D1));
    outputError(desc, cfg, f32p(work, region(desc, cap, L)), delta, start, rows);
    const t = countStep(state);
    // Backward: gradients of layer l, then δ_{l−1} with the old W_l, then the update of layer l.
    let maskOff = 0;
    for (let l = 1; l < L; l++) maskOff += i32At(desc, 4 + l);
    const scale = eta / <f32>rows;
    for (let l = L; l >= 1; l--) {
      const s = i32At(desc, 4 + l);
      const p = i32At(desc, 3 + l);
      const wOff = weightOffset(desc, l);
      const w = f32p(params, wOff);
      const b = f32p(w, s * p);
      const aPrev = f32p(work, region(desc, cap, l - 1));
      // Σ_rows δ_l is non-finite when the output error is, or once a weight below a saturated output
      // went infinite: the divergence check of every mini-batch (s values a layer).
      if (!biasGradient(delta, rows, s, gb)) return batch;
      if (l > 1) {
        // δ_{l−1} with the weights as they were before this step's update.
        gemmPar(ctrl, delta, w, next, rows, s, p, 0, 0, 1, 0, scratch);
        maskOff -= p;
        if (!mask && hiddenAct == ACT_SIGMOID) {
          // δ ⊙ σ'(z) with σ' = a(1 − a), four lanes at a time over the whole block.
          const count = rows * p;
          let i = 0;
          for (; i + 4 <= count; i += 4) {
            const a = v128.load(f32p(aPrev, i));
            v128.store(f32p(next, i), f32x4.mul(v128.load(f32p(next, i)), f32x4.mul(a, f32x4.sub(f32x4.splat(1), a))));
          }
          for (; i < count; i++) {
            const a = load<f32>(f32p(aPrev, i));
            store<f32>(f32p(next, i), load<f32>(f32p(next, i)) * (a * (<f32>1.0 - a)));
          }
        } else {
          for (let r = 0; r < rows; r++) {
            for (let k = 0; k < p; k++) {
              const q = f32p(next, r * p + k);
              let a = load<f32>(f32p(aPrev, r * p + k));
              let m: f32 = 1;
              if (mask) {
                m = load<f32>(f32p(mask, maskOff + k));
                a = m > 0 ? a / m : 0;
              }
              store<f32>(q, load<f32>(q) * derivative(a, hiddenAct) * m);
            }
          }
        }
      }
      const bOff = wOff + s * p;
      if (fused) {
        // W ← (1 − ηλ/n)·W − (η/m)·δᵀ·A_{l−1}.
        gemmPar(ctrl, delta, aPrev, w, s, rows, p, 1, 0, -scale, <f32>1.0 - decay, scratch);
      } else {
        gemmPar(ctrl, delta, aPrev, g, s, rows, p, 1, 0, 1, 0, scratch);
        optimizerStep(cfg, w, g, s * p, arrays > 0 ? stateAt(state, P, 0, wOff) : 0, arrays > 1 ? stateAt(state, P, 1, wOff) : 0,
          rows, regKind, t);
      }
      optimizerStep(cfg, b, gb, s, arrays > 0 ? stateAt(state, P, 0, bOff) : 0, arrays > 1 ? stateAt(state, P, 1, bOff) : 0,
        rows, 0, t);
      const tmp = delta;
      delta = next;
      next = tmp;
    }
  }
  return allFinite(params, P) ? TRAIN_FINITE : batch - 1;
}
