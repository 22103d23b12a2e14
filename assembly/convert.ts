// Byte inputs (pixels as IDX files store them) to float32: out[i] = b[i] / 255, correctly rounded, as
// an f32 division gives it, sixteen bytes at a time. Twin: src/data/dataset.ts inputsAsFloat32.
//
// Without the division: 1/255 = 257/65535 = (257/65536)·(1 + 2⁻¹⁶ + 2⁻³² + …), so with y = b·257/65536
// (exact in f32: 257·b < 2¹⁶), b/255 = y + y·(2⁻¹⁶ + 2⁻³²) + y·2⁻⁴⁸·(…). In f32, y·(2⁻¹⁶ + 2⁻³²) rounds
// once and the sum rounds once more; the 2⁻³² term moves the powers of two off the rounding ties that
// y + y·2⁻¹⁶ alone lands on. Checked for all 256 bytes (test/convert.test.ts) against b / 255. Two
// multiplies and an add (kept apart: no fused multiply-add) instead of a division, whose throughput on
// x64 (one per ~3 cycles) bounded the gather of a shuffled mini-batch.

const K257: f32 = 257.0 / 65536.0;
const TAIL: f32 = 1.0 / 65536.0 + 1.0 / 4294967296.0;

// Four bytes (as i32 lanes) to their byte/255.
// @ts-ignore: decorator
@inline function scale4(x: v128): v128 {
  const y = f32x4.mul(f32x4.convert_i32x4_s(x), f32x4.splat(K257));
  return f32x4.add(y, f32x4.mul(y, f32x4.splat(TAIL)));
}

// Sixteen bytes at src to sixteen f32 at out.
// @ts-ignore: decorator
@inline function convert16(src: usize, out: usize): void {
  const b = v128.load(src);
  const lo = i16x8.extend_low_i8x16_u(b);
  const hi = i16x8.extend_high_i8x16_u(b);
  v128.store(out, scale4(i32x4.extend_low_i16x8_u(lo)));
  v128.store(out, scale4(i32x4.extend_high_i16x8_u(lo)), 16);
  v128.store(out, scale4(i32x4.extend_low_i16x8_u(hi)), 32);
  v128.store(out, scale4(i32x4.extend_high_i16x8_u(hi)), 48);
}

/** out[i] = src[i] / 255 as f32, for n bytes. */
export function bytesToF32(src: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) convert16(src + <usize>i, out + (<usize>i << 2));
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / <f32>255.0);
}

/**
 * Four rows of n bytes (at s0..s3, anywhere) to four consecutive rows of n f32 at out, as bytesToF32
 * does each. Interleaving the rows keeps four cache misses in flight at once: gathering a shuffled
 * mini-batch from a large byte array is bound by memory latency, not by the conversion (MNIST, one
 * epoch of 50,000 random 784-byte rows: 22 ms one row at a time, 14 ms four at a time).
 */
export function bytesToF32Rows4(s0: usize, s1: usize, s2: usize, s3: usize, out: usize, n: i32): void {
  const row = <usize>n << 2;
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = out + (<usize>i << 2);
    convert16(s0 + <usize>i, o);
    convert16(s1 + <usize>i, o + row);
    convert16(s2 + <usize>i, o + 2 * row);
    convert16(s3 + <usize>i, o + 3 * row);
  }
  if (i < n) {
    const rest = n - i;
    const o = out + (<usize>i << 2);
    bytesToF32(s0 + <usize>i, o, rest);
    bytesToF32(s1 + <usize>i, o + row, rest);
    bytesToF32(s2 + <usize>i, o + 2 * row, rest);
    bytesToF32(s3 + <usize>i, o + 3 * row, rest);
  }
}

/**
 * Gathers rows order[0..rows) (i32 indexes at `order`) of the byte matrix at `inputs` (n bytes a row)
 * into consecutive rows of n f32 at out, each converted as bytesToF32 does. One byte of every cache line
 * of the rows is read first, all before any row is converted: WebAssembly has no prefetch, but
 * independent loads keep many more cache misses in flight than the conversion's four rows do (a
 * shuffled MNIST epoch at batch 128: 0.0972 → 0.0944 s). Their sum goes to out's first word, which the
 * conversion then overwrites, so that the loads are not optimised away.
 */
export function gatherBytes(inputs: usize, order: usize, rows: i32, n: i32, out: usize): void {
  if (rows <= 0 || n <= 0) return;
  let acc: u32 = 0;
  for (let r = 0; r < rows; r++) {
    const p = inputs + <usize>load<i32>(order + (<usize>r << 2)) * <usize>n;
    for (let o = 0; o < n; o += 64) acc += load<u8>(p + <usize>o);
    acc += load<u8>(p + <usize>(n - 1));
  }
  store<u32>(out, acc);
  const row = <usize>n << 2;
  let r = 0;
  for (; r + 4 <= rows; r += 4) {
    const q = order + (<usize>r << 2);
    bytesToF32Rows4(
      inputs + <usize>load<i32>(q) * <usize>n, inputs + <usize>load<i32>(q, 4) * <usize>n,
      inputs + <usize>load<i32>(q, 8) * <usize>n, inputs + <usize>load<i32>(q, 12) * <usize>n, out + <usize>r * row, n,
    );
  }
  for (; r < rows; r++) bytesToF32(inputs + <usize>load<i32>(order + (<usize>r << 2)) * <usize>n, out + <usize>r * row, n);
}
