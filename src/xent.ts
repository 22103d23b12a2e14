// The Xent object: the public API over one backend. Each method validates its arguments, then runs
// kernels on this instance's backend only (no state is shared between instances).
import { logSoftmax, sigmoid, softmax } from './activations.js';
import type { Backend } from './backend/backend.js';
import { crossCheckBackend } from './backend/crosscheck.js';
import { createReferenceBackend } from './backend/reference/index.js';
import { calibrateGemm, chooseFit, chooseTile, fitTiles, GEMM_TILES, tileOf, tileRows, type GemmTile } from './backend/calibrate.js';
import { createWasmBackend, relaxedSimdSupported, threadsUnavailable, type WasmBackend } from './backend/wasm.js';
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
import { describeXent, inspectSymbol } from './inspect.js';
import { fromONNX } from './interop/onnx-read.js';
import { fromSafetensors, type SafetensorsOptions } from './interop/safetensors-read.js';
import type { Batch, Elementwise, Input, Like, Packed, PerRow, Product } from './tensor.js';

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
  /**
   * The packed GEMM's micro-kernel tile (wasm backend), rows × columns of C per pass: 'auto' (default)
   * takes the build's own ('4x8' plain SIMD, '6x8' relaxed) unless a short calibration, run once per
   * process and build (≤ 20 ms, src/backend/calibrate.ts), finds another faster by more than 4%; '4x8',
   * '5x8' or '6x8' force one. Every tile gives the same results to the bit; only speed differs
   * (docs/performance.md, "Kernel selection"). `xent.kernels` tells what was chosen.
   */
  gemm?: 'auto' | GemmTile;
}

/**
 * The kernels an instance runs (`xent.kernels`; null on the reference backend, which has none).
 * `gemm` is the GEMM tile in use (read back from the WASM instance); `gemmFit` the tiles a product runs
 * instead where they pad fewer of its rows (auto: those calibrated within 4%); `gemmChoice` says whether it was
 * forced (createXent({ gemm: '5x8' })) or chosen by 'auto'; `calibration` is what 'auto' measured, in
 * GFLOP/s per tile (the best of its rounds on a (60,256,512) product), null when the tile was forced.
 */
export interface XentKernels {
  readonly gemm: GemmTile;
  /** Tiles a product runs instead of `gemm` where they pad fewer of its rows ('auto' only; [] when forced). */
  readonly gemmFit: readonly GemmTile[];
  readonly gemmChoice: 'auto' | 'forced';
  readonly calibration: Readonly<Record<GemmTile, number>> | null;
}

/** A loss value: a number when reduced, else per-element or per-row values in the caller's layout. */
export type LossValue = number | number[] | number[][] | Float64Array | Packed<Float64Array>;
/** A gradient, in the layout (and float type) of the input it is taken with respect to. */
export type Gradient = number[] | number[][] | Float32Array | Float64Array | Packed;
/** An activation result, in the input's layout and float type. */
export type Activation = Gradient;
/** A value per row: a number for a vector input. */
export type RowValues = number | number[] | Float64Array;

/** The value of a loss called with options O: a number when reduced ('mean' by default, or 'sum'), `Rows` with reduction 'none'. */
export type Reduced<O, Rows> = O extends undefined ? number
  : O extends { reduction: 'none' } ? Rows
  : O extends { reduction: 'mean' | 'sum' } ? number
  : 'reduction' extends keyof O ? number | Rows
  : number;
/** Unreduced binary cross-entropy of predictions T: per element, or per row under compat 'keras' (Keras' mean over the last axis). */
export type BinaryRows<T, O> = O extends { compat: 'keras' } ? PerRow<T>
  : O extends { compat: 'xent' | 'torch' | 'sklearn' } ? Elementwise<T>
  : 'compat' extends keyof O ? PerRow<T> | Elementwise<T>
  : Elementwise<T>;
/** Unreduced log loss: one value per example (number[], or a Float64Array for { data, shape } predictions). */
export type LogLossRows<T> = T extends Packed ? Float64Array : number[];
/** Labels of logLoss (numbers or strings, as scikit-learn takes them). */
export type LogLossLabels = readonly (number | string)[] | ArrayLike<number>;

/** Gradients of every loss and information measure, with the same arguments as the value, in the layout and float type of the input they are taken with respect to. */
export interface XentGrad {
  /** ∂H(p)/∂p. */
  entropy<T extends Input>(p: T, options?: InfoOptions): Like<T>;
  /** ∂H(p, q)/∂q. */
  crossEntropy<T extends Input>(p: Input, q: T, options?: InfoOptions): Like<T>;
  /** ∂D(p‖q)/∂q. */
  klDivergence<T extends Input>(p: Input, q: T, options?: InfoOptions): Like<T>;
  /** ∂BCE/∂predictions (∂/∂logits with fromLogits). */
  binaryCrossEntropy<T extends Input>(predictions: T, targets: Input, options?: BinaryOptions): Like<T>;
  /** ∂CE/∂predictions (∂/∂logits with fromLogits: softmax(z) − y). */
  categoricalCrossEntropy<T extends Input>(predictions: T, targets: Input, options?: CategoricalOptions): Like<T>;
  /** ∂CE/∂predictions with integer labels. */
  sparseCategoricalCrossEntropy<T extends Input>(predictions: T, labels: Labels, options?: SparseOptions): Like<T>;
  /** ∂(½‖a − y‖²)/∂a. */
  quadraticCost<T extends Input>(predictions: T, targets: Input, options?: QuadraticOptions): Like<T>;
  /** ∂logLoss/∂yPred. */
  logLoss<T extends Input>(yTrue: LogLossLabels, yPred: T, options?: LogLossOptions): Like<T>;
}

/** A loss value and its gradient, computed in one kernel pass. */
export interface ValueAndGrad<V, G = Gradient> {
  value: V;
  grad: G;
}

/** Value and gradient of every loss together (one pass, one copy in): what a training loop needs. */
export interface XentValueAndGrad {
  /** Binary cross-entropy and its gradient. */
  binaryCrossEntropy<T extends Input, O extends BinaryOptions | undefined = undefined>(predictions: T, targets: Input, options?: O): ValueAndGrad<Reduced<O, BinaryRows<T, O>>, Like<T>>;
  /** Categorical cross-entropy and its gradient. */
  categoricalCrossEntropy<T extends Input, O extends CategoricalOptions | undefined = undefined>(predictions: T, targets: Input, options?: O): ValueAndGrad<Reduced<O, PerRow<T>>, Like<T>>;
  /** Sparse categorical cross-entropy and its gradient. */
  sparseCategoricalCrossEntropy<T extends Input, O extends SparseOptions | undefined = undefined>(predictions: T, labels: Labels, options?: O): ValueAndGrad<Reduced<O, PerRow<T>>, Like<T>>;
  /** Quadratic cost and its gradient. */
  quadraticCost<T extends Input, O extends QuadraticOptions | undefined = undefined>(predictions: T, targets: Input, options?: O): ValueAndGrad<Reduced<O, PerRow<T>>, Like<T>>;
  /** scikit-learn's log_loss and its gradient. */
  logLoss<T extends Input, O extends LogLossOptions | undefined = undefined>(yTrue: LogLossLabels, yPred: T, options?: O): ValueAndGrad<Reduced<O, LogLossRows<T>>, Like<T>>;
}

/** The xent API on one backend. */
export interface Xent {
  /** 'wasm' or 'reference'. */
  readonly backend: 'wasm' | 'reference';
  /** The WASM build in use ('plain' or 'relaxed' SIMD); null on the reference backend. */
  readonly simd: 'plain' | 'relaxed' | null;
  /** Threads the kernels run on (1, or 2 with createXent({ threads: 2 })). */
  readonly threads: 1 | 2;
  /** The GEMM tile the instance runs and how it was chosen (see XentKernels); null on the reference backend. */
  readonly kernels: XentKernels | null;
  /** Entropy H(p) = −Σ p log p: a number for a vector, one value per row for a batch. */
  entropy<T extends Input>(p: T, options?: InfoOptions): PerRow<T>;
  /** Cross-entropy H(p, q) = −Σ p log q, per row of p. */
  crossEntropy<T extends Input>(p: T, q: Input, options?: InfoOptions): PerRow<T>;
  /** KL divergence D(p‖q) = Σ p log(p/q), per row of p. */
  klDivergence<T extends Input>(p: T, q: Input, options?: InfoOptions): PerRow<T>;
  /** Perplexity e^H(p, q) (or e^H(p) without q), per row of p. */
  perplexity<T extends Input>(p: T, q?: Input, options?: InfoOptions): PerRow<T>;
  /** Perplexity e^H(p) of p's own entropy. */
  perplexity<T extends Input>(p: T, options?: InfoOptions): PerRow<T>;
  /** σ(z) element-wise, in z's layout and float type. */
  sigmoid<T extends Input>(z: T): Like<T>;
  /** Row-wise softmax (max subtracted), in z's layout and float type. */
  softmax<T extends Input>(z: T): Like<T>;
  /** Row-wise log-softmax, in z's layout and float type. */
  logSoftmax<T extends Input>(z: T): Like<T>;
  /** Binary cross-entropy on probabilities or logits: a number, or per element with reduction 'none'. */
  binaryCrossEntropy<T extends Input, O extends BinaryOptions | undefined = undefined>(predictions: T, targets: Input, options?: O): Reduced<O, BinaryRows<T, O>>;
  /** Categorical cross-entropy against one-hot or soft targets: a number, or per row with reduction 'none'. */
  categoricalCrossEntropy<T extends Input, O extends CategoricalOptions | undefined = undefined>(predictions: T, targets: Input, options?: O): Reduced<O, PerRow<T>>;
  /** Categorical cross-entropy against integer labels: a number, or per row with reduction 'none'. */
  sparseCategoricalCrossEntropy<T extends Input, O extends SparseOptions | undefined = undefined>(predictions: T, labels: Labels, options?: O): Reduced<O, PerRow<T>>;
  /** Quadratic cost ½‖a − y‖²: a number, or per row with reduction 'none'. */
  quadraticCost<T extends Input, O extends QuadraticOptions | undefined = undefined>(predictions: T, targets: Input, options?: O): Reduced<O, PerRow<T>>;
  /** scikit-learn's log_loss(yTrue, yPred): a number, or per example with reduction 'none'. */
  logLoss<T extends Input, O extends LogLossOptions | undefined = undefined>(yTrue: LogLossLabels, yPred: T, options?: O): Reduced<O, LogLossRows<T>>;
  /** Gradients of every loss, with the same arguments. */
  readonly grad: XentGrad;
  /** Value and gradient of every loss from one pass. */
  readonly valueAndGrad: XentValueAndGrad;
  /** C = op(A)·op(B) in float32: number[][] for a number[][] `a`, { data: Float32Array, shape } for a packed one. */
  matmul<A extends Batch>(a: A, b: Batch, options?: MatmulOptions): Product<A>;
  /** A new multilayer perceptron with seeded weights, e.g. network([784, 30, 10], { cost: 'cross-entropy' }). */
  network(sizes: number[], options?: NetworkOptions): Network;
  /** A network from network2.py's JSON format (text or object). */
  loadNetwork(json: string | NetworkJSON): Network;
  /** A network from ONNX model bytes: a chain of Gemm (or MatMul + Add) and Sigmoid / Tanh / Relu / Softmax, as net.toONNX() or PyTorch write it. */
  fromONNX(bytes: Uint8Array | ArrayBuffer): Network;
  /** A network from safetensors bytes (an nn.Sequential state dict); options give the architecture a file without xent's metadata lacks. */
  fromSafetensors(bytes: Uint8Array | ArrayBuffer, options?: SafetensorsOptions): Network;
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
export function xentOn(be: Backend, simd: 'plain' | 'relaxed' | null = null, threads: 1 | 2 = 1, kernels: XentKernels | null = null): Xent {
  // The front-end functions validate and shape their results at run time (tensor.ts like/perRow), so
  // each returns `unknown`; the casts below state the layout those functions produce for each input type.
  const grad = {
    entropy: <T extends Input>(p: T, o?: InfoOptions) => entropyGrad(be, p, o) as Like<T>,
    crossEntropy: <T extends Input>(p: Input, q: T, o?: InfoOptions) => crossEntropyGrad(be, p, q, o) as Like<T>,
    klDivergence: <T extends Input>(p: Input, q: T, o?: InfoOptions) => klDivergenceGrad(be, p, q, o) as Like<T>,
    binaryCrossEntropy: <T extends Input>(a: T, y: Input, o?: BinaryOptions) => binaryCrossEntropyGrad(be, a, y, o) as Like<T>,
    categoricalCrossEntropy: <T extends Input>(a: T, y: Input, o?: CategoricalOptions) => categoricalCrossEntropyGrad(be, a, y, o) as Like<T>,
    sparseCategoricalCrossEntropy: <T extends Input>(a: T, y: Labels, o?: SparseOptions) => sparseCategoricalCrossEntropyGrad(be, a, y, o) as Like<T>,
    quadraticCost: <T extends Input>(a: T, y: Input, o?: QuadraticOptions) => quadraticCostGrad(be, a, y, o) as Like<T>,
    logLoss: <T extends Input>(y: LogLossLabels, a: T, o?: LogLossOptions) => logLossGrad(be, y, a, o) as Like<T>,
  } satisfies XentGrad;
  const valueAndGrad = {
    binaryCrossEntropy: <T extends Input, O extends BinaryOptions | undefined = undefined>(a: T, y: Input, o?: O) =>
      binaryCrossEntropyValueAndGrad(be, a, y, o) as ValueAndGrad<Reduced<O, BinaryRows<T, O>>, Like<T>>,
    categoricalCrossEntropy: <T extends Input, O extends CategoricalOptions | undefined = undefined>(a: T, y: Input, o?: O) =>
      categoricalCrossEntropyValueAndGrad(be, a, y, o) as ValueAndGrad<Reduced<O, PerRow<T>>, Like<T>>,
    sparseCategoricalCrossEntropy: <T extends Input, O extends SparseOptions | undefined = undefined>(a: T, y: Labels, o?: O) =>
      sparseCategoricalCrossEntropyValueAndGrad(be, a, y, o) as ValueAndGrad<Reduced<O, PerRow<T>>, Like<T>>,
    quadraticCost: <T extends Input, O extends QuadraticOptions | undefined = undefined>(a: T, y: Input, o?: O) =>
      quadraticCostValueAndGrad(be, a, y, o) as ValueAndGrad<Reduced<O, PerRow<T>>, Like<T>>,
    logLoss: <T extends Input, O extends LogLossOptions | undefined = undefined>(y: LogLossLabels, a: T, o?: O) =>
      logLossValueAndGrad(be, y, a, o) as ValueAndGrad<Reduced<O, LogLossRows<T>>, Like<T>>,
  } satisfies XentValueAndGrad;
  const api = {
    backend: be.name,
    simd,
    threads,
    kernels,
    entropy: <T extends Input>(p: T, o?: InfoOptions) => entropy(be, p, o) as PerRow<T>,
    crossEntropy: <T extends Input>(p: T, q: Input, o?: InfoOptions) => crossEntropy(be, p, q, o) as PerRow<T>,
    klDivergence: <T extends Input>(p: T, q: Input, o?: InfoOptions) => klDivergence(be, p, q, o) as PerRow<T>,
    perplexity: <T extends Input>(p: T, q?: Input | InfoOptions, o?: InfoOptions) => perplexity(be, p, q, o) as PerRow<T>,
    sigmoid: <T extends Input>(z: T) => sigmoid(be, z) as Like<T>,
    softmax: <T extends Input>(z: T) => softmax(be, z) as Like<T>,
    logSoftmax: <T extends Input>(z: T) => logSoftmax(be, z) as Like<T>,
    binaryCrossEntropy: <T extends Input, O extends BinaryOptions | undefined = undefined>(a: T, y: Input, o?: O) =>
      binaryCrossEntropy(be, a, y, o) as Reduced<O, BinaryRows<T, O>>,
    categoricalCrossEntropy: <T extends Input, O extends CategoricalOptions | undefined = undefined>(a: T, y: Input, o?: O) =>
      categoricalCrossEntropy(be, a, y, o) as Reduced<O, PerRow<T>>,
    sparseCategoricalCrossEntropy: <T extends Input, O extends SparseOptions | undefined = undefined>(a: T, y: Labels, o?: O) =>
      sparseCategoricalCrossEntropy(be, a, y, o) as Reduced<O, PerRow<T>>,
    quadraticCost: <T extends Input, O extends QuadraticOptions | undefined = undefined>(a: T, y: Input, o?: O) =>
      quadraticCost(be, a, y, o) as Reduced<O, PerRow<T>>,
    logLoss: <T extends Input, O extends LogLossOptions | undefined = undefined>(y: LogLossLabels, a: T, o?: O) =>
      logLoss(be, y, a, o) as Reduced<O, LogLossRows<T>>,
    grad,
    valueAndGrad,
    matmul: <A extends Batch>(a: A, b: Batch, o?: MatmulOptions) => matmul(be, a, b, o) as Product<A>,
    network: (sizes: number[], o?: NetworkOptions) => Network.create(be, sizes, o),
    loadNetwork: (json: string | NetworkJSON) => fromJSON(be, json),
    fromONNX: (bytes: Uint8Array | ArrayBuffer) => fromONNX(be, bytes),
    fromSafetensors: (bytes: Uint8Array | ArrayBuffer, o?: SafetensorsOptions) => fromSafetensors(be, bytes, o),
    loadCheckpoint: (checkpoint: string | Checkpoint) => loadCheckpoint(be, checkpoint),
    liveBytes: () => be.liveBytes(),
    dispose: () => {
      if (!be.disposed) be.dispose();
    },
  } satisfies Xent;
  // util.inspect / console.log show one line, not the closures (non-enumerable: not part of the API).
  Object.defineProperty(api, inspectSymbol, { value: () => describeXent(be.name, simd, threads, kernels?.gemm) });
  guard(api, be, '');
  return api;
}

/** Creates an xent instance on the WASM backend (default) or the reference backend. */
export async function createXent(options?: XentOptions): Promise<Xent> {
  const fn = 'createXent';
  const o = checkOptions(fn, options, ['backend', 'simd', 'threads', 'crossCheck', 'gemm']);
  const backend = checkChoice(fn, 'backend', o.backend, ['wasm', 'reference'] as const, 'wasm');
  const simd = checkChoice(fn, 'simd', o.simd, ['auto', 'plain', 'relaxed'] as const, 'auto');
  const gemm = checkChoice(fn, 'gemm', o.gemm, ['auto', ...GEMM_TILES] as const, 'auto');
  const threads = o.threads ?? 1;
  if (o.crossCheck !== undefined && typeof o.crossCheck !== 'boolean') typeError(fn, `crossCheck must be a boolean, got ${describe(o.crossCheck)}`);
  if (threads !== 1 && threads !== 2) rangeError(fn, `threads must be 1 or 2, got ${describe(o.threads)}`);
  if (backend === 'reference') {
    if (o.simd !== undefined) rangeError(fn, "simd applies to the 'wasm' backend only");
    if (threads !== 1) rangeError(fn, "threads applies to the 'wasm' backend only");
    if (o.gemm !== undefined) rangeError(fn, "gemm applies to the 'wasm' backend only");
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
  // The tile: forced, or what the (cached) calibration of this build chooses.
  const calibration = gemm === 'auto' ? await calibrateGemm(flavor) : null;
  const tile = calibration ? chooseTile(calibration) : (gemm as GemmTile);
  const fit = calibration ? chooseFit(calibration, tile) : 0;
  const be: WasmBackend = await createWasmBackend(flavor, threads, tileRows(tile), fit);
  const kernels: XentKernels = Object.freeze({
    gemm: tileOf(be.gemmTileRows),
    gemmFit: Object.freeze(fitTiles(be.gemmFitMask)),
    gemmChoice: gemm === 'auto' ? 'auto' as const : 'forced' as const,
    calibration: calibration ? calibration.gflops : null,
  });
  return xentOn(o.crossCheck === true ? crossCheckBackend(be, createReferenceBackend()) : be, flavor, threads, kernels);
}
