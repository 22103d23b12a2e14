// A seeded PRNG for reproducible random tests (mulberry32).

/** A function returning uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: a small, fast 32-bit generator; the same seed gives the same sequence everywhere. */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
