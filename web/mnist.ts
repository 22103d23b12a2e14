// Draw a digit for a saved network (web/assets/mnist-784-30-10.json.gz, from `xent train --save`), or
// train a new one for an epoch in a Web Worker and draw for that. The drawing is turned into an MNIST-like
// input: the ink's bounding box scaled into 20 × 20, placed by its centre of mass in 28 × 28.
import { createXent, type Network } from 'xent/browser';
import { BarChart } from './lib/bars.js';
import { byId, LineChart, show } from './lib/plot.js';
import { parseSubset, type Images } from './lib/subset.js';
import type { Progress } from './lib/train-here.js';

/** The bytes of a gzipped file of the page. */
async function gunzip(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok || !res.body) throw new Error(`mnist: cannot load ${url} (${res.status})`);
  return new Uint8Array(await new Response(res.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

const x = await createXent();
const [modelBytes, subsetBytes] = await Promise.all([gunzip('assets/mnist-784-30-10.json.gz'), gunzip('assets/mnist-subset.bin.gz')]);
const fixture = x.loadNetwork(new TextDecoder().decode(modelBytes));
const { training, test } = parseSubset(subsetBytes);
let net: Network = fixture;
let trained: Network | null = null;

const pad = byId<HTMLCanvasElement>('pad');
const ink = pad.getContext('2d', { willReadFrequently: true })!;
const preview = byId<HTMLCanvasElement>('preview');
const previewCtx = preview.getContext('2d', { willReadFrequently: true })!;
const bars = new BarChart(byId('outputs'), 'var(--xent)', 'output activation of digit', undefined, 1, (v) => v.toFixed(2));
let input: Uint8Array | null = null;

/** MNIST's preprocessing of the pad: bounding box → 20 × 20 (aspect kept) → centre of mass at (14, 14). */
function padToInput(): Uint8Array | null {
  const { width, height } = pad;
  const px = ink.getImageData(0, 0, width, height).data;
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      if (px[(y * width + xx) * 4]! > 0) {
        x0 = Math.min(x0, xx); x1 = Math.max(x1, xx); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const s = 20 / Math.max(bw, bh);
  const w = Math.max(1, Math.round(bw * s));
  const h = Math.max(1, Math.round(bh * s));
  const box = new OffscreenCanvas(w, h);
  const boxCtx = box.getContext('2d', { willReadFrequently: true })!;
  boxCtx.imageSmoothingQuality = 'high';
  boxCtx.drawImage(pad, x0, y0, bw, bh, 0, 0, w, h);
  const small = boxCtx.getImageData(0, 0, w, h).data;
  let [mass, cx, cy] = [0, 0, 0];
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      const v = small[(y * w + xx) * 4]!;
      mass += v; cx += v * (xx + 0.5); cy += v * (y + 0.5);
    }
  }
  previewCtx.fillStyle = '#000';
  previewCtx.fillRect(0, 0, 28, 28);
  previewCtx.drawImage(box, Math.round(14 - cx / mass), Math.round(14 - cy / mass));
  return imageOfPreview();
}

/** The preview's 784 red-channel bytes. */
function imageOfPreview(): Uint8Array {
  const data = previewCtx.getImageData(0, 0, 28, 28).data;
  const out = new Uint8Array(784);
  for (let i = 0; i < 784; i++) out[i] = data[i * 4]!;
  return out;
}

/** Shows a 28 × 28 byte image in the preview. */
function showImage(bytes: Uint8Array): void {
  const img = previewCtx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) img.data.set([bytes[i]!, bytes[i]!, bytes[i]!, 255], i * 4);
  previewCtx.putImageData(img, 0, 0);
}

/** Runs the current network on the current input and shows its ten outputs. */
function predict(): void {
  const names = Array.from({ length: 10 }, (_, i) => String(i));
  if (!input) {
    bars.set(new Array<number>(10).fill(0), names);
    byId('guess').textContent = '–';
    byId('outputs').dataset.outputs = '';
    return;
  }
  const outputs = net.predict(Float32Array.from(input, (v) => v / 255)) as Float32Array;
  bars.set(Array.from(outputs), names);
  byId('outputs').dataset.outputs = JSON.stringify(Array.from(outputs));
  let best = 0;
  for (let i = 1; i < 10; i++) if (outputs[i]! > outputs[best]!) best = i;
  show(byId('guess'), best, 0);
  preview.dataset.input = Array.from(input).join(',');
}

function clear(): void {
  ink.fillStyle = '#000';
  ink.fillRect(0, 0, pad.width, pad.height);
  previewCtx.fillStyle = '#000';
  previewCtx.fillRect(0, 0, 28, 28);
  input = null;
  delete preview.dataset.input;
  predict();
}

// Drawing with mouse, pen or touch (pointer events); a new prediction at most once a frame.
let last: [number, number] | null = null;
let pending = false;
const at = (e: PointerEvent): [number, number] => {
  const r = pad.getBoundingClientRect();
  return [((e.clientX - r.left) / r.width) * pad.width, ((e.clientY - r.top) / r.height) * pad.height];
};
const schedule = () => {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => { pending = false; input = padToInput(); predict(); });
};
pad.addEventListener('pointerdown', (e) => {
  pad.setPointerCapture(e.pointerId);
  last = at(e);
  ink.beginPath();
  ink.fillStyle = '#fff';
  ink.arc(last[0], last[1], 10, 0, 2 * Math.PI);
  ink.fill();
  schedule();
});
pad.addEventListener('pointermove', (e) => {
  if (!last) return;
  const p = at(e);
  ink.strokeStyle = '#fff';
  ink.lineWidth = 20;
  ink.lineCap = 'round';
  ink.beginPath();
  ink.moveTo(last[0], last[1]);
  ink.lineTo(p[0], p[1]);
  ink.stroke();
  last = p;
  schedule();
});
const end = () => { last = null; };
pad.addEventListener('pointerup', end);
pad.addEventListener('pointercancel', end);

let sample = 0;
function nextSample(): void {
  const image = test.inputs.slice(sample * 784, (sample + 1) * 784);
  ink.fillStyle = '#000';
  ink.fillRect(0, 0, pad.width, pad.height);
  ink.imageSmoothingEnabled = false;
  showImage(image);
  ink.drawImage(preview, 0, 0, pad.width, pad.height);
  input = image;
  pad.dataset.sample = String(sample);
  pad.dataset.label = String(test.labels[sample]);
  sample = (sample + 1) % test.count;
  predict();
}
byId('clear').addEventListener('click', clear);
byId('sample').addEventListener('click', nextSample);
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement || e.ctrlKey || e.metaKey) return;
  if (e.key === 'c') clear();
  else if (e.key === 'n') nextSample();
});

// --- Train here -------------------------------------------------------------------------------

const accChart = new LineChart(byId('acc-chart'), [0, training.count], [0, 1], { x: 'training images seen', y: 'test accuracy' });
const costChart = new LineChart(byId('cost-chart'), [0, training.count], [0, 4], { x: 'training images seen', y: 'test cost' });
const trainButton = byId<HTMLButtonElement>('train');
const fixtureButton = byId<HTMLButtonElement>('use-fixture');

function useNetwork(which: Network, name: string): void {
  net = which;
  byId('model').textContent = `model: ${name}`;
  predict();
}

trainButton.addEventListener('click', () => {
  trainButton.disabled = true;
  const points: Progress[] = [];
  const worker = new Worker('mnist-worker.js', { type: 'module' });
  // The longest time between two animation frames while the worker trains.
  let gap = 0;
  let prev = performance.now();
  let watching = true;
  const watch = (t: number) => {
    gap = Math.max(gap, t - prev);
    prev = t;
    if (watching) requestAnimationFrame(watch);
  };
  requestAnimationFrame((t) => { prev = t; requestAnimationFrame(watch); });
  byId('train-status').textContent = 'training in a Web Worker…';
  worker.onmessage = (e: MessageEvent) => {
    const m = e.data as { kind: string } & Record<string, unknown>;
    if (m.kind === 'progress') {
      points.push(m as unknown as Progress);
      accChart.series('accuracy', points.map((p) => [p.seen, p.accuracy] as const), 'xent');
      costChart.series('cost', points.map((p) => [p.seen, p.cost] as const), 'quad');
      show(byId('final-accuracy'), (m as unknown as Progress).accuracy);
      byId('train-status').textContent = `training in a Web Worker… ${(m as unknown as Progress).seen} / ${training.count} images`;
    } else if (m.kind === 'done') {
      watching = false;
      worker.terminate();
      trained?.dispose();
      trained = x.loadNetwork(m.network as never);
      show(byId('train-seconds'), m.seconds as number, 2);
      show(byId('frame-gap'), gap, 1);
      byId('train-card').dataset.hash = String(m.hash);
      byId('train-status').textContent = `done: the outputs now come from the network trained here (weights SHA-256 ${String(m.hash).slice(0, 12)}…)`;
      useNetwork(trained, 'trained here (one epoch, 3,000 images)');
      fixtureButton.disabled = false;
      fixtureButton.textContent = 'Use the saved model';
      trainButton.disabled = false;
      document.body.dataset.trained = 'true';
    } else {
      watching = false;
      byId('train-status').textContent = `training failed: ${String(m.message)}`;
      console.error(`mnist worker: ${String(m.message)}`);
    }
  };
  const copy = (d: Images): Images => ({ ...d, inputs: d.inputs.slice(), labels: d.labels.slice() });
  const data = { training: copy(training), test: copy(test) };
  worker.postMessage(data, [data.training.inputs.buffer, data.training.labels.buffer, data.test.inputs.buffer, data.test.labels.buffer]);
});
fixtureButton.addEventListener('click', () => {
  if (net === fixture && trained) {
    useNetwork(trained, 'trained here (one epoch, 3,000 images)');
    fixtureButton.textContent = 'Use the saved model';
  } else {
    useNetwork(fixture, 'saved by xent train (784-30-10, 10 epochs)');
    fixtureButton.textContent = 'Use the network trained here';
  }
});

clear();
useNetwork(fixture, 'saved by xent train (784-30-10, 10 epochs)');
document.body.dataset.ready = 'true';
