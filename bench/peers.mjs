// The peers xent is measured against, set up for one process: TensorFlow.js 4.22.0 (wasm backend,
// XNNPACK, one thread; cpu backend, plain JS) and xent's own backends at the kernel level.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { createWasmBackend, relaxedSimdSupported } from '../dist/backend/wasm.js';
import { createReferenceBackend } from '../dist/backend/reference/index.js';

tf.env().set('IS_TEST', false);
setThreadsCount(1); // the same single core xent uses

/** Switches TensorFlow.js to a backend ('wasm' or 'cpu') and waits for it. */
export async function useTf(name) {
  await tf.setBackend(name);
  await tf.ready();
  if (tf.getBackend() !== name) throw new Error(`tfjs backend ${name} did not start`);
  return tf;
}

/**
 * xent backends at the kernel level: 'plain' and 'relaxed' WASM builds (when available), the default
 * build on two threads (createXent({ threads: 2 })), and the reference.
 */
export async function xentBackends() {
  const relaxed = relaxedSimdSupported();
  const list = [['xent wasm', await createWasmBackend('plain')]];
  if (relaxed) list.push(['xent relaxed', await createWasmBackend('relaxed')]);
  list.push(['xent 2 threads', await createWasmBackend(relaxed ? 'relaxed' : 'plain', 2)]);
  list.push(['xent reference', createReferenceBackend()]);
  return list;
}

/**
 * C = A·B (m×k by k×n) on a WASM backend at the kernel level: the operands resident in the instance's
 * memory, as in training; returns the task (one GEMM through gemmPar, which splits it on two threads).
 */
export function residentGemm(be, a, b, m, k, n) {
  const A = be.alloc('f32', m * k);
  const B = be.alloc('f32', k * n);
  const C = be.alloc('f32', m * n);
  A.write(a);
  B.write(b);
  const scratch = be.heap.alloc(be.kernels.matmulScratchBytes(m, k, n, 0, 0));
  const ctrl = be.parallelControl; // 0 on one thread
  return () => be.kernels.gemmPar(ctrl, A.ptr, B.ptr, C.ptr, m, k, n, 0, 0, 1, 0, scratch);
}

export { tf };
