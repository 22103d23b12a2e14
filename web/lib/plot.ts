// Plain-SVG plots for the pages: a line chart with axes and named series, and element helpers.

const NS = 'http://www.w3.org/2000/svg';

/** Creates an SVG element with attributes, appended to `parent` when given. */
export function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {},
  parent?: Element): SVGElementTagNameMap[K] {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent?.appendChild(node);
  return node;
}

/** Formats a number for display: fixed digits, or exponent form when tiny or huge. */
export function fmt(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : 'NaN';
  const a = Math.abs(v);
  const s = a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(digits);
  return s.replace('-', '−');
}

/** Shows `v` in `node` (formatted) and keeps its full value in data-value, for tests and screen readers. */
export function show(node: Element, v: number, digits = 4): void {
  node.textContent = fmt(v, digits);
  node.setAttribute('data-value', String(v));
}

/** The element with this id, typed. */
export function byId<T extends Element = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`page: no element #${id}`);
  return node as unknown as T;
}

/** Plot area of a chart in viewBox units. */
interface Frame { left: number; top: number; width: number; height: number }

/** A line chart: fixed axes ranges, any number of named polylines. */
export class LineChart {
  readonly svg: SVGSVGElement;
  private readonly frame: Frame;
  private readonly paths = new Map<string, SVGPathElement>();

  constructor(parent: Element, readonly x: [number, number], readonly y: [number, number],
    labels: { x: string; y: string }, size = { width: 420, height: 220 }) {
    this.svg = el('svg', { viewBox: `0 0 ${size.width} ${size.height}`, role: 'img', 'aria-label': `${labels.y} against ${labels.x}` }, parent);
    this.frame = { left: 44, top: 10, width: size.width - 56, height: size.height - 44 };
    const f = this.frame;
    for (let i = 0; i <= 4; i++) {
      const yv = y[0] + ((y[1] - y[0]) * i) / 4;
      const py = this.py(yv);
      el('line', { x1: f.left, x2: f.left + f.width, y1: py, y2: py, class: 'grid' }, this.svg);
      el('text', { x: f.left - 6, y: py + 4, 'text-anchor': 'end' }, this.svg).textContent = fmt(yv, yv % 1 ? 2 : 0);
      const xv = x[0] + ((x[1] - x[0]) * i) / 4;
      el('text', { x: this.px(xv), y: f.top + f.height + 16, 'text-anchor': 'middle' }, this.svg).textContent = fmt(xv, xv % 1 ? 2 : 0);
    }
    el('line', { x1: f.left, x2: f.left, y1: f.top, y2: f.top + f.height, class: 'axis' }, this.svg);
    el('line', { x1: f.left, x2: f.left + f.width, y1: f.top + f.height, y2: f.top + f.height, class: 'axis' }, this.svg);
    el('text', { x: f.left + f.width / 2, y: size.height - 4, 'text-anchor': 'middle' }, this.svg).textContent = labels.x;
    el('text', { x: 12, y: f.top + f.height / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${f.top + f.height / 2})` }, this.svg)
      .textContent = labels.y;
  }

  /** x in data units → viewBox units (clamped to the frame). */
  px(v: number): number {
    const t = (v - this.x[0]) / (this.x[1] - this.x[0]);
    return this.frame.left + Math.min(1, Math.max(0, t)) * this.frame.width;
  }

  /** y in data units → viewBox units (clamped to the frame). */
  py(v: number): number {
    const t = (v - this.y[0]) / (this.y[1] - this.y[0]);
    return this.frame.top + (1 - Math.min(1, Math.max(0, Number.isFinite(t) ? t : 1))) * this.frame.height;
  }

  /** Sets (or creates) the polyline `name` through `points` ([x, y] pairs, data units). */
  series(name: string, points: readonly (readonly [number, number])[], cls = name): SVGPathElement {
    let path = this.paths.get(name);
    if (!path) {
      path = el('path', { class: cls, 'data-series': name }, this.svg);
      this.paths.set(name, path);
    }
    path.setAttribute('d', points.map(([a, b], i) => `${i ? 'L' : 'M'}${this.px(a).toFixed(1)},${this.py(b).toFixed(1)}`).join(''));
    path.setAttribute('data-points', String(points.length));
    return path;
  }

  /** A dot at (x, y), created on first use. */
  marker(name: string, x: number, y: number, color: string): void {
    let dot = this.svg.querySelector<SVGCircleElement>(`circle[data-marker="${name}"]`);
    dot ??= el('circle', { r: 5, fill: color, 'data-marker': name }, this.svg);
    dot.setAttribute('cx', this.px(x).toFixed(1));
    dot.setAttribute('cy', this.py(y).toFixed(1));
  }
}
