// A bar chart in plain SVG whose bars can be dragged (mouse, pen, touch) or set from the keyboard.
import { el, fmt } from './plot.js';

const W = 360;
const H = 190;
const TOP = 10;
const BOTTOM = 24;

/** Bars of values in [0, max]; onSet(i, v) is called when the user sets bar i to v (when editable). */
export class BarChart {
  readonly svg: SVGSVGElement;
  private values: number[] = [];

  constructor(parent: Element, private readonly color: string, private readonly label: string,
    private readonly onSet?: (index: number, value: number) => void, private readonly max = 1,
    private readonly format: (v: number) => string = (v) => fmt(v, 3)) {
    this.svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-label': label }, parent);
    if (onSet) {
      let dragging = -1;
      const valueAt = (e: PointerEvent) => {
        const box = this.svg.getBoundingClientRect();
        const y = ((e.clientY - box.top) / box.height) * H;
        return Math.min(1, Math.max(0, (H - BOTTOM - y) / (H - BOTTOM - TOP))) * this.max;
      };
      this.svg.addEventListener('pointerdown', (e) => {
        const box = this.svg.getBoundingClientRect();
        dragging = Math.min(this.values.length - 1, Math.floor(((e.clientX - box.left) / box.width) * this.values.length));
        this.svg.setPointerCapture(e.pointerId);
        onSet(dragging, valueAt(e));
      });
      this.svg.addEventListener('pointermove', (e) => {
        if (dragging >= 0) onSet(dragging, valueAt(e));
      });
      const stop = () => (dragging = -1);
      this.svg.addEventListener('pointerup', stop);
      this.svg.addEventListener('pointercancel', stop);
    }
  }

  /** Redraws with these values (bars keep their keyboard focus). */
  set(values: readonly number[], names: readonly string[] = values.map((_, i) => String(i + 1))): void {
    const rebuild = values.length !== this.values.length;
    this.values = values.slice();
    const slot = W / values.length;
    if (rebuild) this.svg.replaceChildren();
    values.forEach((v, i) => {
      const h = (Math.min(v, this.max) / this.max) * (H - BOTTOM - TOP);
      let bar = this.svg.querySelector<SVGRectElement>(`rect[data-index="${i}"]`);
      if (!bar) {
        bar = el('rect', { 'data-index': i, fill: this.color, rx: 3 }, this.svg);
        el('text', { 'data-value-of': i, 'text-anchor': 'middle' }, this.svg);
        el('text', { 'data-name-of': i, 'text-anchor': 'middle', y: H - 8 }, this.svg);
        if (this.onSet) {
          bar.setAttribute('tabindex', '0');
          bar.setAttribute('role', 'slider');
          bar.setAttribute('aria-valuemin', '0');
          bar.setAttribute('aria-valuemax', String(this.max));
          bar.addEventListener('keydown', (e) => {
            const step = e.key === 'ArrowUp' || e.key === 'ArrowRight' ? 0.02 : e.key === 'ArrowDown' || e.key === 'ArrowLeft' ? -0.02 : 0;
            if (!step) return;
            e.preventDefault();
            this.onSet!(i, Math.min(this.max, Math.max(0, this.values[i]! + step * this.max)));
          });
        }
      }
      bar.setAttribute('x', (i * slot + slot * 0.15).toFixed(1));
      bar.setAttribute('width', (slot * 0.7).toFixed(1));
      bar.setAttribute('y', (H - BOTTOM - h).toFixed(1));
      bar.setAttribute('height', Math.max(h, 0.5).toFixed(1));
      bar.setAttribute('data-value', String(v));
      bar.setAttribute('aria-valuenow', v.toFixed(3));
      bar.setAttribute('aria-label', `${this.label} ${names[i]}`);
      const text = this.svg.querySelector(`text[data-value-of="${i}"]`)!;
      text.setAttribute('x', (i * slot + slot / 2).toFixed(1));
      const inside = H - BOTTOM - h - 4 < TOP + 10; // a full bar carries its label inside, in white
      text.setAttribute('y', (inside ? H - BOTTOM - h + 14 : H - BOTTOM - h - 4).toFixed(1));
      text.setAttribute('style', inside ? 'fill:#fff' : '');
      text.textContent = this.format(v);
      const name = this.svg.querySelector(`text[data-name-of="${i}"]`)!;
      name.setAttribute('x', (i * slot + slot / 2).toFixed(1));
      name.textContent = names[i]!;
    });
  }
}
