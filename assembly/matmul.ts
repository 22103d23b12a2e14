// TEMPORARY naive kernel (placeholder until the SIMD kernel lands).
export function matmulScratchBytes(m: i32, k: i32, n: i32, transA: i32, transB: i32): i32 {
  return 0;
}
export function matmulF32(a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, transA: i32, transB: i32, scratch: usize): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s: f32 = 0;
      for (let p = 0; p < k; p++) {
        const av = load<f32>(a + ((<usize>(transA ? p * m + i : i * k + p)) << 2));
        const bv = load<f32>(b + ((<usize>(transB ? j * k + p : p * n + j)) << 2));
        s += av * bv;
      }
      store<f32>(c + ((<usize>(i * n + j)) << 2), s);
    }
  }
}
