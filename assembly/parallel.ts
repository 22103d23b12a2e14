// Two-thread GEMM (the `threads: 2` builds: shared, imported memory). A product large enough to repay
// sharing is cut into blocks of rows (or columns) of C. The caller and a worker thread (workerLoop on
// the same memory) claim blocks one at a time from an atomic counter; the caller computes every block
// the worker has not claimed, so it never waits on a worker that is not running, only on a block the
// worker has started (at most one). Every block runs the path (assembly/matmul.ts gemmPath) of the
// whole product on its part of C with the whole product's strides, and each path sums every element in
// an order fixed by k alone: the result equals one thread's to the bit, whoever computes which block.
//
// The control block `ctrl` (parCtrlBytes, allocated zeroed by TypeScript per instance, no module state):
//   i64 [0]   CLAIM: task generation << 32 | blocks << 16 | next block index. The caller posts a task by
//             storing (g + 1, blocks, 0) and claims with an atomic add; the worker claims with a
//             compare-and-swap of the word it read, so it never takes a block of a task that has ended
//             (the word would differ) and reads the task's words only once its block is its own.
//   i64 [8]   DONE: generation << 32 | blocks of that task the worker has finished (stale ones dropped).
//   i32 [16]  STATE: RUN, QUIT (dispose) or FAILED (the worker trapped: the caller stops waiting).
//   i32 [20]  blocks the worker has computed in all (for tests and diagnostics).
//   i32 [24]  1 when the calling thread may sleep in memory.atomic.wait (Node's main thread, a Web
//             Worker); 0 on a browser's main thread, which must never block: it spins instead.
//   i32 [28]  1 while the caller sleeps on DONE: the worker then sleeps at once after its block (not
//             spinning on the core the caller will wake up to).
//   [64..]    the task (its own cache line): a, b, c, m, k, n, transA, transB, alpha, beta, path, byRows,
//             block (rows or columns per block).
// Waiting, on either side, is short. The worker spins for a few tens of µs after its last block (a
// training loop posts a product every few µs), then sleeps in memory.atomic.wait64 on CLAIM until the
// caller's notify. A caller left waiting for the worker's block spins about one block's time, then (where
// it may) sleeps on DONE, freeing its core: a worker that was preempted resumes there. ctrl = 0, or a
// build without threads, means one thread.

import { gemmBlock, gemmF32, gemmPath, GEMM_MR, PATH_DOT, PATH_EMPTY, PATH_PACKED, PATH_SHORT_K } from './matmul';

const CLAIM: usize = 0;
const DONE: usize = 8;
const STATE: usize = 16;
const TOTAL: usize = 20;
const MAY_WAIT: usize = 24;
const WAITING: usize = 28;
const TASK: usize = 64;
const RUN: i32 = 0;
const QUIT: i32 = 1;
const FAILED: i32 = 2;
const LOW: i64 = 0xffffffff;

// The fields of a CLAIM word.
@inline function claimWord(gen: i64, blocks: i32): i64 {
  return gen << 32 | <i64>blocks << 16;
}
@inline function claimIndex(w: i64): i32 {
  return <i32>(w & 0xffff);
}
@inline function claimBlocks(w: i64): i32 {
  return <i32>((w >>> 16) & 0xffff);
}

/** Products below this many multiply-adds run on one thread (sharing one costs a few µs). */
const PAR_MIN_MACS: f64 = 131072;
/** Multiply-adds a block should have at least (≈ 10–20 µs): each block packs one operand again. */
const BLOCK_MACS: f64 = 393216;
/** Most blocks per product: a preempted worker delays the caller by one block at most. */
const MAX_BLOCKS: i32 = 16;
/** Polls of CLAIM before an idle worker sleeps (≈ 20–60 µs). */
const WORKER_SPINS: i32 = 1 << 16;
/** Multiply-adds per poll of DONE before a caller that may sleep does: it polls for about one block's time. */
const MACS_PER_SPIN: f64 = 8;

/** Bytes of the control block (TypeScript allocates it zeroed). */
export function parCtrlBytes(): i32 {
  return 128;
}

/** Sets whether the calling thread may sleep in memory.atomic.wait (1) or must spin (0). */
export function parInit(ctrl: usize, callerMayWait: i32): void {
  store<i32>(ctrl + MAY_WAIT, callerMayWait); // before the worker starts
}

/** Asks the worker's loop to return (dispose): wakes it if it sleeps. */
export function parQuit(ctrl: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) {
    atomic.store<i32>(ctrl + STATE, QUIT);
    atomic.store<i64>(ctrl + CLAIM, claimWord((atomic.load<i64>(ctrl + CLAIM) >>> 32) + 1, 0)); // nothing to claim
    atomic.notify(ctrl + CLAIM, 1);
  }
}

/** Marks the worker failed (src/backend/worker.ts calls it when workerLoop trapped) and wakes the caller. */
export function parFail(ctrl: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) {
    atomic.store<i32>(ctrl + STATE, FAILED);
    atomic.notify(ctrl + DONE, 1);
  }
}

/** Whether the worker trapped (its last block is then incomplete). */
export function parFailed(ctrl: usize): bool {
  if (!ASC_FEATURE_THREADS) return false;
  return ctrl != 0 && atomic.load<i32>(ctrl + STATE) == FAILED;
}

/** Blocks the worker has computed so far. */
export function parWorkerBlocks(ctrl: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  return ctrl == 0 ? 0 : atomic.load<i32>(ctrl + TOTAL);
}

// Computes block i of the task at t: rows (or columns) [i·block, min((i + 1)·block, extent)) of C.
function runBlock(t: usize, i: i32, scratch: usize): void {
  const a = <usize>load<u32>(t), b = <usize>load<u32>(t, 4), c = <usize>load<u32>(t, 8);
  const m = load<i32>(t, 12), k = load<i32>(t, 16), n = load<i32>(t, 20);
  const transA = load<i32>(t, 24), transB = load<i32>(t, 28);
  const alpha = load<f32>(t, 32), beta = load<f32>(t, 36);
  const path = load<i32>(t, 40), byRows = load<i32>(t, 44), block = load<i32>(t, 48);
  const lda = transA != 0 ? m : k;
  const ldb = transB != 0 ? k : n;
  const from = i * block;
  if (byRows != 0) {
    const rows = min(block, m - from);
    const ai = transA != 0 ? a + (<usize>from << 2) : a + <usize>from * <usize>lda * 4;
    gemmBlock(path, ai, b, c + <usize>from * <usize>n * 4, rows, k, n, transA, transB, alpha, beta, scratch, lda, ldb, n);
  } else {
    const cols = min(block, n - from);
    const bj = transB != 0 ? b + <usize>from * <usize>ldb * 4 : b + (<usize>from << 2);
    gemmBlock(path, a, bj, c + (<usize>from << 2), m, k, cols, transA, transB, alpha, beta, scratch, lda, ldb, n);
  }
}

// Operand bytes each extra block packs (or transposes) again, per step of k: the rows of C split when
// this is the smaller cost, its columns otherwise. The packed path packs all of op(B) per row block and
// all of op(A) (pre-broadcast, 4× the bytes) per column block; the dot path transposes B stored k×n per
// row block and A stored k×m per column block; the short-k path builds its A panels per column block.
@inline function rowSplitCost(path: i32, m: i32, n: i32, transB: i32): f64 {
  return path == PATH_PACKED || (path == PATH_DOT && transB == 0) ? <f64>n : 0;
}
@inline function colSplitCost(path: i32, m: i32, n: i32, transA: i32): f64 {
  if (path == PATH_PACKED) return 2 * <f64>m;
  return (path == PATH_DOT && transA != 0) || path == PATH_SHORT_K ? <f64>m : 0;
}

/**
 * C = β·C + α·op(A)·op(B) like gemmF32 (the same result to the bit), on two threads when ctrl ≠ 0 and the
 * product is large. `scratch` is the calling thread's (matmulScratchBytes of the whole product).
 */
export function gemmPar(
  ctrl: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32,
  scratch: usize,
): void {
  const macs = <f64>m * <f64>k * <f64>n;
  const path = gemmPath(m, k, n, transA, transB);
  const rowUnit = GEMM_MR * 2;
  const canRows = m >= 2 * rowUnit;
  const canCols = n >= 16;
  if (!ASC_FEATURE_THREADS || ctrl == 0 || path == PATH_EMPTY || macs < PAR_MIN_MACS || !(canRows || canCols)
    || load<i32>(ctrl + STATE) != RUN) {
    gemmF32(a, b, c, m, k, n, transA, transB, alpha, beta, scratch);
    return;
  }
  if (ASC_FEATURE_THREADS) {
    const byRows = canRows && (!canCols || rowSplitCost(path, m, n, transB) <= colSplitCost(path, m, n, transA));
    const extent = byRows ? m : n;
    const unit = byRows ? rowUnit : 8;
    let blocks = <i32>min(<f64>MAX_BLOCKS, max(2, Math.floor(macs / BLOCK_MACS)));
    blocks = min(blocks, extent / unit);
    const block = (((extent + blocks - 1) / blocks + unit - 1) / unit) * unit;
    blocks = (extent + block - 1) / block;

    const t = ctrl + TASK;
    store<u32>(t, <u32>a);
    store<u32>(t, <u32>b, 4);
    store<u32>(t, <u32>c, 8);
    store<i32>(t, m, 12);
    store<i32>(t, k, 16);
    store<i32>(t, n, 20);
    store<i32>(t, transA, 24);
    store<i32>(t, transB, 28);
    store<f32>(t, alpha, 32);
    store<f32>(t, beta, 36);
    store<i32>(t, path, 40);
    store<i32>(t, byRows ? 1 : 0, 44);
    store<i32>(t, block, 48);
    const gen = (atomic.load<i64>(ctrl + CLAIM) >>> 32) + 1;
    atomic.store<i64>(ctrl + DONE, gen << 32);
    atomic.store<i64>(ctrl + CLAIM, claimWord(gen, blocks)); // sequentially consistent: the task is visible before it
    atomic.notify(ctrl + CLAIM, 1);

    let mine = 0;
    while (true) {
      const i = claimIndex(atomic.add<i64>(ctrl + CLAIM, 1));
      if (i >= blocks) break;
      runBlock(t, i, scratch);
      mine++;
    }
    // Every block is claimed: wait only for the worker's (it is running one, or has just finished).
    const mayWait = atomic.load<i32>(ctrl + MAY_WAIT) != 0;
    const patience = <i32>min(<f64>(1 << 20), <f64>block * <f64>k * <f64>(byRows ? n : m) / MACS_PER_SPIN);
    let spins = 0;
    while (true) {
      const done = atomic.load<i64>(ctrl + DONE);
      if (<i32>(done & LOW) + mine >= blocks || atomic.load<i32>(ctrl + STATE) == FAILED) break;
      if (mayWait && ++spins > patience) {
        atomic.store<i32>(ctrl + WAITING, 1);
        memory.atomic.wait64(ctrl + DONE, done, 1000000); // ≤ 1 ms, then look again
        atomic.store<i32>(ctrl + WAITING, 0);
        spins = 0;
      }
    }
  }
}

/** The worker thread's loop: claims and computes blocks until parQuit. `scratch` is its own. */
export function workerLoop(ctrl: usize, scratch: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) {
    const t = ctrl + TASK;
    let spins = 0;
    while (true) {
      const claim = atomic.load<i64>(ctrl + CLAIM);
      if (atomic.load<i32>(ctrl + STATE) != RUN) return;
      if (claimIndex(claim) < claimBlocks(claim)) {
        if (atomic.cmpxchg<i64>(ctrl + CLAIM, claim, claim + 1) == claim) {
          runBlock(t, claimIndex(claim), scratch);
          atomic.add<i32>(ctrl + TOTAL, 1);
          const gen = claim >>> 32;
          let done = atomic.load<i64>(ctrl + DONE);
          while (done >>> 32 == gen) { // count it for its own task only
            const seen = atomic.cmpxchg<i64>(ctrl + DONE, done, done + 1);
            if (seen == done) break;
            done = seen;
          }
          atomic.notify(ctrl + DONE, 1);
          // A sleeping caller wakes up to a core: do not hold this one spinning.
          spins = atomic.load<i32>(ctrl + WAITING) != 0 ? WORKER_SPINS : 0;
          continue;
        }
        spins = 0;
        continue;
      }
      if (++spins > WORKER_SPINS) {
        memory.atomic.wait64(ctrl + CLAIM, claim, -1);
        spins = 0;
      }
    }
  }
}
