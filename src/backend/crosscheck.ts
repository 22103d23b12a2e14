// A debugging backend (createXent({ crossCheck: true })): every kernel call runs on the primary backend
// (WASM) and again on a reference backend with copies of the same arguments; when any array the call
// could have written differs beyond the tolerance, it throws a RangeError naming the operation.
//
// Generic over the Backend interface: a Proxy intercepts every method, so a kernel added to the
// contract is checked without a line here. Device arrays are pairs (one per backend) written together;
// after each call the reference's copy is set to the primary's values, so every call is checked on
// its own and differences never accumulate across calls. Arrays whose two sides have different lengths
// (the backends' private work memory) are not compared.
//
// Tolerance: |primary − reference| ≤ atol + rtol·max(|primary|, |reference|), default rtol 1e-3,
// atol 1e-5 — the two backends differ by float32 summation order, fused multiply-adds (relaxed SIMD)
// and the WASM exp/log approximations, which stay orders of magnitude below it; NaN must meet NaN.
// Cost: each call also takes the reference backend's time (tens of times the WASM kernels') plus a
// copy of every argument and a read-back of every device array: a mode for small runs, not training.
import type { Backend, DeviceArray, DeviceType, HostArray } from './backend.js';

/** Options of crossCheckBackend. */
export interface CrossCheckOptions {
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Called after each checked call with the operation and the largest relative difference seen. */
  onCall?: (operation: string, maxRelDiff: number) => void;
}

/** A device array held on both backends: writes go to both, reads come from the primary. */
class PairedArray implements DeviceArray {
  constructor(readonly primary: DeviceArray, readonly reference: DeviceArray) {}
  get type(): DeviceType {
    return this.primary.type;
  }
  get length(): number {
    return this.primary.length;
  }
  write(src: ArrayLike<number>, offset?: number): void {
    this.primary.write(src, offset);
    this.reference.write(src, offset);
  }
  read(start?: number, end?: number): HostArray {
    return this.primary.read(start, end);
  }
  free(): void {
    this.primary.free();
    this.reference.free();
  }
}

const isTyped = (a: unknown): a is HostArray | Float64Array => ArrayBuffer.isView(a) && !(a instanceof DataView);
const isDevice = (a: unknown): a is DeviceArray =>
  typeof a === 'object' && a !== null && typeof (a as DeviceArray).read === 'function' && typeof (a as DeviceArray).free === 'function';

const isRecord = (a: unknown): a is Record<string, unknown> =>
  typeof a === 'object' && a !== null && !isTyped(a) && !isDevice(a) && Object.getPrototypeOf(a) === Object.prototype;

/** An argument as one backend sees it: pairs (also the fields of a record of arrays) resolved to that side. */
function side(a: unknown, which: 'primary' | 'reference'): unknown {
  if (a instanceof PairedArray) return a[which];
  if (isRecord(a)) return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v instanceof PairedArray ? v[which] : v]));
  return a;
}

/** The paired arrays an argument holds (itself, or the fields of a record), with names for messages. */
function pairsIn(a: unknown, name: string): [string, PairedArray][] {
  if (a instanceof PairedArray) return [[name, a]];
  if (isRecord(a)) return Object.entries(a).flatMap(([k, v]) => (v instanceof PairedArray ? [[`${name}.${k}`, v] as [string, PairedArray]] : []));
  return [];
}

/** Wraps `primary` so that every kernel call is repeated on `reference` and compared. */
export function crossCheckBackend(primary: Backend, reference: Backend, options: CrossCheckOptions = {}): Backend {
  const rtol = options.rtol ?? 1e-3;
  const atol = options.atol ?? 1e-5;

  /** The largest relative difference of two arrays; throws past the tolerance. */
  const compare = (op: string, what: string, p: ArrayLike<number>, r: ArrayLike<number>): number => {
    let worst = 0;
    for (let i = 0; i < p.length; i++) {
      const a = p[i]!;
      const b = r[i]!;
      if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
      const diff = Math.abs(a - b);
      const scale = Math.max(Math.abs(a), Math.abs(b));
      if (!(diff <= atol + rtol * scale)) {
        throw new RangeError(`crossCheck: ${op} differs from the reference backend in ${what} at element ${i}: ` +
          `${primary.name} ${a}, reference ${b} (tolerance ${atol} + ${rtol}·|x|)`);
      }
      if (scale > 0) worst = Math.max(worst, diff / scale);
    }
    return worst;
  };

  const call = (op: string, args: unknown[]): unknown => {
    const primaryArgs = args.map((a) => side(a, 'primary'));
    const referenceArgs = args.map((a) => (isTyped(a) ? a.slice() : side(a, 'reference')));
    const p = (primary as unknown as Record<string, (...x: unknown[]) => unknown>)[op]!(...primaryArgs);
    const r = (reference as unknown as Record<string, (...x: unknown[]) => unknown>)[op]!(...referenceArgs);
    let worst = 0;
    args.forEach((a, i) => {
      if (isTyped(a)) worst = Math.max(worst, compare(op, `argument ${i + 1}`, a, referenceArgs[i] as HostArray));
      for (const [name, pair] of pairsIn(a, `argument ${i + 1}`)) {
        if (pair.primary.length !== pair.reference.length) continue;
        const values = pair.primary.read();
        worst = Math.max(worst, compare(op, `${name} (${pair.type}[${pair.length}])`, values, pair.reference.read()));
        pair.reference.write(values); // each call is checked on its own: no drift carried to the next
      }
    });
    if (typeof p === 'number') worst = Math.max(worst, compare(op, 'the result', [p], [r as number]));
    options.onCall?.(op, worst);
    return isDevice(p) ? new PairedArray(p, r as DeviceArray) : p;
  };

  return new Proxy(primary, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || typeof value !== 'function') return value;
      if (prop === 'liveBytes') return () => primary.liveBytes();
      if (prop === 'dispose') return () => (primary.dispose(), reference.dispose());
      return (...args: unknown[]) => call(prop, args);
    },
  });
}
