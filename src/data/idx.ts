/** An IDX tensor (the MNIST file format: magic 0x0000 + type byte + ndims byte, big-endian dims, then data). */
export interface IdxTensor {
  type: 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

type IdxType = IdxTensor['type'];

/** Type codes of the IDX format (byte 2 of the header) and their element sizes in bytes. */
const TYPES: ReadonlyMap<number, { type: IdxType; bytes: number }> = new Map([
  [0x08, { type: 'u8', bytes: 1 }],
  [0x09, { type: 'i8', bytes: 1 }],
  [0x0b, { type: 'i16', bytes: 2 }],
  [0x0c, { type: 'i32', bytes: 4 }],
  [0x0d, { type: 'f32', bytes: 4 }],
  [0x0e, { type: 'f64', bytes: 8 }],
]);

/**
 * Parses an IDX buffer (Uint8Array, ArrayBuffer, Node Buffer or any ArrayBufferView). Throws RangeError
 * "readIdx: ..." on a corrupt or truncated file: bad magic, unknown type code, or data whose length is
 * not the product of the dimensions. u8 and i8 data is a view on the input (no copy); wider types are
 * copied and converted from the file's big-endian byte order.
 */
export function readIdx(buffer: ArrayBuffer | ArrayBufferView): IdxTensor {
  let bytes: Uint8Array;
  if (buffer instanceof ArrayBuffer) {
    bytes = new Uint8Array(buffer);
  } else if (ArrayBuffer.isView(buffer)) {
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } else {
    const got = buffer === null ? 'null' : typeof buffer;
    throw new TypeError(`readIdx: buffer must be an ArrayBuffer or ArrayBufferView, got ${got}`);
  }
  if (bytes.length < 4) {
    throw new RangeError(`readIdx: buffer has ${bytes.length} bytes, fewer than the 4-byte IDX header`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new RangeError(
      `readIdx: bad magic number: the first two bytes must be 0x00 0x00, got 0x${hex(bytes[0]!)} 0x${hex(bytes[1]!)}`,
    );
  }
  const code = bytes[2]!;
  const kind = TYPES.get(code);
  if (kind === undefined) {
    throw new RangeError(`readIdx: unknown type code 0x${hex(code)}; expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e`);
  }
  const ndims = bytes[3]!;
  const dataOffset = 4 + 4 * ndims;
  if (bytes.length < dataOffset) {
    throw new RangeError(
      `readIdx: truncated header: ${ndims} dimensions need ${dataOffset} bytes, buffer has ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let d = 0; d < ndims; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    shape.push(size);
    // Products of up to 255 uint32s can exceed 2^53; any product past the buffer is already an error.
    count = Math.min(count * size, Number.MAX_SAFE_INTEGER);
  }
  const dataBytes = bytes.length - dataOffset;
  if (count * kind.bytes !== dataBytes) {
    const need = count === Number.MAX_SAFE_INTEGER ? 'more than 2^53' : String(count * kind.bytes);
    throw new RangeError(
      `readIdx: size mismatch: shape [${shape.join(', ')}] of ${kind.type} needs ${need} data bytes, ` +
        `buffer has ${dataBytes} (${dataBytes < count * kind.bytes ? 'truncated' : 'trailing bytes'})`,
    );
  }
  return { type: kind.type, shape, data: decode(kind.type, view, dataOffset, count) };
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

/** Reads `count` big-endian elements of `type` starting at `offset`. */
function decode(type: IdxType, view: DataView, offset: number, count: number): IdxTensor['data'] {
  const start = view.byteOffset + offset;
  switch (type) {
    case 'u8':
      return new Uint8Array(view.buffer, start, count);
    case 'i8':
      return new Int8Array(view.buffer, start, count);
    case 'i16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'i32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'f32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'f64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}
