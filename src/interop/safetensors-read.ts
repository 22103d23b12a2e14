// safetensors import (the format: src/interop/safetensors.ts). Reads the Linear layers of an
// nn.Sequential state dict — xent's own files, or PyTorch's (any common prefix, any increasing
// indices, Linear(bias=False) allowed) — and the architecture from xent's "__metadata__" entries or
// the caller's options. Every malformed field throws a RangeError that names it.
import type { Backend } from '../backend/backend.js';
import { checkOptions, describe, rangeError, typeError } from '../errors.js';
import type { Network, NetworkOptions } from '../network/network.js';
import { architectureFromMetadata, defaultCost, packLayers, type InteropArchitecture, type Layer } from './architecture.js';
import { buildNetwork } from './build.js';

/** Options of xent.fromSafetensors(): the architecture of a file without xent's metadata (e.g. written by PyTorch). */
export interface SafetensorsOptions {
  /** Layer sizes; checked against the tensors' shapes (which alone decide them when omitted). */
  sizes?: number[];
  /** Hidden activation (default: the file's metadata, else 'sigmoid'). */
  hidden?: NetworkOptions['hidden'];
  /** Output activation (default: the file's metadata, else the cost's natural output). */
  output?: NetworkOptions['output'];
  /** Cost (default: the file's metadata, else 'cross-entropy', or 'log-likelihood' for a softmax output). */
  cost?: NetworkOptions['cost'];
}

const HEADER_LIMIT = 100_000_000; // the reference implementation's limit on the JSON header

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** The header and data section of safetensors bytes; throws RangeError naming the bad field. */
export function readSafetensors(fn: string, bytes: Uint8Array): { header: Record<string, unknown>; data: Uint8Array } {
  if (bytes.length < 8) rangeError(fn, `the file has ${bytes.length} bytes; a safetensors file starts with an 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(HEADER_LIMIT, bytes.length - 8))) rangeError(fn, `header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n))));
  } catch (e) {
    rangeError(fn, `header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (!isRecord(header)) rangeError(fn, 'header must be a JSON object');
  return { header, data: bytes.subarray(8 + Number(n)) };
}

/** The float32 values of one header entry. */
function tensorOf(fn: string, name: string, entry: unknown, data: Uint8Array): { shape: number[]; values: Float32Array } {
  if (!isRecord(entry)) rangeError(fn, `tensor "${name}" must be an object { dtype, shape, data_offsets }`);
  if (entry.dtype !== 'F32') rangeError(fn, `tensor "${name}" dtype must be "F32", got ${JSON.stringify(entry.dtype)}`);
  const { shape, data_offsets: offsets } = entry;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) rangeError(fn, `tensor "${name}" shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((d) => Number.isSafeInteger(d) && d >= 0) || offsets[0] > offsets[1]) {
    rangeError(fn, `tensor "${name}" data_offsets must be [begin, end] with 0 ≤ begin ≤ end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  if (end - begin !== count * 4) rangeError(fn, `tensor "${name}" data_offsets [${begin}, ${end}] hold ${end - begin} bytes but shape [${shape.join(',')}] F32 needs ${count * 4}`);
  if (end > data.length) rangeError(fn, `tensor "${name}" data_offsets end ${end} runs past the data (${data.length} bytes)`);
  const view = new DataView(data.buffer, data.byteOffset + begin, end - begin);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  return { shape: shape as number[], values };
}

/** The Linear layers of an nn.Sequential state dict ("<prefix><index>.weight" / ".bias"), in index order. */
function layersOf(fn: string, header: Record<string, unknown>, data: Uint8Array): { layers: Layer[]; names: string[] } {
  const byIndex = new Map<number, { weight?: string; bias?: string }>();
  let prefix: string | undefined;
  for (const name of Object.keys(header)) {
    if (name === '__metadata__') continue;
    const m = /^(.*?)(\d+)\.(weight|bias)$/.exec(name);
    if (!m) rangeError(fn, `tensor "${name}" is not a Linear layer of an nn.Sequential ("<index>.weight" or "<index>.bias")`);
    if (prefix !== undefined && m[1] !== prefix) rangeError(fn, `tensor "${name}" has prefix "${m[1]}" but other tensors have "${prefix}"`);
    prefix = m[1]!;
    const slot = byIndex.get(Number(m[2])) ?? {};
    slot[m[3] as 'weight' | 'bias'] = name;
    byIndex.set(Number(m[2]), slot);
  }
  const layers: Layer[] = [];
  const names: string[] = [];
  for (const index of [...byIndex.keys()].sort((a, b) => a - b)) {
    const slot = byIndex.get(index)!;
    if (!slot.weight) rangeError(fn, `tensor "${slot.bias}" has no "${prefix}${index}.weight" beside it`);
    const w = tensorOf(fn, slot.weight, header[slot.weight], data);
    if (w.shape.length !== 2) rangeError(fn, `tensor "${slot.weight}" shape must be [out, in], got [${w.shape.join(',')}]`);
    const [rows, cols] = w.shape as [number, number];
    let bias: Float32Array = new Float32Array(rows); // Linear(bias=False) has none
    if (slot.bias) {
      const b = tensorOf(fn, slot.bias, header[slot.bias], data);
      if (b.shape.length !== 1 || b.shape[0] !== rows) rangeError(fn, `tensor "${slot.bias}" shape must be [${rows}], got [${b.shape.join(',')}]`);
      bias = b.values;
    }
    layers.push({ weight: w.values, bias, rows, cols });
    names.push(`tensor "${slot.weight}"`);
  }
  return { layers, names };
}

/** xent.fromSafetensors(bytes, options): a network from safetensors bytes. */
export function fromSafetensors(be: Backend, bytes: unknown, options?: SafetensorsOptions): Network {
  const fn = 'fromSafetensors';
  const b = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(b instanceof Uint8Array)) typeError(fn, `bytes must be a Uint8Array or ArrayBuffer, got ${describe(bytes)}`);
  const o = checkOptions(fn, options, ['sizes', 'hidden', 'output', 'cost']);
  const { header, data } = readSafetensors(fn, b);
  const rawMeta = header.__metadata__ ?? {};
  if (!isRecord(rawMeta) || !Object.values(rawMeta).every((v) => typeof v === 'string')) rangeError(fn, '__metadata__ must map names to strings');
  const meta = architectureFromMetadata(fn, '__metadata__', rawMeta as Record<string, string>);
  const { layers, names } = layersOf(fn, header, data);
  const { sizes, params } = packLayers(fn, layers, names);
  for (const [what, want] of [['sizes', o.sizes], ['__metadata__ "xent.sizes"', meta.sizes]] as const) {
    if (want !== undefined && (!Array.isArray(want) || want.join(',') !== sizes.join(','))) {
      rangeError(fn, `${what} is ${JSON.stringify(want)} but the tensors' shapes give ${JSON.stringify(sizes)}`);
    }
  }
  const cost = o.cost ?? meta.cost;
  const output = o.output ?? meta.output ?? (cost === 'log-likelihood' ? 'softmax' : 'sigmoid'); // as xent.network
  const arch: InteropArchitecture = { sizes, hidden: o.hidden ?? meta.hidden ?? 'sigmoid', output, cost: cost ?? defaultCost(output) };
  return buildNetwork(fn, be, arch, params);
}
