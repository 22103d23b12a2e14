// The pages of web/ (built into web-dist/, served by scripts/serve-web.mjs as `npm run web` serves them)
// in headless Chromium: each loads with no console error, its controls are operated with mouse, touch
// and keyboard (sliders dragged, bars dragged, strokes drawn, training clicked) and the numbers it shows
// are checked against the library run here in Node and against the formulas. Screenshots go to
// test/artifacts/ (ignored by git).
import { mkdirSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXent, type Xent } from '../dist/index.js';
import { parseSubset } from '../web/lib/subset.js';
import { parameterHash, trainHere } from '../web/lib/train-here.js';
import { launchChromium, openPage, present, servePages, type PageServer } from './chromium.js';

const artifacts = new URL('./artifacts/', import.meta.url).pathname;
const asset = (name: string) => gunzipSync(readFileSync(new URL(`../web/assets/${name}`, import.meta.url)));

/** The data-value of an element, as a number. */
async function value(page: Page, selector: string): Promise<number> {
  const v = await page.locator(selector).first().getAttribute('data-value');
  if (v === null) throw new Error(`${selector} has no data-value`);
  return Number(v);
}

/** Drags from the centre of `selector`'s box to a point given as fractions of that box. */
async function drag(page: Page, selector: string, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await page.locator(selector).first().boundingBox())!;
  await page.mouse.move(box.x + from[0] * box.width, box.y + from[1] * box.height);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) {
    const t = i / 8;
    await page.mouse.move(box.x + (from[0] + (to[0] - from[0]) * t) * box.width, box.y + (from[1] + (to[1] - from[1]) * t) * box.height);
  }
  await page.mouse.up();
}

const log2 = (v: number) => Math.log(v) / Math.LN2;

describe.skipIf(!present)('the pages of web/ in headless Chromium', () => {
  let browser: Browser;
  let server: PageServer;
  let x: Xent;

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    server = await servePages();
    browser = await launchChromium();
    x = await createXent();
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  async function load(path: string): Promise<{ page: Page; errors: string[] }> {
    const opened = await openPage(browser, server.base + path);
    await opened.page.setViewportSize({ width: 1200, height: 900 });
    if (path) await opened.page.waitForSelector('body[data-ready=true]', { timeout: 30_000 });
    return opened;
  }

  it('index.html links the three pages, served cross-origin isolated', async () => {
    const { page, errors } = await load('');
    await page.setViewportSize({ width: 1200, height: 560 });
    const links = await page.locator('main a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
    expect(links).toEqual(['slowdown.html', 'cross-entropy.html', 'mnist.html']);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true); // the COOP/COEP headers: threads: 2 can run
    for (const href of links) expect((await fetch(server.base + href!)).status, href!).toBe(200);
    await page.screenshot({ path: `${artifacts}index.png` });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('slowdown.html: presets, a dragged w slider, keyboard b and η, steps — the networks Node trains', async () => {
    const { page, errors } = await load('slowdown.html');
    await page.click('#preset-a');
    for (const kind of ['quadratic', 'cross-entropy']) {
      expect(await value(page, `#${kind} [data-out=w]`)).toBe(Math.fround(0.6));
      expect(await value(page, `#${kind} [data-out=b]`)).toBe(Math.fround(0.9));
    }
    await drag(page, '#w', [(0.6 + 4) / 8, 0.5], [0.85, 0.5]); // from the thumb towards w ≈ 2.8
    const w0 = Number(await page.inputValue('#w'));
    expect(w0).toBeGreaterThan(2);
    await page.focus('#b');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowLeft');
    const b0 = Number(await page.inputValue('#b'));
    expect(b0).toBeCloseTo(0.85, 10);
    await page.focus('#cross-entropy [data-role=eta]');
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    const etas = { quadratic: 0.15, 'cross-entropy': 0.25 };
    expect(Number(await page.inputValue('#cross-entropy [data-role=eta]'))).toBeCloseTo(0.25, 10);
    for (let i = 1; i <= 3; i++) {
      await page.click('#step');
      await page.waitForSelector(`#epoch[data-value="${i}"]`);
    }
    for (const kind of ['quadratic', 'cross-entropy'] as const) {
      const net = x.loadNetwork({ sizes: [1, 1], weights: [[[w0]]], biases: [[[b0]]], cost: kind === 'quadratic' ? 'QuadraticCost' : 'CrossEntropyCost' });
      const data = { inputs: Float32Array.of(1), labels: Float32Array.of(0), count: 1, inputSize: 1 };
      for (let i = 0; i < 3; i++) await net.train(data, { epochs: 1, batchSize: 1, eta: etas[kind] });
      const [w, b] = net.parameters();
      const a = (net.predict([1]) as number[])[0]!;
      const shown = async (k: string) => value(page, `#${kind} [data-out=${k}]`);
      expect(await shown('w'), kind).toBeCloseTo(w!, 6);
      expect(await shown('b'), kind).toBeCloseTo(b!, 6);
      expect(await shown('a'), kind).toBeCloseTo(a, 6);
      // The formulas: C = a²/2 or −ln(1 − a) for y = 0; ∂C/∂w = a·a(1 − a) or a (x = 1, σ′ cancelled).
      expect(await shown('cost'), kind).toBeCloseTo(kind === 'quadratic' ? a * a / 2 : -Math.log(1 - a), 6);
      expect(await shown('sigmaPrime'), kind).toBeCloseTo(a * (1 - a), 6);
      expect(await shown('dCdw'), kind).toBeCloseTo(kind === 'quadratic' ? a * a * (1 - a) : a, 6);
    }
    // From the saturated start the quadratic neuron's gradient is ~1/20 of the cross-entropy's.
    expect(await value(page, '#quadratic [data-out=dCdw]')).toBeLessThan(0.1 * await value(page, '#cross-entropy [data-out=dCdw]'));
    await page.locator('body').press(' '); // play …
    await page.waitForFunction(() => Number(document.getElementById('epoch')!.dataset.value) >= 40);
    await page.locator('body').press(' '); // … and pause
    await page.waitForTimeout(100);
    const epoch = await value(page, '#epoch');
    expect(Number(await page.locator('#quadratic path[data-series=cost]').getAttribute('data-points'))).toBe(epoch + 1);
    await page.screenshot({ path: `${artifacts}slowdown.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('cross-entropy.html: dragged and keyed bars, events, compat costs, softmax — the library’s numbers', async () => {
    const { page, errors } = await load('cross-entropy.html');
    const dist = async (id: string) => JSON.parse((await page.locator(`#${id}`).getAttribute('data-dist'))!) as number[];
    const checkInfo = async () => {
      const p = await dist('p-bars');
      const q = await dist('q-bars');
      const hp = -p.reduce((s, v) => s + v * log2(v), 0);
      const hpq = -p.reduce((s, v, i) => s + v * log2(q[i]!), 0);
      expect(await value(page, '#hp-bits')).toBeCloseTo(hp, 10);
      expect(await value(page, '#hpq-bits')).toBeCloseTo(hpq, 10);
      expect(await value(page, '#kl-bits')).toBeCloseTo(hpq - hp, 10);
      expect(await value(page, '#hp-nats')).toBeCloseTo(x.entropy(p) as number, 12);
      expect(await value(page, '#hpq-nats')).toBeCloseTo(x.crossEntropy(p, q) as number, 12);
      expect(await value(page, '#kl-nats')).toBeCloseTo(x.klDivergence(p, q) as number, 12);
      expect(await value(page, '#sum-bits')).toBeCloseTo(await value(page, '#hpq-bits'), 12);
      return { p, q };
    };
    const before = await checkInfo();
    await drag(page, '#p-bars svg', [0.12, 0.6], [0.12, 0.1]); // bar 1 of p up to ≈ 0.95
    const after = await checkInfo();
    expect(after.p[0]).toBeGreaterThan(before.p[0]! + 0.2);
    expect(after.p.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    await page.click('#more');
    await page.click('#more');
    expect(await value(page, '#events')).toBe(6);
    await drag(page, '#q-bars svg', [0.92, 0.7], [0.92, 0.2]); // the last event of q up
    const six = await checkInfo();
    expect(six.q).toHaveLength(6);
    expect(six.q[5]).toBeGreaterThan(0.5);
    await page.focus('#p-bars rect[data-index="2"]');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowUp');
    const keyed = await checkInfo();
    expect(keyed.p[2]).toBeGreaterThan(six.p[2]! + 0.04);
    // A prediction of exactly 0 for a true class 1, then 1 for a 0: each library's cost.
    await page.focus('#ptrue');
    await page.keyboard.press('End');
    for (const y of [1, 0]) {
      await page.click(`#y${y}`);
      for (const compat of ['xent', 'torch', 'keras', 'sklearn'] as const) {
        expect(await value(page, `[data-compat=${compat}]`), `${compat}, y = ${y}`)
          .toBe(x.binaryCrossEntropy([1 - y], [y], { compat }));
      }
    }
    expect(await value(page, '[data-compat=torch]')).toBe(100);
    expect(await value(page, '[data-compat=keras]')).toBeCloseTo(-Math.log(1e-7), 6);
    // Softmax: drag z3 to its maximum, take class 3.
    await drag(page, '[data-logit="3"]', [0.4, 0.5], [1.2, 0.5]);
    await page.click('input[name=class][value="3"]');
    const logits = JSON.parse((await page.locator('#softmax').getAttribute('data-logits'))!) as number[];
    expect(logits[3]).toBe(6);
    const lse = Math.log(logits.reduce((s, z) => s + Math.exp(z), 0));
    const probs = await dist('softmax-bars');
    logits.forEach((z, i) => expect(probs[i]).toBeCloseTo(Math.exp(z - lse), 12));
    expect(await value(page, '#nll')).toBeCloseTo(lse - logits[3]!, 12);
    expect(await value(page, '#nll')).toBe(x.sparseCategoricalCrossEntropy(logits, 3, { fromLogits: true }));
    await page.screenshot({ path: `${artifacts}cross-entropy.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('mnist.html: strokes (mouse and touch) and a keyed test digit through the saved model; train here in a Worker', async () => {
    const { page, errors } = await load('mnist.html');
    const fixture = x.loadNetwork(asset('mnist-784-30-10.json.gz').toString('utf8'));
    const { training, test } = parseSubset(new Uint8Array(asset('mnist-subset.bin.gz')));
    const shownInput = async () => Uint8Array.from((await page.locator('#preview').getAttribute('data-input'))!.split(',').map(Number));
    const shownOutputs = async () => JSON.parse((await page.locator('#outputs').getAttribute('data-outputs'))!) as number[];
    const expectOutputs = async (net: typeof fixture, input: Uint8Array) => {
      const want = net.predict(Float32Array.from(input, (v) => v / 255)) as Float32Array;
      const got = await shownOutputs();
      want.forEach((v, i) => expect(got[i], `output ${i}`).toBeCloseTo(v, 5));
      expect(await value(page, '#guess')).toBe(want.indexOf(Math.max(...want)));
    };
    // A "7" with the mouse, drawn small and off-centre: the input must still be centred like MNIST's.
    await drag(page, '#pad', [0.1, 0.1], [0.45, 0.1]);
    await drag(page, '#pad', [0.45, 0.1], [0.25, 0.5]);
    await page.waitForTimeout(100);
    let input = await shownInput();
    let mass = 0;
    let cx = 0;
    let cy = 0;
    input.forEach((v, i) => { mass += v; cx += v * ((i % 28) + 0.5); cy += v * (Math.floor(i / 28) + 0.5); });
    expect(Math.abs(cx / mass - 14)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(cy / mass - 14)).toBeLessThanOrEqual(0.5);
    await expectOutputs(fixture, input);
    // A touch stroke across the middle changes the drawing and the outputs follow.
    const box = (await page.locator('#pad').boundingBox())!;
    const cdp = await page.context().newCDPSession(page);
    const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', fx: number, fy: number) => cdp.send('Input.dispatchTouchEvent', {
      type, touchPoints: type === 'touchEnd' ? [] : [{ x: box.x + fx * box.width, y: box.y + fy * box.height }],
    });
    await touch('touchStart', 0.2, 0.3);
    for (let i = 1; i <= 6; i++) await touch('touchMove', 0.2 + i * 0.05, 0.3);
    await touch('touchEnd', 0, 0);
    await page.waitForTimeout(100);
    const touched = await shownInput();
    expect(touched).not.toEqual(input);
    await expectOutputs(fixture, touched);
    // The keyboard: "c" clears, "n" shows test digit 0 (a 7), which the saved model reads right.
    await page.locator('body').press('c');
    expect(await page.locator('#preview').getAttribute('data-input')).toBeNull();
    await page.locator('body').press('n');
    input = await shownInput();
    expect(input).toEqual(test.inputs.subarray(0, 784));
    await expectOutputs(fixture, input);
    expect(await value(page, '#guess')).toBe(test.labels[0]);
    // Train here: one epoch in the Worker, the page animating meanwhile; Node gets the same weights.
    await page.click('#train');
    await page.waitForSelector('body[data-trained=true]', { timeout: 60_000 });
    const node = await createXent({ simd: 'plain' });
    const points: number[] = [];
    const net = await trainHere(node, training, test, (p) => points.push(p.accuracy));
    expect(await page.locator('#train-card').getAttribute('data-hash')).toBe(await parameterHash(net));
    expect(await value(page, '#final-accuracy')).toBe(points.at(-1));
    expect(points.at(-1)).toBeGreaterThan(0.75);
    expect(Number(await page.locator('#acc-chart path[data-series=accuracy]').getAttribute('data-points'))).toBe(points.length);
    expect(await value(page, '#frame-gap')).toBeLessThanOrEqual(50);
    await expectOutputs(net, input); // the outputs now come from the network trained here
    await page.screenshot({ path: `${artifacts}mnist.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
