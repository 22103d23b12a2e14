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

import { expRowF32 } from './activations';
import { bytesToF32, bytesToF32Rows4 } from './convert';
import { sigmoidF32x4 } from './fastmath';
import { matmulScratchBytes } from './matmul';
import { transposeInto } from './matmul-common';
import { gemmPar } from './parallel';

const ACT_SIGMOID: i32 = 0;
const ACT_TANH: i32 = 1;
const ACT_RELU: i32 = 2;
const ACT_SOFTMAX: i32 = 3;
const COST_QUADRATIC: i32 = 1;
const REG_L1: i32 = 2;

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

/** gb[k] = Σ_r δ[r][k] (rows × s, row-major), summed in increasing r; four columns at a time. */
function biasGradient(delta: usize, rows: i32, s: i32, gb: usize): void {
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

/** Forward pass of `rows` examples already in A_0; returns nothing, leaves activations in A_l. */
function forwardRows(
  desc: usize, params: usize, work: usize, cap: i32, rows: i32, keepOutputZ: bool, mask: usize, ctrl: usize,
): void {
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
      transposeInto(zt, <usize>rows * 4, s, rows, a, <usize>s * 4);
    } else {
      gemmPar(ctrl, aPrev, w, a, rows, p, s, 0, 1, 1, 0, scratch);
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
}

/**
 * Output pre-activations z_L (count × s_L) of `count` examples (count × s_0 at `inputs`), processed in
 * chunks of `cap` rows. Accuracy (argmax) and costs are computed from z_L, stably, by the caller.
 */
export function networkForward(
  desc: usize, params: usize, work: usize, cap: i32, inputs: usize, inputBytes: i32, count: i32, outZ: usize, ctrl: usize,
): void {
  const L = i32At(desc, 0);
  const s0 = i32At(desc, 4);
  const sL = i32At(desc, 4 + L);
  for (let start = 0; start < count; start += cap) {
    const rows = min(cap, count - start);
    const a0 = f32p(work, region(desc, cap, 0));
    if (inputBytes) bytesToF32(inputs + <usize>(start * s0), a0, rows * s0);
    else memory.copy(a0, f32p(inputs, start * s0), <usize>(rows * s0) << 2);
    forwardRows(desc, params, work, cap, rows, true, 0, ctrl);
    memory.copy(f32p(outZ, start * sL), f32p(work, region(desc, cap, L)), <usize>(rows * sL) << 2);
  }
}

/**
 * Trains on the examples order[from..to) in mini-batches of batchSize (the last may be shorter): for
 * each, forward, output error, backprop and update, all in place on params (and velocity when μ > 0).
 * Inputs are f32, or bytes standing for byte/255 when inputBytes = 1.
 * Targets are integer labels (u8, one-hot implied) or a dense f32 matrix (count × s_L); one of the
 * two pointers is 0. hyper (f32): [eta, lambda, n, momentum, dropout]; reg: 0 none, 1 L2, 2 L1.
 */
export function networkTrain(
  desc: usize, params: usize, velocity: usize, work: usize, cap: i32,
  inputs: usize, inputBytes: i32, labels: usize, targets: usize, order: usize, from: i32, to: i32, batchSize: i32,
  hyper: usize, regKind: i32, rngState: usize, ctrl: usize,
): void {
  const L = i32At(desc, 0);
  const hiddenAct = i32At(desc, 1);
  const cost = i32At(desc, 3);
  const s0 = i32At(desc, 4);
  const sL = i32At(desc, 4 + L);
  const eta = load<f32>(hyper);
  const lambda = load<f32>(hyper, 4);
  const n = load<f32>(hyper, 8);
  const mu = load<f32>(hyper, 12);
  const dropout = load<f32>(hyper, 16);
  const mask = dropout > 0 ? f32p(work, region(desc, cap, L + R_MASK)) : 0;
  const keep = <f32>1.0 / (<f32>1.0 - dropout);
  const decay = eta * lambda / n;
  const scratch = f32p(work, region(desc, cap, L + R_SCRATCH));
  const g = f32p(work, region(desc, cap, L + R_G));
  const gb = f32p(work, region(desc, cap, L + R_GB));
  for (let start = from; start < to; start += batchSize) {
    const rows = min(batchSize, to - start);
    // Gather the batch's inputs into A_0 (bytes are converted to byte/255 on the way: 4× less to fetch;
    // four rows at a time, so that four rows' cache misses overlap).
    const a0 = f32p(work, region(desc, cap, 0));
    let r = 0;
    if (inputBytes) {
      for (; r + 4 <= rows; r += 4) {
        const q = start + r;
        bytesToF32Rows4(
          inputs + <usize>(i32At(order, q) * s0), inputs + <usize>(i32At(order, q + 1) * s0),
          inputs + <usize>(i32At(order, q + 2) * s0), inputs + <usize>(i32At(order, q + 3) * s0), f32p(a0, r * s0), s0,
        );
      }
    }
    for (; r < rows; r++) {
      const idx = i32At(order, start + r);
      if (inputBytes) bytesToF32(inputs + <usize>(idx * s0), f32p(a0, r * s0), s0);
      else memory.copy(f32p(a0, r * s0), f32p(inputs, idx * s0), <usize>s0 << 2);
    }
    if (mask) {
      let off = 0;
      for (let l = 1; l < L; l++) {
        const s = i32At(desc, 4 + l);
        for (let k = 0; k < s; k++) store<f32>(f32p(mask, off + k), uniform(rngState) >= dropout ? keep : 0);
        off += s;
      }
    }
    forwardRows(desc, params, work, cap, rows, false, mask, ctrl);
    // Output error δ_L = A_L − Y (times σ'(z) for the quadratic cost).
    let delta = f32p(work, region(desc, cap, L + R_D0));
    let next = f32p(work, region(desc, cap, L + R_D1));
    const aL = f32p(work, region(desc, cap, L));
    for (let r = 0; r < rows; r++) {
      const idx = i32At(order, start + r);
      const label = labels ? <i32>load<u8>(labels + <usize>idx) : -1;
      for (let k = 0; k < sL; k++) {
        const a = load<f32>(f32p(aL, r * sL + k));
        const y: f32 = labels ? (k == label ? 1 : 0) : load<f32>(f32p(targets, idx * sL + k));
        let d = a - y;
        if (cost == COST_QUADRATIC) d *= a * (<f32>1.0 - a);
        store<f32>(f32p(delta, r * sL + k), d);
      }
    }
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
      biasGradient(delta, rows, s, gb);
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
      if (!velocity && regKind != REG_L1) {
        // Plain SGD with L2 fused into the gradient product: W ← (1 − ηλ/n)·W − (η/m)·δᵀ·A_{l−1}.
        gemmPar(ctrl, delta, aPrev, w, s, rows, p, 1, 0, -scale, <f32>1.0 - decay, scratch);
      } else {
        gemmPar(ctrl, delta, aPrev, g, s, rows, p, 1, 0, 1, 0, scratch);
        update(w, g, s * p, velocity ? f32p(velocity, wOff) : 0, scale, decay, mu, regKind);
      }
      update(b, gb, s, velocity ? f32p(velocity, wOff + s * p) : 0, scale, 0, mu, 0);
      const t = delta;
      delta = next;
      next = t;
    }
  }
}

/** w ← w + v, v ← μv − (scale·g + decay·r(w)) with r = w (L2) or sgn w (L1); plain step when v = 0. */
function update(w: usize, g: usize, count: i32, v: usize, scale: f32, decay: f32, mu: f32, regKind: i32): void {
  if (!v && regKind != REG_L1) {
    // w ← (1 − ηλ/n)·w − (η/m)·∂C/∂w, four lanes at a time (biases: λ = 0).
    const keepW = f32x4.splat(<f32>1.0 - decay);
    const sc = f32x4.splat(scale);
    let i = 0;
    for (; i + 4 <= count; i += 4) {
      const pw = f32p(w, i);
      store<v128>(pw, f32x4.sub(f32x4.mul(load<v128>(pw), keepW), f32x4.mul(load<v128>(f32p(g, i)), sc)));
    }
    for (; i < count; i++) {
      const pw = f32p(w, i);
      store<f32>(pw, load<f32>(pw) * (<f32>1.0 - decay) - load<f32>(f32p(g, i)) * scale);
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const pw = f32p(w, i);
    const wi = load<f32>(pw);
    const r: f32 = regKind == REG_L1 ? (wi > 0 ? <f32>1 : wi < 0 ? <f32>-1 : <f32>0) : wi;
    const step = load<f32>(f32p(g, i)) * scale + decay * r;
    if (v) {
      const pv = f32p(v, i);
      const vi = mu * load<f32>(pv) - step;
      store<f32>(pv, vi);
      store<f32>(pw, wi + vi);
    } else {
      store<f32>(pw, wi - step);
    }
  }
}
