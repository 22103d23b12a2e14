// Entropy, cross-entropy and KL of two draggable distributions; the binary cross-entropy of one
// prediction under each compat mode; softmax of logit sliders and the log-likelihood cost. Every
// number is the library's (x.entropy, x.crossEntropy, x.klDivergence, x.binaryCrossEntropy,
// x.softmax, x.sparseCategoricalCrossEntropy).
import { createXent } from 'xent/browser';
import { BarChart } from './lib/bars.js';
import { byId, el, fmt, LineChart, show } from './lib/plot.js';

const x = await createXent();

// --- Two distributions --------------------------------------------------------------------------

const MIN_P = 0.005;
let p = [0.5, 0.25, 0.125, 0.125];
let q = [0.25, 0.25, 0.25, 0.25];

/** Sets event i of dist to v and rescales the others to keep the sum 1 (each at least MIN_P). */
function setProbability(dist: number[], i: number, v: number): number[] {
  const n = dist.length;
  const value = Math.min(1 - MIN_P * (n - 1), Math.max(MIN_P, v));
  const rest = dist.reduce((s, d, j) => (j === i ? s : s + d), 0);
  const out = dist.map((d, j) => (j === i ? value : Math.max(MIN_P, (d / rest) * (1 - value))));
  const total = out.reduce((s, d) => s + d, 0);
  return out.map((d) => d / total); // exact renormalisation after the floors
}

const pBars = new BarChart(byId('p-bars'), 'var(--p)', 'p of event', (i, v) => { p = setProbability(p, i, v); renderInfo(); });
const qBars = new BarChart(byId('q-bars'), 'var(--q)', 'q of event', (i, v) => { q = setProbability(q, i, v); renderInfo(); });
const stack = el('svg', { viewBox: '0 0 360 120', role: 'img', 'aria-label': 'H(p, q) as H(p) plus KL(p‖q)' }, byId('stack'));

function renderInfo(): void {
  pBars.set(p);
  qBars.set(q);
  byId('p-bars').dataset.dist = JSON.stringify(p);
  byId('q-bars').dataset.dist = JSON.stringify(q);
  const bits = { base: 2 };
  const hp = x.entropy(p, bits) as number;
  const hpq = x.crossEntropy(p, q, bits) as number;
  const kl = x.klDivergence(p, q, bits) as number;
  show(byId('hp-bits'), hp);
  show(byId('hpq-bits'), hpq);
  show(byId('kl-bits'), kl);
  show(byId('sum-bits'), hp + kl);
  show(byId('hp-nats'), x.entropy(p) as number);
  show(byId('hpq-nats'), x.crossEntropy(p, q) as number);
  show(byId('kl-nats'), x.klDivergence(p, q) as number);
  show(byId('sum-nats'), (x.entropy(p) as number) + (x.klDivergence(p, q) as number));
  drawStack(hp, kl, hpq);
}

/** Two horizontal bars in bits: H(p, q) alone, and H(p) with KL(p‖q) stacked on it. */
function drawStack(hp: number, kl: number, hpq: number): void {
  stack.replaceChildren();
  const scale = 300 / Math.max(1, Math.ceil(hpq));
  const row = (y: number, parts: [number, string, string][]) => {
    let at = 50;
    for (const [v, color, name] of parts) {
      el('rect', { x: at, y, width: Math.max(0.5, v * scale), height: 26, fill: color, rx: 2 }, stack);
      if (v * scale > 40) el('text', { x: at + 4, y: y + 17, style: 'fill:#fff' }, stack).textContent = `${name} ${fmt(v, 3)}`;
      at += v * scale;
    }
  };
  el('text', { x: 0, y: 32 }, stack).textContent = 'H(p, q)';
  row(14, [[hpq, '#495057', 'H(p, q)']]);
  el('text', { x: 0, y: 72 }, stack).textContent = '= H(p) +';
  el('text', { x: 0, y: 86 }, stack).textContent = 'KL(p‖q)';
  row(56, [[hp, 'var(--p)', 'H(p)'], [kl, 'var(--kl)', 'KL']]);
  el('text', { x: 50, y: 110 }, stack).textContent = `bits (axis to ${Math.max(1, Math.ceil(hpq))})`;
}

function setEvents(n: number): void {
  const count = Math.min(10, Math.max(2, n));
  // p falls off geometrically, q is uniform: a fresh, readable pair for any number of events.
  const g = Array.from({ length: count }, (_, i) => 0.6 ** i);
  const s = g.reduce((a, b) => a + b, 0);
  p = g.map((v) => v / s);
  q = Array.from({ length: count }, () => 1 / count);
  show(byId('events'), count, 0);
  renderInfo();
}
byId('fewer').addEventListener('click', () => setEvents(p.length - 1));
byId('more').addEventListener('click', () => setEvents(p.length + 1));

// --- Binary cross-entropy ------------------------------------------------------------------------

const COMPATS = [['xent', 'xent (exact)'], ['torch', 'PyTorch BCELoss'], ['keras', 'Keras'], ['sklearn', 'scikit-learn log_loss']] as const;
let target = 1;
const ptrue = byId<HTMLInputElement>('ptrue');
const bce = new LineChart(byId('bce-chart'), [0, 1], [0, 8], { x: 'prediction a', y: 'cost C (nats)' }, { width: 420, height: 200 });
const compatBody = byId('compat');
for (const [name, title] of COMPATS) {
  const tr = document.createElement('tr');
  tr.innerHTML = `<th>${title}</th><td class="v" data-compat="${name}"></td>`;
  compatBody.appendChild(tr);
}

/** The probability the prediction gives the true class: 10^(−k/10), and exactly 0 at the slider's end. */
function trueProbability(): number {
  const k = Number(ptrue.value);
  return k >= Number(ptrue.max) ? 0 : 10 ** (-k / 10);
}

function renderBinary(): void {
  const pt = trueProbability();
  const a = target === 1 ? pt : 1 - pt;
  show(byId('a-out'), a, 6);
  byId('a-out').textContent = target === 1 ? fmt(a, 6) : pt === 0 ? '1' : `1 − ${fmt(pt, 6)}`;
  const grid = Array.from({ length: 201 }, (_, i) => i / 200);
  const costs = x.binaryCrossEntropy(grid, grid.map(() => target), { reduction: 'none' }) as number[];
  bce.series('bce', grid.map((g, i) => [g, costs[i]!] as const), 'xent');
  const cost = x.binaryCrossEntropy([a], [target]);
  bce.marker('now', a, cost, 'var(--quad)');
  for (const [name] of COMPATS) {
    show(compatBody.querySelector(`[data-compat="${name}"]`)!, x.binaryCrossEntropy([a], [target], { compat: name }), 4);
  }
}
for (const [id, y] of [['y1', 1], ['y0', 0]] as const) {
  byId(id).addEventListener('click', () => {
    target = y;
    byId('y1').setAttribute('aria-pressed', String(y === 1));
    byId('y0').setAttribute('aria-pressed', String(y === 0));
    renderBinary();
  });
}
ptrue.addEventListener('input', renderBinary);

// --- Softmax -----------------------------------------------------------------------------------

const logits = [2, 1, 0.1, -1];
let trueClass = 0;
const sliders = logits.map((z, i) => {
  const label = document.createElement('label');
  label.innerHTML = `z<sub>${i}</sub> <input type="range" min="-6" max="6" step="0.1" value="${z}" data-logit="${i}"
    aria-label="logit ${i}"> <output data-logit-out="${i}">${z.toFixed(1)}</output>`;
  byId('logits').appendChild(label);
  const input = label.querySelector('input')!;
  input.addEventListener('input', () => {
    logits[i] = Number(input.value);
    label.querySelector('output')!.textContent = logits[i]!.toFixed(1);
    renderSoftmax();
  });
  return input;
});
logits.forEach((_, i) => {
  const label = document.createElement('label');
  label.innerHTML = `<input type="radio" name="class" value="${i}" ${i === 0 ? 'checked' : ''}> y = ${i}`;
  label.querySelector('input')!.addEventListener('change', () => { trueClass = i; renderSoftmax(); });
  byId('classes').appendChild(label);
});
const probs = new BarChart(byId('softmax-bars'), 'var(--xent)', 'probability of class');

function renderSoftmax(): void {
  const a = x.softmax(logits) as number[];
  probs.set(a, a.map((_, i) => `a${i}`));
  byId('softmax-bars').dataset.dist = JSON.stringify(a);
  byId('softmax').dataset.logits = JSON.stringify(logits);
  const cost = x.sparseCategoricalCrossEntropy(logits, trueClass, { fromLogits: true }) as number;
  show(byId('ay'), a[trueClass]!);
  show(byId('lnay'), -cost);
  show(byId('nll'), cost);
}

setEvents(4);
p = [0.5, 0.25, 0.125, 0.125];
renderInfo();
renderBinary();
renderSoftmax();
void sliders;
document.body.dataset.ready = 'true';
