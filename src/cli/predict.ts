// `xent predict MODEL.json [IMAGES]`: the network's output for each input, one JSON line each:
// {"class": k, "output": [...]} (outputs to 7 significant digits). Inputs come from an IDX file (MNIST's
// format, bytes scaled by 1/255, optionally .gz) or, without one, from stdin: one JSON array of numbers
// in [0, 1] per line, answered line by line (so it can sit at the end of a pipe).
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { readIdx } from '../data/idx.js';
import type { Network } from '../network/network.js';
import { CliError, UsageError, type FlagSpec } from './args.js';
import { BACKEND_FLAGS, backendChoice, loadModel, openXent, out, readModel } from './common.js';

/** The flags of `xent predict`. */
export const PREDICT_FLAGS: readonly FlagSpec[] = [...BACKEND_FLAGS];

/** Rows predicted per call for an IDX file. */
const CHUNK = 1000;

function answer(net: Network, x: Float32Array, rows: number): void {
  const K = net.sizes[net.sizes.length - 1]!;
  const y = (net.predict({ data: x, shape: [rows, net.sizes[0]!] }) as { data: Float32Array }).data;
  for (let r = 0; r < rows; r++) {
    const o = Array.from(y.subarray(r * K, (r + 1) * K), (v) => +v.toPrecision(7));
    let k = 0;
    for (let j = 1; j < K; j++) if (o[j]! > o[k]!) k = j;
    out(JSON.stringify({ class: k, output: o }));
  }
}

async function readImages(file: string, inputs: number): Promise<{ x: Float32Array; rows: number }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const t = readIdx(file.endsWith('.gz') ? gunzipSync(bytes) : bytes);
  const rows = t.shape[0] ?? 0;
  const cols = t.shape.slice(1).reduce((a, b) => a * b, 1);
  if (t.shape.length < 2 || cols !== inputs) throw new CliError(`${file}: IDX shape [${t.shape.join(', ')}] has ${cols} values per example, the network takes ${inputs}`, 1);
  const x = t.type === 'u8' ? Float32Array.from(t.data, (b) => b / 255) : Float32Array.from(t.data);
  return { x, rows };
}

function parseLine(line: string, n: number, inputs: number): Float32Array {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    throw new CliError(`stdin line ${n}: not JSON`, 1);
  }
  if (!Array.isArray(v) || v.length !== inputs) throw new CliError(`stdin line ${n}: expected an array of ${inputs} numbers`, 1);
  const x = new Float32Array(inputs);
  for (let i = 0; i < inputs; i++) {
    const e: unknown = v[i];
    if (typeof e !== 'number' || !(e >= 0 && e <= 1)) throw new CliError(`stdin line ${n}: entry ${i} must be a number in [0, 1], got ${JSON.stringify(e)}`, 1);
    x[i] = e;
  }
  return x;
}

/** Runs `xent predict`; resolves to the exit status. */
export async function predict(flags: Record<string, unknown>, positional: readonly string[]): Promise<number> {
  if (positional.length < 1 || positional.length > 2) throw new UsageError('predict needs MODEL.json and optionally an IDX file of inputs (else JSON lines on stdin)');
  const [file, images] = positional as [string, string | undefined];
  const choice = backendChoice(flags);
  const model = await readModel(file);
  const xent = await openXent(choice);
  const net = loadModel(xent, model);
  const inputs = net.sizes[0]!;
  if (images !== undefined) {
    const { x, rows } = await readImages(images, inputs);
    for (let r = 0; r < rows; r += CHUNK) {
      const end = Math.min(rows, r + CHUNK);
      answer(net, x.subarray(r * inputs, end * inputs), end - r);
    }
  } else {
    let n = 0;
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      n++;
      if (line.trim() === '') continue;
      answer(net, parseLine(line, n, inputs), 1);
    }
  }
  net.dispose();
  xent.dispose();
  return 0;
}
