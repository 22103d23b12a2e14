// Property-based fuzzing (fast-check, seeded) of every public function of an instance, both backends.
// Bad calls — a junk value in an argument's place, NaN or +∞ in a numeric input (1e39 for float32
// storage), junk options — must throw a TypeError or RangeError whose message starts with the
// function's name, never trap or return, and leave liveBytes() unchanged. Valid calls, over random
// shapes, layouts and options, must never throw and never return NaN. FUZZ_SEED reproduces a run;
// FUZZ_SCALE=10 runs ten times as many calls.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Xent } from '../src/index.js';
import { Network } from '../src/network/network.js';
import { methodNames } from './calls.js';
import { backends, mulberry32 } from './helpers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
/** Bad calls per backend (two backends: 2 × this per run). */
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const BAD_RUNS = 10_000 * SCALE;
const VALID_RUNS = 5000 * SCALE;

type Rng = () => number;
type Args = unknown[];
/** What an argument is, for choosing a bad value that no function accepts in that place. */
type Slot = 'input' | 'q' | 'labels' | 'yTrue' | 'options' | 'sizes' | 'json' | 'checkpoint' | 'bytes' | 'modelOptions';

interface Target {
  name: string;
  slots: Slot[];
  /** A valid argument list from a generator and a shape. */
  valid: (r: Rng, rows: number, cols: number) => Args;
  call: (x: Xent, args: Args) => unknown;
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

function matrix(r: Rng, rows: number, cols: number, v: (r: Rng) => number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => v(r)));
}
const prob = (r: Rng) => (r() < 0.15 ? 0 : r() < 0.15 ? 1 : r());
const logit = (r: Rng) => (r() < 0.05 ? -Infinity : (r() - 0.5) * 60);
function dist(r: Rng, rows: number, cols: number): number[][] {
  return matrix(r, rows, cols, (g) => (g() < 0.2 ? 0 : g())).map((row) => {
    if (!row.some((v) => v > 0)) row[0] = 1;
    const s = row.reduce((a, b) => a + b, 0);
    return row.map((v) => v / s);
  });
}
function logits(r: Rng, rows: number, cols: number): number[][] {
  return matrix(r, rows, cols, logit).map((row) => (row.every((v) => v === -Infinity) ? [0, ...row.slice(1)] : row));
}

/** The same layout for every matrix of one call: nested, packed f64 or f32, or (one row) a vector. */
function layouts(r: Rng, rows: number): (m: number[][]) => unknown {
  const kinds = rows === 1 ? ['nested', 'f64', 'f32', 'vector', 'vf64', 'vf32'] : ['nested', 'f64', 'f32'];
  const kind = pick(r, kinds);
  return (m) => {
    const flat = m.flat();
    const shape = [m.length, m[0]!.length];
    switch (kind) {
      case 'nested': return m;
      case 'f64': return { data: Float64Array.from(flat), shape };
      case 'f32': return { data: Float32Array.from(flat), shape };
      case 'vector': return m[0];
      case 'vf64': return Float64Array.from(flat);
      default: return Float32Array.from(flat);
    }
  };
}

const reduction = (r: Rng) => pick(r, ['mean', 'sum', 'none', undefined]);
/** Per-row weights, some exactly 0 (a zero weight must make even an infinite term 0), never all 0. */
function rowWeights(r: Rng, rows: number): number[] {
  const w = Array.from({ length: rows }, () => (r() < 0.25 ? 0 : 0.25 + 3 * r()));
  w[0] = 1; // row 0 is never ignored either: scikit-learn's weighted mean needs Σw > 0
  return w;
}

function infoArgs(two: boolean) {
  return (r: Rng, rows: number, cols: number): Args => {
    const L = layouts(r, rows);
    const scipy = r() < 0.3;
    const o = { base: pick(r, [undefined, 2, Math.E, 10]), ...(scipy ? { compat: 'scipy' } : {}) };
    const gen = (g: Rng) => (scipy ? matrix(g, rows, cols, (h) => h() * 3 + 0.01) : dist(g, rows, cols));
    return two ? [L(gen(r)), L(gen(r)), o] : [L(gen(r)), o];
  };
}

function bceArgs(r: Rng, rows: number, cols: number): Args {
  const L = layouts(r, rows);
  const fromLogits = r() < 0.4;
  const compat = fromLogits ? pick(r, ['xent', 'torch', 'keras']) : pick(r, ['xent', 'torch', 'keras', 'sklearn']);
  const o = {
    fromLogits, reduction: reduction(r), compat, labelSmoothing: r() < 0.3 ? r() : undefined,
    weights: r() < 0.3 ? rowWeights(r, rows) : undefined,
    posWeight: r() < 0.3 ? 4 * r() : undefined,
  };
  return [L(matrix(r, rows, cols, fromLogits ? logit : prob)), L(matrix(r, rows, cols, prob)), o];
}

function ceOptions(r: Rng, rows: number, cols: number) {
  const fromLogits = r() < 0.4;
  const fromLogProbs = !fromLogits && r() < 0.2;
  const compat = pick(r, ['xent', 'torch', 'keras', 'sklearn']);
  const clips = !fromLogits && !fromLogProbs && compat !== 'torch';
  return {
    fromLogits, fromLogProbs, reduction: reduction(r), compat, labelSmoothing: r() < 0.3 ? r() : undefined,
    epsilon: clips && r() < 0.3 ? pick(r, [1e-15, 1e-7, 0.01, 0.3]) : undefined,
    weights: r() < 0.3 ? rowWeights(r, rows) : undefined,
    classWeights: r() < 0.3 ? Array.from({ length: cols }, () => 0.25 + 3 * r()) : undefined,
  };
}

function cceArgs(r: Rng, rows: number, cols: number): Args {
  const L = layouts(r, rows);
  const o = ceOptions(r, rows, cols);
  const pred = o.fromLogits ? logits(r, rows, cols) : o.fromLogProbs ? dist(r, rows, cols).map((row) => row.map(Math.log)) : dist(r, rows, cols);
  return [L(pred), L(dist(r, rows, cols)), o];
}

function sparseArgs(r: Rng, rows: number, cols: number): Args {
  const L = layouts(r, rows);
  const o = ceOptions(r, rows, cols);
  const pred = L(o.fromLogits ? logits(r, rows, cols) : o.fromLogProbs ? dist(r, rows, cols).map((row) => row.map(Math.log)) : dist(r, rows, cols));
  const labels = Array.from({ length: rows }, () => Math.floor(r() * cols));
  // Some rows ignored (never all: an empty mean is NaN under torch and keras, by their rule).
  const ignoreIndex = r() < 0.3 ? pick(r, [-1, -100, cols]) : undefined;
  if (ignoreIndex !== undefined) for (let i = 1; i < rows; i++) if (r() < 0.3) labels[i] = ignoreIndex;
  const opts = ignoreIndex === undefined ? o : { ...o, ignoreIndex };
  return [pred, !Array.isArray(pred) || Array.isArray(pred[0]) ? labels : labels[0], opts];
}

function quadArgs(r: Rng, rows: number, cols: number): Args {
  const L = layouts(r, rows);
  const v = (g: Rng) => (g() < 0.05 ? 6e38 * (g() - 0.5) : (g() - 0.5) * 20); // large: float32 gradients saturate
  return [L(matrix(r, rows, cols, v)), L(matrix(r, rows, cols, v)), { reduction: reduction(r), weights: r() < 0.3 ? rowWeights(r, rows) : undefined }];
}

function logLossArgs(r: Rng, rows: number, cols: number): Args {
  const compat = pick(r, ['xent', 'sklearn']);
  const o = { compat, reduction: reduction(r) };
  if (r() < 0.4) {
    const yTrue = Array.from({ length: rows }, () => Math.floor(r() * 2));
    return [yTrue, Array.from({ length: rows }, () => prob(r)), { ...o, labels: [0, 1] }];
  }
  const K = Math.max(2, cols);
  const yTrue = Array.from({ length: rows }, () => Math.floor(r() * K));
  const yPred = compat === 'sklearn' ? matrix(r, rows, K, (g) => g() * 1.5) : dist(r, rows, K);
  return [yTrue, layouts(r, 2)(yPred), { ...o, labels: Array.from({ length: K }, (_, k) => k) }];
}

function matmulArgs(r: Rng, rows: number, cols: number): Args {
  const n = 1 + Math.floor(r() * 5);
  const v = (g: Rng) => (g() - 0.5) * 2000;
  const ta = r() < 0.3;
  const tb = r() < 0.3;
  const a = ta ? matrix(r, cols, rows, v) : matrix(r, rows, cols, v);
  const b = tb ? matrix(r, n, cols, v) : matrix(r, cols, n, v);
  const packed = r() < 0.5;
  const L = (m: number[][]) => (packed ? { data: Float32Array.from(m.flat()), shape: [m.length, m[0]!.length] } : m);
  return [L(a), L(b), { transposeA: ta, transposeB: tb }];
}

function netJson(r: Rng, rows: number, cols: number) {
  const sizes = [cols, rows];
  return {
    sizes,
    weights: [matrix(r, rows, cols, (g) => g() - 0.5)],
    biases: [matrix(r, rows, 1, (g) => g() - 0.5)],
    cost: pick(r, ['CrossEntropyCost', 'QuadraticCost'] as const),
  };
}

type Fn = (...a: unknown[]) => unknown;
const method = (x: Xent, name: string): Fn => {
  const [head, tail] = name.split('.');
  const owner = (tail ? (x as unknown as Record<string, Record<string, Fn>>)[head!] : x) as unknown as Record<string, Fn>;
  return owner[tail ?? head!]!;
};
const direct = (name: string) => (x: Xent, a: Args) => method(x, name)(...a);

const IO: Slot[] = ['input', 'input', 'options'];
const TARGETS: Target[] = [];
function add(names: string[], slots: Slot[], valid: Target['valid']): void {
  for (const name of names) TARGETS.push({ name, slots, valid, call: direct(name) });
}
add(['entropy', 'grad.entropy', 'perplexity'], ['input', 'options'], infoArgs(false));
add(['crossEntropy', 'klDivergence', 'grad.crossEntropy', 'grad.klDivergence'], IO, infoArgs(true));
add(['perplexity'], ['input', 'q', 'options'], infoArgs(true)); // q may be left out: undefined is valid there
for (const name of ['sigmoid', 'softmax', 'logSoftmax']) {
  add([name], ['input'], (r, rows, cols) => [layouts(r, rows)(name === 'sigmoid' ? matrix(r, rows, cols, (g) => (g() < 0.05 ? -Infinity : (g() - 0.5) * 200)) : logits(r, rows, cols))]);
}
add(['binaryCrossEntropy', 'grad.binaryCrossEntropy', 'valueAndGrad.binaryCrossEntropy'], IO, bceArgs);
add(['categoricalCrossEntropy', 'grad.categoricalCrossEntropy', 'valueAndGrad.categoricalCrossEntropy'], IO, cceArgs);
add(['sparseCategoricalCrossEntropy', 'grad.sparseCategoricalCrossEntropy', 'valueAndGrad.sparseCategoricalCrossEntropy'],
  ['input', 'labels', 'options'], sparseArgs);
add(['quadraticCost', 'grad.quadraticCost', 'valueAndGrad.quadraticCost'], IO, quadArgs);
add(['logLoss', 'grad.logLoss', 'valueAndGrad.logLoss'], ['yTrue', 'input', 'options'], logLossArgs);
add(['matmul'], IO, matmulArgs);
add(['network'], ['sizes', 'options'], (r, rows, cols) => [[cols, rows], { cost: pick(r, ['cross-entropy', 'quadratic']), hidden: pick(r, ['sigmoid', 'tanh', 'relu']), seed: Math.floor(r() * 1000) }]);
add(['loadNetwork'], ['json'], (r, rows, cols) => [r() < 0.5 ? netJson(r, rows, cols) : JSON.stringify(netJson(r, rows, cols))]);
add(['liveBytes'], [], () => []);
let checkpointOf: (r: Rng, rows: number, cols: number) => unknown = () => undefined; // set once an instance exists
add(['loadCheckpoint'], ['checkpoint'], (r, rows, cols) => [checkpointOf(r, rows, cols)]);
let exportOf: (r: Rng, rows: number, cols: number, format: 'onnx' | 'safetensors') => Uint8Array = () => new Uint8Array(0);
add(['fromONNX'], ['bytes'], (r, rows, cols) => [exportOf(r, rows, cols, 'onnx')]);
add(['fromSafetensors'], ['bytes', 'modelOptions'], (r, rows, cols) => [exportOf(r, rows, cols, 'safetensors')]);

/** Values no function accepts in an argument's place. */
const JUNK: Record<Slot, unknown[]> = {
  input: [null, undefined, 'x', {}, true, 7, NaN, [NaN], [[1, 2], [3]], [[1, 'a']], [[1], 2], { data: [1], shape: [1, 1] },
    { data: new Float64Array(3), shape: [2, 2] }, { data: new Float64Array(0), shape: [2 ** 30, 0] }, { data: new Float64Array(2), shape: [2] }],
  q: [null, 'x', true, 7, { base: 2 }, NaN, [NaN], [[1, 2], [3]], { data: [1], shape: [1, 1] }, { data: new Float64Array(3), shape: [2, 2] }],
  labels: [null, undefined, 'x', {}, true, NaN, [NaN], [0.5], [-3], [1e9], [[0]], { data: new Float64Array(0), shape: [2 ** 30, 0] }],
  yTrue: [null, undefined, 'x', {}, true, 7, [NaN], [Infinity], [{}], [0, 'a'], [[0, 1]]],
  options: [null, 'mean', 5, [], true, { bogus: 1 }, { reduction: 'avg' }, { compat: 'jax' }, { base: 'e' }, { fromLogits: 'yes' }],
  sizes: [null, undefined, 'x', {}, 7, [], [3], [0, 2], [2, -1], [2, 1.5], [2, NaN], [2, 2 ** 21], ['2', 2]],
  checkpoint: [null, undefined, '', '{', 7, true, [], {}, { format: 'xent-checkpoint' }, { format: 'other', version: 1 }],
  bytes: [null, undefined, 'x', 7, {}, [1, 2], new Uint8Array(0), new Uint8Array(7), Uint8Array.of(8, 7, 18, 200), new Float32Array(4),
    Uint8Array.of(8, 0, 0, 0, 0, 0, 0, 0, 123, 125)],
  modelOptions: [null, 'x', 7, { sizes: 'x' }, { hidden: 'swish' }, { output: 'linear' }, { cost: 'hinge' }, { bogus: 1 }],
  json: [null, undefined, '', '{', 'null', 7, true, [], {}, { sizes: [2, 1] }, { sizes: [2, 1], weights: [], biases: [], cost: 'CrossEntropyCost' },
    { sizes: [1, 1], weights: [[[1e39]]], biases: [[[0]]], cost: 'CrossEntropyCost' }, { sizes: [1, 1], weights: [[[0]]], biases: [[[0]]], cost: 'Hinge' }],
};

/** Option values that are wrong for every function (a key it does not know is an error too). */
const BAD_OPTION_VALUES: Record<string, unknown>[] = [
  { reduction: 5 }, { labelSmoothing: 2 }, { labelSmoothing: NaN }, { weights: [NaN] }, { weights: [-1] }, { weights: 'w' },
  { epsilon: 0 }, { epsilon: 0.7 }, { base: 1 }, { base: -2 }, { base: Infinity }, { classWeights: [-1] }, { ignoreIndex: 0.5 },
  { posWeight: -1 }, { posWeight: NaN }, { labels: 'x' }, { transposeA: 1 }, { seed: -1 }, { seed: 0.5 }, { cost: 'hinge' },
  { hidden: 'x' }, { normalize: 'yes' }, { compat: 'scipy', fromLogits: true }, { fromLogits: true, fromLogProbs: true },
];

/** The input a second input must match, with a column or a row too many (or labels one too many). */
function mismatched(x: unknown, r: Rng, add: 'row' | 'column' = r() < 0.5 ? 'row' : 'column'): unknown | undefined {
  if (Array.isArray(x) && Array.isArray(x[0])) {
    const m = (x as number[][]).map((row) => row.slice());
    if (add === 'column') for (const row of m) row.push(0.5);
    else m.push(m[0]!.slice());
    return m;
  }
  if (Array.isArray(x)) return [...(x as number[]), 0];
  if (x instanceof Float64Array || x instanceof Float32Array) {
    const y = new (x.constructor as Float64ArrayConstructor)(x.length + 1);
    y.set(x);
    return y;
  }
  if (x !== null && typeof x === 'object' && 'data' in x) {
    const p = x as { data: Float64Array | Float32Array; shape: [number, number] };
    const [rows, cols] = p.shape;
    const [r2, c2] = add === 'row' ? [rows + 1, cols] : [rows, cols + 1];
    const data = new (p.data.constructor as Float64ArrayConstructor)(r2 * c2).fill(0.5);
    for (let i = 0; i < rows; i++) for (let k = 0; k < cols; k++) data[i * c2 + k] = p.data[i * cols + k]!;
    return { data, shape: [r2, c2] };
  }
  if (typeof x === 'number') return [x, 0];
  return undefined;
}

/** A copy of a numeric input with one element set to `v` (NaN or +∞: rejected everywhere). */
function poison(x: unknown, r: Rng, v: number): unknown | undefined {
  if (Array.isArray(x) && x.length > 0) {
    const i = Math.floor(r() * x.length);
    if (Array.isArray(x[0])) {
      const copy = (x as number[][]).map((row) => row.slice());
      const row = copy[i]!;
      if (row.length === 0) return undefined;
      row[Math.floor(r() * row.length)] = v;
      return copy;
    }
    const copy = (x as number[]).slice();
    copy[i] = v;
    return copy;
  }
  if (x instanceof Float64Array || x instanceof Float32Array) {
    if (x.length === 0) return undefined;
    const copy = x.slice();
    copy[Math.floor(r() * x.length)] = v;
    return copy;
  }
  if (x !== null && typeof x === 'object' && 'data' in x) {
    const p = x as { data: Float64Array | Float32Array; shape: number[] };
    const data = poison(p.data, r, v);
    return data === undefined ? undefined : { data, shape: p.shape };
  }
  return undefined;
}

/** Numbers of a result, whatever its layout (Networks are skipped). */
function numbers(x: unknown, out: number[] = []): number[] {
  if (typeof x === 'number') out.push(x);
  else if (ArrayBuffer.isView(x)) out.push(...Array.from(x as unknown as ArrayLike<number>));
  else if (Array.isArray(x)) for (const v of x) numbers(v, out);
  else if (x !== null && typeof x === 'object' && !(x instanceof Network)) for (const v of Object.values(x)) numbers(v, out);
  return out;
}

/** The float32 array of a result (a Float32Array or { data: Float32Array }), else null. */
function f32Of(x: unknown): Float32Array | null {
  if (x instanceof Float32Array) return x;
  if (x !== null && typeof x === 'object' && 'data' in x && (x as { data: unknown }).data instanceof Float32Array) return (x as { data: Float32Array }).data;
  if (x !== null && typeof x === 'object' && 'grad' in x) return f32Of((x as { grad: unknown }).grad);
  return null;
}

/** The arguments with every float32 input as float64 (the same values). */
function asF64(args: Args): Args {
  return args.map((a) => {
    if (a instanceof Float32Array) return Float64Array.from(a);
    if (a !== null && typeof a === 'object' && 'data' in a && (a as { data: unknown }).data instanceof Float32Array) {
      const p = a as { data: Float32Array; shape: number[] };
      return { data: Float64Array.from(p.data), shape: p.shape };
    }
    return a;
  });
}

const shapeArb = fc.record({
  target: fc.nat({ max: TARGETS.length - 1 }),
  rows: fc.integer({ min: 1, max: 4 }),
  cols: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

for (const backend of backends) {
  describe(`fuzz (${backend}, seed ${SEED})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
      checkpointOf = (r, rows, cols) => {
        const net = xent.loadNetwork(netJson(r, rows, cols));
        const c = net.checkpoint();
        net.dispose();
        return r() < 0.5 ? c : JSON.stringify(c);
      };
      exportOf = (r, rows, cols, format) => {
        const net = xent.loadNetwork(netJson(r, rows, cols));
        const bytes = format === 'onnx' ? net.toONNX() : net.toSafetensors();
        net.dispose();
        return bytes;
      };
    });

    it('the fuzzer covers every method of the instance', () => {
      expect([...new Set(TARGETS.map((t) => t.name))].sort()).toEqual(methodNames(xent));
    });

    it(`${VALID_RUNS} valid calls never throw, never return NaN, leave liveBytes() unchanged`, () => {
      fc.assert(
        fc.property(shapeArb, ({ target, rows, cols, seed }) => {
          const t = TARGETS[target]!;
          const args = t.valid(mulberry32(seed), rows, cols);
          const before = xent.liveBytes();
          const result = t.call(xent, args);
          if (result instanceof Network) result.dispose();
          const nan = numbers(result).findIndex(Number.isNaN);
          if (nan >= 0) throw new Error(`${t.name} returned NaN at ${nan}`);
          // A float32 result is ±∞ only where the float64 computation is: beyond the range it saturates.
          const f32 = t.name.startsWith('grad') || t.name.startsWith('value') ? f32Of(result) : null;
          if (f32) {
            const again = t.call(xent, asF64(args));
            const f64 = numbers(again !== null && typeof again === 'object' && 'grad' in again ? again.grad : again);
            const bad = Array.from(f32).findIndex((v, k) => !Number.isFinite(v) && Number.isFinite(f64[k]!));
            if (bad >= 0) throw new Error(`${t.name}: float32 result ${f32[bad]} at ${bad} where float64 gives ${f64[bad]}`);
          }
          if (xent.liveBytes() !== before) throw new Error(`${t.name} changed liveBytes`);
        }),
        { seed: SEED, numRuns: VALID_RUNS },
      );
    });

    it(`${BAD_RUNS} bad calls each throw a TypeError/RangeError naming the function, and leak nothing`, () => {
      let bad = 0;
      const mutation = fc.record({
        kind: fc.constantFrom('junk', 'poison', 'options', 'option-value', 'mismatch'),
        slot: fc.nat(),
        junk: fc.nat(),
        value: fc.constantFrom(NaN, Infinity, 1e39),
      });
      fc.assert(
        fc.property(shapeArb, mutation, ({ target, rows, cols, seed }, m) => {
          const t = TARGETS[target]!;
          fc.pre(t.slots.length > 0);
          const r = mulberry32(seed);
          const args = t.valid(r, rows, cols);
          const options = t.slots.indexOf('options');
          let i: number;
          const second = t.slots.findIndex((s, k) => k > 0 && (s === 'input' || s === 'labels'));
          // matmul's b gets one more along the inner dimension: a row, or a column when transposed.
          const inner = t.name === 'matmul' ? ((args[2] as { transposeB: boolean }).transposeB ? 'column' : 'row') : undefined;
          const mismatch = m.kind === 'mismatch' && second > 0 && t.name !== 'perplexity' ? mismatched(args[second], r, inner) : undefined;
          if (m.kind === 'options' && options >= 0) {
            i = options;
            args[i] = JUNK.options[m.junk % JUNK.options.length];
          } else if (m.kind === 'option-value' && options >= 0) {
            i = options;
            args[i] = { ...(args[i] as object), ...BAD_OPTION_VALUES[m.junk % BAD_OPTION_VALUES.length] };
          } else if (mismatch !== undefined) {
            i = second;
            args[i] = mismatch;
          } else {
            const numeric = t.slots.flatMap((s, k) => (s === 'input' || s === 'q' ? [k] : []));
            const value = m.value === 1e39 && t.name !== 'matmul' ? NaN : m.value;
            const poisoned = m.kind === 'poison' && numeric.length > 0 ? poison(args[(i = numeric[m.slot % numeric.length]!)], r, value) : undefined;
            if (poisoned !== undefined) args[i!] = poisoned;
            else {
              const required = t.slots.flatMap((s, k) => (s === 'options' ? [] : [k]));
              if (required.length === 0) return;
              i = required[m.slot % required.length]!;
              const pool = JUNK[t.slots[i]!];
              args[i] = pool[m.junk % pool.length];
            }
          }
          const before = xent.liveBytes();
          let error: unknown;
          let result: unknown;
          try {
            result = t.call(xent, args);
          } catch (e) {
            error = e;
          }
          bad++;
          if (result instanceof Network) result.dispose();
          if (error === undefined) throw new Error(`${t.name} accepted bad argument ${i!}: ${JSON.stringify(args[i!])?.slice(0, 200)} (${m.kind})`);
          if (!(error instanceof TypeError || error instanceof RangeError)) throw new Error(`${t.name} threw ${String(error)}`);
          if (!error.message.startsWith(`${t.name}: `)) throw new Error(`${t.name}: message does not name it: ${error.message}`);
          if (xent.liveBytes() !== before) throw new Error(`${t.name} leaked ${xent.liveBytes() - before} bytes`);
        }),
        { seed: SEED, numRuns: BAD_RUNS },
      );
      expect(bad).toBeGreaterThanOrEqual(BAD_RUNS * 0.95);
    });
  });
}
