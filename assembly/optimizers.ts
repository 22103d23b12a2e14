// Optimiser steps for the network kernels, f32. Twin: src/backend/reference/optimizers.ts.
// Each step receives Σ_x ∂C_x/∂θ over the m examples of a mini-batch (G) for one block of parameters
// (a layer's weights, or its biases, which are never regularised) and the optimiser's arrays at the
// same offset. With g = G/m + (λ/n)·r(w), r(w) = w (L2) or sgn(w) (L1):
//   sgd        v ← μv − η·g;  w ← w + v          (μ = 0: w ← w − η·g, i.e. network2.py's
//              w ← (1 − ηλ/n)·w − (η/m)·G, computed as scale = η/m and decay = ηλ/n as the book does)
//   nesterov   b ← μb + g;  w ← w − η·(g + μb)   (PyTorch SGD(nesterov=True), dampening 0)
//   adam       m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  w ← w − η·(m/(1 − β₁ᵗ)) / (√(v/(1 − β₂ᵗ)) + ε)
//              (torch.optim.Adam with L2 as coupled weight decay), evaluated as PyTorch does:
//              w ← w − (η/(1 − β₁ᵗ))·m / (√v/√(1 − β₂ᵗ) + ε), the t-dependent factors in f64.
//   gradient   s ← s + G (no update: the caller divides by the examples, see Network.meanGradient)
import {
  CFG_BETA1, CFG_BETA2, CFG_EPSILON, CFG_ETA, CFG_LAMBDA, CFG_MOMENTUM, CFG_N, CFG_OPTIMIZER, DESC_LAYERS, DESC_SIZES,
  OPT_ADAM, OPT_GRADIENT, OPT_NESTEROV, OPT_SGD, REG_L1, STATE_HEADER_BYTES, STATE_STEP,
} from '../src/backend/contract';

// @ts-ignore: decorator
@inline function f32p(p: usize, i: i32): usize {
  return p + (<usize>i << 2);
}

/** Parameters of the network described by desc (Σ_l s_l·s_{l−1} + s_l). */
export function parameterCount(desc: usize): i32 {
  const L = load<i32>(desc + (<usize>DESC_LAYERS << 2));
  let n = 0;
  for (let l = 1; l <= L; l++) {
    const s = load<i32>(desc + (<usize>(DESC_SIZES + l) << 2));
    n += s * load<i32>(desc + (<usize>(DESC_SIZES + l - 1) << 2)) + s;
  }
  return n;
}

/** Arrays of one float per parameter the optimiser of the record at cfg keeps. */
// @ts-ignore: decorator
@inline export function stateArrays(cfg: usize): i32 {
  const opt = load<i32>(cfg + CFG_OPTIMIZER);
  if (opt == OPT_ADAM) return 2;
  if (opt == OPT_SGD) return load<f32>(cfg + CFG_MOMENTUM) > 0 ? 1 : 0;
  return 1;
}

/** Bytes of optimiser state (header, then its arrays) for the network desc and the record cfg. */
export function optimizerStateBytes(desc: usize, cfg: usize): i32 {
  return STATE_HEADER_BYTES + stateArrays(cfg) * parameterCount(desc) * 4;
}

/** Address of the optimiser's array `which` (0 or 1) at parameter index `off`, for P parameters. */
// @ts-ignore: decorator
@inline export function stateAt(state: usize, P: i32, which: i32, off: i32): usize {
  return state + STATE_HEADER_BYTES + (<usize>(which * P + off) << 2);
}

/** Counts one more mini-batch (t ← t + 1) in the state header. */
export function countStep(state: usize): u32 {
  const t = load<u32>(state + STATE_STEP) + 1;
  store<u32>(state + STATE_STEP, t);
  return t;
}

/** r(w): w for L2, sgn(w) for L1. */
// @ts-ignore: decorator
@inline function reg(w: f32, regKind: i32): f32 {
  return regKind == REG_L1 ? (w > 0 ? <f32>1 : w < 0 ? <f32>-1 : <f32>0) : w;
}

/**
 * One optimiser step on count parameters at w, G (sums over m examples) at g; s1 and s2 are the
 * optimiser's arrays at the same offset (0 where it has none); regKind 0 for biases.
 */
export function optimizerStep(cfg: usize, w: usize, g: usize, count: i32, s1: usize, s2: usize, m: i32, regKind: i32, t: u32): void {
  const opt = load<i32>(cfg + CFG_OPTIMIZER);
  const eta = load<f32>(cfg + CFG_ETA);
  const lambdaN: f32 = regKind ? load<f32>(cfg + CFG_LAMBDA) / load<f32>(cfg + CFG_N) : 0;
  if (opt == OPT_GRADIENT) {
    for (let i = 0; i < count; i++) store<f32>(f32p(s1, i), load<f32>(f32p(s1, i)) + load<f32>(f32p(g, i)));
    return;
  }
  if (opt == OPT_SGD) {
    const scale = eta / <f32>m;
    const decay: f32 = regKind ? eta * load<f32>(cfg + CFG_LAMBDA) / load<f32>(cfg + CFG_N) : 0;
    sgdStep(w, g, count, s1, scale, decay, load<f32>(cfg + CFG_MOMENTUM), regKind);
    return;
  }
  const invM = <f32>1.0 / <f32>m;
  if (opt == OPT_NESTEROV) {
    nesterovStep(w, g, count, s1, eta, invM, lambdaN, load<f32>(cfg + CFG_MOMENTUM), regKind);
    return;
  }
  // Adam: the t-dependent factors once per step, in f64 (as PyTorch computes them on the host).
  const beta1 = load<f64>(cfg + CFG_BETA1);
  const beta2 = load<f64>(cfg + CFG_BETA2);
  const stepSize = <f32>(<f64>eta / (1.0 - Math.pow(beta1, <f64>t)));
  const bc2Sqrt = <f32>Math.sqrt(1.0 - Math.pow(beta2, <f64>t));
  adamStep(w, g, count, s1, s2, invM, lambdaN, <f32>beta1, <f32>beta2, <f32>(1.0 - beta1), <f32>(1.0 - beta2), stepSize, bc2Sqrt,
    <f32>load<f64>(cfg + CFG_EPSILON), regKind);
}

/** r(w) four lanes at a time: w for L2, sgn(w) for L1. */
// @ts-ignore: decorator
@inline function regX4(w: v128, regKind: i32): v128 {
  if (regKind != REG_L1) return w;
  const zero = f32x4.splat(0);
  return v128.bitselect(f32x4.splat(1), v128.bitselect(f32x4.splat(-1), zero, f32x4.lt(w, zero)), f32x4.gt(w, zero));
}

/** Nesterov: g = G/m + (λ/n)·r(w); b ← μb + g; w ← w − η(g + μb). Four lanes at a time (the same f32 operations). */
function nesterovStep(w: usize, g: usize, count: i32, b: usize, eta: f32, invM: f32, lambdaN: f32, mu: f32, regKind: i32): void {
  let i = 0;
  const vInvM = f32x4.splat(invM);
  const vLambdaN = f32x4.splat(lambdaN);
  const vMu = f32x4.splat(mu);
  const vEta = f32x4.splat(eta);
  for (; i + 4 <= count; i += 4) {
    const wi = v128.load(f32p(w, i));
    const gi = f32x4.add(f32x4.mul(v128.load(f32p(g, i)), vInvM), f32x4.mul(vLambdaN, regX4(wi, regKind)));
    const bi = f32x4.add(f32x4.mul(vMu, v128.load(f32p(b, i))), gi);
    v128.store(f32p(b, i), bi);
    v128.store(f32p(w, i), f32x4.sub(wi, f32x4.mul(vEta, f32x4.add(gi, f32x4.mul(vMu, bi)))));
  }
  for (; i < count; i++) {
    const pw = f32p(w, i);
    const wi = load<f32>(pw);
    const gi = load<f32>(f32p(g, i)) * invM + lambdaN * reg(wi, regKind);
    const bi = mu * load<f32>(f32p(b, i)) + gi;
    store<f32>(f32p(b, i), bi);
    store<f32>(pw, wi - eta * (gi + mu * bi));
  }
}

/** Adam's element step: m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; w ← w − stepSize·m / (√v/√(1 − β₂ᵗ) + ε). */
function adamStep(w: usize, g: usize, count: i32, m: usize, v: usize, invM: f32, lambdaN: f32, b1: f32, b2: f32, c1: f32, c2: f32,
  stepSize: f32, bc2Sqrt: f32, eps: f32, regKind: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const wi = v128.load(f32p(w, i));
    const gi = f32x4.add(f32x4.mul(v128.load(f32p(g, i)), f32x4.splat(invM)), f32x4.mul(f32x4.splat(lambdaN), regX4(wi, regKind)));
    const mi = f32x4.add(f32x4.mul(f32x4.splat(b1), v128.load(f32p(m, i))), f32x4.mul(f32x4.splat(c1), gi));
    const vi = f32x4.add(f32x4.mul(f32x4.splat(b2), v128.load(f32p(v, i))), f32x4.mul(f32x4.splat(c2), f32x4.mul(gi, gi)));
    v128.store(f32p(m, i), mi);
    v128.store(f32p(v, i), vi);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), f32x4.splat(bc2Sqrt)), f32x4.splat(eps));
    v128.store(f32p(w, i), f32x4.sub(wi, f32x4.mul(f32x4.splat(stepSize), f32x4.div(mi, denom))));
  }
  for (; i < count; i++) {
    const pw = f32p(w, i);
    const wi = load<f32>(pw);
    const gi = load<f32>(f32p(g, i)) * invM + lambdaN * reg(wi, regKind);
    const mi = b1 * load<f32>(f32p(m, i)) + c1 * gi;
    const vi = b2 * load<f32>(f32p(v, i)) + c2 * (gi * gi);
    store<f32>(f32p(m, i), mi);
    store<f32>(f32p(v, i), vi);
    store<f32>(pw, wi - stepSize * (mi / (Mathf.sqrt(vi) / bc2Sqrt + eps)));
  }
}

/** SGD: w ← w + v, v ← μv − (scale·G + decay·r(w)); plain step when v = 0. */
function sgdStep(w: usize, g: usize, count: i32, v: usize, scale: f32, decay: f32, mu: f32, regKind: i32): void {
  if (!v && regKind != REG_L1) {
    // w ← (1 − ηλ/n)·w − (η/m)·G, four lanes at a time (biases: λ = 0).
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
  // Momentum, or L1: four lanes at a time (the same f32 operations as the scalar tail).
  let i = 0;
  const vScale = f32x4.splat(scale);
  const vDecay = f32x4.splat(decay);
  const vMu = f32x4.splat(mu);
  for (; i + 4 <= count; i += 4) {
    const wi = v128.load(f32p(w, i));
    const step = f32x4.add(f32x4.mul(v128.load(f32p(g, i)), vScale), f32x4.mul(vDecay, regX4(wi, regKind)));
    if (v) {
      const vi = f32x4.sub(f32x4.mul(vMu, v128.load(f32p(v, i))), step);
      v128.store(f32p(v, i), vi);
      v128.store(f32p(w, i), f32x4.add(wi, vi));
    } else {
      v128.store(f32p(w, i), f32x4.sub(wi, step));
    }
  }
  for (; i < count; i++) {
    const pw = f32p(w, i);
    const wi = load<f32>(pw);
    const step = load<f32>(f32p(g, i)) * scale + decay * reg(wi, regKind);
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
