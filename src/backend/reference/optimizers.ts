// Plain-TypeScript twin of assembly/optimizers.ts: the same steps in the same order, f32 storage with
// every operation rounded to f32 (Math.fround). The rules are derived in the AssemblyScript file.
import type { TrainConfig } from '../backend.js';
import { OPT_ADAM, OPT_GRADIENT, OPT_NESTEROV, OPT_SGD, REG_L1, STATE_HEADER_BYTES } from '../contract.js';

const f = Math.fround;

/** Arrays of one float per parameter the optimiser of `config` keeps. */
export function stateArrays(config: TrainConfig): number {
  if (config.optimizer === OPT_ADAM) return 2;
  if (config.optimizer === OPT_SGD) return f(config.momentum) > 0 ? 1 : 0;
  return 1;
}

/** Bytes of optimiser state for P parameters (twin of optimizerStateBytes). */
export function optimizerStateBytes(P: number, config: TrainConfig): number {
  return STATE_HEADER_BYTES + stateArrays(config) * P * 4;
}

const reg = (w: number, regKind: number) => (regKind === REG_L1 ? Math.sign(w) : w);

/**
 * One optimiser step on params[off..off+count) with G (sums over m examples) in g; s1, s2 the
 * optimiser's arrays at the same offset (null where it has none); regKind 0 for biases.
 */
export function optimizerStep(config: TrainConfig, params: Float32Array, off: number, g: Float32Array, count: number,
  s1: Float32Array | null, s2: Float32Array | null, m: number, regKind: number, t: number): void {
  const eta = f(config.eta);
  const lambdaN = regKind ? f(f(config.lambda) / f(config.n)) : 0;
  if (config.optimizer === OPT_GRADIENT) {
    for (let i = 0; i < count; i++) s1![off + i] = s1![off + i]! + g[i]!;
    return;
  }
  if (config.optimizer === OPT_SGD) {
    const scale = f(eta / m);
    const decay = regKind ? f(f(eta * f(config.lambda)) / f(config.n)) : 0;
    sgdStep(params, off, g, count, s1, scale, decay, f(config.momentum), regKind);
    return;
  }
  const invM = f(1 / m);
  if (config.optimizer === OPT_NESTEROV) {
    const mu = f(config.momentum);
    for (let i = 0; i < count; i++) {
      const wi = params[off + i]!;
      const gi = f(f(g[i]! * invM) + f(lambdaN * reg(wi, regKind)));
      const b = f(f(mu * s1![off + i]!) + gi);
      s1![off + i] = b;
      params[off + i] = wi - f(eta * f(gi + f(mu * b)));
    }
    return;
  }
  const { beta1, beta2 } = config;
  const b1 = f(beta1);
  const b2 = f(beta2);
  const c1 = f(1 - beta1);
  const c2 = f(1 - beta2);
  const stepSize = f(eta / (1 - beta1 ** t));
  const bc2Sqrt = f(Math.sqrt(1 - beta2 ** t));
  const eps = f(config.epsilon);
  for (let i = 0; i < count; i++) {
    const wi = params[off + i]!;
    const gi = f(f(g[i]! * invM) + f(lambdaN * reg(wi, regKind)));
    const mi = f(f(b1 * s1![off + i]!) + f(c1 * gi));
    const vi = f(f(b2 * s2![off + i]!) + f(c2 * f(gi * gi)));
    s1![off + i] = mi;
    s2![off + i] = vi;
    params[off + i] = wi - f(stepSize * f(mi / f(f(f(Math.sqrt(vi)) / bc2Sqrt) + eps)));
  }
}

function sgdStep(params: Float32Array, off: number, g: Float32Array, count: number, v: Float32Array | null,
  scale: number, decay: number, mu: number, regKind: number): void {
  for (let i = 0; i < count; i++) {
    const wi = params[off + i]!;
    if (!v && regKind !== REG_L1) {
      params[off + i] = f(wi * f(1 - decay)) - f(g[i]! * scale);
      continue;
    }
    const step = f(f(g[i]! * scale) + f(decay * reg(wi, regKind)));
    if (v) {
      const vi = f(f(mu * v[off + i]!) - step);
      v[off + i] = vi;
      params[off + i] = wi + vi;
    } else {
      params[off + i] = wi - step;
    }
  }
}
