// Argument checks for the public edge. Every message starts with the public function's name and names
// the argument: "binaryCrossEntropy: targets shape [2,3] must match predictions shape [3,2]".

/** Throws a RangeError "fn: message" (a value or size is wrong). */
export function rangeError(fn: string, message: string): never {
  throw new RangeError(`${fn}: ${message}`);
}

/** Throws a TypeError "fn: message" (a value has the wrong type). */
export function typeError(fn: string, message: string): never {
  throw new TypeError(`${fn}: ${message}`);
}

/**
 * Checks that `options` is undefined or a plain object whose keys are all in `allowed`, and returns a
 * copy of its own enumerable properties on a null prototype: an option is only ever read from the
 * caller's object itself, so properties added to Object.prototype cannot change a default.
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, allowed: readonly string[]): Partial<T> {
  const own = Object.create(null) as Partial<T>;
  if (options === undefined) return own;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    typeError(fn, `options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) typeError(fn, `unknown option "${key}" (expected one of: ${allowed.join(', ')})`);
    (own as Record<string, unknown>)[key] = (options as Record<string, unknown>)[key];
  }
  return own;
}

/** Whether `x` is an object with both `data` and `shape` as own properties (a packed matrix). */
export function isPacked(x: unknown): x is { data: unknown; shape: unknown } {
  return x !== null && typeof x === 'object' && Object.hasOwn(x, 'data') && Object.hasOwn(x, 'shape');
}

/** Checks that `value` is one of `choices`; `undefined` gives `fallback`. */
export function checkChoice<T extends string>(fn: string, name: string, value: unknown, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    rangeError(fn, `${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** Checks a number option: finite, within [min, max] (open at the ends marked exclusive), integer if asked. */
export function checkNumber(fn: string, name: string, value: unknown, rule: {
  min?: number; max?: number; minExclusive?: boolean; maxExclusive?: boolean; integer?: boolean;
} = {}): number {
  if (typeof value !== 'number') typeError(fn, `${name} must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) rangeError(fn, `${name} must be finite, got ${value}`);
  if (rule.integer && !Number.isInteger(value)) rangeError(fn, `${name} must be an integer, got ${value}`);
  const { min, max } = rule;
  if (min !== undefined && (rule.minExclusive ? value <= min : value < min)) {
    rangeError(fn, `${name} must be ${rule.minExclusive ? '>' : '≥'} ${min}, got ${value}`);
  }
  if (max !== undefined && (rule.maxExclusive ? value >= max : value > max)) {
    rangeError(fn, `${name} must be ${rule.maxExclusive ? '<' : '≤'} ${max}, got ${value}`);
  }
  return value;
}

/** Checks a boolean option; `undefined` gives false. */
export function checkFlag(fn: string, name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') typeError(fn, `${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'string') return `"${value.length > 40 ? value.slice(0, 40) + '…' : value}"`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}
