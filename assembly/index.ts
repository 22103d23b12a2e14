// The WASM module's exports: pure kernels only (see docs/design.md). Module state: the GEMM tile height
// and its fit mask (gemmSetTile, gemmSetFit), set once per instance at creation; they change speed only.
export { sigmoidF32, sigmoidF64, softmaxF32, softmaxF64 } from './activations';
export { bceProb, bceLogits, cce, quadratic } from './losses';
export { entropyRows, crossRows } from './info';
export { expF32, expF64 } from './fastmath';
export { matmulF32, gemmF32, gemmF32Ld, gemmPath, gemmBlock, matmulScratchBytes, gemmSetTile, gemmTile, gemmDefaultTile, gemmSetFit, gemmFit, gemmTileFor } from './matmul';
export { gemmPar, gatherPar, workerLoop, parCtrlBytes, parWorkerBytes, parQuit, parStall, parFail, parFailed, parWorkerBlocks, parPhase, parAccount } from './parallel';
export { networkWorkBytes, networkForward, networkTrain } from './network';
export { optimizerStateBytes, parameterCount } from './optimizers';
export { bytesToF32, bytesToF32Rows4, exactBytesF32, gatherBytes } from './convert';
export { configEcho } from './contract-echo';

/** First byte of linear memory that TypeScript may hand out (after static data). */
export function heapBase(): usize {
  return __heap_base;
}
