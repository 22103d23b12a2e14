// network2.py's JSON format: {"sizes", "weights", "biases", "cost"}, weights[l] an s_{l+1}×s_l matrix
// and biases[l] a column vector (s_{l+1}×1), as numpy's tolist() writes them. xent adds "output" and
// "hidden" only when they differ from the book's sigmoid units, so network2.py reads what it can.
import type { Backend } from '../backend/backend.js';
import { rangeError, typeError } from '../errors.js';
import { architecture, Network, paramCount, type CostName } from './network.js';

/** A network in network2.py's JSON format (with xent's optional extensions). */
export interface NetworkJSON {
  sizes: number[];
  weights: number[][][];
  biases: number[][][];
  cost: 'CrossEntropyCost' | 'QuadraticCost' | 'LogLikelihoodCost';
  output?: 'sigmoid' | 'softmax' | 'tanh';
  hidden?: 'sigmoid' | 'tanh' | 'relu';
}

const COST_NAMES: Record<CostName, NetworkJSON['cost']> = {
  'cross-entropy': 'CrossEntropyCost',
  quadratic: 'QuadraticCost',
  'log-likelihood': 'LogLikelihoodCost',
};

/** The network as network2.py's JSON object. */
export function toJSON(net: Network): NetworkJSON {
  const json: NetworkJSON = {
    sizes: net.sizes.slice(),
    weights: net.weights(),
    biases: net.biases().map((b) => b.map((v) => [v])),
    cost: COST_NAMES[net.cost],
  };
  if (net.output !== 'sigmoid') json.output = net.output;
  if (net.hidden !== 'sigmoid') json.hidden = net.hidden;
  return json;
}

function finite(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) rangeError(fn, `${name} must be a finite number, got ${JSON.stringify(v)}`);
  return v;
}

/** `source` parsed when it is JSON text (a RangeError naming `noun` when it is not valid), else itself. */
export function parsedJSON(fn: string, noun: string, source: unknown): unknown {
  if (typeof source !== 'string') return source;
  try {
    return JSON.parse(source) as unknown;
  } catch (e) {
    rangeError(fn, `${noun} is not valid JSON (${(e as Error).message})`);
  }
}

/** Reads a network2.py (or xent) JSON text or object; throws RangeError naming the bad field. */
export function fromJSON(be: Backend, source: unknown, seed = 1): Network {
  const fn = 'loadNetwork';
  const data = parsedJSON(fn, 'model', source);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) typeError(fn, 'model must be a JSON object or its text');
  const d = data as Record<string, unknown>;
  for (const key of ['sizes', 'weights', 'biases', 'cost']) if (!(key in d)) rangeError(fn, `model has no "${key}" field`);
  const costEntry = Object.entries(COST_NAMES).find(([, v]) => v === d.cost);
  if (!costEntry) rangeError(fn, `cost must be one of ${Object.values(COST_NAMES).join(', ')}, got ${JSON.stringify(d.cost)}`);
  const arch = architecture(fn, d.sizes, {
    cost: costEntry[0] as CostName,
    output: d.output as 'sigmoid' | 'softmax' | 'tanh' | undefined,
    hidden: d.hidden as 'sigmoid' | 'tanh' | 'relu' | undefined,
  });
  const { sizes } = arch;
  const L = sizes.length - 1;
  const { weights, biases } = d;
  if (!Array.isArray(weights) || weights.length !== L) rangeError(fn, `weights must hold ${L} matrices, got ${Array.isArray(weights) ? weights.length : typeof weights}`);
  if (!Array.isArray(biases) || biases.length !== L) rangeError(fn, `biases must hold ${L} vectors, got ${Array.isArray(biases) ? biases.length : typeof biases}`);
  const params = new Float32Array(paramCount(sizes));
  let off = 0;
  for (let l = 0; l < L; l++) {
    const s = sizes[l + 1]!;
    const nIn = sizes[l]!;
    const w: unknown = weights[l];
    if (!Array.isArray(w) || w.length !== s) rangeError(fn, `weights[${l}] must be a ${s}×${nIn} matrix`);
    for (let j = 0; j < s; j++) {
      const row: unknown = w[j];
      if (!Array.isArray(row) || row.length !== nIn) rangeError(fn, `weights[${l}] must be a ${s}×${nIn} matrix (row ${j} is wrong)`);
      for (let k = 0; k < nIn; k++) params[off++] = finite(fn, `weights[${l}][${j}][${k}]`, row[k]);
    }
    const b: unknown = biases[l];
    if (!Array.isArray(b) || b.length !== s) rangeError(fn, `biases[${l}] must have ${s} entries`);
    for (let j = 0; j < s; j++) {
      const v: unknown = Array.isArray(b[j]) && b[j].length === 1 ? b[j][0] : b[j];
      params[off++] = finite(fn, `biases[${l}][${j}]`, v);
    }
  }
  return new Network(be, arch, seed, params);
}
