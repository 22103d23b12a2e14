/** C = op(A)·op(B) in plain TypeScript; the oracle for the WASM kernel (f64 accumulation, f32 result). */
export function matmulF32(
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
): void {
  // op(A)[i][p] = a[i*aRow + p*aCol]; op(B)[p][j] = b[p*bRow + j*bCol].
  const aRow = transA ? 1 : k;
  const aCol = transA ? m : 1;
  const bRow = transB ? 1 : n;
  const bCol = transB ? k : 1;
  if (transB) {
    // B's rows are op(B)'s columns: a dot product per output, contiguous in p.
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[i * aRow + p * aCol] * b[j * bCol + p];
        c[i * n + j] = sum;
      }
    }
    return;
  }
  // op(B) = B: accumulate scaled rows of B into a float64 row of C, contiguous in j.
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    row.fill(0);
    for (let p = 0; p < k; p++) {
      const aip = a[i * aRow + p * aCol];
      const off = p * bRow;
      for (let j = 0; j < n; j++) row[j] += aip * b[off + j];
    }
    for (let j = 0; j < n; j++) c[i * n + j] = row[j];
  }
}
