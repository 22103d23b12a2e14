// Expanded training data (Nielsen ch. 6, expand_mnist.py): every image plus its four one-pixel shifts
// (up, down, left, right; the pixels shifted in are 0), so 50,000 images become 250,000.
import { checkDataset, type Dataset } from './dataset.js';
import { rangeError } from '../errors.js';

/** The dataset followed by copies shifted one pixel in each of the four directions (5× the examples). */
export function expandShifted(data: Dataset, width: number, height: number): Dataset {
  const fn = 'expandShifted';
  const d = checkDataset(fn, 'data', data);
  if (width * height !== d.inputSize) rangeError(fn, `width × height = ${width * height} must equal data.inputSize ${d.inputSize}`);
  const n = d.count;
  const size = d.inputSize;
  const inputs = d.inputs instanceof Uint8Array ? new Uint8Array(n * size * 5) : new Float32Array(n * size * 5);
  inputs.set(d.inputs);
  const shifts = [[0, -1], [0, 1], [-1, 0], [1, 0]] as const; // [dx, dy]: up, down, left, right
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
