// The WASM backend: one WebAssembly instance, with its own memory, per backend object, so two backends
// (or two networks on two backends) never share state. Each call allocates its arguments on the heap,
// copies inputs in, runs one kernel and copies outputs out.
import { instantiate } from '@assemblyscript/loader';
import type { Backend, DeviceArray, DeviceType, Floats, HostArray, TrainArrays, TrainConfig } from './backend.js';
import { CONFIG_BYTES, encodeConfig, NO_ADDRESSES, type ConfigAddresses } from './config.js';
import { Heap } from './heap.js';
import { compileXentModule, relaxedSimdSupported, type SimdFlavor } from './wasm-module.js';
import { startWorker, threadsUnavailable, type WorkerThread } from './worker.js';

/** The raw kernel exports of assembly/index.ts (pointers are byte offsets). */
export interface Kernels {
  memory: WebAssembly.Memory;
  heapBase(): number;
  sigmoidF32(x: number, out: number, n: number): void;
  sigmoidF64(x: number, out: number, n: number): void;
  softmaxF32(x: number, out: number, rows: number, cols: number, log: number): void;
  softmaxF64(x: number, out: number, rows: number, cols: number, log: number): void;
  bceProb(a: number, y: number, w: number, pw: number, out: number, grad: number, n: number, cols: number,
    mode: number, eps: number, smoothing: number, gradScale: number): void;
  bceLogits(z: number, y: number, w: number, pw: number, out: number, grad: number, n: number, cols: number,
    smoothing: number, gradScale: number): void;
  cce(x: number, y: number, labels: number, cw: number, sw: number, out: number, grad: number, rows: number,
    cols: number, ignoreIndex: number, mode: number, eps: number, smoothing: number, gradScale: number): void;
  quadratic(a: number, y: number, sw: number, out: number, grad: number, rows: number, cols: number,
    gradScale: number): void;
  entropyRows(p: number, out: number, grad: number, rows: number, cols: number): void;
  crossRows(p: number, q: number, out: number, grad: number, rows: number, cols: number, kind: number): void;
  matmulF32(a: number, b: number, c: number, m: number, k: number, n: number, transA: number, transB: number,
    scratch: number): void;
  gemmF32(a: number, b: number, c: number, m: number, k: number, n: number, transA: number, transB: number,
    alpha: number, beta: number, scratch: number): void;
  gemmF32Ld(a: number, b: number, c: number, m: number, k: number, n: number, transA: number, transB: number,
    alpha: number, beta: number, scratch: number, lda: number, ldc: number): void;
  gemmPath(m: number, k: number, n: number, transA: number, transB: number): number;
  gemmBlock(path: number, a: number, b: number, c: number, m: number, k: number, n: number, transA: number,
    transB: number, alpha: number, beta: number, scratch: number, lda: number, ldb: number, ldc: number): void;
  gemmPar(ctrl: number, a: number, b: number, c: number, m: number, k: number, n: number, transA: number,
    transB: number, alpha: number, beta: number, scratch: number): void;
  gatherPar(ctrl: number, inputs: number, order: number, rows: number, n: number, stored: number, out: number): void;
  parCtrlBytes(): number;
  parWorkerBytes(): number;
  parQuit(ctrl: number): void;
  parFail(ctrl: number): void;
  parStall(ctrl: number, on: number): void;
  parFailed(ctrl: number): number;
  parWorkerBlocks(ctrl: number): number;
  parPhase(ctrl: number): number;
  parAccount(ctrl: number, ms: number, macs: number): void;
  matmulScratchBytes(m: number, k: number, n: number, transA: number, transB: number): number;
  gemmSetTile(rows: number): number;
  gemmTile(): number;
  gemmSetFit(mask: number): number;
  gemmFit(): number;
  gemmTileFor(m: number): number;
  gemmDefaultTile(): number;
  networkWorkBytes(desc: number, cap: number): number;
  networkForward(desc: number, params: number, work: number, cap: number, inputs: number, inputBytes: number, count: number,
    outZ: number, ctrl: number, check: number): number;
  networkTrain(desc: number, params: number, state: number, work: number, cfg: number, from: number, to: number,
    ctrl: number): number;
  optimizerStateBytes(desc: number, cfg: number): number;
  parameterCount(desc: number): number;
  configEcho(cfg: number, out: number): void;
  bytesToF32(src: number, out: number, n: number): void;
  bytesToF32Rows4(s0: number, s1: number, s2: number, s3: number, out: number, n: number): void;
  gatherBytes(inputs: number, order: number, rows: number, n: number, out: number): void;
  exactBytesF32(src: number, dst: number, n: number): number;
}

const CONSTRUCTORS = { f32: Float32Array, i32: Int32Array, u8: Uint8Array, u32: Uint32Array } as const;

/** An array in the instance's linear memory; views are made per access (growth detaches them). */
class WasmArray implements DeviceArray {
  private live = true;
  constructor(readonly owner: WasmBackend, readonly type: DeviceType, readonly length: number, readonly ptr: number) {}

  private view(): HostArray {
    if (!this.live) throw new Error('xent: this array was freed');
    return new CONSTRUCTORS[this.type](this.owner.kernels.memory.buffer, this.ptr, this.length);
  }
  write(src: ArrayLike<number>, offset = 0): void {
    this.view().set(src, offset);
  }
  read(start = 0, end = this.length): HostArray {
    return this.view().slice(start, end);
  }
  free(): void {
    if (!this.live) return;
    this.live = false;
    this.owner.heap.free(this.ptr);
  }
}

type Arr = Float32Array | Float64Array | Int32Array;

/** The build flavours and the relaxed-SIMD probe (src/backend/wasm-module.ts). */
export { relaxedSimdSupported, type SimdFlavor };

/** Float32 values uploadExactBytes converts a call: 64 KB of scratch, in L2 with its 16 KB of bytes. */
const EXACT_SLICE = 16_384;

/** Pages of the shared memory's maximum (asconfig.json "maximumMemory": 4 GiB). */
const MAX_PAGES = 65536;

/** Scratch big enough for any product's GEMM (its blocking bounds it): the worker's own. */
function largestScratch(k: Kernels): number {
  const big = 1 << 20;
  let bytes = 0;
  for (const ta of [0, 1]) for (const tb of [0, 1]) bytes = Math.max(bytes, k.matmulScratchBytes(big, big, big, ta, tb));
  return bytes;
}

/** Why `threads: 2` cannot run here, or null when it can. */
export { threadsUnavailable };

/**
 * Sets an instance's GEMM tile height (rows; 0 keeps the build's default) and the tiles a product may
 * run instead where that one pads its rows (a mask, bit r for r rows; assembly/matmul.ts gemmTileFor),
 * and checks that they took.
 */
function setTile(k: Kernels, rows: number, fit: number): void {
  if (rows !== 0 && k.gemmSetTile(rows) !== 1) throw new RangeError(`xent: this build has no GEMM tile of ${rows} rows`);
  if (k.gemmSetFit(fit) !== 1) throw new RangeError(`xent: this build has no GEMM tiles of mask ${fit}`);
}

/**
 * Instantiates a fresh WASM backend (its own memory) of the given build. With threads = 2 the memory is
 * shared with a worker thread of this backend alone, which takes blocks of every large matrix product.
 * tileRows (4, 5 or 6; 0 = the build's default) is the packed GEMM's tile height and fit the mask of
 * tiles a product may run instead where it pads fewer rows, set once here on the instance and on the
 * worker's (src/backend/calibrate.ts chooses both for createXent).
 */
export async function createWasmBackend(flavor: SimdFlavor, threads: 1 | 2 = 1, tileRows = 0, fit = 0): Promise<WasmBackend> {
  const module = await compileXentModule(flavor, threads === 2);
  if (threads === 1) {
    const { exports } = await instantiate<Record<string, unknown>>(module, {});
    setTile(exports as unknown as Kernels, tileRows, fit);
    return new WasmBackend(exports as unknown as Kernels, flavor);
  }
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAX_PAGES, shared: true });
  // `now`: the clock by which assembly/parallel.ts times shared and one-thread products to choose between them.
  const env = { memory, now: () => performance.now() };
  const { exports } = await instantiate<Record<string, unknown>>(module, { env });
  setTile(exports as unknown as Kernels, tileRows, fit);
  const be = new WasmBackend(exports as unknown as Kernels, flavor);
  const ctrl = be.heap.allocZeroed(be.kernels.parCtrlBytes());
  const scratch = be.heap.alloc(largestScratch(be.kernels));
  const own = be.heap.alloc(be.kernels.parWorkerBytes()); // the worker's blocks, before it commits them
  // The worker's instance has module globals of its own: it gets the caller's tile and fit mask (and reports them back).
  const worker = await startWorker(module, memory, ctrl, scratch, own, be.kernels.gemmTile(), be.kernels.gemmFit());
  be.attachWorker(ctrl, worker);
  if (worker.tileRows !== be.kernels.gemmTile() || worker.fit !== be.kernels.gemmFit()) {
    be.dispose();
    throw new Error(`xent: the worker thread runs ${worker.tileRows}-row GEMM tiles (fit ${worker.fit}), the caller ` +
      `${be.kernels.gemmTile()} (fit ${be.kernels.gemmFit()})`);
  }
  return be;
}

/** The address of a device array of this backend (0 for null). */
function ptr(be: WasmBackend, a: DeviceArray | null): number {
  if (!a) return 0;
  if (!(a instanceof WasmArray) || a.owner !== be) {
    throw new TypeError('xent: array belongs to another backend');
  }
  return a.ptr;
}

/** Kernels from assembly/ behind the Backend contract. */
export class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly heap: Heap;
  private isDisposed = false;
  /** The two-thread control block (assembly/parallel.ts), 0 on one thread. */
  private ctrl = 0;
  private worker: WorkerThread | null = null;

  constructor(readonly kernels: Kernels, readonly simd: SimdFlavor) {
    this.heap = new Heap(kernels.memory, kernels.heapBase());
  }

  /** Threads this backend computes on. */
  get threads(): 1 | 2 {
    return this.worker ? 2 : 1;
  }

  /** The two-thread control block's address for gemmPar (0 on one thread). */
  get parallelControl(): number {
    return this.ctrl;
  }

  /** The packed GEMM's tile height on this instance (and its worker's): 4, 5 or 6 rows. */
  get gemmTileRows(): number {
    return this.kernels.gemmTile();
  }

  /** The tiles a product may run instead of gemmTileRows where they pad fewer of its rows (mask, bit r for r rows). */
  get gemmFitMask(): number {
    return this.kernels.gemmFit();
  }

  /** The worker thread's tile height as it reported it when it started; 0 on one thread. */
  get workerTileRows(): number {
    return this.worker?.tileRows ?? 0;
  }

  /** The worker thread's fit mask as it reported it when it started; 0 on one thread. */
  get workerFitMask(): number {
    return this.worker?.fit ?? 0;
  }

  /** Blocks of products the worker thread has computed so far; 0 on one thread. */
  workerTasks(): number {
    return this.kernels.parWorkerBlocks(this.ctrl);
  }

  /** Hands large products to a started worker from now on (createWasmBackend with threads = 2). */
  attachWorker(ctrl: number, worker: WorkerThread): void {
    this.ctrl = ctrl;
    this.worker = worker;
  }

  /** Throws if the worker thread trapped (the product it was given is then incomplete). */
  private checkWorker(): void {
    if (this.kernels.parFailed(this.ctrl)) {
      throw new Error('xent: the worker thread failed; this instance cannot be used any more');
    }
  }

  /** Throws once dispose() has run: the worker is gone, and nothing may run on this instance. */
  private checkLive(): void {
    if (this.isDisposed) throw new RangeError('xent: this instance was disposed');
  }

  /**
   * Allocates every array, copies the inputs in, runs `body` with their addresses (0 for null), copies
   * the outputs back and frees everything, whatever `body` does. An output that is also an input
   * shares its block (read, then overwritten in place).
   */
  private run(inputs: (Arr | null)[], outputs: (Arr | null)[], body: (...ptrs: number[]) => void, scratch = 0): void {
    this.checkLive();
    // Every block is recorded as soon as it exists, so a failed allocation (out of memory) frees the
    // ones before it: liveBytes() is back to its value before the call whatever happens.
    const held: number[] = [];
    const take = (bytes: number): number => {
      const p = this.heap.alloc(bytes);
      held.push(p);
      return p;
    };
    try {
      const inPtrs = inputs.map((a) => (a ? take(a.byteLength) : 0));
      const outPtrs = outputs.map((a) => (!a ? 0 : inputs.includes(a) ? inPtrs[inputs.indexOf(a)]! : take(a.byteLength)));
      const scratchPtr = scratch > 0 ? take(scratch) : 0;
      const buffer = this.kernels.memory.buffer; // after the last allocation: no growth until freed
      inputs.forEach((a, i) => {
        if (a) new Uint8Array(buffer, inPtrs[i], a.byteLength).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      });
      body(...inPtrs, ...outPtrs, scratchPtr);
      outputs.forEach((a, j) => {
        if (a) new Uint8Array(a.buffer, a.byteOffset, a.byteLength).set(new Uint8Array(buffer, outPtrs[j], a.byteLength));
      });
    } finally {
      for (const p of held) this.heap.free(p);
    }
  }

  sigmoid(x: Floats, out: Floats): void {
    const k = this.kernels;
    this.run([x], [out], (px, po) => (x instanceof Float32Array ? k.sigmoidF32 : k.sigmoidF64)(px!, po!, x.length));
  }

  softmax(x: Floats, out: Floats, rows: number, cols: number, log: boolean): void {
    const k = this.kernels;
    const fn = x instanceof Float32Array ? k.softmaxF32 : k.softmaxF64;
    this.run([x], [out], (px, po) => fn(px!, po!, rows, cols, log ? 1 : 0));
  }

  bceProb(a: Float64Array, y: Float64Array, w: Float64Array | null, pw: Float64Array | null,
    out: Float64Array | null, grad: Float64Array | null, cols: number, mode: number, eps: number,
    smoothing: number, gradScale: number): void {
    this.run([a, y, w, pw], [out, grad], (pa, py, pwt, ppw, po, pg) =>
      this.kernels.bceProb(pa!, py!, pwt!, ppw!, po!, pg!, a.length, cols, mode, eps, smoothing, gradScale));
  }

  bceLogits(z: Float64Array, y: Float64Array, w: Float64Array | null, pw: Float64Array | null,
    out: Float64Array | null, grad: Float64Array | null, cols: number, smoothing: number, gradScale: number): void {
    this.run([z, y, w, pw], [out, grad], (pz, py, pwt, ppw, po, pg) =>
      this.kernels.bceLogits(pz!, py!, pwt!, ppw!, po!, pg!, z.length, cols, smoothing, gradScale));
  }

  cce(x: Float64Array, y: Float64Array | null, labels: Int32Array | null, cw: Float64Array | null,
    sw: Float64Array | null, out: Float64Array | null, grad: Float64Array | null, rows: number, cols: number,
    ignoreIndex: number, mode: number, eps: number, smoothing: number, gradScale: number): void {
    this.run([x, y, labels, cw, sw], [out, grad], (px, py, pl, pcw, psw, po, pg) =>
      this.kernels.cce(px!, py!, pl!, pcw!, psw!, po!, pg!, rows, cols, ignoreIndex, mode, eps, smoothing, gradScale));
  }

  quadratic(a: Float64Array, y: Float64Array, sw: Float64Array | null, out: Float64Array | null,
    grad: Float64Array | null, rows: number, cols: number, gradScale: number): void {
    this.run([a, y, sw], [out, grad], (pa, py, psw, po, pg) =>
      this.kernels.quadratic(pa!, py!, psw!, po!, pg!, rows, cols, gradScale));
  }

  entropyRows(p: Float64Array, out: Float64Array | null, grad: Float64Array | null, rows: number, cols: number): void {
    this.run([p], [out, grad], (pp, po, pg) => this.kernels.entropyRows(pp!, po!, pg!, rows, cols));
  }

  crossRows(p: Float64Array, q: Float64Array, out: Float64Array | null, grad: Float64Array | null,
    rows: number, cols: number, kind: number): void {
    this.run([p, q], [out, grad], (pp, pq, po, pg) => this.kernels.crossRows(pp!, pq!, po!, pg!, rows, cols, kind));
  }

  matmul(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
    transA: boolean, transB: boolean): void {
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const scratch = this.kernels.matmulScratchBytes(m, k, n, ta, tb);
    this.run([a, b], [c], (pa, pb, pc, ps) => this.kernels.gemmPar(this.ctrl, pa!, pb!, pc!, m, k, n, ta, tb, 1, 0, ps!), scratch);
    this.checkWorker();
  }

  alloc(type: DeviceType, length: number): DeviceArray {
    this.checkLive();
    const ptr = this.heap.allocZeroed(length * CONSTRUCTORS[type].BYTES_PER_ELEMENT);
    return new WasmArray(this, type, length, ptr);
  }

  upload(type: DeviceType, src: ArrayLike<number>): DeviceArray {
    this.checkLive();
    const ptr = this.heap.alloc(src.length * CONSTRUCTORS[type].BYTES_PER_ELEMENT); // every byte is written next
    const a = new WasmArray(this, type, src.length, ptr);
    a.write(src);
    return a;
  }

  uploadExactBytes(x: Float32Array): DeviceArray | null {
    this.checkLive();
    const n = x.length;
    // A slice at a time through a scratch buffer (no host or device copy of the whole input as float32);
    // the first slice converts in place, so float data that fails there allocates nothing more.
    const scratch = this.heap.alloc(Math.max(1, Math.min(n, EXACT_SLICE)) * 4);
    let out: WasmArray | null = null;
    try {
      for (let start = 0; start === 0 || start < n; start += EXACT_SLICE) {
        const len = Math.min(n, start + EXACT_SLICE) - start;
        new Float32Array(this.kernels.memory.buffer, scratch, len).set(x.subarray(start, start + len));
        if (this.kernels.exactBytesF32(scratch, out ? out.ptr + start : scratch, len) >= 0) {
          out?.free();
          return null;
        }
        if (!out) {
          out = new WasmArray(this, 'u8', n, this.heap.alloc(n)); // may grow the memory: views after it
          new Uint8Array(this.kernels.memory.buffer).copyWithin(out.ptr, scratch, scratch + len);
        }
      }
      return out;
    } catch (e) {
      out?.free(); // a failed allocation frees what this call allocated
      throw e;
    } finally {
      this.heap.free(scratch);
    }
  }

  networkWork(desc: DeviceArray, cap: number): DeviceArray {
    const bytes = this.kernels.networkWorkBytes(ptr(this, desc), cap);
    return this.alloc('f32', Math.ceil(bytes / 4));
  }

  networkForward(desc: DeviceArray, params: DeviceArray, work: DeviceArray, cap: number, inputs: DeviceArray,
    count: number, outZ: DeviceArray): void {
    this.checkLive();
    this.kernels.networkForward(ptr(this, desc), ptr(this, params), ptr(this, work), cap, ptr(this, inputs),
      inputs.type === 'u8' ? 1 : 0, count, ptr(this, outZ), this.ctrl, 0);
    this.checkWorker();
  }

  networkForwardHost(desc: DeviceArray, params: DeviceArray, work: DeviceArray, cap: number, inputs: Float32Array,
    count: number, outZ: DeviceArray): number {
    this.checkLive();
    if (count === 0) return -1;
    const s0 = inputs.length / count;
    const sL = outZ.length / count;
    const w = ptr(this, work);
    const z = ptr(this, outZ);
    // Each chunk goes straight into A_0, work's first region (assembly/network.ts networkForward), which
    // stays in cache for the product that reads it: no copy of the whole input in WASM memory.
    for (let start = 0; start < count; start += cap) {
      const rows = Math.min(cap, count - start);
      new Float32Array(this.kernels.memory.buffer, w, rows * s0).set(inputs.subarray(start * s0, (start + rows) * s0));
      const bad = this.kernels.networkForward(ptr(this, desc), ptr(this, params), w, cap, w, 0, rows, z + start * sL * 4,
        this.ctrl, 1);
      this.checkWorker();
      if (bad >= 0) return start * s0 + bad;
    }
    return -1;
  }

  /** Runs `body` with the address of a training-configuration record of config and addresses, then frees it. */
  withConfig<T>(config: TrainConfig, addresses: ConfigAddresses, body: (cfg: number) => T): T {
    const cfg = this.heap.alloc(CONFIG_BYTES);
    try {
      encodeConfig(config, addresses, this.kernels.memory.buffer, cfg);
      return body(cfg);
    } finally {
      this.heap.free(cfg);
    }
  }

  optimizerStateBytes(desc: DeviceArray, config: TrainConfig): number {
    this.checkLive();
    return this.withConfig(config, NO_ADDRESSES, (cfg) => this.kernels.optimizerStateBytes(ptr(this, desc), cfg));
  }

  networkTrain(arrays: TrainArrays, config: TrainConfig, from: number, to: number): number {
    this.checkLive();
    const a = arrays;
    const addresses: ConfigAddresses = {
      inputs: ptr(this, a.inputs), labels: ptr(this, a.labels), targets: ptr(this, a.targets),
      classWeights: ptr(this, a.classWeights), order: ptr(this, a.order), rng: ptr(this, a.rng),
      inputBytes: a.inputs.type === 'u8' ? 1 : 0,
    };
    const result = this.withConfig(config, addresses, (cfg) =>
      this.kernels.networkTrain(ptr(this, a.desc), ptr(this, a.params), ptr(this, a.state), ptr(this, a.work), cfg, from, to, this.ctrl));
    this.checkWorker();
    return result;
  }

  gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number,
    transA: boolean, transB: boolean, alpha: number, beta: number): void {
    const ta = transA ? 1 : 0;
    const tb = transB ? 1 : 0;
    const scratch = this.kernels.matmulScratchBytes(m, k, n, ta, tb);
    // C is read (β·C) and written in place.
    this.run([a, b, c], [c], (pa, pb, pc, _, ps) => this.kernels.gemmPar(this.ctrl, pa!, pb!, pc!, m, k, n, ta, tb, alpha, beta, ps!), scratch);
    this.checkWorker();
  }

  liveBytes(): number {
    return this.heap.liveBytes();
  }

  /** Whether dispose() has been called. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** Stops the worker thread (its loop returns, then the thread ends); every later call throws. */
  dispose(): void {
    this.isDisposed = true;
    if (this.ctrl) this.kernels.parQuit(this.ctrl);
    this.worker?.stop();
    this.worker = null;
  }
}
