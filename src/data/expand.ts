// Expanded training data (Nielsen ch. 6, expand_mnist.py): every image plus its four one-pixel shifts
// (up, down, left, right; the pixels shifted in are 0), so 50,000 images become 250,000.
import { checkDataset, type Dataset } from './dataset.js';
import { checkNumber, checkOptions, rangeError, typeError } from '../errors.js';

/** Options of expandShifted: the image's width and height (width × height = inputSize), the shift in pixels (1). */
export interface ExpandOptions {
  width: number;
  height: number;
  shift?: number;
}

/**
 * The dataset followed by copies of it shifted `shift` pixels up, down, left and right (in that order;
 * the pixels moved in are 0; 5× the examples, labels kept, bytes stay bytes). The `augment` training
 * option draws the same copies inside the kernels instead, without the memory.
 */
export function expandShifted(data: Dataset, options: ExpandOptions): Dataset {
  const fn = 'expandShifted';
  const d = checkDataset(fn, 'data', data);
  if (options === undefined) typeError(fn, 'options { width, height } are required');
  const o = checkOptions(fn, options, ['width', 'height', 'shift']);
  const width = checkNumber(fn, 'width', o.width, { integer: true, min: 1 });
  const height = checkNumber(fn, 'height', o.height, { integer: true, min: 1 });
  const k = o.shift === undefined ? 1 : checkNumber(fn, 'shift', o.shift, { integer: true, min: 1, max: Math.max(width, height) });
  if (width * height !== d.inputSize) rangeError(fn, `width × height = ${width * height} must equal data.inputSize ${d.inputSize}`);
  if (d.count * 5 > 2 ** 31 - 1) rangeError(fn, `5 × data.count = ${d.count * 5} examples is more than an epoch can index (2³¹ − 1)`);
  const n = d.count;
  const size = d.inputSize;
  const inputs = d.inputs instanceof Uint8Array ? new Uint8Array(n * size * 5) : new Float32Array(n * size * 5);
  inputs.set(d.inputs);
  const shifts = [[0, -k], [0, k], [-k, 0], [k, 0]] as const; // [dx, dy]: up, down, left, right
  shifts.forEach(([dx, dy], s) => {
    const base = (s + 1) * n * size;
    for (let i = 0; i < n; i++) {
      const src = i * size;
      const dst = base + i * size;
      for (let y = 0; y < height; y++) {
        const sy = y - dy;
        if (sy < 0 || sy >= height) continue;
        for (let x = 0; x < width; x++) {
          const sx = x - dx;
          if (sx >= 0 && sx < width) inputs[dst + y * width + x] = d.inputs[src + sy * width + sx]!;
        }
      }
    }
  });
  const per = d.labels.length / Math.max(1, n);
  const labels = d.labels instanceof Uint8Array ? new Uint8Array(n * 5) : new Float32Array(n * per * 5);
  for (let s = 0; s < 5; s++) labels.set(d.labels, s * d.labels.length);
  return { inputs, labels, count: n * 5, inputSize: size };
}
