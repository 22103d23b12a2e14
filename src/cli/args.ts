// Command-line parsing for the xent CLI: --flag value / --flag=value, typed and checked.

/** A usage error: the CLI prints the message and exits with status 2. */
export class UsageError extends Error {}

/** How a flag's value is read. */
export type FlagKind = 'string' | 'int' | 'number' | 'boolean' | 'sizes';

/** Parsed flags and positional arguments. */
export interface Parsed {
  flags: Record<string, string | number | boolean | number[]>;
  positional: string[];
}

/** Parses argv against a table of flag kinds; unknown flags and bad values are UsageErrors. */
export function parseArgs(argv: readonly string[], spec: Record<string, FlagKind>): Parsed {
  const flags: Parsed['flags'] = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) throw new UsageError(`unknown flag --${name} (see xent --help)`);
    if (kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const text = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (text === undefined || (eq < 0 && text.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
    flags[name] = value(name, kind, text);
  }
  return { flags, positional };
}

function value(name: string, kind: FlagKind, text: string): string | number | number[] {
  if (kind === 'string') return text;
  if (kind === 'sizes') {
    const sizes = text.split(',').map((s) => Number(s.trim()));
    if (sizes.length < 2 || sizes.some((s) => !Number.isInteger(s) || s < 1)) {
      throw new UsageError(`--${name} must be at least two positive integers separated by commas (e.g. 784,30,10), got "${text}"`);
    }
    return sizes;
  }
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${text}"`);
  if (kind === 'int' && !Number.isInteger(n)) throw new UsageError(`--${name} must be an integer, got "${text}"`);
  return n;
}
