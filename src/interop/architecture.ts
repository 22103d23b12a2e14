// What an exported file must say about a network besides its tensors: sizes, hidden and output
// activations, cost. ONNX (metadata_props) and safetensors (__metadata__) carry the same string→string
// entries, so either file read back gives the same network. Parameters travel as nn.Sequential's
// state dict: Linear layers at even indices ("0.weight" [s₁, s₀], "0.bias" [s₁], "2.weight", …), each
// followed by its activation module, exactly the layout of Network.parameters() (W₁, b₁, W₂, b₂, …).
import { rangeError } from '../errors.js';
import type { NetworkJSON } from '../network/format.js';
import { splitParameters, type HiddenActivation, type Network } from '../network/network.js';
import { OUTPUTS, type CostName, type OutputName } from '../network/outputs.js';

export type { OutputName };
/** Hidden activations. */
export type HiddenName = HiddenActivation;
/** Costs. */
export type CostKey = CostName;

/** The architecture as the interop formats describe it. */
export interface InteropArchitecture {
  sizes: number[];
  hidden: HiddenName;
  output: OutputName;
  cost: CostKey;
}

/** Version of xent's metadata entries. */
export const METADATA_VERSION = '1';

/** The network's architecture and parameters, read once. */
export function describeNetwork(net: Network): { arch: InteropArchitecture; params: Float32Array } {
  return {
    arch: { sizes: net.sizes.slice(), hidden: net.hidden, output: net.output, cost: net.cost },
    params: net.parameters(),
  };
}

/** xent's metadata entries for a network (string values, as both formats require). */
export function metadataOf(arch: InteropArchitecture): Record<string, string> {
  return {
    'xent.version': METADATA_VERSION,
    'xent.sizes': arch.sizes.join(','),
    'xent.hidden': arch.hidden,
    'xent.output': arch.output,
    'xent.cost': arch.cost,
  };
}

/** The parts of an architecture that xent metadata entries state (absent entries stay undefined). */
export function architectureFromMetadata(fn: string, where: string, meta: Readonly<Record<string, string>>): Partial<InteropArchitecture> {
  const out: Partial<InteropArchitecture> = {};
  const version = meta['xent.version'];
  if (version !== undefined && version !== METADATA_VERSION) {
    rangeError(fn, `${where} "xent.version" is ${JSON.stringify(version)}; this xent reads version ${METADATA_VERSION}`);
  }
  const sizes = meta['xent.sizes'];
  if (sizes !== undefined) {
    const parts = sizes.split(',');
    if (!parts.every((p) => /^[1-9]\d*$/.test(p.trim()))) rangeError(fn, `${where} "xent.sizes" must be comma-separated positive integers, got ${JSON.stringify(sizes)}`);
    out.sizes = parts.map(Number);
  }
  const pick = <T extends string>(key: string, choices: readonly T[]): T | undefined => {
    const v = meta[key];
    if (v === undefined) return undefined;
    if (!choices.includes(v as T)) rangeError(fn, `${where} "${key}" must be one of ${choices.join(', ')}, got ${JSON.stringify(v)}`);
    return v as T;
  };
  const hidden = pick('xent.hidden', ['sigmoid', 'tanh', 'relu'] as const);
  const output = pick('xent.output', ['sigmoid', 'softmax', 'tanh'] as const);
  const cost = pick('xent.cost', ['cross-entropy', 'quadratic', 'log-likelihood'] as const);
  if (hidden) out.hidden = hidden;
  if (output) out.output = output;
  if (cost) out.cost = cost;
  return out;
}

/** The cost a file without one gets: the output layer's default, as xent.network picks it. */
export function defaultCost(output: OutputName): CostKey {
  return OUTPUTS[output].costs[0]!;
}

const JSON_COST: Record<CostKey, NetworkJSON['cost']> = {
  'cross-entropy': 'CrossEntropyCost',
  quadratic: 'QuadraticCost',
  'log-likelihood': 'LogLikelihoodCost',
};

/**
 * The network2.py JSON object of an architecture and its flat parameters (float32 values are exact in
 * doubles, so loading it gives the parameters back to the bit). Loading goes through xent.loadNetwork's
 * own checks, so a file can never build a network that the JSON path would refuse.
 */
export function networkJSON(arch: InteropArchitecture, params: Float32Array): NetworkJSON {
  const { weights, biases } = splitParameters(arch.sizes, params);
  const json: NetworkJSON = { sizes: arch.sizes.slice(), weights, biases: biases.map((b) => b.map((v) => [v])), cost: JSON_COST[arch.cost] };
  if (arch.output !== 'sigmoid') json.output = arch.output;
  if (arch.hidden !== 'sigmoid') json.hidden = arch.hidden;
  return json;
}

/** A layer as the readers collect it: W (out × in, row-major) and b (out). */
export interface Layer {
  weight: Float32Array;
  bias: Float32Array;
  rows: number;
  cols: number;
}

/** Packs layers into Network.parameters() order, checking that each layer's input is the last one's output. */
export function packLayers(fn: string, layers: readonly Layer[], names: readonly string[]): { sizes: number[]; params: Float32Array } {
  if (layers.length === 0) rangeError(fn, 'the model has no linear layer');
  const sizes = [layers[0]!.cols];
  let n = 0;
  for (const [i, layer] of layers.entries()) {
    if (layer.cols !== sizes[sizes.length - 1]) {
      rangeError(fn, `${names[i]} takes ${layer.cols} inputs but the layer before it gives ${sizes[sizes.length - 1]}`);
    }
    sizes.push(layer.rows);
    n += layer.weight.length + layer.bias.length;
  }
  const params = new Float32Array(n);
  let off = 0;
  for (const [i, layer] of layers.entries()) {
    const bad = [layer.weight, layer.bias].findIndex((t) => t.some((v) => !Number.isFinite(v)));
    if (bad >= 0) rangeError(fn, `${names[i]} has a ${bad === 0 ? 'weight' : 'bias'} that is not finite`);
    params.set(layer.weight, off);
    off += layer.weight.length;
    params.set(layer.bias, off);
    off += layer.bias.length;
  }
  return { sizes, params };
}

