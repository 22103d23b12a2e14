// ONNX import: reads a model that is a chain of fully connected layers — what net.toONNX() writes and
// what PyTorch's exporter writes for an nn.Sequential of Linear and Sigmoid / Tanh / ReLU / Softmax:
// Gemm (transB 0 or 1, alpha = beta = 1), or MatMul followed by Add, with float32 initializers (or
// Constant nodes), Transpose of an initializer, and Identity. Anything else throws a RangeError that
// names the node or field, so a model is either read exactly or refused.
import type { Backend } from '../backend/backend.js';
import { rangeError, typeError } from '../errors.js';
import type { Network } from '../network/network.js';
import {
  architectureFromMetadata, defaultCost, packLayers, type HiddenName, type InteropArchitecture, type Layer,
  type OutputName,
} from './architecture.js';
import { buildNetwork } from './build.js';
import { ACTIVATION_OPS, F, FLOAT } from './onnx.js';
import {
  bytesField, decodeFields, intField, repeatedBytes, repeatedFloats, repeatedInts, text, WIRE, type ProtoField,
} from './protobuf.js';

const fn = 'fromONNX';

interface Tensor {
  dims: number[];
  data: Float32Array;
}

/** A TensorProto as float32 values (raw_data little-endian, or float_data). */
function readTensor(path: string, bytes: Uint8Array): Tensor & { name: string } {
  const f = decodeFields(fn, path, bytes);
  const name = text(fn, `${path}.name`, bytesField(fn, `${path}.name`, f, F.tensor.name));
  const where = name ? `${path} ("${name}")` : path;
  const dims = repeatedInts(fn, `${where}.dims`, f, F.tensor.dims);
  if (dims.some((d) => d < 0)) rangeError(fn, `${where}.dims must be non-negative, got [${dims.join(',')}]`);
  const type = intField(fn, `${where}.data_type`, f, F.tensor.dataType, 0);
  if (type !== FLOAT) rangeError(fn, `${where} has data_type ${type}; only FLOAT (1) tensors can be read exactly`);
  if (intField(fn, `${where}.data_location`, f, F.tensor.dataLocation, 0) !== 0) rangeError(fn, `${where} keeps its data in an external file, which is not supported`);
  const count = dims.reduce((a, b) => a * b, 1);
  const raw = bytesField(fn, `${where}.raw_data`, f, F.tensor.rawData);
  let data: Float32Array;
  if (raw !== undefined) {
    if (raw.length !== count * 4) rangeError(fn, `${where}.raw_data has ${raw.length} bytes but dims [${dims.join(',')}] need ${count * 4}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    data = new Float32Array(count);
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(i * 4, true);
  } else {
    const values = repeatedFloats(fn, `${where}.float_data`, f, F.tensor.floatData);
    if (values.length !== count) rangeError(fn, `${where}.float_data has ${values.length} values but dims [${dims.join(',')}] need ${count}`);
    data = Float32Array.from(values);
  }
  return { name, dims, data };
}

interface Attribute {
  name: string;
  i?: number;
  f?: number;
  ints?: number[];
  t?: Tensor;
}

function readAttribute(path: string, bytes: Uint8Array): Attribute {
  const f = decodeFields(fn, path, bytes);
  const name = text(fn, `${path}.name`, bytesField(fn, `${path}.name`, f, F.attribute.name));
  const a: Attribute = { name };
  for (const field of f) {
    if (field.field === F.attribute.i && field.wire === WIRE.varint) a.i = field.int;
    if (field.field === F.attribute.f && field.wire === WIRE.fixed32) a.f = new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
  }
  const ints = repeatedInts(fn, `${path}.ints`, f, F.attribute.ints);
  if (ints.length) a.ints = ints;
  const t = bytesField(fn, `${path}.t`, f, F.attribute.t);
  if (t) a.t = readTensor(`${path}.t`, t);
  return a;
}

interface Node {
  path: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Attribute>;
}

function readNode(path: string, bytes: Uint8Array): Node {
  const f = decodeFields(fn, path, bytes);
  const strings = (field: number, what: string) => repeatedBytes(fn, `${path}.${what}`, f, field).map((b, i) => text(fn, `${path}.${what}[${i}]`, b));
  const op = text(fn, `${path}.op_type`, bytesField(fn, `${path}.op_type`, f, F.node.opType));
  const name = text(fn, `${path}.name`, bytesField(fn, `${path}.name`, f, F.node.name));
  const domain = text(fn, `${path}.domain`, bytesField(fn, `${path}.domain`, f, F.node.domain));
  const where = `${path} (${op}${name ? ` "${name}"` : ''})`;
  if (domain !== '' && domain !== 'ai.onnx') rangeError(fn, `${where} is in domain "${domain}"; only the default ONNX domain is supported`);
  const attrs = new Map<string, Attribute>();
  repeatedBytes(fn, `${where}.attribute`, f, F.node.attribute).forEach((b, i) => {
    const a = readAttribute(`${where}.attribute[${i}]`, b);
    attrs.set(a.name, a);
  });
  return { path: where, op, inputs: strings(F.node.input, 'input'), outputs: strings(F.node.output, 'output'), attrs };
}

/** The model's metadata_props as a record. */
function readMetadata(model: readonly ProtoField[]): Record<string, string> {
  const meta: Record<string, string> = {};
  repeatedBytes(fn, 'model.metadata_props', model, F.model.metadataProps).forEach((b, i) => {
    const path = `model.metadata_props[${i}]`;
    const e = decodeFields(fn, path, b);
    meta[text(fn, `${path}.key`, bytesField(fn, `${path}.key`, e, F.entry.key))] = text(fn, `${path}.value`, bytesField(fn, `${path}.value`, e, F.entry.value));
  });
  return meta;
}

function transpose(t: Tensor): Tensor {
  const [r, c] = t.dims as [number, number];
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j]!;
  return { dims: [c, r], data: out };
}

/** The chain of layers in a graph: each Linear with its activation, in order. */
function readChain(graph: readonly ProtoField[], input: string): { layers: Layer[]; names: string[]; acts: string[]; end: string } {
  const consts = new Map<string, Tensor>();
  repeatedBytes(fn, 'model.graph.initializer', graph, F.graph.initializer).forEach((b, i) => {
    const t = readTensor(`model.graph.initializer[${i}]`, b);
    consts.set(t.name, t);
  });
  const nodes = repeatedBytes(fn, 'model.graph.node', graph, F.graph.node).map((b, i) => readNode(`model.graph.node[${i}]`, b));
  const layers: Layer[] = [];
  const names: string[] = [];
  const acts: string[] = [];
  let cur = input; // the value the chain has reached
  let stage: 'activation' | 'linear' | 'bias' = 'activation'; // what the chain last produced
  let pending: { weight: Tensor; name: string } | null = null;
  const constant = (n: Node, i: number, what: string): Tensor => {
    const t = consts.get(n.inputs[i] ?? '');
    if (!t) rangeError(fn, `${n.path} input ${i} ("${n.inputs[i]}") must be an initializer (the ${what})`);
    return t;
  };
  const continues = (n: Node, i: number) => {
    if (n.inputs[i] !== cur) rangeError(fn, `${n.path} does not continue the chain of layers (its input is "${n.inputs[i]}", expected "${cur}")`);
  };
  const matrix = (n: Node, t: Tensor, what: string) => {
    if (t.dims.length !== 2) rangeError(fn, `${n.path} ${what} must be 2-D, got dims [${t.dims.join(',')}]`);
  };
  const addLayer = (n: Node, weight: Tensor, bias: Tensor | null) => {
    const [rows, cols] = weight.dims as [number, number];
    let b: Float32Array = new Float32Array(rows);
    if (bias) {
      const n1 = bias.dims.reduce((x, y) => x * y, 1);
      if (n1 !== rows || bias.dims.filter((d) => d !== 1).length > 1) rangeError(fn, `${n.path} bias has dims [${bias.dims.join(',')}]; expected [${rows}]`);
      b = bias.data;
    }
    layers.push({ weight: weight.data, bias: b, rows, cols });
    names.push(n.path);
  };
  for (const n of nodes) {
    const out = n.outputs[0];
    if (n.outputs.length !== 1 || !out) rangeError(fn, `${n.path} must have one output, got ${n.outputs.length}`);
    if (n.op === 'Constant') {
      const t = n.attrs.get('value')?.t;
      if (!t) rangeError(fn, `${n.path} must hold a float tensor "value"`);
      consts.set(out, t);
    } else if (n.op === 'Identity') {
      const t = consts.get(n.inputs[0] ?? '');
      if (t) consts.set(out, t);
      else {
        continues(n, 0);
        cur = out;
      }
    } else if (n.op === 'Transpose') {
      const t = constant(n, 0, 'matrix to transpose');
      matrix(n, t, 'input');
      const perm = n.attrs.get('perm')?.ints;
      if (perm && !(perm[0] === 1 && perm[1] === 0)) rangeError(fn, `${n.path} perm must be [1,0], got [${perm.join(',')}]`);
      consts.set(out, transpose(t));
    } else if (n.op === 'Gemm') {
      if (stage === 'linear' || stage === 'bias') rangeError(fn, `${n.path} follows a linear layer without an activation between them`);
      continues(n, 0);
      for (const [key, want] of [['alpha', 1], ['beta', 1]] as const) {
        const v = n.attrs.get(key)?.f;
        if (v !== undefined && v !== want) rangeError(fn, `${n.path} ${key} must be 1, got ${v}`);
      }
      if (n.attrs.get('transA')?.i) rangeError(fn, `${n.path} transA must be 0`);
      const b = constant(n, 1, 'weight');
      matrix(n, b, 'weight');
      const weight = n.attrs.get('transB')?.i ? b : transpose(b); // xent keeps W as [out, in]
      addLayer(n, weight, n.inputs[2] ? constant(n, 2, 'bias') : null);
      stage = 'linear';
      cur = out;
    } else if (n.op === 'MatMul') {
      if (stage !== 'activation') rangeError(fn, `${n.path} follows a linear layer without an activation between them`);
      continues(n, 0);
      const b = constant(n, 1, 'weight');
      matrix(n, b, 'weight');
      pending = { weight: transpose(b), name: n.path };
      addLayer(n, pending.weight, null);
      stage = 'bias';
      cur = out;
    } else if (n.op === 'Add') {
      if (stage !== 'bias') rangeError(fn, `${n.path} adds to "${n.inputs.join('", "')}", which is not a MatMul's result`);
      const side = n.inputs[0] === cur ? 0 : 1;
      continues(n, side);
      const bias = constant(n, 1 - side, 'bias');
      layers.pop();
      names.pop();
      addLayer({ ...n, path: pending!.name }, pending!.weight, bias);
      stage = 'linear';
      cur = out;
    } else if (n.op in OPS) {
      if (stage === 'activation') rangeError(fn, `${n.path} must follow a linear layer (Gemm, or MatMul + Add)`);
      continues(n, 0);
      if (n.op === 'Softmax') {
        const axis = n.attrs.get('axis')?.i;
        if (axis !== undefined && axis !== 1 && axis !== -1) rangeError(fn, `${n.path} axis must be 1 or -1 (the class axis), got ${axis}`);
      }
      acts.push(OPS[n.op]!);
      stage = 'activation';
      cur = out;
    } else {
      rangeError(fn, `${n.path}: operator ${n.op} is not supported (a model must be a chain of Gemm or MatMul + Add, each followed by Sigmoid, Tanh, Relu or Softmax)`);
    }
  }
  if (stage !== 'activation') rangeError(fn, 'the last layer has no activation (xent networks end in Sigmoid, Softmax or Tanh)');
  return { layers, names, acts, end: cur };
}

const OPS: Record<string, string> = Object.fromEntries(Object.entries(ACTIVATION_OPS).map(([k, v]) => [v, k]));

/** The graph's one data input (the inputs that are not initializers; old exporters list those too). */
function graphInput(graph: readonly ProtoField[]): string {
  const inits = new Set(repeatedBytes(fn, 'model.graph.initializer', graph, F.graph.initializer).map((b, i) => {
    const path = `model.graph.initializer[${i}]`;
    return text(fn, `${path}.name`, bytesField(fn, `${path}.name`, decodeFields(fn, path, b), F.tensor.name));
  }));
  const inputs = repeatedBytes(fn, 'model.graph.input', graph, F.graph.input).map((b, i) => {
    const path = `model.graph.input[${i}]`;
    return text(fn, `${path}.name`, bytesField(fn, `${path}.name`, decodeFields(fn, path, b), F.valueInfo.name));
  }).filter((name) => !inits.has(name));
  if (inputs.length !== 1) rangeError(fn, `model.graph.input must name exactly one data input, got ${inputs.length}${inputs.length ? ` (${inputs.join(', ')})` : ''}`);
  return inputs[0]!;
}

/** Parses ONNX model bytes into an architecture and parameters (Network.parameters() order). */
export function decodeOnnx(bytes: Uint8Array): { arch: InteropArchitecture; params: Float32Array } {
  const model = decodeFields(fn, 'model', bytes);
  if (intField(fn, 'model.ir_version', model, F.model.irVersion, 0) < 3) rangeError(fn, 'model.ir_version is missing or below 3 (is this an ONNX file?)');
  const opsets = repeatedBytes(fn, 'model.opset_import', model, F.model.opsetImport).map((b, i) => {
    const f = decodeFields(fn, `model.opset_import[${i}]`, b);
    return { domain: text(fn, `model.opset_import[${i}].domain`, bytesField(fn, `model.opset_import[${i}].domain`, f, F.opset.domain)), version: intField(fn, `model.opset_import[${i}].version`, f, F.opset.version, 0) };
  });
  if (!opsets.some((o) => o.domain === '' || o.domain === 'ai.onnx')) rangeError(fn, 'model.opset_import lacks the default ONNX operator set (domain "")');
  const graphBytes = bytesField(fn, 'model.graph', model, F.model.graph);
  if (!graphBytes) rangeError(fn, 'model.graph is missing');
  const graph = decodeFields(fn, 'model.graph', graphBytes);
  const { layers, names, acts, end } = readChain(graph, graphInput(graph));
  const outputs = repeatedBytes(fn, 'model.graph.output', graph, F.graph.output).map((b, i) => {
    const path = `model.graph.output[${i}]`;
    return text(fn, `${path}.name`, bytesField(fn, `${path}.name`, decodeFields(fn, path, b), F.valueInfo.name));
  });
  if (outputs.length !== 1 || outputs[0] !== end) rangeError(fn, `model.graph.output must be the last activation "${end}", got ${JSON.stringify(outputs)}`);
  const { sizes, params } = packLayers(fn, layers, names);
  const hidden = acts.slice(0, -1);
  if (hidden.some((a) => a !== hidden[0])) rangeError(fn, `hidden layers must share one activation, got ${hidden.join(', ')}`);
  if (hidden[0] === 'softmax') rangeError(fn, 'Softmax is supported on the output layer only');
  if (acts[acts.length - 1] === 'relu') rangeError(fn, 'the output activation must be Sigmoid, Softmax or Tanh, got Relu');
  const output = acts[acts.length - 1] as OutputName;
  const meta = architectureFromMetadata(fn, 'model.metadata_props', readMetadata(model));
  const arch: InteropArchitecture = {
    sizes,
    hidden: (hidden[0] as HiddenName | undefined) ?? meta.hidden ?? 'sigmoid',
    output,
    cost: meta.cost ?? defaultCost(output),
  };
  if (meta.sizes && meta.sizes.join(',') !== sizes.join(',')) rangeError(fn, `model.metadata_props "xent.sizes" says ${meta.sizes.join(',')} but the layers are ${sizes.join(',')}`);
  return { arch, params };
}

/** xent.fromONNX(bytes): a network from ONNX model bytes (Uint8Array, e.g. a Node Buffer, or ArrayBuffer). */
export function fromONNX(be: Backend, bytes: unknown): Network {
  const b = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
  if (!(b instanceof Uint8Array)) typeError(fn, `bytes must be a Uint8Array or ArrayBuffer, got ${bytes === null ? 'null' : typeof bytes}`);
  const { arch, params } = decodeOnnx(b);
  return buildNetwork(fn, be, arch, params);
}
