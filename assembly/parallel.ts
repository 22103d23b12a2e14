// Two-thread GEMM (the `threads: 2` builds: shared, imported memory). A product large enough to repay
// sharing is cut into blocks of rows (or columns) of C. The caller and a worker thread (workerLoop on
// the same memory) claim blocks from an atomic counter; the caller computes every block the worker has
// not claimed, and then, if the worker is slow to finish one it claimed (preempted, or not yet running),
// computes that block too rather than wait: the worker computes into a buffer of its own and copies its
// block into C only if it commits first, so a worker that is not running costs the caller a short wait
// and one block at most. Every block runs the path (assembly/matmul.ts gemmPath) of the whole product on
// its part of C with the whole product's strides, and each path sums every element in an order fixed by
// k alone: the result equals one thread's to the bit, whoever computes which block. The gather of a
// training mini-batch (gatherPar) is shared the same way, in two blocks of rows, while products are.
//
// The control block `ctrl` (parCtrlBytes, allocated zeroed by TypeScript per instance, no module state):
//   i64 [0]   CLAIM: task generation g << 32 | blocks << 16 | next block index. The caller posts a task
//             by storing (g, blocks, 0) and claims with an atomic add; the worker claims with a
//             compare-and-swap of the word it read, so it never claims a block of a task that has ended.
//   i32 [16]  STATE: RUN, QUIT (dispose) or FAILED (the worker trapped).
//   i32 [20]  blocks the worker has committed in all (for tests and diagnostics).
//   i32 [24]  1 while the worker sleeps (the caller then notifies when it posts).
//   i32 [28]  HASTE: the caller waits for a block of the worker's at most one block's time >> HASTE. It
//             grows by 2 (to 8) each time the caller has to take a block over, and shrinks by 1 each time
//             the worker finishes in time: under contention the caller soon stops waiting at all, and the
//             idle worker spins 4^HASTE times less before it sleeps.
//   i32 [32]  unused.
//   i32 [36]  STALL: while 1, the worker stops before committing a block; at 2 it traps when it claims
//             one (parStall: tests stand in a preempted or a faulting worker with it).
//   [64..]    the task: a, b, c, m, k, n, transA, transB, alpha, beta, path, byRows, block. A gather
//             (path PATH_GATHER) has the byte rows, the order, the output, rows, bytes a row twice, and
//             the number of stored rows in transA; the worker gathers its block in place, committed first.
//   i64 [128 + 8i]  block i's commit word, g << 2 | OPEN, CALLER (the caller took it over), COPYING (the
//             worker won it and writes C) or DONE. A worker's block larger than its buffer is committed
//             (COPYING) before it is computed, in place: the caller then waits for it.
//   [256..]   the share-or-solo choice (see "Measured, not guessed" below): PHASE, COUNT, RUN, LAST (i32),
//             then f64 the phase's milliseconds and multiply-adds, and the last share probe's ms per MAC.
//   [296..]   the worker's copy of the task (the words at [64..116]) for the block it computes.
// The worker polls for a few µs after its last block (back-to-back products), then sleeps in memory.atomic.wait64 on CLAIM until the caller's notify. The caller
// never blocks (browsers forbid waiting on the main thread): it polls, for about one block's time at most.
// ctrl = 0, or a build without threads, means one thread.

import { gatherBytes } from './convert';
import { gemmBlock, gemmF32, gemmPath, gemmTileFor, PATH_DOT, PATH_EMPTY, PATH_PACKED, PATH_SHORT_K } from './matmul';

const CLAIM: usize = 0;
const STATE: usize = 16;
const TOTAL: usize = 20;
const SLEEPING: usize = 24;
const HASTE: usize = 28;
const STALL: usize = 36;
const TASK: usize = 64;
const COMMIT: usize = 128;
const CHOICE: usize = 256;
const PHASE: usize = CHOICE; // PROBE_SHARE, PROBE_SOLO, RUN_SHARE or RUN_SOLO
const COUNT: usize = CHOICE + 4; // products so far in this phase
const RUN_LENGTH: usize = CHOICE + 8; // products in the next run phase (0: RUN_MIN)
const LAST: usize = CHOICE + 12; // the last run's phase (0 before the first)
const SPENT: usize = CHOICE + 16; // f64 ms timed in this probe
const WORK: usize = CHOICE + 24; // f64 multiply-adds timed in this probe
const SHARE_COST: usize = CHOICE + 32; // f64 ms per multiply-add of the last share probe
const WORKER_TASK: usize = CHOICE + 40; // the worker's copy of the task's words
const TASK_BYTES: usize = 52;
const RUN: i32 = 0;
const QUIT: i32 = 1;
const FAILED: i32 = 2;
const OPEN: i64 = 0;
const CALLER: i64 = 1;
const COPYING: i64 = 2;
const DONE: i64 = 3;

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
/** Multiply-adds a block should have at least (≈ 15–30 µs). */
const BLOCK_MACS: f64 = 524288;
/** Most blocks per product (the commit words). */
const MAX_BLOCKS: i32 = 16;
/** Fewest rows and columns of C per block (each block packs one operand again, see rowSplitCost);
 *  twice as many when that operand is larger than L2 holds. */
const MIN_ROWS: i32 = 30;
const MIN_COLS: i32 = 128;
/** Bytes of the worker's own block buffer (parWorkerBytes): 256 K floats. */
const OWN_BYTES: i32 = 1 << 20;
/** Polls of CLAIM before an idle worker sleeps (≈ 3 µs): short, since a polling worker may hold the core
 *  its caller wants (with 2¹⁷, ≈ 0.1 ms, training at batch 128 ran 2× slower beside a busy process). The
 *  caller never waits for a sleeping worker: it computes the blocks the worker has not claimed. */
const WORKER_SPINS: i32 = 1 << 12;
/** Multiply-adds per poll of a commit word (0.7 ns a poll, 0.04 ns a multiply-add on one core). */
const MACS_PER_POLL: f64 = 16;
/** The longest a caller waits for one of the worker's blocks (≈ 3 ms: the end of a large product's last blocks). */
const MAX_POLLS: i32 = 1 << 22;
const MAX_HASTE: i32 = 8;
/** The path word of a gather task (gatherPar), beside the GEMM's paths. */
const PATH_GATHER: i32 = 16;
/** Rows a mini-batch's gather must have to be shared (two blocks of whole four-row groups). */
const GATHER_MIN_ROWS: i32 = 16;
/** Bytes gathered per poll of a commit word (≈ 0.2 ns a byte, 0.7 ns a poll). */
const BYTES_PER_POLL: f64 = 4;

// Measured, not guessed. Whether sharing pays depends on what else the machine runs: with a core of its
// own the worker nearly halves a large product; with none (another process busy on the other core, or
// a second threaded instance beside this one) every block it takes is one the caller waits for or
// computes again, and sharing loses to one thread (bench/threads.mjs: 0.88–0.92 of one thread's speed).
// So the caller times both: a probe of products shared, then a probe of products on one thread (the
// worker asleep), each until PROBE_MS and PROBE_MIN products have been timed (after PROBE_SKIP untimed
// ones); then it runs the faster
// way for RUN products, and probes again. A run that repeats the last choice doubles (to RUN_MAX), a
// changed choice starts again at RUN_MIN: on a steady machine probing costs ≈ 2·PROBE_MIN of RUN_MAX
// products (half of them run the slower way); when the load changes, the choice follows within a run.
// Results are the same either way.
const PROBE_SHARE: i32 = 0;
const PROBE_SOLO: i32 = 1;
const RUN_SHARE: i32 = 2;
const RUN_SOLO: i32 = 3;
const PROBE_SKIP: i32 = 2;
const PROBE_MIN: i32 = 4;
const PROBE_MAX: i32 = 64;
const PROBE_MS: f64 = 1;
const RUN_MIN: i32 = 16; // short: the first probes run while V8 still optimises the worker's code
const RUN_MAX: i32 = 4096;

// @ts-ignore: decorator
@external("env", "now")
declare function clockMs(): f64;

/** Ends this product's part in the current phase (it took ms for macs multiply-adds); moves on when the phase is complete. */
function account(ctrl: usize, phase: i32, ms: f64, macs: f64): void {
  const count = load<i32>(ctrl + COUNT) + 1;
  if (phase == RUN_SHARE || phase == RUN_SOLO) {
    const run = load<i32>(ctrl + RUN_LENGTH);
    if (count < (run > 0 ? run : RUN_MIN)) {
      store<i32>(ctrl + COUNT, count);
      return;
    }
    store<i32>(ctrl + PHASE, PROBE_SHARE);
    store<i32>(ctrl + HASTE, 0); // see below
  } else {
    // A probe's first products are not timed: a share probe follows a one-thread run, during which
    // the worker went to sleep, and its first products pay for waking it (tens of µs on a 0.1 ms
    // product: timed, they made sharing the forward (30,784,128) look slower than one thread when it is
    // 1.9× faster, and the choice then kept one thread).
    if (count <= PROBE_SKIP) {
      store<i32>(ctrl + COUNT, count);
      return;
    }
    const spent = load<f64>(ctrl + SPENT) + ms;
    const work = load<f64>(ctrl + WORK) + macs;
    if ((count - PROBE_SKIP < PROBE_MIN || spent < PROBE_MS) && count < PROBE_MAX) {
      store<i32>(ctrl + COUNT, count);
      store<f64>(ctrl + SPENT, spent);
      store<f64>(ctrl + WORK, work);
      return;
    }
    if (phase == PROBE_SHARE) {
      store<f64>(ctrl + SHARE_COST, spent / work);
      store<i32>(ctrl + PHASE, PROBE_SOLO);
    } else {
      const choice = load<f64>(ctrl + SHARE_COST) <= spent / work ? RUN_SHARE : RUN_SOLO;
      const run = load<i32>(ctrl + RUN_LENGTH);
      store<i32>(ctrl + RUN_LENGTH, choice == load<i32>(ctrl + LAST) ? min(RUN_MAX, 2 * max(run, RUN_MIN)) : RUN_MIN);
      store<i32>(ctrl + LAST, choice);
      store<i32>(ctrl + PHASE, choice);
      // Sharing starts with a patient caller: after a one-thread phase the worker is asleep and late
      // for its first blocks, and the takeovers would push HASTE to 8, where the worker sleeps after
      // every block and the caller never waits for one — sharing that cannot win, which the choice then
      // measures as such (2T epochs at one thread's speed in some processes).
      if (choice == RUN_SHARE) store<i32>(ctrl + HASTE, 0);
    }
  }
  store<i32>(ctrl + COUNT, 0);
  store<f64>(ctrl + SPENT, 0);
  store<f64>(ctrl + WORK, 0);
}

/** Bytes of the control block (TypeScript allocates it zeroed). */
export function parCtrlBytes(): i32 {
  return <i32>(WORKER_TASK + TASK_BYTES);
}

/** Bytes of the worker's own block buffer, passed to workerLoop with its scratch. */
export function parWorkerBytes(): i32 {
  return OWN_BYTES;
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

/** Marks the worker failed (src/backend/worker.ts calls it when workerLoop trapped). */
export function parFail(ctrl: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) atomic.store<i32>(ctrl + STATE, FAILED);
}

/** While `on` = 1, the worker stops before it commits a block, as a preempted worker would; with 2 it traps
 *  (unreachable) when it claims one, as a fault in its code would (for tests). */
export function parStall(ctrl: usize, on: i32): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) atomic.store<i32>(ctrl + STALL, on);
}

/** The share-or-solo phase (0 probe shared, 1 probe one thread, 2 run shared, 3 run one thread), for tests. */
export function parPhase(ctrl: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  return load<i32>(ctrl + PHASE);
}

/** Feeds the share-or-solo choice one product's timing (ms, multiply-adds) in its current phase, for tests. */
export function parAccount(ctrl: usize, ms: f64, macs: f64): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) account(ctrl, load<i32>(ctrl + PHASE), ms, macs);
}

/** Whether the worker trapped (a block it was copying may then be incomplete). */
export function parFailed(ctrl: usize): bool {
  if (!ASC_FEATURE_THREADS) return false;
  return ctrl != 0 && atomic.load<i32>(ctrl + STATE) == FAILED;
}

/** Blocks the worker has committed so far. */
export function parWorkerBlocks(ctrl: usize): i32 {
  if (!ASC_FEATURE_THREADS) return 0;
  return ctrl == 0 ? 0 : atomic.load<i32>(ctrl + TOTAL);
}

// One past the last byte of A, B and C of the task at t.
@inline function taskEnd(t: usize): u64 {
  const m = <u64>load<i32>(t, 12), k = <u64>load<i32>(t, 16), n = <u64>load<i32>(t, 20);
  if (load<i32>(t, 40) == PATH_GATHER) {
    // The stored rows (count in the transA word, k bytes each), the order's m indexes, C's m rows.
    return max(<u64>load<u32>(t) + <u64>load<u32>(t, 24) * k, max(<u64>load<u32>(t, 4) + m * 4, <u64>load<u32>(t, 8) + m * n * 4));
  }
  const a = <u64>load<u32>(t) + m * k * 4, b = <u64>load<u32>(t, 4) + k * n * 4, c = <u64>load<u32>(t, 8) + m * n * 4;
  return max(a, max(b, c));
}

// Block i of the task at t covers rows (or columns) [i·block, i·block + span) of C.
@inline function blockFrom(t: usize, i: i32): i32 {
  return i * load<i32>(t, 48);
}
@inline function blockSpan(t: usize, i: i32): i32 {
  return min(load<i32>(t, 48), (load<i32>(t, 44) != 0 ? load<i32>(t, 12) : load<i32>(t, 20)) - blockFrom(t, i));
}
// The block's rows and columns, and its first element of C.
@inline function blockRows(t: usize, i: i32): i32 {
  return load<i32>(t, 44) != 0 ? blockSpan(t, i) : load<i32>(t, 12);
}
@inline function blockCols(t: usize, i: i32): i32 {
  return load<i32>(t, 44) != 0 ? load<i32>(t, 20) : blockSpan(t, i);
}
@inline function blockC(t: usize, i: i32): usize {
  const from = <usize>blockFrom(t, i);
  return <usize>load<u32>(t, 8) + (load<i32>(t, 44) != 0 ? from * <usize>load<i32>(t, 20) : from) * 4;
}

// Computes block i of the task at t into dst (row stride ldd): C's block itself (ldd = n) or a buffer.
function runBlock(t: usize, i: i32, scratch: usize, dst: usize, ldd: i32): void {
  const a = <usize>load<u32>(t), b = <usize>load<u32>(t, 4);
  const m = load<i32>(t, 12), k = load<i32>(t, 16), n = load<i32>(t, 20);
  const transA = load<i32>(t, 24), transB = load<i32>(t, 28);
  const lda = transA != 0 ? m : k;
  const ldb = transB != 0 ? k : n;
  const from = <usize>blockFrom(t, i);
  if (load<i32>(t, 40) == PATH_GATHER) {
    gatherBytes(a, b + (from << 2), blockSpan(t, i), k, dst);
    return;
  }
  let ai = a, bj = b;
  if (load<i32>(t, 44) != 0) ai = transA != 0 ? a + (from << 2) : a + from * <usize>lda * 4;
  else bj = transB != 0 ? b + from * <usize>ldb * 4 : b + (from << 2);
  gemmBlock(load<i32>(t, 40), ai, bj, dst, blockRows(t, i), k, blockCols(t, i), transA, transB, load<f32>(t, 32),
    load<f32>(t, 36), scratch, lda, ldb, ldd);
}

// Copies rows × cols f32 from src (row stride ls) to dst (row stride ld), strides in elements.
function copyBlock(src: usize, ls: i32, dst: usize, ld: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * <usize>ld * 4, src + <usize>r * <usize>ls * 4, <usize>cols * 4);
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
  const rowUnit = gemmTileFor(m); // blocks of whole tiles: no block packs padding rows the whole would not
  const canRows = m >= 2 * rowUnit;
  const canCols = n >= 16;
  if (!ASC_FEATURE_THREADS || ctrl == 0 || path == PATH_EMPTY || macs < PAR_MIN_MACS || !(canRows || canCols)
    || load<i32>(ctrl + STATE) != RUN) {
    gemmF32(a, b, c, m, k, n, transA, transB, alpha, beta, scratch);
    return;
  }
  if (ASC_FEATURE_THREADS) {
    const phase = load<i32>(ctrl + PHASE);
    const t0 = clockMs();
    if (phase == PROBE_SOLO || phase == RUN_SOLO) gemmF32(a, b, c, m, k, n, transA, transB, alpha, beta, scratch);
    else gemmShared(ctrl, a, b, c, m, k, n, transA, transB, alpha, beta, scratch, macs, path, rowUnit, canRows, canCols);
    account(ctrl, phase, clockMs() - t0, macs);
  }
}

// gemmPar's product on two threads (rowUnit, canRows and canCols as gemmPar found them).
function gemmShared(
  ctrl: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32,
  scratch: usize, macs: f64, path: i32, rowUnit: i32, canRows: bool, canCols: bool,
): void {
  const rowCost = rowSplitCost(path, m, n, transB), colCost = colSplitCost(path, m, n, transA);
  // The cheaper split; at equal cost, the one with more tiles to share (a 10-row batch splits its columns).
  const byRows = canRows && (!canCols || rowCost < colCost || (rowCost == colCost && m * 8 >= n * rowUnit));
  const extent = byRows ? m : n;
  const unit = byRows ? rowUnit : 8;
  const repacked = (byRows ? rowCost : colCost) * <f64>k * 4;
  const least = (byRows ? (MIN_ROWS + unit - 1) / unit * unit : MIN_COLS) * (repacked > <f64>(1 << 20) ? 2 : 1);
  let blocks = <i32>min(<f64>MAX_BLOCKS, Math.floor(macs / BLOCK_MACS));
  const most = extent / least;
  blocks = max(2, min(blocks, most));
  // An even number of blocks (one more, or one fewer where blocks would fall under `least`), so that
  // the two threads tend to finish together and the worker is still polling when the next task is
  // posted — often the next mini-batch's gather, which a sleeping worker misses (5 blocks for the b128
  // weight gradient (30,128,784): the worker took 60–85% of the gathers' blocks; 6 blocks: 90–95%, and
  // the 2T epoch went 0.0624 → 0.0606 s, median of 16 processes each).
  if (blocks & 1) blocks += blocks < MAX_BLOCKS && blocks < most ? 1 : -1;
  const block = (((extent + blocks - 1) / blocks + unit - 1) / unit) * unit;
  blocks = (extent + block - 1) / block;

  const gen = postTask(ctrl, a, b, c, m, k, n, transA, transB, reinterpret<i32>(alpha), reinterpret<i32>(beta), path, byRows ? 1 : 0,
    block, blocks);
  shareBlocks(ctrl, gen, blocks, scratch, n, macs / <f64>blocks / MACS_PER_POLL, true);
}

/**
 * Posts a task of `blocks` blocks for the worker (its words as the control block's header lists them);
 * returns its generation. A new generation with nothing to claim ends the last task before its words are
 * rewritten: a worker that claimed a block of it late and is still copying its words sees the generation
 * change when it checks after the copy, and drops them (workerLoop). Every word is written atomically,
 * in order.
 */
function postTask(
  ctrl: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: i32, beta: i32,
  path: i32, byRows: i32, block: i32, blocks: i32,
): i64 {
  const gen = (atomic.load<i64>(ctrl + CLAIM) >>> 32) + 1;
  atomic.store<i64>(ctrl + CLAIM, claimWord(gen, 0));
  const t = ctrl + TASK;
  atomic.store<i32>(t, <i32>a);
  atomic.store<i32>(t, <i32>b, 4);
  atomic.store<i32>(t, <i32>c, 8);
  atomic.store<i32>(t, m, 12);
  atomic.store<i32>(t, k, 16);
  atomic.store<i32>(t, n, 20);
  atomic.store<i32>(t, transA, 24);
  atomic.store<i32>(t, transB, 28);
  atomic.store<i32>(t, alpha, 32);
  atomic.store<i32>(t, beta, 36);
  atomic.store<i32>(t, path, 40);
  atomic.store<i32>(t, byRows, 44);
  atomic.store<i32>(t, block, 48);
  const open = gen << 2 | OPEN;
  for (let i = 0; i < blocks; i++) atomic.store<i64>(ctrl + COMMIT + (<usize>i << 3), open);
  atomic.store<i64>(ctrl + CLAIM, claimWord(gen, blocks)); // sequentially consistent: the task is visible before it
  if (atomic.load<i32>(ctrl + SLEEPING) != 0) atomic.notify(ctrl + CLAIM, 1);
  return gen;
}

/**
 * The caller's part of the posted task: claims and computes blocks until none is left, then waits for
 * each of the worker's up to about a block's time >> HASTE (`polls` a block, 3 ms at most) and takes it
 * over (unless the worker has committed it: its copy into C is then under way, or it computes the block
 * in place). `n` is C's row stride. With `adapt`, the takeovers and the blocks on time move HASTE (products);
 * a gather leaves it alone (its takeovers say when the worker woke, not how busy the machine is).
 */
function shareBlocks(ctrl: usize, gen: i64, blocks: i32, scratch: usize, n: i32, polls: f64, adapt: bool): void {
  const t = ctrl + TASK;
  const open = gen << 2 | OPEN;
  let mine: u32 = 0; // the blocks this thread claimed
  while (true) {
    const i = claimIndex(atomic.add<i64>(ctrl + CLAIM, 1));
    if (i >= blocks) break;
    runBlock(t, i, scratch, blockC(t, i), n);
    mine |= 1 << i;
  }
  let haste = load<i32>(ctrl + HASTE);
  for (let i = 0; i < blocks; i++) {
    if (mine & (1 << i)) continue;
    const word = ctrl + COMMIT + (<usize>i << 3);
    const patience = <i32>min(<f64>MAX_POLLS, polls) >> haste;
    let polled = 0;
    while (true) {
      const state = atomic.load<i64>(word) & 3;
      if (state == DONE) {
        haste = max(0, haste - 1);
        break;
      }
      ++polled;
      if (state == OPEN && (polled > patience || atomic.load<i32>(ctrl + STATE) == FAILED)) {
        if (atomic.cmpxchg<i64>(word, open, gen << 2 | CALLER) == open) {
          runBlock(t, i, scratch, blockC(t, i), n);
          haste = min(MAX_HASTE, haste + 2);
          break;
        }
      }
      if (state == COPYING && atomic.load<i32>(ctrl + STATE) == FAILED) break; // the backend throws
    }
  }
  if (adapt) store<i32>(ctrl + HASTE, haste);
}

/**
 * gatherBytes (assembly/convert.ts) of a mini-batch's rows into `out`, on two threads while the caller
 * shares its products (a share phase of the choice above): the worker, polling after the last product's
 * blocks, gathers the second half of the rows in place and the caller the first. On one thread
 * otherwise. The same floats either way. `stored` is the number of rows at `inputs` (the worker checks
 * that they are in its view of the memory).
 */
export function gatherPar(ctrl: usize, inputs: usize, order: usize, rows: i32, n: i32, stored: i32, out: usize): void {
  if (!ASC_FEATURE_THREADS || ctrl == 0 || rows < GATHER_MIN_ROWS || load<i32>(ctrl + STATE) != RUN) {
    gatherBytes(inputs, order, rows, n, out);
    return;
  }
  if (ASC_FEATURE_THREADS) {
    const phase = load<i32>(ctrl + PHASE);
    if (phase == PROBE_SOLO || phase == RUN_SOLO) {
      gatherBytes(inputs, order, rows, n, out);
      return;
    }
    const block = ((rows + 1) / 2 + 3) & ~3;
    const blocks = (rows + block - 1) / block;
    const gen = postTask(ctrl, inputs, order, out, rows, n, n, stored, 0, 0, 0, PATH_GATHER, 1, block, blocks);
    shareBlocks(ctrl, gen, blocks, 0, n, <f64>block * <f64>n / BYTES_PER_POLL, false);
  }
}

/** The worker thread's loop: claims and computes blocks until parQuit. `scratch` and `own` (parWorkerBytes) are its own. */
export function workerLoop(ctrl: usize, scratch: usize, own: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) {
    const t = ctrl + WORKER_TASK; // the worker's copy of the task it took a block of
    let spins = 0;
    while (true) {
      const claim = atomic.load<i64>(ctrl + CLAIM);
      if (atomic.load<i32>(ctrl + STATE) != RUN) return;
      if (claimIndex(claim) < claimBlocks(claim)) {
        if (atomic.cmpxchg<i64>(ctrl + CLAIM, claim, claim + 1) == claim) {
          // The task's words are copied after the claim, then the generation is checked again: if the
          // caller took this block over meanwhile and moved on to a later product, it began a new
          // generation before rewriting them, so a copy that still sees this one is whole (seqlock).
          for (let w: usize = 0; w < TASK_BYTES; w += 4) store<i32>(t + w, atomic.load<i32>(ctrl + TASK + w));
          if ((atomic.load<i64>(ctrl + CLAIM) >>> 32) != (claim >>> 32)) {
            spins = 0;
            continue;
          }
          // Memory the caller has grown may not be in this thread's bounds yet: V8 (Node 20) can leave
          // another thread's view of a grown shared memory stale indefinitely (measured: a worker saw 40
          // of 60 pages for thousands of claims), and a block on the new arrays trapped (memory access
          // out of bounds). memory.grow(0) brings this instance's view up to date; a block still out of
          // view is left to the caller, who takes it over after its short wait.
          if (taskEnd(t) > <u64>memory.size() << 16) memory.grow(0);
          if (taskEnd(t) > <u64>memory.size() << 16) {
            spins = 0;
            continue;
          }
          if (atomic.load<i32>(ctrl + STALL) == 2) unreachable();
          const i = claimIndex(claim);
          const word = ctrl + COMMIT + (<usize>i << 3);
          const open = (claim >>> 32) << 2 | OPEN;
          const rows = blockRows(t, i), cols = blockCols(t, i), c = blockC(t, i), n = load<i32>(t, 20);
          if (<i64>rows * <i64>cols * 4 <= <i64>OWN_BYTES && load<i32>(t, 40) != PATH_GATHER) {
            if (load<f32>(t, 36) != 0) copyBlock(c, n, own, cols, rows, cols); // β·C reads C
            runBlock(t, i, scratch, own, cols);
            while (atomic.load<i32>(ctrl + STALL) == 1 && atomic.load<i32>(ctrl + STATE) == RUN) {}
            if (atomic.cmpxchg<i64>(word, open, open | COPYING) == open) {
              copyBlock(own, cols, c, n, rows, cols);
              atomic.store<i64>(word, open | DONE);
              atomic.add<i32>(ctrl + TOTAL, 1);
            }
          } else if (atomic.cmpxchg<i64>(word, open, open | COPYING) == open) {
            runBlock(t, i, scratch, c, n);
            atomic.store<i64>(word, open | DONE);
            atomic.add<i32>(ctrl + TOTAL, 1);
          }
        }
        spins = 0;
        continue;
      }
      // A worker its caller has had to overtake (HASTE > 0: this machine is busy) spins less, or not at all.
      if (++spins > WORKER_SPINS >> (2 * load<i32>(ctrl + HASTE))) {
        atomic.store<i32>(ctrl + SLEEPING, 1);
        memory.atomic.wait64(ctrl + CLAIM, claim, -1); // returns at once if CLAIM has changed
        atomic.store<i32>(ctrl + SLEEPING, 0);
        spins = 0;
      }
    }
  }
}

