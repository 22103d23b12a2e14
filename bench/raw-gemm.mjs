// Operands of one GEMM placed in a raw build's memory (bench/kernel-gemm.mjs, bench/kernel-ab.mjs):
// A (m×k or k×m), B and C after the module's static data, 64 bytes apart, then matmulF32's scratch;
// A and B filled with uniform values in [−0.5, 0.5). Returns the call that runs matmulF32 on them.
export function placeGemm(exports, m, k, n, transA, transB) {
  const a = (exports.heapBase() + 15) & ~15;
  const b = a + m * k * 4 + 64;
  const c = b + k * n * 4 + 64;
  const s = c + m * n * 4 + 64;
  const end = s + exports.matmulScratchBytes(m, k, n, transA, transB);
  if (end > exports.memory.buffer.byteLength) exports.memory.grow(Math.ceil((end - exports.memory.buffer.byteLength) / 65536));
  const f32 = new Float32Array(exports.memory.buffer);
  for (let i = a / 4; i < c / 4; i++) f32[i] = Math.random() - 0.5;
  return () => exports.matmulF32(a, b, c, m, k, n, transA, transB, s);
}
