// The output layers, declared once: each entry gives the layer's activation (the kernels' code and the
// host's function for predict), the targets it learns (the value of the units that are not the
// label's class, label smoothing's offset) and its costs computed from the pre-activations z_L,
// stably. predict, evaluation, the training objective and both backends' kernels all read it.
import type { Backend } from '../backend/backend.js';
import { ACT_SIGMOID, ACT_SOFTMAX, ACT_TANH } from '../backend/contract.js';
import { CeMode } from '../backend/modes.js';

/** Output activation. */
export type OutputName = 'sigmoid' | 'softmax' | 'tanh';
/** Output-layer cost. */
export type CostName = 'cross-entropy' | 'quadratic' | 'log-likelihood';

/** Per-element or per-row costs of a batch, from z_L: out[i] belongs to row floor(i / perRow). */
export interface Costs {
  out: Float64Array;
  perRow: number;
}

/** One output layer's entry. */
export interface OutputLayer {
  /** The kernels' activation code (src/backend/contract.ts). */
  readonly act: number;
  /** Costs it supports; the first is its default. */
  readonly costs: readonly CostName[];
  /** Target value of the units that are not the label's class (the label's own is 1). */
  readonly cold: number;
  /** Label smoothing s turns a target y into y·(1 − s) + offset(s, K). */
  smoothOffset(s: number, K: number): number;
  /** a = act(z) for rows × K pre-activations (f32, as predict returns it). */
  activate(be: Backend, z: Float32Array, rows: number, K: number): Float32Array;
  /** Costs of rows × K pre-activations against dense targets y (f64). */
  cost(be: Backend, cost: CostName, z: Float64Array, y: Float64Array, rows: number, K: number): Costs;
}

/** ½‖a − y‖² per row, with a = act(z) computed by `act`. */
function quadraticCosts(be: Backend, a: Float64Array, y: Float64Array, rows: number, K: number): Costs {
  const out = new Float64Array(rows);
  be.quadratic(a, y, null, out, null, rows, K, 1);
  return { out, perRow: 1 };
}

export const OUTPUTS: Readonly<Record<OutputName, OutputLayer>> = {
  sigmoid: {
    act: ACT_SIGMOID,
    costs: ['cross-entropy', 'quadratic'],
    cold: 0,
    smoothOffset: (s) => s / 2,
    activate(be, z) {
      const a = new Float32Array(z.length);
      be.sigmoid(z, a);
      return a;
    },
    cost(be, cost, z, y, rows, K) {
      if (cost === 'quadratic') {
        const a = new Float64Array(z.length);
        be.sigmoid(z, a);
        return quadraticCosts(be, a, y, rows, K);
      }
      // −[y ln σ(z) + (1 − y) ln(1 − σ(z))] = max(z, 0) − z·y + ln(1 + e^−|z|), per unit.
      const out = new Float64Array(z.length);
      be.bceLogits(z, y, null, null, out, null, K, 0, 1);
      return { out, perRow: K };
    },
  },
  softmax: {
    act: ACT_SOFTMAX,
    costs: ['log-likelihood'],
    cold: 0,
    smoothOffset: (s, K) => s / K,
    activate(be, z, rows, K) {
      const a = new Float32Array(z.length);
      be.softmax(z, a, rows, K, false);
      return a;
    },
    cost(be, _cost, z, y, rows, K) {
      // −Σ_k y_k ln softmax(z)_k by log-softmax.
      const out = new Float64Array(rows);
      be.cce(z, y, null, null, null, out, null, rows, K, -1, CeMode.logits, 0, 0, 1);
      return { out, perRow: 1 };
    },
  },
  tanh: {
    act: ACT_TANH,
    costs: ['cross-entropy', 'quadratic'],
    cold: -1,
    smoothOffset: () => 0,
    activate: (_be, z) => z.map(Math.tanh),
    cost(be, cost, z, y, rows, K) {
      if (cost === 'quadratic') return quadraticCosts(be, z.map(Math.tanh), y, rows, K);
      // −[(1+y)/2·ln((1+a)/2) + (1−y)/2·ln((1−a)/2)] with a = tanh z: since (1 + tanh z)/2 = σ(2z), this
      // is the binary cross-entropy of the logit 2z against the target (1 + y)/2, computed stably as such.
      // Its output error is ∂C/∂z = 2σ(2z) − 1 − y = a − y: tanh′ cancels as σ′ does for the sigmoid.
      const out = new Float64Array(z.length);
      be.bceLogits(z.map((v) => 2 * v), y.map((v) => (1 + v) / 2), null, null, out, null, K, 0, 1);
      return { out, perRow: K };
    },
  },
};
