/** A labelled dataset: `count` examples of `inputSize` features, row-major. */
export interface Dataset {
  /**
   * count × inputSize features, row-major: Float32Array values, or Uint8Array bytes that stand for
   * byte/255 (pixels as IDX files store them; 4× smaller, converted when copied to a backend).
   */
  inputs: Float32Array | Uint8Array;
  /** Uint8Array: integer class labels (count); Float32Array: one-hot / soft targets (count × outputSize). */
  labels: Uint8Array | Float32Array;
  count: number;
  inputSize: number;
}

/** Describes a value's type for an error message ("Float64Array", "null", "an array", "string"). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return value.constructor?.name ?? 'an object';
  return typeof value;
}

function checkSize(fn: string, name: string, value: unknown, positive: boolean): number {
  if (typeof value !== 'number') {
    throw new TypeError(`${fn}: ${name} must be a number, got ${describe(value)}`);
  }
  if (!Number.isSafeInteger(value) || value < (positive ? 1 : 0)) {
    const kind = positive ? 'a positive integer' : 'a non-negative integer';
    throw new RangeError(`${fn}: ${name} must be ${kind}, got ${value}`);
  }
  return value;
}

/**
 * Checks types and lengths only (no scan of the values) and returns the number of label values per
 * example: 1 for class labels, outputSize for targets (0 when the dataset is empty and has no targets).
 */
function checkStructure(fn: string, name: string, data: unknown, inputSize?: number, outputSize?: number): number {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError(`${fn}: ${name} must be a Dataset object {inputs, labels, count, inputSize}, got ${describe(data)}`);
  }
  const d = data as Record<string, unknown>;
  const count = checkSize(fn, `${name}.count`, d.count, false);
  const size = checkSize(fn, `${name}.inputSize`, d.inputSize, true);
  if (inputSize !== undefined && size !== inputSize) {
    throw new RangeError(`${fn}: ${name}.inputSize must be ${inputSize}, got ${size}`);
  }
  const { inputs, labels } = d;
  if (!(inputs instanceof Float32Array || inputs instanceof Uint8Array)) {
    throw new TypeError(`${fn}: ${name}.inputs must be a Float32Array (or Uint8Array bytes), got ${describe(inputs)}`);
  }
  if (inputs.length !== count * size) {
    throw new RangeError(
      `${fn}: ${name}.inputs has length ${inputs.length} but count × inputSize = ${count} × ${size} = ${count * size}`,
    );
  }
  if (labels instanceof Uint8Array) {
    if (labels.length !== count) {
      throw new RangeError(`${fn}: ${name}.labels (class labels) has length ${labels.length} but count = ${count}`);
    }
    return 1;
  }
  if (labels instanceof Float32Array) {
    if (outputSize !== undefined) {
      if (labels.length !== count * outputSize) {
        throw new RangeError(
          `${fn}: ${name}.labels (targets) has length ${labels.length} but count × outputSize = ${count} × ${outputSize} = ${count * outputSize}`,
        );
      }
      return outputSize;
    }
    if (count === 0) {
      if (labels.length !== 0) {
        throw new RangeError(`${fn}: ${name}.labels (targets) has length ${labels.length} but count = 0`);
      }
      return 0;
    }
    if (labels.length === 0 || labels.length % count !== 0) {
      throw new RangeError(
        `${fn}: ${name}.labels (targets) has length ${labels.length}, which is not a positive multiple of count = ${count}`,
      );
    }
    return labels.length / count;
  }
  throw new TypeError(
    `${fn}: ${name}.labels must be a Uint8Array (class labels) or a Float32Array (targets), got ${describe(labels)}`,
  );
}

/**
 * Validates a Dataset and returns it (not a copy): integer count ≥ 0 and inputSize ≥ 1 (equal to
 * `inputSize` if given), Float32Array inputs (all finite) or Uint8Array bytes of length count × inputSize; Uint8Array labels
 * of length count, each < outputSize (the number of classes) if given; or Float32Array targets of
 * length count × outputSize, each in [targetMin, 1] (targetMin −1 for tanh outputs). Throws TypeError (wrong type) or RangeError (wrong size or
 * value) with a message naming `fn` and `name`. With finiteInputs false, float32 inputs are not scanned
 * for ±∞ and NaN here: the caller does it (checkFiniteInputs), as Network.uploadChecked does when they are
 * not all byte/255 (which are finite).
 */
export function checkDataset(
  fn: string, name: string, data: unknown, inputSize?: number, outputSize?: number, targetMin = 0, finiteInputs = true,
): Dataset {
  if (inputSize !== undefined) checkSize(fn, 'inputSize', inputSize, true);
  if (outputSize !== undefined) checkSize(fn, 'outputSize', outputSize, true);
  checkStructure(fn, name, data, inputSize, outputSize);
  const dataset = data as Dataset;
  const { inputs, labels } = dataset;
  if (finiteInputs && inputs instanceof Float32Array) checkFiniteInputs(fn, name, inputs);
  if (labels instanceof Uint8Array) {
    if (outputSize !== undefined) {
      for (let i = 0; i < labels.length; i++) {
        if (labels[i]! >= outputSize) {
          throw new RangeError(
            `${fn}: ${name}.labels must be class indices in [0, ${outputSize - 1}], got ${labels[i]} at index ${i}`,
          );
        }
      }
    }
  } else {
    for (let i = 0; i < labels.length; i++) {
      const y = labels[i]!;
      // Written so that NaN fails too.
      if (!(y >= targetMin && y <= 1)) {
        throw new RangeError(`${fn}: ${name}.labels (targets) must be in [${targetMin}, 1], got ${y} at index ${i}`);
      }
    }
  }
  return dataset;
}

/** Throws the RangeError of checkDataset when a float32 input is not finite (±∞ or NaN). */
export function checkFiniteInputs(fn: string, name: string, inputs: Float32Array): void {
  for (let i = 0; i < inputs.length; i++) {
    const x = inputs[i]!;
    if (!Number.isFinite(x)) {
      throw new RangeError(`${fn}: ${name}.inputs must be finite, got ${x} at index ${i}`);
    }
  }
}

/** The examples [start, end) of a dataset as a new Dataset sharing no memory with it (copies). */
export function sliceDataset(data: Dataset, start: number, end: number): Dataset {
  const perExample = checkStructure('sliceDataset', 'data', data);
  const begin = checkSize('sliceDataset', 'start', start, false);
  const stop = checkSize('sliceDataset', 'end', end, false);
  if (begin > stop || stop > data.count) {
    throw new RangeError(
      `sliceDataset: need 0 ≤ start ≤ end ≤ count = ${data.count}, got start = ${begin}, end = ${stop}`,
    );
  }
  // TypedArray.prototype.slice copies into a new buffer.
  return {
    inputs: data.inputs.slice(begin * data.inputSize, stop * data.inputSize),
    labels: data.labels.slice(begin * perExample, stop * perExample),
    count: stop - begin,
    inputSize: data.inputSize,
  };
}

/** Bytes stand for byte/255, rounded once to float32 (the table keeps the conversion exact and fast). */
const BYTE_SCALE = Float32Array.from({ length: 256 }, (_, b) => b / 255);
/** The float32 bits of BYTE_SCALE: a value is an exact byte quotient when its bits are one of these. */
const BYTE_BITS = new Uint32Array(BYTE_SCALE.buffer);

/**
 * The bytes b with inputs[i] = b[i]/255 exactly (as float32) for every i, or null as soon as one value is
 * not such a quotient (then the scan is cut short). Pixels scaled to [0, 1] by /255 — MNIST loaded as
 * float32, most image data — are stored this way on a backend: a quarter of the memory, a quarter of the
 * traffic of gathering shuffled rows, and the same float32 values, so the same results to the bit.
 * Each value's candidate byte is round(v·255) (v·255 is within 2⁻¹⁵ of it for an exact quotient); the
 * value passes when its bits are the candidate's, so −0, NaN and anything outside [0, 1] fail without a
 * case of their own (MNIST's 39.2 M training values: 127 → 69 ms against Math.round and a compare).
 * The reference backend's uploadExactBytes; the WASM backend's twin is assembly/convert.ts exactBytesF32.
 */
export function exactBytes(inputs: Float32Array): Uint8Array | null {
  const out = new Uint8Array(inputs.length);
  const bits = new Uint32Array(inputs.buffer, inputs.byteOffset, inputs.length);
  for (let i = 0; i < inputs.length; i++) {
    const b = (inputs[i]! * 255 + 0.5) | 0; // any int32 for values that are not quotients: range-checked next
    if (b >>> 0 > 255 || BYTE_BITS[b] !== bits[i]) return null;
    out[i] = b;
  }
  return out;
}

/** Inputs [start, end) (element offsets) as float32: a view for Float32Array inputs, a converted copy for bytes. */
export function inputsAsFloat32(inputs: Float32Array | Uint8Array, start: number, end: number): Float32Array {
  if (inputs instanceof Float32Array) return inputs.subarray(start, end);
  const out = new Float32Array(end - start);
  for (let i = start; i < end; i++) out[i - start] = BYTE_SCALE[inputs[i]!]!;
  return out;
}
