// The training-configuration record as TypeScript writes it for the WASM kernels: each field of
// TrainConfig, and the addresses of the call's arrays, at its offset from src/backend/contract.ts.
import type { TrainConfig } from './backend.js';
import {
  CFG_BATCH, CFG_BETA1, CFG_BETA2, CFG_BYTES, CFG_CAP, CFG_CLASS_WEIGHTS, CFG_COLD, CFG_DROPOUT, CFG_EPSILON, CFG_ETA,
  CFG_HEIGHT, CFG_INPUT_BYTES, CFG_INPUTS, CFG_LABELS, CFG_LAMBDA, CFG_MOMENTUM, CFG_N, CFG_OPTIMIZER, CFG_ORDER,
  CFG_REGULARIZATION, CFG_RNG, CFG_SHIFT, CFG_SMOOTH_OFFSET, CFG_SMOOTHING, CFG_STORED, CFG_TARGETS, CFG_WIDTH, OPT_SGD,
  REG_NONE,
} from './contract.js';

/** The addresses of a call's arrays in the record (0 = absent). */
export interface ConfigAddresses {
  inputs: number;
  labels: number;
  targets: number;
  classWeights: number;
  order: number;
  rng: number;
  /** 1 when the inputs are bytes standing for byte/255, 0 for f32. */
  inputBytes: number;
}

/** Every field of the record: TrainConfig and the addresses of the arrays. */
export interface ConfigRecord extends TrainConfig, ConfigAddresses {}

/** A call without arrays (sizing the optimiser state): every address 0. */
export const NO_ADDRESSES: ConfigAddresses = { inputs: 0, labels: 0, targets: 0, classWeights: 0, order: 0, rng: 0, inputBytes: 0 };

/** The record's fields in increasing offset order, with the type the kernels read them as. */
export const CONFIG_LAYOUT: readonly (readonly [keyof ConfigRecord, number, 'f32' | 'i32' | 'f64'])[] = [
  ['eta', CFG_ETA, 'f32'], ['lambda', CFG_LAMBDA, 'f32'], ['n', CFG_N, 'f32'], ['momentum', CFG_MOMENTUM, 'f32'],
  ['dropout', CFG_DROPOUT, 'f32'], ['smoothing', CFG_SMOOTHING, 'f32'], ['smoothOffset', CFG_SMOOTH_OFFSET, 'f32'],
  ['cold', CFG_COLD, 'f32'], ['optimizer', CFG_OPTIMIZER, 'i32'], ['regularization', CFG_REGULARIZATION, 'i32'],
  ['batchSize', CFG_BATCH, 'i32'], ['cap', CFG_CAP, 'i32'], ['stored', CFG_STORED, 'i32'], ['shift', CFG_SHIFT, 'i32'],
  ['width', CFG_WIDTH, 'i32'], ['height', CFG_HEIGHT, 'i32'], ['inputs', CFG_INPUTS, 'i32'], ['labels', CFG_LABELS, 'i32'],
  ['targets', CFG_TARGETS, 'i32'], ['classWeights', CFG_CLASS_WEIGHTS, 'i32'], ['order', CFG_ORDER, 'i32'],
  ['rng', CFG_RNG, 'i32'], ['inputBytes', CFG_INPUT_BYTES, 'i32'], ['beta1', CFG_BETA1, 'f64'],
  ['beta2', CFG_BETA2, 'f64'], ['epsilon', CFG_EPSILON, 'f64'],
];

/** A configuration of neutral hyper-parameters with `fields` on top (for calls that size or only measure). */
export function trainConfig(fields: Partial<TrainConfig>): TrainConfig {
  return {
    eta: 1, lambda: 0, n: 1, momentum: 0, dropout: 0, smoothing: 0, smoothOffset: 0, cold: 0, optimizer: OPT_SGD,
    regularization: REG_NONE, batchSize: 1, cap: 1, stored: 1, shift: 0, width: 0, height: 0, beta1: 0.9, beta2: 0.999,
    epsilon: 1e-8, ...fields,
  };
}

/** Bytes of the record. */
export const CONFIG_BYTES = CFG_BYTES;

/** Writes the record at byte `offset` of `buffer` (little-endian, as WebAssembly memory is). */
export function encodeConfig(config: TrainConfig, addresses: ConfigAddresses, buffer: ArrayBufferLike, offset: number): void {
  const view = new DataView(buffer, offset, CFG_BYTES);
  for (const [key, at, type] of CONFIG_LAYOUT) {
    const v = Object.hasOwn(addresses, key) ? addresses[key as keyof ConfigAddresses] : config[key as keyof TrainConfig]; // own: a polluted prototype must not shadow config
    if (type === 'f32') view.setFloat32(at, v, true);
    else if (type === 'i32') view.setInt32(at, v, true);
    else view.setFloat64(at, v, true);
  }
}
