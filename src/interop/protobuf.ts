// The protocol-buffers wire format, as much of it as ONNX models need: varints (int32/int64/enums),
// fixed32 (float), fixed64 (skipped or double), and length-delimited fields (strings, bytes, packed
// repeated scalars, nested messages). No schema here: src/interop/onnx.ts names the fields.
// Encoding: tag = (field << 3) | wire type, then the payload; negative int64 values are ten-byte
// two's-complement varints. Decoding never reads past the buffer: a truncated or malformed field throws
// a RangeError naming the caller's function and the field path.
import { rangeError } from '../errors.js';

/** Wire types of the protobuf encoding. */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const;

/** A growable byte buffer that writes protobuf fields in the order they are called. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Appends a raw varint (no tag); integers in ±2^53, negatives as 64-bit two's complement. */
  rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: varint ${value} is not a safe integer`);
    if (value < 0) {
      let v = BigInt.asUintN(64, BigInt(value));
      this.reserve(10);
      while (v >= 0x80n) {
        this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
        v >>= 7n;
      }
      this.buf[this.len++] = Number(v);
      return;
    }
    this.reserve(8);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** An int32/int64/enum field. */
  int(field: number, value: number): void {
    this.tag(field, WIRE.varint);
    this.rawVarint(value);
  }

  /** A float field (fixed32, little-endian IEEE 754). */
  float(field: number, value: number): void {
    this.tag(field, WIRE.fixed32);
    this.reserve(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, value, true);
    this.len += 4;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): void {
    this.tag(field, WIRE.bytes);
    this.rawVarint(value.length);
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): void {
    this.bytes(field, new TextEncoder().encode(value));
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly number[]): void {
    const inner = new ProtoWriter();
    for (const v of values) inner.rawVarint(v);
    this.bytes(field, inner.finish());
  }

  /** A nested message field, written by `body` on a fresh writer. */
  message(field: number, body: (w: ProtoWriter) => void): void {
    const inner = new ProtoWriter();
    body(inner);
    this.bytes(field, inner.finish());
  }

  /** The bytes written so far (a copy sized to fit). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** One decoded field: varints as numbers, fixed32/fixed64 and length-delimited payloads as bytes. */
export interface ProtoField {
  field: number;
  wire: number;
  /** The varint's value (wire 0). */
  int: number;
  /** The payload (wires 1, 2, 5): a view into the decoded buffer, not a copy. */
  bytes: Uint8Array;
}

/** Reads one varint at `pos`; returns [value, next position]. Values beyond ±2^53 throw. */
function readVarint(fn: string, path: string, buf: Uint8Array, pos: number): [number, number] {
  let lo = 0;
  let shift = 0;
  let i = pos;
  // Up to 7 groups fit exactly in a double (49 bits); longer varints go through BigInt.
  while (i < buf.length && shift < 49) {
    const b = buf[i++]!;
    lo += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [lo, i];
    shift += 7;
  }
  let big = BigInt(lo);
  let s = BigInt(shift);
  while (i < buf.length && s < 70n) {
    const b = buf[i++]!;
    big |= BigInt(b & 0x7f) << s;
    if (b < 0x80) {
      const signed = BigInt.asIntN(64, big);
      if (signed > BigInt(Number.MAX_SAFE_INTEGER) || signed < BigInt(Number.MIN_SAFE_INTEGER)) {
        rangeError(fn, `${path} holds an integer outside ±2^53`);
      }
      return [Number(signed), i];
    }
    s += 7n;
  }
  rangeError(fn, `${path} is truncated (a varint runs past the end)`);
}

/** Decodes the fields of one message, in order; unknown fields are returned too (callers skip them). */
export function decodeFields(fn: string, path: string, buf: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  const empty = buf.subarray(0, 0);
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(fn, path, buf, pos);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field < 1) rangeError(fn, `${path} has an invalid field number 0 at byte ${pos}`);
    pos = p1;
    if (wire === WIRE.varint) {
      const [v, p2] = readVarint(fn, `${path} field ${field}`, buf, pos);
      out.push({ field, wire, int: v, bytes: empty });
      pos = p2;
    } else if (wire === WIRE.fixed64 || wire === WIRE.fixed32) {
      const n = wire === WIRE.fixed64 ? 8 : 4;
      if (pos + n > buf.length) rangeError(fn, `${path} field ${field} is truncated`);
      out.push({ field, wire, int: 0, bytes: buf.subarray(pos, pos + n) });
      pos += n;
    } else if (wire === WIRE.bytes) {
      const [n, p2] = readVarint(fn, `${path} field ${field}`, buf, pos);
      if (n < 0 || p2 + n > buf.length) rangeError(fn, `${path} field ${field} is truncated (length ${n} runs past the end)`);
      out.push({ field, wire, int: 0, bytes: buf.subarray(p2, p2 + n) });
      pos = p2 + n;
    } else {
      rangeError(fn, `${path} has unsupported wire type ${wire} (field ${field}) at byte ${pos}`);
    }
  }
  return out;
}

/** The values of a repeated int64 field, packed (wire 2) or not (wire 0) — protobuf allows both. */
export function repeatedInts(fn: string, path: string, fields: readonly ProtoField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire === WIRE.varint) out.push(f.int);
    else if (f.wire === WIRE.bytes) {
      let pos = 0;
      while (pos < f.bytes.length) {
        const [v, next] = readVarint(fn, path, f.bytes, pos);
        out.push(v);
        pos = next;
      }
    } else rangeError(fn, `${path} must be integers (wire type ${f.wire})`);
  }
  return out;
}

/** The values of a repeated float field, packed (wire 2) or not (wire 5). */
export function repeatedFloats(fn: string, path: string, fields: readonly ProtoField[], field: number): number[] {
  const out: number[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire !== WIRE.fixed32 && f.wire !== WIRE.bytes) rangeError(fn, `${path} must be floats (wire type ${f.wire})`);
    if (f.bytes.length % 4 !== 0) rangeError(fn, `${path} has ${f.bytes.length} bytes, not a whole number of floats`);
    const view = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length);
    for (let i = 0; i < f.bytes.length; i += 4) out.push(view.getFloat32(i, true));
  }
  return out;
}

/** The last value of a singular varint field (protobuf's rule: the last one wins), or `fallback`. */
export function intField(fn: string, path: string, fields: readonly ProtoField[], field: number, fallback: number): number {
  let v = fallback;
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire !== WIRE.varint) rangeError(fn, `${path} must be an integer (wire type ${f.wire})`);
    v = f.int;
  }
  return v;
}

/** The last value of a singular length-delimited field, or undefined. */
export function bytesField(fn: string, path: string, fields: readonly ProtoField[], field: number): Uint8Array | undefined {
  let v: Uint8Array | undefined;
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire !== WIRE.bytes) rangeError(fn, `${path} must be length-delimited (wire type ${f.wire})`);
    v = f.bytes;
  }
  return v;
}

/** The payloads of a repeated length-delimited field (strings, messages), in order. */
export function repeatedBytes(fn: string, path: string, fields: readonly ProtoField[], field: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of fields) {
    if (f.field !== field) continue;
    if (f.wire !== WIRE.bytes) rangeError(fn, `${path} must be length-delimited (wire type ${f.wire})`);
    out.push(f.bytes);
  }
  return out;
}

/** UTF-8 text of a string field (invalid UTF-8 throws, naming the path). */
export function text(fn: string, path: string, bytes: Uint8Array | undefined): string {
  if (bytes === undefined) return '';
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    rangeError(fn, `${path} is not valid UTF-8`);
  }
}
