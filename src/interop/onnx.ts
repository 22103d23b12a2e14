// ONNX export: a network as an ONNX ModelProto (onnx/onnx.proto field numbers; written by
// src/interop/protobuf.ts). One Gemm per layer (Y = X·Wᵀ + b: transB = 1 keeps W in xent's and
// PyTorch's [out, in] layout), followed by its activation (Sigmoid / Tanh / Relu hidden units, Sigmoid
// / Softmax(axis 1) / Tanh output), all float32. Graph input "input" is [N, s₀] with the symbolic batch
// dimension "N", graph output "output" is [N, s_L]. Initializers are named as nn.Sequential's state
// dict ("0.weight", "0.bias", "2.weight", …); xent's architecture goes in metadata_props.
import { checkNumber, checkOptions, typeError } from '../errors.js';
import type { Network } from '../network/network.js';
import { describeNetwork, metadataOf, type InteropArchitecture } from './architecture.js';
import { ProtoWriter } from './protobuf.js';

/** Options of net.toONNX(). */
export interface OnnxExportOptions {
  /** The default-domain opset the model imports, 13–21 (default 17; the IR version follows it). */
  opset?: number;
  /** ModelProto.producer_name (default "xent"). */
  producerName?: string;
}

/** The opset written when none is asked for. */
export const DEFAULT_OPSET = 17;
/** Opsets net.toONNX() can write: every operator used has had its current form since opset 13. */
export const OPSETS = { min: 13, max: 21 } as const;

/** The IR version released with each opset (ONNX 1.8–1.16: opset 13–14 → IR 7, 15–18 → 8, 19–20 → 9, 21 → 10). */
export function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** ONNX field numbers used here (onnx.proto), by message. */
export const F = {
  model: { irVersion: 1, producerName: 2, producerVersion: 3, docString: 6, graph: 7, opsetImport: 8, metadataProps: 14 },
  opset: { domain: 1, version: 2 },
  entry: { key: 1, value: 2 },
  graph: { node: 1, name: 2, initializer: 5, input: 11, output: 12 },
  node: { input: 1, output: 2, name: 3, opType: 4, attribute: 5, domain: 7 },
  attribute: { name: 1, f: 2, i: 3, t: 5, ints: 8, type: 20 },
  tensor: { dims: 1, dataType: 2, floatData: 4, name: 8, rawData: 9, dataLocation: 14 },
  valueInfo: { name: 1, type: 2 },
  type: { tensorType: 1 },
  tensorType: { elemType: 1, shape: 2 },
  shape: { dim: 1 },
  dim: { value: 1, param: 2 },
} as const;

/** TensorProto.DataType FLOAT; AttributeProto.AttributeType INT. */
export const FLOAT = 1;
const ATTR_INT = 2;

/** The ONNX operator of each activation. */
export const ACTIVATION_OPS = { sigmoid: 'Sigmoid', tanh: 'Tanh', relu: 'Relu', softmax: 'Softmax' } as const;

function valueInfo(w: ProtoWriter, field: number, name: string, dims: readonly (number | string)[]): void {
  w.message(field, (v) => {
    v.string(F.valueInfo.name, name);
    v.message(F.valueInfo.type, (t) => t.message(F.type.tensorType, (tt) => {
      tt.int(F.tensorType.elemType, FLOAT);
      tt.message(F.tensorType.shape, (s) => {
        for (const d of dims) s.message(F.shape.dim, (dim) => (typeof d === 'number' ? dim.int(F.dim.value, d) : dim.string(F.dim.param, d)));
      });
    }));
  });
}

function initializer(w: ProtoWriter, name: string, dims: readonly number[], values: Float32Array): void {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true); // raw_data is little-endian
  w.message(F.graph.initializer, (t) => {
    t.packedInts(F.tensor.dims, dims);
    t.int(F.tensor.dataType, FLOAT);
    t.string(F.tensor.name, name);
    t.bytes(F.tensor.rawData, raw);
  });
}

function node(w: ProtoWriter, op: string, name: string, inputs: readonly string[], outputs: readonly string[], ints: Record<string, number> = {}): void {
  w.message(F.graph.node, (n) => {
    for (const i of inputs) n.string(F.node.input, i);
    for (const o of outputs) n.string(F.node.output, o);
    n.string(F.node.name, name);
    n.string(F.node.opType, op);
    for (const [key, value] of Object.entries(ints)) {
      n.message(F.node.attribute, (a) => {
        a.string(F.attribute.name, key);
        a.int(F.attribute.type, ATTR_INT);
        a.int(F.attribute.i, value);
      });
    }
  });
}

/** Encodes an architecture and its flat parameters (Network.parameters() order) as ONNX bytes. */
export function encodeOnnx(arch: InteropArchitecture, params: Float32Array, opset: number, producerName: string): Uint8Array {
  const L = arch.sizes.length - 1;
  const w = new ProtoWriter();
  w.int(F.model.irVersion, irVersionFor(opset));
  w.string(F.model.producerName, producerName);
  w.string(F.model.producerVersion, '0.1.0');
  w.string(F.model.docString, `xent network ${arch.sizes.join('-')}, ${arch.hidden} hidden units, ${arch.output} output, ${arch.cost} cost`);
  w.message(F.model.graph, (g) => {
    let prev = 'input';
    let off = 0;
    for (let l = 1; l <= L; l++) {
      const s = arch.sizes[l]!;
      const nIn = arch.sizes[l - 1]!;
      const index = 2 * (l - 1); // nn.Sequential index of this Linear; its activation is index + 1
      const act = l === L ? arch.output : arch.hidden;
      const z = `linear${index}`;
      const a = l === L ? 'output' : `${act}${index + 1}`;
      node(g, 'Gemm', `Gemm_${index}`, [prev, `${index}.weight`, `${index}.bias`], [z], { transB: 1 });
      node(g, ACTIVATION_OPS[act], `${ACTIVATION_OPS[act]}_${index + 1}`, [z], [a], act === 'softmax' ? { axis: 1 } : {});
      initializer(g, `${index}.weight`, [s, nIn], params.subarray(off, off + s * nIn));
      off += s * nIn;
      initializer(g, `${index}.bias`, [s], params.subarray(off, off + s));
      off += s;
      prev = a;
    }
    g.string(F.graph.name, 'xent');
    valueInfo(g, F.graph.input, 'input', ['N', arch.sizes[0]!]);
    valueInfo(g, F.graph.output, 'output', ['N', arch.sizes[L]!]);
  });
  w.message(F.model.opsetImport, (o) => {
    o.string(F.opset.domain, '');
    o.int(F.opset.version, opset);
  });
  for (const [key, value] of Object.entries(metadataOf(arch))) {
    w.message(F.model.metadataProps, (e) => {
      e.string(F.entry.key, key);
      e.string(F.entry.value, value);
    });
  }
  return w.finish();
}

/** net.toONNX(options): the network as ONNX model bytes. */
export function toONNX(net: Network, options?: OnnxExportOptions): Uint8Array {
  const fn = 'toONNX';
  const o = checkOptions(fn, options, ['opset', 'producerName']);
  const opset = o.opset === undefined ? DEFAULT_OPSET : checkNumber(fn, 'opset', o.opset, { integer: true, min: OPSETS.min, max: OPSETS.max });
  if (o.producerName !== undefined && typeof o.producerName !== 'string') typeError(fn, 'producerName must be a string');
  const { arch, params } = describeNetwork(net);
  return encodeOnnx(arch, params, opset, o.producerName ?? 'xent');
}
