// Activations at the public edge: sigmoid (element-wise), softmax and log-softmax (row-wise).
import type { Backend } from './backend/backend.js';
import { checkFinite, checkSomeFinitePerRow, like, parse, type Input } from './tensor.js';

function apply(be: Backend, fn: string, z: Input, op: 'sigmoid' | 'softmax' | 'logSoftmax'): unknown {
  const p = parse(fn, 'z', z);
  // −Infinity is a masked logit (probability exactly 0, log-probability −Infinity, as in PyTorch); a
  // softmax row must keep one logit above it. +Infinity and NaN are errors.
  checkFinite(fn, 'z', p, { negInf: true });
  if (op !== 'sigmoid') checkSomeFinitePerRow(fn, 'z', p, op);
  const out = p.data instanceof Float32Array ? new Float32Array(p.data.length) : new Float64Array(p.data.length);
  if (op === 'sigmoid') be.sigmoid(p.data, out);
  else be.softmax(p.data, out, p.rows, p.cols, op === 'logSoftmax');
  return like(p, out, true);
}

/** σ(z) element-wise; never overflows; σ(−∞) = 0. Float32Array input is computed in f32. */
export function sigmoid(be: Backend, z: Input): unknown {
  return apply(be, 'sigmoid', z, 'sigmoid');
}

/** Row-wise softmax with the max subtracted (finite for any finite logits); a −∞ logit gets probability 0. */
export function softmax(be: Backend, z: Input): unknown {
  return apply(be, 'softmax', z, 'softmax');
}

/** Row-wise log-softmax: z − max z − log Σ e^(z − max z); a −∞ logit gets −∞. */
export function logSoftmax(be: Backend, z: Input): unknown {
  return apply(be, 'logSoftmax', z, 'logSoftmax');
}
