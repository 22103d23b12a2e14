// The reference backend: every kernel in plain TypeScript. It is the oracle the WASM backend is tested
// against, so it favours the obvious loop over the fast one.
import type { Backend } from '../backend.js';
import { sigmoid, softmax } from './activations.js';
import { crossRows, entropyRows } from './info.js';
import { bceLogits, bceProb, cce, quadratic } from './losses.js';
import { matmulF32 } from './matmul.js';

/** Creates the pure-TypeScript backend. */
export function createReferenceBackend(): Backend {
  return {
    name: 'reference',
    sigmoid,
    softmax,
    bceProb,
    bceLogits,
    cce,
    quadratic,
    entropyRows,
    crossRows,
    matmul: matmulF32,
    liveBytes: () => 0,
    dispose: () => {},
  };
}
