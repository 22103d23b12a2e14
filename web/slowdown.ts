// Nielsen's slow-learning neuron: two 1-1 networks of the library (quadratic and cross-entropy cost),
// trained one epoch at a time by net.train on the single example x = 1, y = 0. The gradient shown beside
// each is the library's: grad.quadraticCost / grad.binaryCrossEntropy for ∂C/∂a, times σ′(z) = a(1 − a).
import { createXent, type Network, type Xent } from 'xent/browser';
import { byId, LineChart, show } from './lib/plot.js';

const EPOCHS = 300;
const DATA = { inputs: Float32Array.of(1), labels: Float32Array.of(0), count: 1, inputSize: 1 };

type CostKind = 'quadratic' | 'cross-entropy';

/** One side of the page: a network, its η, its readouts and its cost curve. */
class Panel {
  net!: Network;
  readonly costs: [number, number][] = [];
  private readonly eta: HTMLInputElement;
  private chart!: LineChart;
  private readonly card: HTMLElement;
  private readonly out: Record<string, HTMLElement> = {};

  constructor(private readonly x: Xent, readonly kind: CostKind, parent: Element) {
    const card = document.createElement('section');
    card.className = 'card';
    card.id = kind;
    const title = kind === 'quadratic' ? 'Quadratic cost' : 'Cross-entropy cost';
    const ink = kind === 'quadratic' ? 'quad-ink' : 'xent-ink';
    card.innerHTML = `<h2 class="${ink}">${title}</h2>
      <div class="controls"><label>η <input type="range" min="0.01" max="2" step="0.01" value="0.15" data-role="eta">
      <output data-role="eta-out">0.15</output></label></div>
      <table class="nums"><tbody>
      <tr><th>output <span class="math">a</span></th><td class="v" data-out="a"></td>
          <th>cost <span class="math">C</span></th><td class="v" data-out="cost"></td></tr>
      <tr><th><span class="math">w</span></th><td class="v" data-out="w"></td>
          <th><span class="math">b</span></th><td class="v" data-out="b"></td></tr>
      <tr><th>σ′(<span class="math">z</span>) = <span class="math">a</span>(1 − <span class="math">a</span>)</th><td class="v" data-out="sigmaPrime"></td>
          <th>∂<span class="math">C</span>/∂<span class="math">a</span></th><td class="v" data-out="dCda"></td></tr>
      <tr><th colspan="3">∂<span class="math">C</span>/∂<span class="math">w</span> = ${kind === 'quadratic'
        ? '∂C/∂a · σ′(z) · x = (a − y) σ′(z) x' : '∂C/∂a · σ′(z) · x = (a − y) x'}</th>
          <td class="v" data-out="dCdw"></td></tr>
      </tbody></table>`;
    parent.appendChild(card);
    this.card = card;
    for (const node of card.querySelectorAll<HTMLElement>('[data-out]')) this.out[node.dataset.out!] = node;
    this.eta = card.querySelector<HTMLInputElement>('[data-role=eta]')!;
    const etaOut = card.querySelector('[data-role=eta-out]')!;
    this.eta.addEventListener('input', () => (etaOut.textContent = Number(this.eta.value).toFixed(2)));
    this.eta.setAttribute('aria-label', `learning rate η, ${title.toLowerCase()}`);
  }

  /** A fresh network at (w, b). */
  reset(w: number, b: number): void {
    this.net?.dispose();
    this.net = this.x.loadNetwork({
      sizes: [1, 1], weights: [[[w]]], biases: [[[b]]], cost: this.kind === 'quadratic' ? 'QuadraticCost' : 'CrossEntropyCost',
    });
    this.costs.length = 0;
    // The cost axis fits the starting cost (rounded up to a half): the quadratic's is at most ½.
    const start = this.net.totalCost(DATA);
    this.chart?.svg.remove();
    this.chart = new LineChart(this.card, [0, EPOCHS], [0, Math.max(0.5, Math.ceil(start * 2.2) / 2)], { x: 'epoch', y: 'cost' });
    this.render(0);
  }

  /** One epoch of SGD on the example. */
  async step(epoch: number): Promise<void> {
    await this.net.train(DATA, { epochs: 1, batchSize: 1, eta: Number(this.eta.value) });
    this.render(epoch);
  }

  private render(epoch: number): void {
    const [w, b] = this.net.parameters() as unknown as [number, number];
    const a = (this.net.predict([1]) as number[])[0]!;
    const cost = this.net.totalCost(DATA);
    const dCda = (this.kind === 'quadratic' ? this.x.grad.quadraticCost([a], [0]) : this.x.grad.binaryCrossEntropy([a], [0])) as number[];
    const sigmaPrime = a * (1 - a);
    this.costs.push([epoch, cost]);
    show(this.out.a!, a);
    show(this.out.w!, w);
    show(this.out.b!, b);
    show(this.out.cost!, cost);
    show(this.out.sigmaPrime!, sigmaPrime);
    show(this.out.dCda!, dCda[0]!);
    show(this.out.dCdw!, dCda[0]! * sigmaPrime * 1);
    this.chart.series('cost', this.costs, this.kind === 'quadratic' ? 'quad' : 'xent');
    this.chart.marker('now', epoch, cost, this.kind === 'quadratic' ? 'var(--quad)' : 'var(--xent)');
  }
}

const x = await createXent();
const panels = [new Panel(x, 'quadratic', byId('panels')), new Panel(x, 'cross-entropy', byId('panels'))];
const w = byId<HTMLInputElement>('w');
const b = byId<HTMLInputElement>('b');
const play = byId<HTMLButtonElement>('play');
const epochOut = byId('epoch');
let epoch = 0;
let playing = false;
let busy = false;

function reset(): void {
  epoch = 0;
  show(epochOut, 0, 0);
  byId('w-out').textContent = Number(w.value).toFixed(2);
  byId('b-out').textContent = Number(b.value).toFixed(2);
  for (const p of panels) p.reset(Number(w.value), Number(b.value));
}

async function step(): Promise<void> {
  if (busy || epoch >= EPOCHS) return;
  busy = true;
  epoch++;
  for (const p of panels) await p.step(epoch);
  show(epochOut, epoch, 0);
  busy = false;
  if (epoch >= EPOCHS) setPlaying(false);
}

function setPlaying(on: boolean): void {
  playing = on;
  play.setAttribute('aria-pressed', String(on));
  play.textContent = on ? '❚❚ Pause' : '▶ Play';
  if (on) requestAnimationFrame(frame);
}

/** Two epochs a frame while playing: 300 epochs in about 2.5 s. */
async function frame(): Promise<void> {
  if (!playing) return;
  await step();
  await step();
  if (playing) requestAnimationFrame(frame);
}

function preset(pw: number, pb: number): void {
  w.value = String(pw);
  b.value = String(pb);
  setPlaying(false);
  reset();
}

w.addEventListener('input', () => { setPlaying(false); reset(); });
b.addEventListener('input', () => { setPlaying(false); reset(); });
byId('preset-a').addEventListener('click', () => preset(0.6, 0.9));
byId('preset-b').addEventListener('click', () => preset(2, 2));
play.addEventListener('click', () => setPlaying(!playing));
byId('step').addEventListener('click', () => { setPlaying(false); void step(); });
byId('reset').addEventListener('click', () => { setPlaying(false); reset(); });
document.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement) return; // sliders keep their arrow keys
  if (e.key === ' ') { e.preventDefault(); setPlaying(!playing); }
  else if (e.key === 'ArrowRight') { e.preventDefault(); setPlaying(false); void step(); }
  else if (e.key === 'r') { setPlaying(false); reset(); }
});
reset();
document.body.dataset.ready = 'true';
