#!/usr/bin/env node
// The xent command line: train a network on MNIST (Nielsen's chapter-3 experiments), evaluate a saved
// model, predict with it, check the gradients and the backends. Exit status: 0 success, 1 runtime error,
// 2 usage error, 3 training diverged, 130 interrupted, 141 stdout closed (EPIPE).
import { readFile } from 'node:fs/promises';
import { CliError, flagHelp, parseArgs, UsageError, type FlagSpec } from './args.js';
import { check, CHECK_FLAGS } from './check.js';
import { evaluate, EVALUATE_FLAGS } from './evaluate.js';
import { exportModel, EXPORT_FLAGS } from './export.js';
import { removeTemporaryFiles } from './files.js';
import { predict, PREDICT_FLAGS } from './predict.js';
import { train, TRAIN_FLAGS } from './train.js';

/** A command: its usage line, what it does, its flags, and how it runs (resolving to the exit status). */
interface Command {
  usage: string;
  summary: string;
  about: string;
  flags: readonly FlagSpec[];
  run(flags: Record<string, unknown>, positional: readonly string[]): Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  train: {
    usage: 'xent train [flags]', summary: 'train on MNIST (Nielsen\'s split) and report each epoch', flags: TRAIN_FLAGS, run: train,
    about: 'One line per epoch on stdout (a live progress line on stderr when it is a terminal), or with --json one\n' +
      'object per epoch and a final {"done":true,"stopped":…,"bestEpoch":…}. --save writes the best epoch\'s\n' +
      'weights (by --monitor) unless --no-restore-best; Ctrl-C stops the run and still saves.',
  },
  evaluate: {
    usage: 'xent evaluate MODEL [flags]', summary: 'accuracy, loss, penalty and total_cost of a saved network', flags: EVALUATE_FLAGS, run: evaluate,
    about: 'The figures `xent train` prints, for a saved model (give train\'s --lambda and --training-size for its penalty).',
  },
  predict: {
    usage: 'xent predict MODEL [IMAGES]', summary: 'outputs for an IDX file, or for JSON lines on stdin', flags: PREDICT_FLAGS, run: predict,
    about: 'One JSON line per input: {"class":k,"output":[…]}. IMAGES is an IDX file (MNIST\'s format, bytes\n' +
      'scaled by 1/255, optionally .gz); without it each stdin line is a JSON array of inputs in [0, 1].',
  },
  check: {
    usage: 'xent check [MODEL] [flags]', summary: 'gradient check and WASM-vs-reference cross-check', flags: CHECK_FLAGS, run: check,
    about: 'Backpropagation against float64 central differences on sampled parameters (net.gradientCheck),\n' +
      'and every kernel of a short training run on the WASM backend repeated on the reference backend\n' +
      '(createXent({ crossCheck: true })). Without a model: small fresh networks of every output layer,\n' +
      'cost and hidden unit. Exit status 1 when a check fails.',
  },
  export: {
    usage: 'xent export MODEL [flags]', summary: 'write a saved model as ONNX and/or safetensors', flags: EXPORT_FLAGS,
    run: (flags, positional) => exportModel(flags, positional),
    about: 'MODEL is .json (network2.py), .onnx or .safetensors (every command reads all three). ONNX runs in\n' +
      'ONNX Runtime; safetensors loads into PyTorch nn.Sequential with load_state_dict. Files are written atomically.',
  },
};

const OVERVIEW = `xent — cross-entropy networks on WebAssembly SIMD

Usage:
${Object.values(COMMANDS).map((c) => `  ${c.usage.padEnd(34)}${c.summary}`).join('\n')}
  ${'xent help [command]'.padEnd(34)}this text, or a command's flags with their defaults
  ${'xent <command> --help'.padEnd(34)}the same
  ${'xent --version'.padEnd(34)}the package version

Exit status: 0 success, 1 runtime error, 2 usage error (the message names the flag), 3 training
diverged (no model written), 130 interrupted by Ctrl-C, 141 stdout closed (e.g. piped into head).

Costs: loss is the mean data cost per example; penalty is (λ/2n)Σw² (L2) or (λ/n)Σ|w| (L1) with
n = the training-set size (the term the update minimises); total_cost is network2.py's total_cost,
loss + the penalty with n = the evaluated set's size (so at λ > 0 a validation total_cost sits above
the training one without any overfitting).
`;

/** A command's --help: usage, what it does, every flag with its default. */
function commandHelp(name: string): string {
  const c = COMMANDS[name]!;
  return `Usage: ${c.usage}\n\n${c.about}\n\nFlags (defaults in brackets):\n${flagHelp(c.flags)}\n`;
}

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined) {
      process.stderr.write(OVERVIEW);
      return 2;
    }
    if (name === '--help' || name === '-h') {
      process.stdout.write(OVERVIEW);
      return 0;
    }
    if (name === '--version') {
      process.stdout.write(`${await version()}\n`);
      return 0;
    }
    if (name === 'help') {
      const topic = rest[0];
      if (topic === undefined) process.stdout.write(OVERVIEW);
      else if (COMMANDS[topic]) process.stdout.write(commandHelp(topic));
      else throw new UsageError(`no help for "${topic}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')}; see xent --help)`);
    const { flags, positional, help } = parseArgs(rest, command.flags);
    if (help) {
      process.stdout.write(commandHelp(name));
      return 0;
    }
    return await command.run(flags, positional);
  } catch (e) {
    removeTemporaryFiles();
    process.stderr.write(`xent: ${(e as Error).message}\n`);
    return e instanceof CliError ? e.exitCode : 1;
  }
}

// stdout closed by its reader (`xent train | head -1`): stop quietly, as a process killed by SIGPIPE would.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  removeTemporaryFiles();
  process.exit(e.code === 'EPIPE' ? 141 : 1);
});
process.on('SIGTERM', () => {
  removeTemporaryFiles();
  process.exit(143);
});

process.exitCode = await main(process.argv.slice(2));
