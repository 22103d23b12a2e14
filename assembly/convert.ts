// Byte inputs (pixels as IDX files store them) to float32: out[i] = b[i] / 255, correctly rounded (an
// f32 division of two exact values), sixteen bytes at a time. Twin: src/data/dataset.ts inputsAsFloat32.

/** out[i] = src[i] / 255 as f32, for n bytes. */
export function bytesToF32(src: usize, out: usize, n: i32): void {
  const d = f32x4.splat(255.0);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const b = v128.load(src + <usize>i);
    const lo = i16x8.extend_low_i8x16_u(b);
    const hi = i16x8.extend_high_i8x16_u(b);
    const o = out + (<usize>i << 2);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(lo)), d));
    v128.store(o, f32x4.div(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(lo)), d), 16);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_u(hi)), d), 32);
    v128.store(o, f32x4.div(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_u(hi)), d), 48);
  }
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<u8>(src + <usize>i) / <f32>255.0);
}
