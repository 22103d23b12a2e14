// A multilayer perceptron whose weights live in its backend's memory (Nielsen's network2.py, extended).
// Evaluation runs the forward kernel to the output pre-activations z_L and computes costs from them
// with the exact loss kernels, so a saturated sigmoid never produces log(0).
import type { Backend, DeviceArray, TrainConfig } from '../backend/backend.js';
import {
  ACT_RELU, ACT_SIGMOID, ACT_TANH, COST_CROSS_ENTROPY, COST_LOG_LIKELIHOOD, COST_QUADRATIC, OPT_GRADIENT,
  STATE_HEADER_BYTES, TRAIN_FINITE,
} from '../backend/contract.js';
import { trainConfig } from '../backend/config.js';
import { checkDataset, checkFiniteInputs, type Dataset } from '../data/dataset.js';
import { checkChoice, checkNumber, checkOptions, rangeError, typeError } from '../errors.js';
import { describeNetworkLine, inspectSymbol } from '../inspect.js';
import { toONNX, type OnnxExportOptions } from '../interop/onnx.js';
import { toSafetensors } from '../interop/safetensors.js';
import { parse, like, allFinite, checkFinite, notFinite, type Input, type Prediction } from '../tensor.js';
import { checkpointOf, type Checkpoint } from './checkpoint.js';
import { accuracyOf, classes, costOf, penalty } from './evaluate.js';
import { toJSON, type NetworkJSON } from './format.js';
import { gradientCheck, type GradientCheckOptions, type GradientCheckResult } from './gradcheck.js';
import { OUTPUTS, type CostName, type OutputName } from './outputs.js';
import { gaussianSource, uniformSource } from './random.js';
import { Run } from './run.js';
import { train, type TrainingHistory, type TrainOptions } from './train.js';

export type { CostName, OutputName } from './outputs.js';
/** Hidden-layer activation. */
export type HiddenActivation = 'sigmoid' | 'tanh' | 'relu';

/** Options of xent.network(sizes, options). */
export interface NetworkOptions {
  /** 'cross-entropy' (default; sigmoid or tanh output), 'quadratic' (sigmoid or tanh output), 'log-likelihood' (softmax output). */
  cost?: CostName;
  /** 'sigmoid', 'softmax' or 'tanh' (targets in [−1, 1]); defaults to the cost's natural output. */
  output?: OutputName;
  /** Hidden units: 'sigmoid' (default, as in the book), 'tanh' or 'relu'. */
  hidden?: HiddenActivation;
  /** 'default': weights ~ N(0, 1/n_in); 'large': N(0, 1). Biases ~ N(0, 1) in both. */
  init?: 'default' | 'large';
  /** Seed of the initial weights (and the default seed of training's shuffles). Default 1. */
  seed?: number;
}

const HIDDEN: Record<HiddenActivation, number> = { sigmoid: ACT_SIGMOID, tanh: ACT_TANH, relu: ACT_RELU };
const COST: Record<CostName, number> = { 'cross-entropy': COST_CROSS_ENTROPY, quadratic: COST_QUADRATIC, 'log-likelihood': COST_LOG_LIKELIHOOD };
/** Rows per batch of the gradient kernel (meanGradient). */
const GRADIENT_CHUNK = 256;
/** Rows per forward chunk when evaluating. */
const EVAL_CHUNK = 256;

/** Data already copied into a backend's memory. */
export interface DeviceData {
  inputs: DeviceArray;
  labels: DeviceArray | null;
  targets: DeviceArray | null;
  count: number;
}

/** The resolved architecture of a network. */
export interface Architecture {
  sizes: number[];
  cost: CostName;
  output: OutputName;
  hidden: HiddenActivation;
}

/** The most parameters a network may have, 2²⁸ (1 GiB of float32): checked before anything is allocated. */
export const MAX_PARAMS = 2 ** 28;

/** Checks sizes and the cost/output pairing; returns the architecture. */
export function architecture(fn: string, sizes: unknown, o: NetworkOptions): Architecture {
  if (!Array.isArray(sizes) || sizes.length < 2) typeError(fn, `sizes must be an array of at least 2 layer sizes, got ${JSON.stringify(sizes)}`);
  for (let i = 0; i < sizes.length; i++) {
    const s: unknown = sizes[i];
    if (typeof s !== 'number' || !Number.isInteger(s) || s < 1 || s > 1 << 20) {
      rangeError(fn, `sizes[${i}] must be a positive integer, got ${JSON.stringify(s)}`);
    }
  }
  const params = paramCount(sizes as number[]);
  if (params > MAX_PARAMS) rangeError(fn, `sizes ${JSON.stringify(sizes)} need ${params} parameters, more than the ${MAX_PARAMS} (1 GiB of float32) a network may hold`);
  const cost = checkChoice(fn, 'cost', o.cost, ['cross-entropy', 'quadratic', 'log-likelihood'] as const, 'cross-entropy');
  const outputs = Object.keys(OUTPUTS) as OutputName[];
  const output = checkChoice(fn, 'output', o.output, outputs, outputs.find((k) => OUTPUTS[k].costs.includes(cost))!);
  const hidden = checkChoice(fn, 'hidden', o.hidden, ['sigmoid', 'tanh', 'relu'] as const, 'sigmoid');
  if (!OUTPUTS[output].costs.includes(cost)) {
    const fits = outputs.filter((k) => OUTPUTS[k].costs.includes(cost)).map((k) => `'${k}'`).join(' or ');
    rangeError(fn, `cost '${cost}' needs output ${fits}, got output '${output}'`);
  }
  return { sizes: sizes.slice() as number[], cost, output, hidden };
}

/** Float count of W_l and b_l for every layer, in the kernels' order. */
export function paramCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < sizes.length; l++) n += sizes[l]! * sizes[l - 1]! + sizes[l]!;
  return n;
}

/** Flat parameters (W_1, b_1, W_2, b_2, …) as weight matrices (rows = neurons) and bias vectors. */
export function splitParameters(sizes: readonly number[], p: Float32Array): { weights: number[][][]; biases: number[][] } {
  const weights: number[][][] = [];
  const biases: number[][] = [];
  let off = 0;
  for (let l = 1; l < sizes.length; l++) {
    const s = sizes[l]!;
    const nIn = sizes[l - 1]!;
    const w: number[][] = [];
    for (let j = 0; j < s; j++) w.push(Array.from(p.subarray(off + j * nIn, off + (j + 1) * nIn)));
    off += s * nIn;
    weights.push(w);
    biases.push(Array.from(p.subarray(off, off + s)));
    off += s;
  }
  return { weights, biases };
}

/** A trained or trainable multilayer perceptron. */
export class Network {
  readonly sizes: readonly number[];
  readonly cost: CostName;
  readonly output: OutputName;
  readonly hidden: HiddenActivation;
  readonly seed: number;
  /** @internal */ readonly desc: DeviceArray;
  /** @internal */ readonly params: DeviceArray;
  /** @internal What continues between train() calls. */
  readonly run = new Run();
  /** @internal */ disposed = false;
  private training = false;

  /** @internal Use xent.network() or xent.loadNetwork(). */
  constructor(readonly backend: Backend, arch: Architecture, seed: number, params: Float32Array) {
    this.sizes = Object.freeze(arch.sizes.slice());
    this.cost = arch.cost;
    this.output = arch.output;
    this.hidden = arch.hidden;
    this.seed = seed;
    const L = arch.sizes.length - 1;
    this.desc = backend.alloc('i32', 5 + L);
    this.desc.write([L, HIDDEN[arch.hidden], OUTPUTS[arch.output].act, COST[arch.cost], ...arch.sizes]);
    try {
      this.params = backend.alloc('f32', paramCount(arch.sizes));
    } catch (e) {
      this.desc.free(); // a failed allocation frees what this call allocated
      throw e;
    }
    this.params.write(params);
  }

  /** Creates a network with seeded Gaussian weights. */
  static create(backend: Backend, sizes: unknown, options?: NetworkOptions): Network {
    const fn = 'network';
    const o = checkOptions(fn, options, ['cost', 'output', 'hidden', 'init', 'seed']);
    const arch = architecture(fn, sizes, o);
    const init = checkChoice(fn, 'init', o.init, ['default', 'large'] as const, 'default');
    const seed = o.seed === undefined ? 1 : checkNumber(fn, 'seed', o.seed, { integer: true, min: 0, max: 2 ** 32 - 1 });
    const gauss = gaussianSource(uniformSource(seed));
    const params = new Float32Array(paramCount(arch.sizes));
    let off = 0;
    for (let l = 1; l < arch.sizes.length; l++) {
      const nIn = arch.sizes[l - 1]!;
      const s = arch.sizes[l]!;
      const std = init === 'default' ? 1 / Math.sqrt(nIn) : 1;
      for (let i = 0; i < s * nIn; i++) params[off++] = gauss() * std;
      for (let i = 0; i < s; i++) params[off++] = gauss();
    }
    return new Network(backend, arch, seed, params);
  }

  /** @internal Throws if disposed. */
  live(fn: string): void {
    if (this.disposed || this.backend.disposed) rangeError(fn, this.backend.disposed ? 'xent: this instance was disposed' : 'this network was disposed');
  }

  /** @internal Marks the network as training (one train() at a time); returns the release. */
  claim(fn: string): () => void {
    if (this.training) rangeError(fn, 'this network is already training (await the running train() first)');
    this.training = true;
    return () => {
      this.training = false;
    };
  }

  /**
   * @internal Checks a dataset against the network's input size, outputs and target range — all but the
   * finiteness of float32 inputs, which uploadChecked(d, fn, name) checks: inputs that convert to bytes
   * are finite, so MNIST-like data is scanned once, not twice (70 ms of train()'s setup on MNIST).
   */
  check(fn: string, name: string, data: unknown): Dataset {
    return checkDataset(fn, name, data, this.sizes[0], this.sizes[this.sizes.length - 1], OUTPUTS[this.output].cold, false);
  }

  /** Epochs done in the network's run (they continue across train() calls and checkpoints). */
  get epoch(): number {
    return this.run.epoch;
  }

  /** @internal The optimiser state buffer for `key` (kept while the key stays; a new one is zeroed). */
  optimizerState(key: string, config: TrainConfig): DeviceArray {
    const run = this.run;
    if (run.optimizer?.key !== key) {
      run.resetOptimizer();
      run.optimizer = { key, state: this.backend.alloc('f32', this.backend.optimizerStateBytes(this.desc, config) / 4) };
    }
    return run.optimizer.state;
  }

  /** Forgets the optimiser's state (velocities, moments, step count): the next train() starts it afresh. */
  resetOptimizer(): void {
    this.live('resetOptimizer');
    if (this.training) rangeError('resetOptimizer', 'this network is training');
    this.run.resetOptimizer();
  }

  /** The run as a JSON-serialisable checkpoint; xent.loadCheckpoint(checkpoint) continues it exactly. */
  checkpoint(): Checkpoint {
    this.live('checkpoint');
    return checkpointOf(this);
  }

  /** A copy of the parameters (W_1, b_1, W_2, b_2, … flattened, row-major). */
  parameters(): Float32Array {
    this.live('parameters');
    return this.params.read() as Float32Array;
  }

  /** The weight matrices, one per layer: weights[l][j][k] is from neuron k of layer l to neuron j of layer l+1. */
  weights(): number[][][] {
    return this.unpack().weights;
  }

  /** The bias vectors, one per layer after the input. */
  biases(): number[][] {
    return this.unpack().biases;
  }

  private unpack(): { weights: number[][][]; biases: number[][] } {
    return splitParameters(this.sizes, this.parameters());
  }


  /** Copies a dataset into the backend's memory (checked first, as `check` does). */
  upload(fn: string, name: string, data: unknown): DeviceData {
    return this.uploadChecked(this.check(fn, name, data), fn, name);
  }

  /**
   * @internal upload() of a dataset that check(fn, name, …) has passed; float32 inputs that are not all
   * byte/255 are scanned for ±∞ and NaN here (the RangeError names fn and name).
   */
  uploadChecked(d: Dataset, fn: string, name: string): DeviceData {
    // Bytes stay bytes in the backend too (a quarter of the memory and of the gather's traffic); the
    // kernels convert each example to byte/255 as they read it. Float32 inputs that are all exactly
    // byte/255 (pixels scaled by /255) are stored as those bytes: the same values, to the bit.
    let inputs: DeviceArray;
    if (d.inputs instanceof Uint8Array) {
      inputs = this.backend.upload('u8', d.inputs);
    } else {
      const bytes = this.backend.uploadExactBytes(d.inputs);
      if (!bytes) checkFiniteInputs(fn, name, d.inputs);
      inputs = bytes ?? this.backend.upload('f32', d.inputs);
    }
    let labels: DeviceArray | null = null;
    let targets: DeviceArray | null = null;
    try {
      if (d.labels instanceof Uint8Array) {
        labels = this.backend.upload('u8', d.labels);
      } else {
        targets = this.backend.upload('f32', d.labels);
      }
    } catch (e) {
      inputs.free(); // a failed allocation frees what this call allocated
      throw e;
    }
    return { inputs, labels, targets, count: d.count };
  }

  /** @internal Output pre-activations z_L for device data (count × s_L). */
  logits(data: DeviceData): Float32Array {
    return this.forward(data.count, (work, cap, out) => {
      this.backend.networkForward(this.desc, this.params, work, cap, data.inputs, data.count, out);
    });
  }

  /** z_L of host inputs (count × s_0), which the kernel checks as it reads them: a value that is not finite goes to bad(index). */
  private logitsOfHost(x: Float32Array, count: number, bad: (index: number) => never): Float32Array {
    return this.forward(count, (work, cap, out) => {
      const first = this.backend.networkForwardHost(this.desc, this.params, work, cap, x, count, out);
      if (first >= 0) bad(first);
    });
  }

  /** z_L (count × s_L) as `run` leaves it in `out`, with work memory for chunks of `cap` rows; both freed after. */
  private forward(count: number, run: (work: DeviceArray, cap: number, out: DeviceArray) => void): Float32Array {
    const sL = this.sizes[this.sizes.length - 1]!;
    const cap = Math.max(1, Math.min(EVAL_CHUNK, count));
    const work = this.backend.networkWork(this.desc, cap);
    let out: DeviceArray | null = null; // allocated inside the try: if it fails, work is still freed
    try {
      out = this.backend.alloc('f32', count * sL);
      run(work, cap, out);
      return out.read() as Float32Array;
    } finally {
      work.free();
      out?.free();
    }
  }

  /** Output activations for one input (a vector) or a batch (rows = examples), in the input's layout. */
  predict<T extends Input>(input: T): Prediction<T> {
    const fn = 'predict';
    this.live(fn);
    const p = parse(fn, 'input', input);
    // A Float32Array is checked by the kernel as it reads each chunk (a scan here cost as much as the
    // product); other arrays here, where a double beyond float32's range would become ±∞ on the way.
    const f32 = p.data instanceof Float32Array;
    if (!f32) checkFinite(fn, 'input', p, { float32: true });
    if (p.cols !== this.sizes[0]) rangeError(fn, `input must have ${this.sizes[0]} values per example, got ${p.cols}`);
    const x = f32 ? p.data as Float32Array : Float32Array.from(p.data);
    const z = this.logitsOfHost(x, p.rows, (i) => notFinite(fn, 'input', p, i));
    const K = this.sizes[this.sizes.length - 1]!;
    const bad = allFinite(z) ? -1 : z.findIndex((v) => v - v !== 0); // weights and inputs are finite: only float32 overflow gets here
    if (bad >= 0) rangeError(fn, `the output layer's input overflows float32 (weights or inputs too large): z = ${z[bad]} for example ${Math.floor(bad / K)}, output ${bad % K}`);
    const a = OUTPUTS[this.output].activate(this.backend, z, p.rows, K);
    const outP = { ...p, cols: K, type: p.type };
    return like(outP, a, true) as Prediction<T>;
  }

  /** Trains the network in place (mini-batch SGD, Nesterov or Adam), continuing its run; resolves to the per-epoch history. */
  train(trainingData: Dataset, options: TrainOptions): Promise<TrainingHistory> {
    return train(this, trainingData, options);
  }

  /** Backprop's gradient against float64 central differences on sampled parameters (./gradcheck.ts). */
  gradientCheck(data: Dataset, options?: GradientCheckOptions): GradientCheckResult {
    return gradientCheck(this, data, options, (d) => this.meanGradient(d));
  }

  /** Fraction of examples whose largest output is the true class. */
  accuracy(data: Dataset): number {
    const fn = 'accuracy';
    this.live(fn);
    const d = this.check(fn, 'data', data);
    const K = this.sizes[this.sizes.length - 1]!;
    return accuracyOf(this.evaluate(fn, d), classes(d, K), K);
  }

  /** network2.py's total_cost: mean cost per example plus (λ/2n)Σw² (n = data.count). */
  totalCost(data: Dataset, options?: { lambda?: number; regularization?: 'l2' | 'l1' }): number {
    const fn = 'totalCost';
    this.live(fn);
    const o = checkOptions(fn, options, ['lambda', 'regularization']);
    const lambda = o.lambda === undefined ? 0 : checkNumber(fn, 'lambda', o.lambda, { min: 0 });
    const reg = checkChoice(fn, 'regularization', o.regularization, ['l2', 'l1'] as const, 'l2');
    const d = this.check(fn, 'data', data);
    return costOf(this, this.evaluate(fn, d), d) + penalty(this, lambda, reg, d.count);
  }

  /**
   * @internal The mean gradient (1/n)·Σ_x ∂C_x/∂θ of the data cost over the examples (no regularisation),
   * in parameters()' layout, computed by the backend's training kernels without updating anything.
   */
  meanGradient(data: Dataset): Float32Array {
    const fn = 'meanGradient';
    this.live(fn);
    const d = this.check(fn, 'data', data);
    const be = this.backend;
    const cap = Math.max(1, Math.min(GRADIENT_CHUNK, d.count));
    const layer = OUTPUTS[this.output];
    const config = trainConfig({ cold: layer.cold, optimizer: OPT_GRADIENT, batchSize: cap, cap, stored: d.count });
    const dev = this.uploadChecked(d, fn, 'data');
    const owned = [dev.inputs, dev.labels, dev.targets];
    try {
      const state = be.alloc('f32', be.optimizerStateBytes(this.desc, config) / 4);
      const order = be.alloc('i32', d.count);
      const rng = be.alloc('u32', 1);
      const work = be.networkWork(this.desc, cap);
      owned.push(state, order, rng, work);
      order.write(Int32Array.from({ length: d.count }, (_, i) => i));
      rng.write([1]);
      const result = be.networkTrain({ desc: this.desc, params: this.params, state, work, inputs: dev.inputs, labels: dev.labels,
        targets: dev.targets, classWeights: null, order, rng }, config, 0, d.count);
      if (result !== TRAIN_FINITE) rangeError(fn, 'the gradient is not finite');
      const sums = state.read(STATE_HEADER_BYTES / 4) as Float32Array;
      return sums.map((g) => g / Math.max(1, d.count));
    } finally {
      for (const a of owned) a?.free();
    }
  }

  private evaluate(fn: string, d: Dataset): Float32Array {
    const dev = this.uploadChecked(d, fn, 'data');
    try {
      return this.logits(dev);
    } finally {
      dev.inputs.free();
      dev.labels?.free();
      dev.targets?.free();
    }
  }

  /** The network in network2.py's JSON format. */
  toJSON(): NetworkJSON {
    this.live('toJSON');
    return toJSON(this);
  }

  /** The network as ONNX model bytes (Gemm + activation per layer, float32, input "input" [N, s₀], output "output"). */
  toONNX(options?: OnnxExportOptions): Uint8Array {
    return toONNX(this, options);
  }

  /** The parameters as safetensors bytes (nn.Sequential state dict names), the architecture in __metadata__. */
  toSafetensors(): Uint8Array {
    return toSafetensors(this);
  }

  /** One line for console.log / util.inspect, e.g. "Network 784-30-10 cross-entropy". */
  [inspectSymbol](): string {
    return describeNetworkLine(this, this.disposed);
  }

  /** Frees the network's backend memory (not while it trains: abort the run first). */
  dispose(): void {
    if (this.disposed) return;
    if (this.training) rangeError('dispose', 'this network is training; abort it (options.signal) and await train() first');
    this.disposed = true;
    this.run.resetOptimizer();
    this.desc.free();
    this.params.free();
  }
}
