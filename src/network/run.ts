// A network's run: what continues from one train() call to the next and into a checkpoint — the epochs
// done, the shuffle stream and the epoch order, the dropout generator's state, the optimiser's state
// (a device buffer) and the stop policy's counters and best weights.
import type { DeviceArray } from '../backend/backend.js';
import { rangeError } from '../errors.js';
import { Mulberry32, shuffle } from './random.js';
import type { PolicyState } from './stop-policy.js';

/**
 * The run's random streams: the epoch order is the identity of `examples` indices shuffled `shuffles`
 * times by the mulberry32 stream that started at state `orderOrigin` and is now at `stream`; `dropout` is
 * the kernels' xorshift32 state.
 */
export interface RunRng {
  orderOrigin: number;
  shuffles: number;
  examples: number;
  stream: number;
  dropout: number;
}

/** The optimiser's state on the device and which optimiser it belongs to. */
export interface RunOptimizer {
  key: string;
  state: DeviceArray;
}

/** What a network carries from one train() call to the next. */
export class Run {
  /** Epochs done. */
  epoch = 0;
  rng: RunRng | null = null;
  /** The epoch order in memory (null after loadCheckpoint: rebuilt from rng on the next call). */
  order: Int32Array | null = null;
  optimizer: RunOptimizer | null = null;
  policy: PolicyState | null = null;
  /** The last epoch's weights, when restoring the best epoch replaced them: the run continues from them. */
  resumeWeights: Float32Array | null = null;

  /** Frees the optimiser state. */
  resetOptimizer(): void {
    this.optimizer?.state.free();
    this.optimizer = null;
  }

  /**
   * The shuffle stream and order for an epoch of `examples` indices: restarted from `seed` when given (or
   * when the run has none yet), else continued; a new number of examples restarts the order.
   */
  streams(fn: string, examples: number, seed: number | undefined, defaultSeed: number): { stream: Mulberry32; order: Int32Array } {
    if (seed !== undefined || !this.rng) {
      const stream = new Mulberry32(seed ?? defaultSeed);
      const dropout = Math.floor(stream.next() * 0xfffffffe) + 1; // xorshift32 needs a non-zero state
      this.rng = { orderOrigin: stream.state, shuffles: 0, examples, stream: stream.state, dropout };
      this.order = identity(examples);
      return { stream, order: this.order };
    }
    const stream = new Mulberry32(this.rng.stream);
    if (!this.order) {
      if (this.rng.examples !== examples) {
        rangeError(fn, `the checkpoint's run has epochs of ${this.rng.examples} examples (rng.examples), the training data gives ${examples}`);
      }
      this.order = replay(this.rng);
    }
    if (this.rng.examples !== examples) {
      this.rng = { ...this.rng, orderOrigin: stream.state, shuffles: 0, examples };
      this.order = identity(examples);
    }
    return { stream, order: this.order };
  }
}

function identity(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}

/** The order `rng` describes, rebuilt; a RangeError when its stream state does not follow. */
export function replay(rng: RunRng): Int32Array {
  const stream = new Mulberry32(rng.orderOrigin);
  const order = identity(rng.examples);
  for (let i = 0; i < rng.shuffles; i++) shuffle(order, () => stream.next());
  if (stream.state !== rng.stream) rangeError('loadCheckpoint', 'rng.stream does not follow from rng.orderOrigin after rng.shuffles shuffles');
  return order;
}
