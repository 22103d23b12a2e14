// `xent export MODEL --onnx OUT.onnx | --safetensors OUT.safetensors`: converts a saved model (network2.py
// JSON, ONNX or safetensors) for other engines, and loadModelFile(), which `xent evaluate` / `predict`
// use to read any of the three by extension. Exported for src/cli/main.ts to dispatch to.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createXent, type Network, type Xent } from '../index.js';
import { DEFAULT_OPSET, OPSETS } from '../interop/onnx.js';
import { parseArgs, UsageError, type FlagKind } from './args.js';
import { writeFileAtomic } from './files.js';

/** The export command's lines for `xent --help`. */
export const EXPORT_HELP = `  xent export MODEL --onnx OUT.onnx | --safetensors OUT.safetensors [--opset N]
                                     convert a saved model (.json, .onnx or .safetensors) for ONNX
                                     Runtime or PyTorch; --opset 13–21 [17]
`;

const EXPORT: Record<string, FlagKind> = { onnx: 'string', safetensors: 'string', opset: 'int' };

/** The model file formats, by extension. */
export const MODEL_EXTENSIONS = ['.json', '.onnx', '.safetensors'] as const;

/** Reads a network from a .json (network2.py), .onnx or .safetensors file, chosen by the file's extension. */
export async function loadModelFile(xent: Xent, file: string): Promise<Network> {
  const ext = path.extname(file).toLowerCase();
  if (!(MODEL_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UsageError(`${file}: a model file must end in ${MODEL_EXTENSIONS.join(', ')}`);
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    if (ext === '.onnx') return xent.fromONNX(bytes);
    if (ext === '.safetensors') return xent.fromSafetensors(bytes);
    return xent.loadNetwork(new TextDecoder().decode(bytes));
  } catch (e) {
    if (e instanceof Error) e.message = `${file}: ${e.message}`;
    throw e;
  }
}

/** Runs `xent export` with the arguments after the command name; progress lines go to `out`. */
export async function exportCommand(argv: readonly string[], out: { write(text: string): unknown } = process.stdout): Promise<void> {
  const { flags, positional } = parseArgs(argv, EXPORT);
  if (positional.length !== 1) throw new UsageError('export needs exactly one MODEL argument (.json, .onnx or .safetensors)');
  const onnx = flags.onnx as string | undefined;
  const safetensors = flags.safetensors as string | undefined;
  if (onnx === undefined && safetensors === undefined) throw new UsageError('export needs --onnx OUT.onnx or --safetensors OUT.safetensors');
  if (onnx !== undefined && path.extname(onnx).toLowerCase() !== '.onnx') throw new UsageError(`--onnx ${onnx}: the file name must end in .onnx`);
  if (safetensors !== undefined && path.extname(safetensors).toLowerCase() !== '.safetensors') {
    throw new UsageError(`--safetensors ${safetensors}: the file name must end in .safetensors`);
  }
  const opset = flags.opset as number | undefined;
  if (opset !== undefined && onnx === undefined) throw new UsageError('--opset applies to --onnx only');
  if (opset !== undefined && (opset < OPSETS.min || opset > OPSETS.max)) throw new UsageError(`--opset must be ${OPSETS.min}–${OPSETS.max}, got ${opset}`);
  // Conversion moves parameters only; the reference backend needs no WASM and gives the same bits.
  const xent = await createXent({ backend: 'reference' });
  const net = await loadModelFile(xent, positional[0]!);
  try {
    if (onnx !== undefined) {
      const bytes = net.toONNX({ opset });
      await writeFileAtomic(onnx, bytes);
      out.write(`wrote ${onnx} (ONNX, opset ${opset ?? DEFAULT_OPSET}, ${bytes.length} bytes)\n`);
    }
    if (safetensors !== undefined) {
      const bytes = net.toSafetensors();
      await writeFileAtomic(safetensors, bytes);
      out.write(`wrote ${safetensors} (safetensors, ${bytes.length} bytes)\n`);
    }
  } finally {
    net.dispose();
  }
}
