/** C = op(A)·op(B) in plain TypeScript; the oracle for the WASM kernel (f64 accumulation, f32 result). */
export function matmulF32(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean,
): void {
  gemmF32(a, b, c, m, k, n, transA, transB, 1, 0);
}

/** C = β·C + α·op(A)·op(B) (β = 0 never reads C); twin of assembly/matmul.ts gemmF32. */
export function gemmF32(
  a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, transA: boolean, transB: boolean,
  alpha: number, beta: number,
): void {
  // op(A)[i][p] = a[i*aRow + p*aCol]; op(B)[p][j] = b[p*bRow + j*bCol].
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = a[i * aRow + p * aCol]!;
      const off = p * bRow;
      for (let j = 0; j < n; j++) row[j] += aip * b[off + j * bCol]!;
    }
    for (let j = 0; j < n; j++) c[i * n + j] = beta === 0 ? alpha * row[j]! : alpha * row[j]! + beta * c[i * n + j]!;
  }
}
