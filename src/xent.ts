// The Xent object: the public API over one backend. Each method validates its arguments, then runs
// kernels on this instance's backend only (no state is shared between instances).
import { logSoftmax, sigmoid, softmax } from './activations.js';
import type { Backend } from './backend/backend.js';
import { crossCheckBackend } from './backend/crosscheck.js';
import { createReferenceBackend } from './backend/reference/index.js';
import { createWasmBackend, relaxedSimdSupported, threadsUnavailable } from './backend/wasm.js';
import { checkChoice, checkOptions, describe, rangeError, typeError } from './errors.js';
import {
  crossEntropy, crossEntropyGrad, entropy, entropyGrad, klDivergence, klDivergenceGrad, perplexity,
  type InfoOptions,
} from './info.js';
import { binaryCrossEntropy, binaryCrossEntropyGrad, binaryCrossEntropyValueAndGrad, type BinaryOptions } from './losses/binary.js';
import {
  categoricalCrossEntropy, categoricalCrossEntropyGrad, categoricalCrossEntropyValueAndGrad, sparseCategoricalCrossEntropy,
  sparseCategoricalCrossEntropyGrad, sparseCategoricalCrossEntropyValueAndGrad, type CategoricalOptions, type Labels,
  type SparseOptions,
} from './losses/categorical.js';
import { logLoss, logLossGrad, logLossValueAndGrad, type LogLossOptions } from './losses/logloss.js';
import { quadraticCost, quadraticCostGrad, quadraticCostValueAndGrad, type QuadraticOptions } from './losses/quadratic.js';
import { matmul, type MatmulOptions } from './matmul.js';
import { loadCheckpoint, type Checkpoint } from './network/checkpoint.js';
import { fromJSON, type NetworkJSON } from './network/format.js';
import { Network, type NetworkOptions } from './network/network.js';
import type { Batch, Input, Packed } from './tensor.js';

/** Options of createXent. */
export interface XentOptions {
  /** 'wasm' (default): SIMD WebAssembly kernels; 'reference': plain TypeScript. */
  backend?: 'wasm' | 'reference';
  /**
   * WASM build: 'auto' (default) takes relaxed SIMD (fused multiply-add in the matrix multiply) where
   * the engine supports it, else plain SIMD; 'plain' or 'relaxed' force one (relaxed throws if unsupported).
   */
  simd?: 'auto' | 'plain' | 'relaxed';
  /**
   * 1 (default), or 2: a worker thread on shared WASM memory shares the blocks of every matrix product
   * of ≥ 2¹⁷ multiply-adds with the caller (worker_threads in Node; a Web Worker in cross-origin-isolated
   * browsers), with results equal to one thread's to the bit; faster only where a second core is free
   * (docs/performance.md). dispose() stops the worker.
   */
  threads?: 1 | 2;
  /**
   * Debugging mode (wasm backend): every kernel call is repeated on the reference backend and a
   * RangeError naming the operation is thrown when they differ beyond rtol 1e-3 / atol 1e-5
   * (src/backend/crosscheck.ts). Costs the reference backend's time on every call.
   */
  crossCheck?: boolean;
}

/** A loss value: a number when reduced, else per-element or per-row values in the caller's layout. */
export type LossValue = number | number[] | number[][] | Float64Array | Packed<Float64Array>;
/** A gradient, in the layout (and float type) of the input it is taken with respect to. */
export type Gradient = number[] | number[][] | Float32Array | Float64Array | Packed;
/** An activation result, in the input's layout and float type. */
export type Activation = Gradient;
/** A value per row: a number for a vector input. */
export type RowValues = number | number[] | Float64Array;

type Reduced<O> = O & { reduction?: 'mean' | 'sum' };
type Unreduced<O> = O & { reduction: 'none' };

/** Gradients of every loss and information measure, with the same arguments as the value. */
export interface XentGrad {
  entropy(p: Input, options?: InfoOptions): Gradient;
  crossEntropy(p: Input, q: Input, options?: InfoOptions): Gradient;
  klDivergence(p: Input, q: Input, options?: InfoOptions): Gradient;
  binaryCrossEntropy(predictions: Input, targets: Input, options?: BinaryOptions): Gradient;
  categoricalCrossEntropy(predictions: Input, targets: Input, options?: CategoricalOptions): Gradient;
  sparseCategoricalCrossEntropy(predictions: Input, labels: Labels, options?: SparseOptions): Gradient;
  quadraticCost(predictions: Input, targets: Input, options?: QuadraticOptions): Gradient;
  logLoss(yTrue: readonly (number | string)[] | ArrayLike<number>, yPred: Input, options?: LogLossOptions): Gradient;
}

/** A loss value and its gradient, computed in one kernel pass. */
export interface ValueAndGrad<V> {
  value: V;
  grad: Gradient;
}

/** Value and gradient of every loss together (one pass, one copy in): what a training loop needs. */
export interface XentValueAndGrad {
  binaryCrossEntropy(predictions: Input, targets: Input, options?: BinaryOptions): ValueAndGrad<LossValue>;
  categoricalCrossEntropy(predictions: Input, targets: Input, options?: CategoricalOptions): ValueAndGrad<LossValue>;
  sparseCategoricalCrossEntropy(predictions: Input, labels: Labels, options?: SparseOptions): ValueAndGrad<LossValue>;
  quadraticCost(predictions: Input, targets: Input, options?: QuadraticOptions): ValueAndGrad<LossValue>;
  logLoss(yTrue: readonly (number | string)[] | ArrayLike<number>, yPred: Input, options?: LogLossOptions): ValueAndGrad<LossValue>;
}

/** The xent API on one backend. */
export interface Xent {
  readonly backend: 'wasm' | 'reference';
  /** The WASM build in use ('plain' or 'relaxed' SIMD); null on the reference backend. */
  readonly simd: 'plain' | 'relaxed' | null;
  /** Threads the kernels run on (1, or 2 with createXent({ threads: 2 })). */
  readonly threads: 1 | 2;
  entropy(p: Input, options?: InfoOptions): RowValues;
  crossEntropy(p: Input, q: Input, options?: InfoOptions): RowValues;
  klDivergence(p: Input, q: Input, options?: InfoOptions): RowValues;
  perplexity(p: Input, q?: Input, options?: InfoOptions): RowValues;
  perplexity(p: Input, options?: InfoOptions): RowValues;
  sigmoid(z: Input): Activation;
  softmax(z: Input): Activation;
  logSoftmax(z: Input): Activation;
  binaryCrossEntropy(predictions: Input, targets: Input, options?: Reduced<BinaryOptions>): number;
  binaryCrossEntropy(predictions: Input, targets: Input, options: Unreduced<BinaryOptions>): LossValue;
  binaryCrossEntropy(predictions: Input, targets: Input, options?: BinaryOptions): LossValue;
  categoricalCrossEntropy(predictions: Input, targets: Input, options?: Reduced<CategoricalOptions>): number;
  categoricalCrossEntropy(predictions: Input, targets: Input, options: Unreduced<CategoricalOptions>): RowValues;
  categoricalCrossEntropy(predictions: Input, targets: Input, options?: CategoricalOptions): RowValues;
  sparseCategoricalCrossEntropy(predictions: Input, labels: Labels, options?: Reduced<SparseOptions>): number;
  sparseCategoricalCrossEntropy(predictions: Input, labels: Labels, options: Unreduced<SparseOptions>): RowValues;
  sparseCategoricalCrossEntropy(predictions: Input, labels: Labels, options?: SparseOptions): RowValues;
  quadraticCost(predictions: Input, targets: Input, options?: Reduced<QuadraticOptions>): number;
  quadraticCost(predictions: Input, targets: Input, options: Unreduced<QuadraticOptions>): RowValues;
  quadraticCost(predictions: Input, targets: Input, options?: QuadraticOptions): RowValues;
  logLoss(yTrue: readonly (number | string)[] | ArrayLike<number>, yPred: Input, options?: Reduced<LogLossOptions>): number;
  logLoss(yTrue: readonly (number | string)[] | ArrayLike<number>, yPred: Input, options: Unreduced<LogLossOptions>): RowValues;
  logLoss(yTrue: readonly (number | string)[] | ArrayLike<number>, yPred: Input, options?: LogLossOptions): RowValues;
  readonly grad: XentGrad;
  readonly valueAndGrad: XentValueAndGrad;
  /** C = op(A)·op(B) in float32. */
  matmul(a: Batch, b: Batch, options?: MatmulOptions): number[][] | Packed<Float32Array>;
  /** A new multilayer perceptron with seeded weights, e.g. network([784, 30, 10], { cost: 'cross-entropy' }). */
  network(sizes: number[], options?: NetworkOptions): Network;
  /** A network from network2.py's JSON format (text or object). */
  loadNetwork(json: string | NetworkJSON): Network;
  /** A network and its run from net.checkpoint() (object or JSON text): its next train() continues exactly. */
  loadCheckpoint(checkpoint: string | Checkpoint): Network;
  /** Bytes of WASM memory this instance holds (0 on the reference backend). */
  liveBytes(): number;
  /**
   * Frees the backend (and stops its worker thread). Afterwards every other method of the instance,
   * grad.* and valueAndGrad.* included, and of its networks throws a RangeError
   * "<method>: xent: this instance was disposed"; dispose() itself may be called again (a no-op).
   */
  dispose(): void;
}

/** The message of every call on a disposed instance, after "<method>: ". */
export const DISPOSED = 'xent: this instance was disposed';

/** The public methods of a Network (its other methods are internal). */
const NETWORK_METHODS = ['predict', 'train', 'accuracy', 'totalCost', 'parameters', 'weights', 'biases', 'toJSON', 'checkpoint', 'resetOptimizer'] as const;

/**
 * Wraps every method of `target` (and of the tables in it, named "grad.x", "valueAndGrad.x") once:
 * after dispose() each throws RangeError "<method>: xent: this instance was disposed"; a TypeError or
 * RangeError that does not yet name a function (the engine's "Invalid typed array length", the heap's
 * "xent: out of WebAssembly memory") is rethrown with the method's name, the original as its cause.
 * Networks the methods return get the same naming on their public methods (Network.live() checks
 * `disposed` itself).
 */
function guard(target: Record<string, unknown>, be: Backend, prefix: string): void {
  for (const [key, value] of Object.entries(target)) {
    const name = prefix + key;
    if (typeof value === 'function' && key !== 'dispose') {
      const method = value as (...args: unknown[]) => unknown;
      target[key] = (...args: unknown[]) => {
        if (be.disposed) rangeError(name, DISPOSED);
        return nameErrors(name, () => {
          const result = method(...args);
          if (result instanceof Network) nameNetworkErrors(result);
          return result;
        });
      };
    } else if (value !== null && typeof value === 'object') {
      guard(value as Record<string, unknown>, be, `${name}.`);
    }
  }
}

/** Gives a network's public methods own wrappers that name their errors. */
function nameNetworkErrors(net: Network): void {
  const own = net as unknown as Record<string, unknown>;
  for (const key of NETWORK_METHODS) {
    const method = (net[key] as (...args: unknown[]) => unknown).bind(net);
    own[key] = (...args: unknown[]) => nameErrors(key, () => method(...args));
  }
}

/** Runs `f`, naming its errors (also a returned promise's rejection) after `name`. */
function nameErrors(name: string, f: () => unknown): unknown {
  try {
    const result = f();
    return result instanceof Promise ? result.catch((e: unknown) => Promise.reject(named(name, e))) : result;
  } catch (e) {
    throw named(name, e);
  }
}

/** `e` with "name: " in front of its message unless it already names a function (or is not a Type/RangeError). */
function named(name: string, e: unknown): unknown {
  if (!(e instanceof RangeError || e instanceof TypeError)) return e;
  if (/^[\w.]+: /.test(e.message) && !e.message.startsWith('xent: ')) return e;
  const Class = e instanceof RangeError ? RangeError : TypeError;
  return new Class(`${name}: ${e.message}`, { cause: e });
}

/** Builds the API object over a backend. */
export function xentOn(be: Backend, simd: 'plain' | 'relaxed' | null = null, threads: 1 | 2 = 1): Xent {
  const grad: XentGrad = {
    entropy: (p, o) => entropyGrad(be, p, o) as Gradient,
    crossEntropy: (p, q, o) => crossEntropyGrad(be, p, q, o) as Gradient,
    klDivergence: (p, q, o) => klDivergenceGrad(be, p, q, o) as Gradient,
    binaryCrossEntropy: (a, y, o) => binaryCrossEntropyGrad(be, a, y, o) as Gradient,
    categoricalCrossEntropy: (a, y, o) => categoricalCrossEntropyGrad(be, a, y, o) as Gradient,
    sparseCategoricalCrossEntropy: (a, y, o) => sparseCategoricalCrossEntropyGrad(be, a, y, o) as Gradient,
    quadraticCost: (a, y, o) => quadraticCostGrad(be, a, y, o) as Gradient,
    logLoss: (y, a, o) => logLossGrad(be, y, a, o) as Gradient,
  };
  const valueAndGrad = {
    binaryCrossEntropy: (a: Input, y: Input, o?: BinaryOptions) => binaryCrossEntropyValueAndGrad(be, a, y, o),
    categoricalCrossEntropy: (a: Input, y: Input, o?: CategoricalOptions) => categoricalCrossEntropyValueAndGrad(be, a, y, o),
    sparseCategoricalCrossEntropy: (a: Input, y: Labels, o?: SparseOptions) => sparseCategoricalCrossEntropyValueAndGrad(be, a, y, o),
    quadraticCost: (a: Input, y: Input, o?: QuadraticOptions) => quadraticCostValueAndGrad(be, a, y, o),
    logLoss: (y: readonly (number | string)[] | ArrayLike<number>, a: Input, o?: LogLossOptions) => logLossValueAndGrad(be, y, a, o),
  } as XentValueAndGrad;
  const api = {
    backend: be.name,
    simd,
    threads,
    entropy: (p: Input, o?: InfoOptions) => entropy(be, p, o),
    crossEntropy: (p: Input, q: Input, o?: InfoOptions) => crossEntropy(be, p, q, o),
    klDivergence: (p: Input, q: Input, o?: InfoOptions) => klDivergence(be, p, q, o),
    perplexity: (p: Input, q?: Input | InfoOptions, o?: InfoOptions) => perplexity(be, p, q, o),
    sigmoid: (z: Input) => sigmoid(be, z),
    softmax: (z: Input) => softmax(be, z),
    logSoftmax: (z: Input) => logSoftmax(be, z),
    binaryCrossEntropy: (a: Input, y: Input, o?: BinaryOptions) => binaryCrossEntropy(be, a, y, o),
    categoricalCrossEntropy: (a: Input, y: Input, o?: CategoricalOptions) => categoricalCrossEntropy(be, a, y, o),
    sparseCategoricalCrossEntropy: (a: Input, y: Labels, o?: SparseOptions) => sparseCategoricalCrossEntropy(be, a, y, o),
    quadraticCost: (a: Input, y: Input, o?: QuadraticOptions) => quadraticCost(be, a, y, o),
    logLoss: (y: readonly (number | string)[] | ArrayLike<number>, a: Input, o?: LogLossOptions) => logLoss(be, y, a, o),
    grad,
    valueAndGrad,
    matmul: (a: Batch, b: Batch, o?: MatmulOptions) => matmul(be, a, b, o),
    network: (sizes: number[], o?: NetworkOptions) => Network.create(be, sizes, o),
    loadNetwork: (json: string | NetworkJSON) => fromJSON(be, json),
    loadCheckpoint: (checkpoint: string | Checkpoint) => loadCheckpoint(be, checkpoint),
    liveBytes: () => be.liveBytes(),
    dispose: () => {
      if (!be.disposed) be.dispose();
    },
  };
  guard(api, be, '');
  return api as unknown as Xent;
}

/** Creates an xent instance on the WASM backend (default) or the reference backend. */
export async function createXent(options?: XentOptions): Promise<Xent> {
  const fn = 'createXent';
  const o = checkOptions(fn, options, ['backend', 'simd', 'threads', 'crossCheck']);
  const backend = checkChoice(fn, 'backend', o.backend, ['wasm', 'reference'] as const, 'wasm');
  const simd = checkChoice(fn, 'simd', o.simd, ['auto', 'plain', 'relaxed'] as const, 'auto');
  const threads = o.threads ?? 1;
  if (o.crossCheck !== undefined && typeof o.crossCheck !== 'boolean') typeError(fn, `crossCheck must be a boolean, got ${describe(o.crossCheck)}`);
  if (threads !== 1 && threads !== 2) rangeError(fn, `threads must be 1 or 2, got ${describe(o.threads)}`);
  if (backend === 'reference') {
    if (o.simd !== undefined) rangeError(fn, "simd applies to the 'wasm' backend only");
    if (threads !== 1) rangeError(fn, "threads applies to the 'wasm' backend only");
    if (o.crossCheck) rangeError(fn, "crossCheck compares the 'wasm' backend with the reference: it needs backend 'wasm'");
    return xentOn(createReferenceBackend());
  }
  const relaxed = relaxedSimdSupported();
  if (simd === 'relaxed' && !relaxed) {
    rangeError(fn, 'this engine does not support relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)');
  }
  const flavor = simd === 'plain' || !relaxed ? 'plain' : 'relaxed';
  if (threads === 2) {
    const why = threadsUnavailable();
    if (why) rangeError(fn, `threads: 2 cannot run here: ${why}`);
  }
  const be = await createWasmBackend(flavor, threads);
  return xentOn(o.crossCheck === true ? crossCheckBackend(be, createReferenceBackend()) : be, flavor, threads);
}
