// Seeded randomness for networks: the same seed gives the same weights and the same shuffles on every
// backend and engine (the generator is integer arithmetic; Gaussians use Math.log/cos/sqrt in float64).

/** A mulberry32 stream whose 32-bit state can be read and saved (a fresh stream's state is its seed). */
export class Mulberry32 {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** The next uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/** mulberry32: uniform floats in [0, 1) from a 32-bit seed. */
export function uniformSource(seed: number): () => number {
  const stream = new Mulberry32(seed);
  return () => stream.next();
}

/** Standard normal samples by Box–Muller from a uniform source. */
export function gaussianSource(uniform: () => number): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - uniform(); // (0, 1]: log is finite
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/** Fisher–Yates shuffle of `order` in place. */
export function shuffle(order: Int32Array, uniform: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}
