// Command-line parsing for the xent CLI: --flag value / --flag=value against a table of flags that also
// documents them (help text, default), each value checked when it is read, so a bad value is a usage
// error naming the flag before any work starts.

/** A failure with the process exit status it maps to: 2 usage, 1 runtime, 3 diverged, 130 interrupted. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

/** A usage error: the CLI prints the message (naming the flag) and exits with status 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** How a flag's value is read. */
export type FlagKind = 'string' | 'int' | 'number' | 'boolean' | 'sizes' | 'numbers' | 'choice';

/** One flag: how it is read and checked, and how `--help` shows it. */
export interface FlagSpec {
  name: string;
  kind: FlagKind;
  /** One line for --help. */
  help: string;
  /** The default as --help shows it (the commands apply it). */
  default?: string;
  /** The value's placeholder in --help (N, X, FILE, …). */
  meta?: string;
  /** Allowed values of a 'choice' flag. */
  choices?: readonly string[];
  /** Bounds of a number ('int', 'number', and each entry of 'numbers'). */
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** Parsed flags (by name) and positional arguments; `help` when --help or -h was given. */
export interface Parsed {
  flags: Record<string, string | number | boolean | number[]>;
  positional: string[];
  help: boolean;
}

/**
 * Parses argv against a table of flags. --help / -h anywhere wins (the rest is not checked); unknown
 * flags, missing values and values out of range are UsageErrors that name the flag.
 */
export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): Parsed {
  const byName = new Map(specs.map((s) => [s.name, s]));
  if (argv.includes('--help') || argv.includes('-h')) return { flags: {}, positional: [], help: true };
  const flags: Parsed['flags'] = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1) throw new UsageError(`unknown flag ${arg} (flags start with --; see --help)`);
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown flag --${name} (see --help)`);
    if (name in flags) throw new UsageError(`--${name} given twice`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const text = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (text === undefined || (eq < 0 && text.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    flags[name] = readValue(spec, text);
  }
  return { flags, positional, help: false };
}

function readValue(spec: FlagSpec, text: string): string | number | number[] {
  const flag = `--${spec.name}`;
  switch (spec.kind) {
    case 'string':
      if (text === '') throw new UsageError(`${flag} needs a value`);
      return text;
    case 'choice':
      if (!spec.choices!.includes(text)) throw new UsageError(`${flag} must be one of ${spec.choices!.join(', ')}, got "${text}"`);
      return text;
    case 'sizes': {
      const sizes = text.split(',').map((s) => Number(s.trim()));
      if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1 || s > 1 << 20)) {
        throw new UsageError(`${flag} must be at least two positive integers separated by commas (e.g. 784,30,10), got "${text}"`);
      }
      return sizes;
    }
    case 'numbers': {
      const values = text.split(',').map((s) => (s.trim() === '' ? NaN : Number(s)));
      values.forEach((v, i) => checkBounds(spec, v, `${flag} entry ${i + 1}`, text));
      return values;
    }
    default: {
      const n = text.trim() === '' ? NaN : Number(text);
      checkBounds(spec, n, flag, text);
      return n;
    }
  }
}

function checkBounds(spec: FlagSpec, n: number, what: string, text: string): void {
  if (!Number.isFinite(n)) throw new UsageError(`${what} must be a number, got "${text}"`);
  if (spec.kind === 'int' && !Number.isInteger(n)) throw new UsageError(`${what} must be an integer, got "${text}"`);
  const { min, max } = spec;
  if (min !== undefined && (spec.minExclusive ? n <= min : n < min)) throw new UsageError(`${what} must be ${spec.minExclusive ? '>' : '≥'} ${min}, got ${text}`);
  if (max !== undefined && (spec.maxExclusive ? n >= max : n > max)) throw new UsageError(`${what} must be ${spec.maxExclusive ? '<' : '≤'} ${max}, got ${text}`);
}

/** The flags of a command as --help lists them: name, placeholder, help, [default]. */
export function flagHelp(specs: readonly FlagSpec[]): string {
  const left = specs.map((s) => `  --${s.name}${s.kind === 'boolean' ? '' : ` ${placeholder(s)}`}`);
  const width = Math.min(34, Math.max(...left.map((l) => l.length)) + 2);
  return specs.map((s, i) => {
    const l = left[i]!;
    const text = s.help + (s.default !== undefined ? ` [${s.default}]` : '');
    return l.length >= width ? `${l}\n${' '.repeat(width)}${text}` : l.padEnd(width) + text;
  }).join('\n');
}

function placeholder(s: FlagSpec): string {
  if (s.meta) return s.meta;
  if (s.kind === 'choice') return s.choices!.join('|');
  if (s.kind === 'int') return 'N';
  if (s.kind === 'number') return 'X';
  return 'VALUE';
}
