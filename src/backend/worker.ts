// The second thread of a `threads: 2` WASM backend: a worker_threads Worker in Node, a Web Worker in
// browsers (which need cross-origin isolation for shared memory). It instantiates the same compiled
// module on the backend's shared memory and runs assembly/parallel.ts's workerLoop until parQuit; the
// control block's layout is known to assembly/parallel.ts alone (TypeScript goes through its exports).
// The worker's source is a string, so the library stays one file per format (no worker file to
// resolve from ESM, CommonJS or the browser bundle).

/** A started worker thread. */
export interface WorkerThread {
  /** Ends the thread (after parQuit has asked its loop to return). */
  stop(): void;
  /** The GEMM tile height its instance runs (gemmTile), as the worker reported it once set. */
  readonly tileRows: number;
  /** Its instance's fit mask (gemmFit), likewise. */
  readonly fit: number;
}

// Runs in the worker. A trap in the loop marks the control block FAILED (parFail): the caller computes
// the worker's unfinished block itself, or stops waiting for it, and the backend throws.
const body = (post: string) => `
  const start = ({ module, memory, ctrl, scratch, own, tile, fit }) => {
    let instance;
    try {
      instance = new WebAssembly.Instance(module, { env: { memory, now: () => performance.now() } });
      // Tile height and fit mask are module globals: each instance has its own; the caller's are set here.
      if (instance.exports.gemmSetTile(tile) !== 1) throw new Error('no GEMM tile of ' + tile + ' rows');
      if (instance.exports.gemmSetFit(fit) !== 1) throw new Error('no GEMM tiles of mask ' + fit);
    } catch (e) {
      ${post}({ error: String(e && e.message || e) });
      return;
    }
    ${post}({ ready: instance.exports.gemmTile(), fit: instance.exports.gemmFit() });
    try {
      instance.exports.workerLoop(ctrl, scratch, own);
    } catch (e) {
      instance.exports.parFail(ctrl);
    }
  };`;

const NODE_SOURCE = `
  // Not require(): an eval'd worker is an ES module when the process runs --input-type=module.
  const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
  ${body('parentPort.postMessage')}
  start(workerData);`;

const BROWSER_SOURCE = `
  ${body('postMessage')}
  onmessage = (event) => start(event.data);`;

interface NodeWorker {
  on(event: 'message' | 'error', fn: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
type NodeWorkerModule = { Worker: new (source: string, options: object) => NodeWorker };

/** Whether this environment can run a second thread on shared WebAssembly memory, and why not. */
export function threadsUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') {
    return 'this environment has no SharedArrayBuffer (browsers need cross-origin isolation)';
  }
  const g = globalThis as { crossOriginIsolated?: boolean; Worker?: unknown; process?: { versions?: { node?: string } } };
  if (g.process?.versions?.node) {
    const proc = g.process as { getBuiltinModule?: unknown };
    return typeof proc.getBuiltinModule === 'function' ? null : 'this Node has no process.getBuiltinModule (Node ≥ 20.16 has)';
  }
  if (g.crossOriginIsolated === false) return 'the page is not cross-origin isolated (COOP/COEP headers)';
  if (typeof g.Worker !== 'function') return 'this environment has no Worker';
  return null;
}

/** Node's worker_threads, looked up at run time so that no bundler follows it into a browser build. */
function nodeWorkerModule(): NodeWorkerModule {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc!.getBuiltinModule!('node:worker_threads') as NodeWorkerModule;
}

/** Starts the worker on `memory` and resolves once its instance is ready. */
export async function startWorker(
  module: WebAssembly.Module, memory: WebAssembly.Memory, ctrl: number, scratch: number, own: number, tile: number,
  fit = 0,
): Promise<WorkerThread> {
  const data = { module, memory, ctrl, scratch, own, tile, fit };
  const isNode = Boolean((globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node);
  let stop: () => void;
  let tileRows = 0;
  let fitMask = 0;
  const ready = new Promise<void>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      const m = message as { ready?: number; fit?: number; error?: string };
      if (typeof m.ready === 'number') {
        tileRows = m.ready;
        fitMask = m.fit ?? 0;
        resolve();
      } else reject(new Error(`xent: the worker thread could not start: ${(message as { error?: string }).error}`));
    };
    const onError = (e: unknown) => reject(new Error(`xent: the worker thread failed: ${(e as Error)?.message ?? e}`));
    if (isNode) {
      const { Worker } = nodeWorkerModule();
      const w = new Worker(NODE_SOURCE, { eval: true, workerData: data });
      w.on('message', (message) => {
        w.unref(); // once started, an idle worker must not keep the process alive
        onMessage(message);
      });
      w.on('error', onError);
      stop = () => void w.terminate();
    } else {
      const url = URL.createObjectURL(new Blob([BROWSER_SOURCE], { type: 'text/javascript' }));
      const w = new Worker(url);
      w.onmessage = (e) => {
        URL.revokeObjectURL(url);
        onMessage(e.data);
      };
      w.onerror = (e) => onError(e);
      w.postMessage(data);
      stop = () => w.terminate();
    }
  });
  await ready;
  return { stop: () => stop(), tileRows, fit: fitMask };
}

