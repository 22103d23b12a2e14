// The backend contract: one method per kernel, typed arrays in and out, the same arguments and
// semantics as the AssemblyScript kernels in assembly/. `null` marks an absent optional array.
// Callers (src/*.ts) validate everything first: backends trust their inputs.

/** A float array a kernel reads or writes. */
export type Floats = Float32Array | Float64Array;

/** Element types of backend-resident arrays. */
export type DeviceType = 'f32' | 'i32' | 'u8' | 'u32';
/** The host typed array of a device type. */
export type HostArray = Float32Array | Int32Array | Uint8Array | Uint32Array;

/**
 * An array that lives in the backend's memory (WASM linear memory, or a plain typed array for the
 * reference backend), so training data and weights stay put between kernel calls.
 */
export interface DeviceArray {
  readonly type: DeviceType;
  readonly length: number;
  /** Copies `src` in, starting at element `offset`. */
  write(src: ArrayLike<number>, offset?: number): void;
  /** A copy of elements [start, end). */
  read(start?: number, end?: number): HostArray;
  /** Returns the memory to the backend; the array must not be used afterwards. */
  free(): void;
}

/**
 * The hyper-parameters and sizes of a networkTrain call: the fields of the training-configuration record
 * (src/backend/contract.ts; the WASM backend writes them there through src/backend/config.ts).
 */
export interface TrainConfig {
  /** Learning rate η. */
  eta: number;
  /** Regularisation strength λ. */
  lambda: number;
  /** Training-set size of the decay λ/n. */
  n: number;
  momentum: number;
  dropout: number;
  /** Label smoothing s and the offset c of the smoothed target y·(1 − s) + c. */
  smoothing: number;
  smoothOffset: number;
  /** Target value of the units that are not the label's class (0, or −1 for tanh outputs). */
  cold: number;
  /** OPT_* and REG_* codes of the contract. */
  optimizer: number;
  regularization: number;
  batchSize: number;
  /** Rows of the work memory. */
  cap: number;
  /** Examples stored; with augmentation (shift > 0) the order indexes 5 × stored. */
  stored: number;
  shift: number;
  width: number;
  height: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** The device arrays a networkTrain call reads and writes (null: absent). */
export interface TrainArrays {
  desc: DeviceArray;
  params: DeviceArray;
  /** Optimiser state (f32 slots; the first holds the step count t as a u32). */
  state: DeviceArray;
  work: DeviceArray;
  inputs: DeviceArray;
  labels: DeviceArray | null;
  targets: DeviceArray | null;
  classWeights: DeviceArray | null;
  /** The epoch's order of examples (i32). */
  order: DeviceArray;
  /** The dropout generator's xorshift32 state (u32, non-zero). */
  rng: DeviceArray;
}

/** The operations every backend implements (reference: plain TypeScript; wasm: SIMD WebAssembly). */
export interface Backend {
  readonly name: 'wasm' | 'reference';
  /** out[i] = σ(x[i]); f32 in → f32 arithmetic. */
  sigmoid(x: Floats, out: Floats): void;
  /** Row-wise softmax (log = false) or log-softmax (log = true). */
  softmax(x: Floats, out: Floats, rows: number, cols: number, log: boolean): void;
  /** Binary cross-entropy on probabilities, per element (assembly/losses.ts bceProb). */
  bceProb(a: Float64Array, y: Float64Array, w: Float64Array | null, pw: Float64Array | null,
    out: Float64Array | null, grad: Float64Array | null, cols: number, mode: number, eps: number,
    smoothing: number, gradScale: number): void;
  /** Binary cross-entropy on logits, per element (assembly/losses.ts bceLogits). */
  bceLogits(z: Float64Array, y: Float64Array, w: Float64Array | null, pw: Float64Array | null,
    out: Float64Array | null, grad: Float64Array | null, cols: number, smoothing: number,
    gradScale: number): void;
  /** Categorical cross-entropy per row, dense targets y or integer labels (assembly/losses.ts cce). */
  cce(x: Float64Array, y: Float64Array | null, labels: Int32Array | null, cw: Float64Array | null,
    sw: Float64Array | null, out: Float64Array | null, grad: Float64Array | null, rows: number,
    cols: number, ignoreIndex: number, mode: number, eps: number, smoothing: number, gradScale: number): void;
  /** Quadratic cost per row (assembly/losses.ts quadratic). */
  quadratic(a: Float64Array, y: Float64Array, sw: Float64Array | null, out: Float64Array | null,
    grad: Float64Array | null, rows: number, cols: number, gradScale: number): void;
  /** Entropy per row and its gradient (assembly/info.ts entropyRows). */
  entropyRows(p: Float64Array, out: Float64Array | null, grad: Float64Array | null, rows: number, cols: number): void;
  /** Cross-entropy (kind 0) or KL divergence (kind 1) per row, gradient w.r.t. q (assembly/info.ts crossRows). */
  crossRows(p: Float64Array, q: Float64Array, out: Float64Array | null, grad: Float64Array | null,
    rows: number, cols: number, kind: number): void;
  /** C (m×n) = op(A)·op(B), f32, row-major (assembly/matmul.ts matmulF32). */
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
    transA: boolean, transB: boolean): void;
  /** C = β·C + α·op(A)·op(B), f32 (assembly/matmul.ts gemmF32); β = 0 never reads C. */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
    transA: boolean, transB: boolean, alpha: number, beta: number): void;
  /** A zero-filled backend-resident array. */
  alloc(type: DeviceType, length: number): DeviceArray;
  /** A backend-resident copy of `src` (alloc + write without the zero fill). */
  upload(type: DeviceType, src: ArrayLike<number>): DeviceArray;
  /**
   * A u8 array of the bytes b with x[i] = b[i]/255 exactly as float32 (src/data/dataset.ts exactBytes), or
   * null, holding nothing, when a value is no such quotient (−0, NaN, ±∞ and values outside [0, 1] are not).
   */
  uploadExactBytes(x: Float32Array): DeviceArray | null;
  /** Work memory for the network kernels with batches of up to `cap` rows (desc: i32, see assembly/network.ts). */
  networkWork(desc: DeviceArray, cap: number): DeviceArray;
  /** Output pre-activations z_L of `count` examples, inputs f32 or u8 bytes = byte/255 (assembly/network.ts). */
  networkForward(desc: DeviceArray, params: DeviceArray, work: DeviceArray, cap: number, inputs: DeviceArray,
    count: number, outZ: DeviceArray): void;
  /**
   * networkForward of host inputs (count × s_0), copied into the work memory a chunk of `cap` rows at a
   * time and checked there by the kernel: returns the index of the first value that is not finite (outZ
   * is then incomplete), else −1. What predict uses: no device copy of the whole input, no host scan.
   */
  networkForwardHost(desc: DeviceArray, params: DeviceArray, work: DeviceArray, cap: number, inputs: Float32Array,
    count: number, outZ: DeviceArray): number;
  /** Bytes of optimiser state (a header, then the optimiser's arrays) for this network and configuration. */
  optimizerStateBytes(desc: DeviceArray, config: TrainConfig): number;
  /**
   * Mini-batches over order[from..to): forward, output error, backprop and the optimiser's step, in place
   * on params and state (assembly/network.ts networkTrain). Returns TRAIN_FINITE, or the index of the
   * mini-batch (from 0, counted from `from`) after which a non-finite value was seen (training stops there).
   */
  networkTrain(arrays: TrainArrays, config: TrainConfig, from: number, to: number): number;
  /** Bytes of backend memory currently held (0 for the reference backend). */
  liveBytes(): number;
  /** Whether dispose() has been called (every public method then throws). */
  readonly disposed: boolean;
  /** Releases the backend's memory; the backend must not be used afterwards. */
  dispose(): void;
}
