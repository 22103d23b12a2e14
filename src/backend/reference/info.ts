// Plain-TypeScript twins of assembly/info.ts.

/** H(p) per row and ∂H/∂p = −(log p + 1). */
export function entropyRows(p: Float64Array, out: Float64Array | null, grad: Float64Array | null, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let k = 0; k < cols; k++) {
      const i = r * cols + k;
      const pk = p[i]!;
      const lp = Math.log(pk);
      if (pk > 0) h -= pk * lp;
      if (grad) grad[i] = -(lp + 1);
    }
    if (out) out[r] = h;
  }
}

/** H(p, q) (kind 0) or D(p‖q) (kind 1) per row, and ∂/∂q = −p/q. */
export function crossRows(p: Float64Array, q: Float64Array, out: Float64Array | null, grad: Float64Array | null,
  rows: number, cols: number, kind: number): void {
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let k = 0; k < cols; k++) {
      const i = r * cols + k;
      const pk = p[i]!;
      const qk = q[i]!;
      if (pk > 0) {
        if (kind === 0) h -= pk * Math.log(qk);
        else {
          const ratio = pk / qk;
          h += pk * (ratio > 0 && ratio < Infinity ? Math.log(ratio) : Math.log(pk) - Math.log(qk));
        }
      }
      if (grad) grad[i] = pk > 0 ? -pk / qk : 0;
    }
    if (out) out[r] = h;
  }
}
