// Two-thread GEMM (the `threads: 2` builds: shared, imported memory). A product large enough to repay
// a hand-off is cut into two row (or column) blocks of C; the second block is posted to a worker thread
// that runs workerLoop on the same memory, the calling thread computes the first, then waits for the
// worker. The blocks are disjoint and each element is summed exactly as gemmF32 sums it for that block's
// shape, so the result equals a one-thread product up to the summation order of the path each block
// takes (both are within f32 rounding of the exact product).
//
// The hand-off lives in a control block `ctrl` that TypeScript allocates per instance (no module state):
//   i32 [0]  state: IDLE, POSTED (a task is waiting), DONE (the worker finished it), QUIT, or FAILED
//            (the worker trapped: the caller stops waiting and the backend throws)
//   i32 [2]  tasks the worker has run (for tests and diagnostics)
//   [16..]   the task: a, b, c, m, k, n, transA, transB, alpha (f32), beta (f32), lda, ldc
// The worker spins on the state for a while (a training loop posts every ~0.1 ms), then sleeps in
// memory.atomic.wait32 until notified. The caller never sleeps (browsers forbid waiting on the main
// thread): it spins until DONE. ctrl = 0, or a build without threads, means one thread.

import { gemmF32, gemmF32Ld } from './matmul';

const IDLE: i32 = 0;
const POSTED: i32 = 1;
const DONE: i32 = 2;
const QUIT: i32 = 3;
const FAILED: i32 = 4; // written by src/backend/worker.ts when the worker's loop trapped
const TASK: usize = 64; // task words start on their own cache line
const SPINS: i32 = 1 << 22; // state polls before the worker sleeps (1–4 ms; one poll can take < 1 ns)

/** Bytes of the control block (TypeScript allocates it, zeroed = IDLE). */
export function parCtrlBytes(): i32 {
  return 128;
}

/** Products below this many multiply-adds run on one thread (a hand-off costs a few µs). */
const PAR_MIN_MACS: f64 = 131072;

/**
 * C = β·C + α·op(A)·op(B) like gemmF32, on two threads when ctrl ≠ 0 and the product is large: C is cut
 * into two row blocks (m ≥ 16), or into two column blocks when m is small and B is stored n×k (the
 * forward product of a small mini-batch, A·Wᵀ). The first block is computed here with `scratch`, the
 * second on the worker with its own.
 */
export function gemmPar(
  ctrl: usize, a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, alpha: f32, beta: f32,
  scratch: usize,
): void {
  const byRows = m >= 16;
  const byCols = !byRows && transB != 0 && n >= 16;
  if (!ASC_FEATURE_THREADS || ctrl == 0 || !(byRows || byCols) || <f64>m * <f64>k * <f64>n < PAR_MIN_MACS) {
    gemmF32(a, b, c, m, k, n, transA, transB, alpha, beta, scratch);
    return;
  }
  if (ASC_FEATURE_THREADS) {
    const lda = transA != 0 ? m : k;
    // The first block's rows (or columns): half, rounded to a multiple of the 4-wide tiles.
    const h = (((byRows ? m : n) >> 1) + 3) & ~3;
    let a1 = a, b1 = b, c1 = c, m1 = m, n1 = n;
    if (byRows) {
      a1 = transA != 0 ? a + (<usize>h << 2) : a + <usize>h * <usize>k * 4;
      c1 = c + <usize>h * <usize>n * 4;
      m1 = m - h;
    } else {
      b1 = b + <usize>h * <usize>k * 4; // rows of B stored n×k are columns of op(B)
      c1 = c + (<usize>h << 2);
      n1 = n - h;
    }
    const t = ctrl + TASK;
    store<u32>(t, <u32>a1);
    store<u32>(t, <u32>b1, 4);
    store<u32>(t, <u32>c1, 8);
    store<i32>(t, m1, 12);
    store<i32>(t, k, 16);
    store<i32>(t, n1, 20);
    store<i32>(t, transA, 24);
    store<i32>(t, transB, 28);
    store<f32>(t, alpha, 32);
    store<f32>(t, beta, 36);
    store<i32>(t, lda, 40);
    store<i32>(t, n, 44); // ldc: C keeps its full row stride
    atomic.store<i32>(ctrl, POSTED); // sequentially consistent: the task words are visible before it
    atomic.notify(ctrl, 1);
    gemmF32Ld(a, b, c, byRows ? h : m, k, byRows ? n : h, transA, transB, alpha, beta, scratch, lda, n);
    let state = atomic.load<i32>(ctrl);
    while (state != DONE && state != FAILED) state = atomic.load<i32>(ctrl);
    if (state == DONE) atomic.store<i32>(ctrl, IDLE); // FAILED stays: the backend reports it after the call
  }
}

/** The worker thread's loop: runs posted tasks until the state becomes QUIT. `scratch` is its own. */
export function workerLoop(ctrl: usize, scratch: usize): void {
  if (!ASC_FEATURE_THREADS) return;
  if (ASC_FEATURE_THREADS) {
    const t = ctrl + TASK;
    while (true) {
      let state = atomic.load<i32>(ctrl);
      let spins = 0;
      while (state != POSTED) {
        if (state == QUIT) return;
        if (++spins > SPINS) {
          memory.atomic.wait32(ctrl, state, -1);
          spins = 0;
        }
        state = atomic.load<i32>(ctrl);
      }
      gemmF32Ld(
        <usize>load<u32>(t), <usize>load<u32>(t, 4), <usize>load<u32>(t, 8), load<i32>(t, 12), load<i32>(t, 16),
        load<i32>(t, 20), load<i32>(t, 24), load<i32>(t, 28), load<f32>(t, 32), load<f32>(t, 36), scratch,
        load<i32>(t, 40), load<i32>(t, 44),
      );
      store<i32>(ctrl, load<i32>(ctrl, 8) + 1, 8);
      atomic.store<i32>(ctrl, DONE);
    }
  }
}
