import { describe, it, expect } from 'vitest';
import { readIdx } from '../src/data/idx.js';

type Kind = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

const CODES: Record<Kind, number> = { u8: 0x08, i8: 0x09, i16: 0x0b, i32: 0x0c, f32: 0x0d, f64: 0x0e };
const SIZES: Record<Kind, number> = { u8: 1, i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 };

/** Builds an IDX file the way the format specifies: header, big-endian dims, big-endian data. */
function idx(kind: Kind, shape: number[], values: number[]): Uint8Array<ArrayBuffer> {
  const header = 4 + 4 * shape.length;
  const bytes = new Uint8Array(header + SIZES[kind] * values.length);
  const view = new DataView(bytes.buffer);
  bytes[2] = CODES[kind];
  bytes[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  values.forEach((v, i) => {
    const at = header + SIZES[kind] * i;
    if (kind === 'u8') view.setUint8(at, v);
    else if (kind === 'i8') view.setInt8(at, v);
    else if (kind === 'i16') view.setInt16(at, v, false);
    else if (kind === 'i32') view.setInt32(at, v, false);
    else if (kind === 'f32') view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  });
  return bytes;
}

function raw(...bytes: number[]): Uint8Array {
  return Uint8Array.from(bytes);
}

describe('readIdx', () => {
  it('reads u8 data of a 3-d shape as a Uint8Array', () => {
    const values = Array.from({ length: 24 }, (_, i) => (i * 11) % 256);
    values[23] = 255;
    const t = readIdx(idx('u8', [2, 3, 4], values));
    expect(t.type).toBe('u8');
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(t.data)).toEqual(values);
  });

  it('reads i8 data as signed bytes', () => {
    const t = readIdx(raw(0, 0, 0x09, 1, 0, 0, 0, 4, 0x00, 0x7f, 0x80, 0xff));
    expect(t.type).toBe('i8');
    expect(t.shape).toEqual([4]);
    expect(t.data).toBeInstanceOf(Int8Array);
    expect(Array.from(t.data)).toEqual([0, 127, -128, -1]);
  });

  it('reads i16 big-endian (0x0102 is 258, not 513)', () => {
    const t = readIdx(raw(0, 0, 0x0b, 1, 0, 0, 0, 3, 0x01, 0x02, 0xff, 0xfe, 0x80, 0x00));
    expect(t.type).toBe('i16');
    expect(t.data).toBeInstanceOf(Int16Array);
    expect(Array.from(t.data)).toEqual([258, -2, -32768]);
  });

  it('reads i32 big-endian', () => {
    const t = readIdx(raw(0, 0, 0x0c, 1, 0, 0, 0, 2, 0x01, 0x02, 0x03, 0x04, 0xff, 0xff, 0xff, 0xfd));
    expect(t.type).toBe('i32');
    expect(t.data).toBeInstanceOf(Int32Array);
    expect(Array.from(t.data)).toEqual([0x01020304, -3]);
  });

  it('reads f32 big-endian', () => {
    // 1.5 is 0x3fc00000: read little-endian it would be a denormal near 6.9e-41.
    const t = readIdx(raw(0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0x00, 0x00));
    expect(t.type).toBe('f32');
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(Array.from(t.data)).toEqual([1.5]);
  });

  it('reads f32 and f64 values of a 2-d shape', () => {
    const f32 = [0, -0.5, 3.25, 1e-3, -1e30, Infinity];
    const t32 = readIdx(idx('f32', [2, 3], f32));
    expect(t32.shape).toEqual([2, 3]);
    expect(Array.from(t32.data)).toEqual(f32.map(Math.fround));
    const f64 = [Math.PI, -Math.E, 1e-300, 5e-324, -0, NaN];
    const t64 = readIdx(idx('f64', [3, 2], f64));
    expect(t64.type).toBe('f64');
    expect(t64.data).toBeInstanceOf(Float64Array);
    expect(t64.shape).toEqual([3, 2]);
    expect(Array.from(t64.data)).toEqual(f64);
  });

  it('reads every type code with the right typed array and values', () => {
    const cases: [Kind, number[], Function][] = [
      ['u8', [0, 1, 200, 255], Uint8Array],
      ['i8', [-128, -1, 0, 127], Int8Array],
      ['i16', [-32768, -1, 258, 32767], Int16Array],
      ['i32', [-2147483648, -1, 16909060, 2147483647], Int32Array],
      ['f32', [-2, 0.25, 1024, 3.5], Float32Array],
      ['f64', [-2.000000000001, 0.1, 1e100, 7], Float64Array],
    ];
    for (const [kind, values, type] of cases) {
      const t = readIdx(idx(kind, [2, 2], values));
      expect(t.type).toBe(kind);
      expect(t.shape).toEqual([2, 2]);
      expect(t.data).toBeInstanceOf(type);
      expect(Array.from(t.data)).toEqual(values);
    }
  });

  it('accepts an ArrayBuffer, a Node Buffer, a DataView and a view at an offset', () => {
    const file = idx('i16', [2], [258, -2]);
    const padded = new Uint8Array(file.length + 7);
    padded.set(file, 3);
    const inputs = [
      file.buffer,
      Buffer.from(file),
      new DataView(file.buffer),
      padded.subarray(3, 3 + file.length),
    ];
    for (const input of inputs) {
      expect(Array.from(readIdx(input).data)).toEqual([258, -2]);
    }
  });

  it('returns u8 data as a view on the input, without copying', () => {
    const file = idx('u8', [3], [1, 2, 3]);
    const t = readIdx(file);
    expect(t.data.buffer).toBe(file.buffer);
    expect(t.data.byteOffset).toBe(8);
  });

  it('handles degenerate shapes: a scalar (0 dims) and a zero dimension', () => {
    const scalar = readIdx(idx('i32', [], [-7]));
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([-7]);
    const empty = readIdx(idx('f64', [0, 5], []));
    expect(empty.shape).toEqual([0, 5]);
    expect(empty.data).toBeInstanceOf(Float64Array);
    expect(empty.data.length).toBe(0);
  });

  describe('throws a RangeError naming readIdx on a corrupt or truncated buffer', () => {
    const good = idx('i16', [2, 3], [1, 2, 3, 4, 5, 6]);
    const cases: [string, Uint8Array, RegExp][] = [
      ['an empty buffer', raw(), /fewer than the 4-byte IDX header/],
      ['a 3-byte buffer', raw(0, 0, 8), /fewer than the 4-byte IDX header/],
      ['a nonzero first magic byte', raw(1, 0, 8, 1, 0, 0, 0, 0), /bad magic number.*0x01 0x00/],
      ['a nonzero second magic byte', raw(0, 0x08, 0x03, 1, 0, 0, 0, 0), /bad magic number.*0x00 0x08/],
      ['unknown type code 0x0a', raw(0, 0, 0x0a, 1, 0, 0, 0, 0), /unknown type code 0x0a/],
      ['unknown type code 0x07', raw(0, 0, 0x07, 0), /unknown type code 0x07/],
      ['a truncated header', raw(0, 0, 8, 3, 0, 0, 0, 2, 0, 0), /truncated header: 3 dimensions need 16 bytes, buffer has 10/],
      ['truncated data', good.subarray(0, good.length - 1), /size mismatch.*needs 12 data bytes, buffer has 11 \(truncated\)/],
      ['a header only', good.subarray(0, 12), /size mismatch.*buffer has 0 \(truncated\)/],
      ['a trailing byte', Uint8Array.from([...good, 0]), /size mismatch.*buffer has 13 \(trailing bytes\)/],
      ['a half element', raw(0, 0, 0x0e, 1, 0, 0, 0, 1, 0, 0, 0, 0), /size mismatch.*needs 8 data bytes, buffer has 4/],
      [
        'dims whose product overflows',
        raw(0, 0, 8, 3, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 1),
        /size mismatch.*needs more than 2\^53 data bytes/,
      ],
    ];
    for (const [what, buffer, message] of cases) {
      it(what, () => {
        expect(() => readIdx(buffer)).toThrow(RangeError);
        expect(() => readIdx(buffer)).toThrow(/^readIdx: /);
        expect(() => readIdx(buffer)).toThrow(message);
      });
    }
  });

  it('throws a TypeError naming readIdx for a non-buffer', () => {
    for (const bad of [null, undefined, 'abc', [0, 0, 8, 0], { length: 4 }]) {
      expect(() => readIdx(bad as unknown as ArrayBuffer)).toThrow(TypeError);
      expect(() => readIdx(bad as unknown as ArrayBuffer)).toThrow(/^readIdx: buffer must be an ArrayBuffer/);
    }
  });
});
