// Reads back every field of a training-configuration record as the network kernels read it, so that
// test/contract.test.ts can check that the compiled WASM and TypeScript agree on the record's layout.
import {
  CFG_BATCH, CFG_BETA1, CFG_BETA2, CFG_CAP, CFG_CLASS_WEIGHTS, CFG_COLD, CFG_DROPOUT, CFG_EPSILON, CFG_ETA, CFG_HEIGHT,
  CFG_INPUT_BYTES, CFG_INPUTS, CFG_LABELS, CFG_LAMBDA, CFG_MOMENTUM, CFG_N, CFG_OPTIMIZER, CFG_ORDER, CFG_REGULARIZATION,
  CFG_RNG, CFG_SHIFT, CFG_SMOOTH_OFFSET, CFG_SMOOTHING, CFG_STORED, CFG_TARGETS, CFG_WIDTH,
} from '../src/backend/contract';

// @ts-ignore: decorator
@inline function f32Field(cfg: usize, field: i32, out: usize, i: i32): void {
  store<f64>(out + (<usize>i << 3), <f64>load<f32>(cfg + <usize>field));
}

// @ts-ignore: decorator
@inline function i32Field(cfg: usize, field: i32, out: usize, i: i32): void {
  store<f64>(out + (<usize>i << 3), <f64>load<i32>(cfg + <usize>field));
}

// @ts-ignore: decorator
@inline function f64Field(cfg: usize, field: i32, out: usize, i: i32): void {
  store<f64>(out + (<usize>i << 3), load<f64>(cfg + <usize>field));
}

/** out (26 f64) ← the record's fields in increasing offset order, each read with the kernels' type. */
export function configEcho(cfg: usize, out: usize): void {
  f32Field(cfg, CFG_ETA, out, 0);
  f32Field(cfg, CFG_LAMBDA, out, 1);
  f32Field(cfg, CFG_N, out, 2);
  f32Field(cfg, CFG_MOMENTUM, out, 3);
  f32Field(cfg, CFG_DROPOUT, out, 4);
  f32Field(cfg, CFG_SMOOTHING, out, 5);
  f32Field(cfg, CFG_SMOOTH_OFFSET, out, 6);
  f32Field(cfg, CFG_COLD, out, 7);
  i32Field(cfg, CFG_OPTIMIZER, out, 8);
  i32Field(cfg, CFG_REGULARIZATION, out, 9);
  i32Field(cfg, CFG_BATCH, out, 10);
  i32Field(cfg, CFG_CAP, out, 11);
  i32Field(cfg, CFG_STORED, out, 12);
  i32Field(cfg, CFG_SHIFT, out, 13);
  i32Field(cfg, CFG_WIDTH, out, 14);
  i32Field(cfg, CFG_HEIGHT, out, 15);
  i32Field(cfg, CFG_INPUTS, out, 16);
  i32Field(cfg, CFG_LABELS, out, 17);
  i32Field(cfg, CFG_TARGETS, out, 18);
  i32Field(cfg, CFG_CLASS_WEIGHTS, out, 19);
  i32Field(cfg, CFG_ORDER, out, 20);
  i32Field(cfg, CFG_RNG, out, 21);
  i32Field(cfg, CFG_INPUT_BYTES, out, 22);
  f64Field(cfg, CFG_BETA1, out, 23);
  f64Field(cfg, CFG_BETA2, out, 24);
  f64Field(cfg, CFG_EPSILON, out, 25);
}
