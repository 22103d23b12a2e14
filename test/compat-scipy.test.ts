/**
 * SciPy compatibility: `entropy`, `crossEntropy`, `klDivergence` against scipy.stats.entropy and
 * scipy.special.entr / rel_entr.
 *
 * Expected values are the examples in scipy.stats.entropy's docstring (scipy/stats/_entropy.py,
 * printed with full float64 precision, so compared with relative 1e-12), or a float64 oracle written
 * below from SciPy's documented definitions, compared with relative tolerance 1e-12:
 *  - scipy.stats.entropy(pk, qk=None, base=None): pk = pk / sum(pk); qk = qk / sum(qk);
 *    S = sum(entr(pk)) or sum(rel_entr(pk, qk)); if base is not None: S /= log(base).
 *    "This routine will normalize pk and qk if they don't sum to 1."
 *  - scipy.special.entr(x) = -x log x (x > 0), 0 (x = 0), -inf (x < 0).
 *  - scipy.special.rel_entr(x, y) = x log(x / y) (x > 0, y > 0), 0 (x = 0, y >= 0), inf otherwise.
 *  - Cross entropy (entropy's Notes): CE(pk, qk) = H(pk) + D(pk|qk) = -sum(pk * log(qk)).
 */
import { describe, it, beforeAll } from 'vitest';
import { createXent } from '../src/index.js';
import { expectRel as expectRelOf, expectBadInput } from './helpers.js';

type Xent = Awaited<ReturnType<typeof createXent>>;

// ---------------------------------------------------------------------------------------------
// Comparison helpers

/** Formula oracle: relative 1e-12 by default; a scalar result is "a reduced value", not a loss. */
const expectRel = (got: unknown, want: number | number[], rel?: number): void => expectRelOf(got, want, rel, 'value');

// ---------------------------------------------------------------------------------------------
// Float64 oracle of SciPy's definitions

const entr = (x: number): number => (x > 0 ? -x * Math.log(x) : x === 0 ? 0 : -Infinity);
const relEntr = (x: number, y: number): number => (x > 0 && y > 0 ? x * Math.log(x / y) : x === 0 && y >= 0 ? 0 : Infinity);
const total = (v: number[]): number => v.reduce((a, b) => a + b, 0);
const normalise = (v: number[]): number[] => {
  const s = total(v);
  return v.map((x) => x / s);
};

/** scipy.stats.entropy(pk, qk, base). */
function statsEntropy(pk: number[], qk?: number[], base?: number): number {
  const p = normalise(pk);
  let S = qk ? total(p.map((x, i) => relEntr(x, normalise(qk)[i]))) : total(p.map(entr));
  if (base !== undefined) S /= Math.log(base);
  return S;
}
/** Raw sums of scipy.special.entr / rel_entr (no normalisation), in `base`. */
const rawEntropy = (p: number[], base = Math.E): number => total(p.map(entr)) / Math.log(base);
const rawKl = (p: number[], q: number[], base = Math.E): number => total(p.map((x, i) => relEntr(x, q[i]))) / Math.log(base);
/** CE = -sum(pk log qk), 0 where pk = 0. */
const rawCross = (p: number[], q: number[], base = Math.E): number =>
  total(p.map((x, i) => (x === 0 ? 0 : -x * Math.log(q[i])))) / Math.log(base);

/** Deterministic pseudo-random distributions (LCG) for the identity checks. */
function distributions(count: number, K: number, seed = 12345): number[][] {
  let s = seed;
  const rnd = (): number => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s + 1) / 2147483649;
  };
  return Array.from({ length: count }, () => normalise(Array.from({ length: K }, rnd)));
}

const PK = [1 / 2, 1 / 2];
const QK = [9 / 10, 1 / 10];

for (const backend of ['reference', 'wasm'] as const) {
  describe(`scipy compat (${backend})`, () => {
    let xent: Xent;
    beforeAll(async () => {
      xent = await createXent({ backend });
    });

    it('scipy.stats.entropy docstring: fair coin 1.0 bit, biased coin 0.46899559358928117 bits', () => {
      // >>> base = 2  # work in units of bits
      // >>> pk = np.array([1/2, 1/2])  # fair coin
      // >>> H = entropy(pk, base=base)            -> 1.0
      // >>> qk = np.array([9/10, 1/10])  # biased coin
      // >>> entropy(qk, base=base)                -> 0.46899559358928117
      for (const compat of ['scipy', 'xent'] as const) {
        expectRel(xent.entropy(PK, { base: 2, compat }), 1.0);
        expectRel(xent.entropy(QK, { base: 2, compat }), 0.46899559358928117);
      }
    });

    it('docstring: H == -np.sum(pk * np.log(pk)) / np.log(base)', () => {
      for (const p of distributions(5, 7)) {
        expectRel(xent.entropy(p, { base: 2, compat: 'scipy' }), statsEntropy(p, undefined, 2));
        expectRel(xent.entropy(p, { compat: 'scipy' }), statsEntropy(p));
      }
    });

    it('docstring: relative entropy D = 0.7369655941662062 bits (0.5108256237659907 nats)', () => {
      // >>> D = entropy(pk, qk, base=base)       -> 0.7369655941662062
      // scipy 1.8/1.9 docstring: entropy([1/2, 1/2], qk=[9/10, 1/10]) -> 0.5108256237659907
      for (const compat of ['scipy', 'xent'] as const) {
        expectRel(xent.klDivergence(PK, QK, { base: 2, compat }), 0.7369655941662062);
        expectRel(xent.klDivergence(PK, QK, { compat }), 0.5108256237659907);
      }
    });

    it('docstring: cross entropy CE = H + D = 1.736965594166206 bits', () => {
      // >>> CE = entropy(pk, base=base) + entropy(pk, qk, base=base)   -> 1.736965594166206
      // >>> CE == -np.sum(pk * np.log(qk)) / np.log(base)              -> True
      for (const compat of ['scipy', 'xent'] as const) {
        expectRel(xent.crossEntropy(PK, QK, { base: 2, compat }), 1.736965594166206);
      }
    });

    it('normalises unnormalised inputs silently, as scipy.stats.entropy does', () => {
      expectRel(xent.entropy([1, 1], { base: 2, compat: 'scipy' }), 1.0);
      expectRel(xent.entropy([9, 1], { base: 2, compat: 'scipy' }), 0.46899559358928117);
      expectRel(xent.klDivergence([1, 1], [9, 1], { compat: 'scipy' }), 0.5108256237659907);
      expectRel(xent.klDivergence([3, 5, 2], [1, 1, 6], { compat: 'scipy', base: 10 }), statsEntropy([3, 5, 2], [1, 1, 6], 10));
      expectRel(xent.crossEntropy([2, 2], [90, 10], { base: 2, compat: 'scipy' }), 1.736965594166206);
      expectRel(xent.entropy([3, 5, 2], { compat: 'scipy' }), statsEntropy([3, 5, 2]));
    });

    it('normalize: false gives the raw scipy.special entr / rel_entr sums', () => {
      const p = [0.5, 0.25];
      const q = [0.25, 0.5];
      expectRel(xent.entropy(p, { compat: 'scipy', normalize: false }), rawEntropy(p));
      expectRel(xent.klDivergence(p, q, { compat: 'scipy', normalize: false }), rawKl(p, q));
      expectRel(xent.klDivergence(p, q, { compat: 'scipy', normalize: false }), 0.25 * Math.LN2);
      expectRel(xent.crossEntropy(p, q, { compat: 'scipy', normalize: false, base: 2 }), rawCross(p, q, 2));
    });

    it('zeros follow entr / rel_entr: 0 log 0 = 0, p > 0 with q = 0 is +Infinity', () => {
      expectRel(xent.entropy([1, 0, 0], { compat: 'scipy' }), 0);
      expectRel(xent.klDivergence([0.5, 0.5, 0], [0.25, 0.25, 0.5], { compat: 'scipy' }), statsEntropy([0.5, 0.5, 0], [0.25, 0.25, 0.5]));
      expectRel(xent.klDivergence([0.5, 0.5, 0], [0.25, 0.25, 0.5], { compat: 'scipy' }), Math.LN2);
      expectRel(xent.klDivergence([1, 0], [1, 0], { compat: 'scipy' }), 0);
      expectRel(xent.klDivergence([0.5, 0.5], [1, 0], { compat: 'scipy' }), Infinity);
      expectRel(xent.crossEntropy([0.5, 0.5], [1, 0], { compat: 'scipy' }), Infinity);
      expectRel(xent.klDivergence([0.5, 0.5], [1, 0]), Infinity);
    });

    it('any base: base b divides the natural-log value by log(b)', () => {
      const [p, q] = distributions(2, 5, 777);
      for (const base of [2, 3, 10, Math.E, 0.5]) {
        expectRel(xent.entropy(p, { base, compat: 'scipy' }), statsEntropy(p, undefined, base));
        expectRel(xent.klDivergence(p, q, { base, compat: 'scipy' }), statsEntropy(p, q, base));
        expectRel(xent.crossEntropy(p, q, { base, compat: 'scipy' }), rawCross(p, q, base));
      }
    });

    it('CE(pk, qk) = H(pk) + D(pk|qk) holds numerically', () => {
      const ds = distributions(8, 6, 4242);
      for (let i = 0; i + 1 < ds.length; i += 2) {
        const [p, q] = [ds[i], ds[i + 1]];
        const ce = xent.crossEntropy(p, q, { compat: 'scipy' }) as number;
        const h = xent.entropy(p, { compat: 'scipy' }) as number;
        const d = xent.klDivergence(p, q, { compat: 'scipy' }) as number;
        expectRel(ce, h + d);
        expectRel(ce, rawCross(p, q));
      }
    });

    it("default compat ('xent') does not normalise silently: a sum far from 1 is an error", () => {
      expectBadInput(() => xent.entropy([9, 1]), /entropy[\s\S]*\bp\b/);
      expectBadInput(() => xent.klDivergence([0.5, 0.5], [9, 1]), /klDivergence[\s\S]*\bq\b/);
      expectRel(xent.entropy([9, 1], { normalize: true, base: 2 }), 0.46899559358928117);
    });

    it('bad input: negative, NaN, mismatched lengths, invalid base', () => {
      expectBadInput(() => xent.entropy([1.2, -0.2]), /entropy[\s\S]*\bp\b/);
      expectBadInput(() => xent.entropy([Number.NaN, 1]), /entropy[\s\S]*\bp\b/);
      expectBadInput(() => xent.crossEntropy([0.5, 0.5], [0.2, 0.3, 0.5]), /crossEntropy[\s\S]*\b(p|q)\b/);
      expectBadInput(() => xent.klDivergence([0.5, 0.5], [1.5, -0.5]), /klDivergence[\s\S]*\bq\b/);
      // scipy: "`base` must be a positive number or `None`."
      expectBadInput(() => xent.entropy(PK, { base: -2, compat: 'scipy' }), /entropy[\s\S]*base/);
      expectBadInput(() => xent.entropy(PK, { base: 0 }), /entropy[\s\S]*base/);
      expectBadInput(() => xent.entropy(PK, { bas: 2 } as never), /entropy[\s\S]*bas/);
    });
  });
}
