// `xent export MODEL --onnx OUT.onnx | --safetensors OUT.safetensors`: converts a saved model (network2.py
// JSON, ONNX or safetensors) for other engines.
import path from 'node:path';
import { createXent, type Network, type Xent } from '../index.js';
import { DEFAULT_OPSET, OPSETS } from '../interop/onnx.js';
import { parseArgs, UsageError, type FlagSpec } from './args.js';
import { loadModel, readModel } from './common.js';
import { checkWritable, writeAtomic } from './files.js';

/** The flags of `xent export`. */
export const EXPORT_FLAGS: readonly FlagSpec[] = [
  { name: 'onnx', kind: 'string', meta: 'OUT.onnx', help: 'write an ONNX model (Gemm + activations, float32, input "input" [N, n_in], output "output")' },
  { name: 'safetensors', kind: 'string', meta: 'OUT.safetensors', help: "write PyTorch nn.Sequential's state dict (0.weight, 0.bias, 2.weight, …) with the architecture in __metadata__" },
  { name: 'opset', kind: 'int', meta: 'N', default: String(DEFAULT_OPSET), min: OPSETS.min, max: OPSETS.max, help: `ONNX opset (${OPSETS.min}–${OPSETS.max})` },
];

/** Reads a network from a .json (network2.py), .onnx or .safetensors file, chosen by the file's extension. */
export async function loadModelFile(xent: Xent, file: string): Promise<Network> {
  return loadModel(xent, await readModel(file));
}

/** `xent export` on parsed flags; progress lines go to `out`. Resolves to the exit status. */
export async function exportModel(flags: Record<string, unknown>, positional: readonly string[],
  out: { write(text: string): unknown } = process.stdout): Promise<number> {
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
  for (const [flag, file] of [['onnx', onnx], ['safetensors', safetensors]] as const) if (file !== undefined) await checkWritable(flag, file);
  const model = await readModel(positional[0]!);
  // Conversion moves parameters only; the reference backend needs no WASM and gives the same bits.
  const xent = await createXent({ backend: 'reference' });
  const net = loadModel(xent, model);
  try {
    if (onnx !== undefined) {
      const bytes = net.toONNX({ opset });
      await writeAtomic(onnx, bytes);
      out.write(`wrote ${onnx} (ONNX, opset ${opset ?? DEFAULT_OPSET}, ${bytes.length} bytes)\n`);
    }
    if (safetensors !== undefined) {
      const bytes = net.toSafetensors();
      await writeAtomic(safetensors, bytes);
      out.write(`wrote ${safetensors} (safetensors, ${bytes.length} bytes)\n`);
    }
  } finally {
    net.dispose();
  }
  return 0;
}

/** Runs `xent export` with the arguments after the command name. */
export async function exportCommand(argv: readonly string[], out: { write(text: string): unknown } = process.stdout): Promise<void> {
  const { flags, positional } = parseArgs(argv, EXPORT_FLAGS);
  await exportModel(flags, positional, out);
}
