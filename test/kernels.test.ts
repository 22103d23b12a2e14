// Run-time GEMM tile selection (assembly/matmul.ts tiles 4×8, 5×8, 6×8; src/backend/calibrate.ts):
// createXent's `gemm` option and `xent.kernels`, and every tile on both builds against the reference
// (the property test of the GEMM) and against each other, to the bit, on one thread and on two.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXent, type GemmTile } from '../src/index.js';
import { calibrateGemm, chooseFit, chooseTile, fitTiles, GEMM_TILES, primeCalibration, tileRows, type Calibration } from '../src/backend/calibrate.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm.js';
import { firstBitDifference, gemmOperands, mulberry32 as rng } from './helpers.js';

const F32 = { rel: 2e-5, abs: 2e-6 };
const PATH_DOT = 2;
const PATH_PACKED = 3;

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** c1 within f32 accumulation tolerance of the reference c2 (as test/property.test.ts's gemm test). */
function agree(label: string, c1: Float32Array, c2: Float32Array, scale: number): void {
  for (let i = 0; i < c1.length; i++) {
    const x = c1[i]!, y = c2[i]!;
    const bound = F32.abs + F32.rel * Math.max(Math.abs(x), Math.abs(y), scale);
    if (!(Math.abs(x - y) <= bound)) expect.fail(`${label} [${i}]: wasm ${x} vs reference ${y}`);
  }
}

describe("createXent's gemm option and xent.kernels", () => {
  it('rejects a tile that does not exist, and the option on the reference backend', async () => {
    for (const bad of ['7x8', '4X8', 'fast', 4, null]) {
      await expect(createXent({ gemm: bad as never })).rejects.toThrow(
        /^createXent: gemm must be one of 'auto', '4x8', '5x8', '6x8', got /);
      await expect(createXent({ gemm: bad as never })).rejects.toBeInstanceOf(RangeError);
    }
    await expect(createXent({ backend: 'reference', gemm: '4x8' })).rejects.toThrow(
      /^createXent: gemm applies to the 'wasm' backend only/);
    await expect(createXent({ backend: 'reference', gemm: 'auto' })).rejects.toBeInstanceOf(RangeError);
    expect((await createXent({ backend: 'reference' })).kernels).toBeNull();
  });

  it("'auto' runs the tile its calibration chose (a calibration that favours 5×8 gives 5×8 instances)", async () => {
    const real = await calibrateGemm('plain');
    try {
      primeCalibration('plain', { ...real, gflops: { '4x8': 50, '5x8': 60, '6x8': 40 } });
      const x = await createXent({ simd: 'plain' });
      expect(x.kernels).toEqual({ gemm: '5x8', gemmFit: [], gemmChoice: 'auto', calibration: { '4x8': 50, '5x8': 60, '6x8': 40 } });
      const a = { data: Float32Array.from({ length: 60 * 70 }, (_, i) => (i % 13) / 13), shape: [60, 70] as [number, number] };
      const b = { data: Float32Array.from({ length: 70 * 9 }, (_, i) => (i % 7) / 7), shape: [70, 9] as [number, number] };
      const want = (await createXent({ simd: 'plain', gemm: '4x8' })).matmul(a, b) as { data: Float32Array };
      expect((x.matmul(a, b) as { data: Float32Array }).data).toEqual(want.data); // and the same bits
      x.dispose();
    } finally {
      primeCalibration('plain', real);
    }
  });

  for (const simd of ['plain', 'relaxed'] as const) {
    it(`reports a forced tile, and what auto chose with its calibration (${simd})`, async () => {
      for (const gemm of GEMM_TILES) {
        const x = await createXent({ simd, gemm });
        expect(x.kernels).toEqual({ gemm, gemmFit: [], gemmChoice: 'forced', calibration: null });
        expect(Object.isFrozen(x.kernels)).toBe(true);
        x.dispose();
      }
      const x = await createXent({ simd });
      const cal = await calibrateGemm(simd);
      expect(x.kernels!.gemmChoice).toBe('auto');
      expect(x.kernels!.gemm).toBe(chooseTile(cal));
      expect(x.kernels!.gemmFit).toEqual(fitTiles(chooseFit(cal, x.kernels!.gemm)));
      expect(Object.keys(x.kernels!.calibration!).sort()).toEqual([...GEMM_TILES]);
      for (const t of GEMM_TILES) expect(x.kernels!.calibration![t]).toBeGreaterThan(0);
      expect(cal.fallback).toBe(simd === 'plain' ? '4x8' : '6x8');
      // Bounded, and once per process and build: a second instance reuses the measurement.
      // The cap is checked before each call: the one running when it passes may add a few ms (more on a loaded machine).
      expect(cal.ms).toBeLessThan(20 + 100);
      expect(cal.rounds).toBeGreaterThanOrEqual(1);
      expect(await calibrateGemm(simd)).toBe(cal);
      expect((await createXent({ simd })).kernels!.calibration).toBe(cal.gflops);
      x.dispose();
    });
  }

  it("auto keeps the build's tile unless another is faster by more than 4%", () => {
    const cal = (g: Record<GemmTile, number>, fallback: GemmTile): Calibration => ({ gflops: g, fallback, rounds: 6, ms: 5, resolutionMs: 0.001 });
    expect(chooseTile(cal({ '4x8': 60, '5x8': 62, '6x8': 40 }, '4x8'))).toBe('4x8'); // 3.3%: noise
    // A coarse clock (a browser page without cross-origin isolation: 0.1 ms steps) keeps the build's tile.
    expect(chooseTile({ ...cal({ '4x8': 40, '5x8': 40, '6x8': 60 }, '4x8'), resolutionMs: 0.1 })).toBe('4x8');
    expect(chooseTile({ ...cal({ '4x8': 40, '5x8': 40, '6x8': 60 }, '4x8'), resolutionMs: 0.001 })).toBe('6x8');
    expect(chooseTile(cal({ '4x8': 60, '5x8': 63, '6x8': 40 }, '4x8'))).toBe('5x8'); // 5%
    expect(chooseTile(cal({ '4x8': 70, '5x8': 63, '6x8': 60 }, '6x8'))).toBe('4x8');
    expect(chooseTile(cal({ '4x8': 58, '5x8': 58, '6x8': 61 }, '6x8'))).toBe('6x8');
  });
});

describe('products whose rows the tile pads run a fitting tile (gemmSetFit, gemmTileFor)', () => {
  it('auto lets a product run the tiles measured within 4% of the chosen one; none with a coarse clock', () => {
    const cal = (g: Record<GemmTile, number>, resolutionMs = 0.001): Calibration => ({ gflops: g, fallback: '4x8', rounds: 6, ms: 5, resolutionMs });
    expect(chooseFit(cal({ '4x8': 58.4, '5x8': 58.1, '6x8': 40.8 }), '4x8')).toBe(1 << 5); // this Zen 5, plain SIMD
    expect(chooseFit(cal({ '4x8': 60, '5x8': 57, '6x8': 40 }), '4x8')).toBe(0); // 5% slower
    expect(chooseFit(cal({ '4x8': 60, '5x8': 59, '6x8': 61 }), '6x8')).toBe((1 << 4) | (1 << 5));
    expect(chooseFit(cal({ '4x8': 58.4, '5x8': 58.1, '6x8': 40.8 }, 0.1), '4x8')).toBe(0);
    expect(fitTiles((1 << 4) | (1 << 6))).toEqual(['4x8', '6x8']);
    expect(fitTiles(0)).toEqual([]);
  });

  it('a product runs the tile that pads fewest rows (the instance\'s at a tie); a mask outside 4..6 rows is refused', async () => {
    const be = await createWasmBackend('plain', 1, 4, 1 << 5);
    const k = be.kernels;
    try {
      expect(be.gemmFitMask).toBe(1 << 5);
      // m → tile: 30 and 10 are whole 5×8 tiles; 32 whole 4×8; 7, 3, 11 pad fewer rows with 4×8.
      for (const [m, t] of [[30, 5], [10, 5], [35, 5], [32, 4], [128, 4], [7, 4], [3, 4], [11, 4], [1, 4], [5, 5]]) {
        expect(k.gemmTileFor(m!), `m = ${m}`).toBe(t);
      }
      expect(k.gemmSetFit((1 << 5) | (1 << 6))).toBe(1);
      expect([k.gemmTileFor(18), k.gemmTileFor(30), k.gemmTileFor(12)]).toEqual([6, 5, 4]);
      for (const bad of [1 << 3, 1 << 7, -1, 1]) expect(k.gemmSetFit(bad), `mask ${bad}`).toBe(0);
      expect(k.gemmFit()).toBe((1 << 5) | (1 << 6)); // unchanged by the refused masks
      k.gemmSetFit(0);
      expect([k.gemmTileFor(30), k.gemmTileFor(10)]).toEqual([4, 4]);
    } finally {
      be.dispose();
    }
  });

  it('with a fitting tile the products are the same to the bit, on one thread and on two (the worker gets the mask)', async () => {
    const r = rng(21);
    const plain = await createWasmBackend('plain', 1, 4, 0);
    const fit = await createWasmBackend('plain', 1, 4, 1 << 5);
    const two = await createWasmBackend('plain', 2, 4, 1 << 5);
    try {
      expect([two.gemmFitMask, two.workerFitMask]).toEqual([1 << 5, 1 << 5]);
      for (const [m, k, n] of [[30, 128, 784], [10, 128, 30], [30, 784, 300], [35, 200, 64], [100, 128, 784]]) {
        for (const [ta, tb] of [[true, false], [false, false], [false, true], [true, true]]) {
          const { a, b, c0, alpha, beta } = gemmOperands(r, m!, k!, n!);
          const c1 = c0.slice(), c2 = c0.slice(), c3 = c0.slice();
          plain.gemm(a, b, c1, m!, k!, n!, ta!, tb!, alpha, beta);
          fit.gemm(a, b, c2, m!, k!, n!, ta!, tb!, alpha, beta);
          two.gemm(a, b, c3, m!, k!, n!, ta!, tb!, alpha, beta);
          expect(firstBitDifference(c2, c1), `(${m},${k},${n},${ta},${tb})`).toBe(-1);
          expect(firstBitDifference(c3, c1), `two threads (${m},${k},${n},${ta},${tb})`).toBe(-1);
        }
      }
    } finally {
      [plain, fit, two].forEach((b) => b.dispose());
    }
  });
});

for (const simd of ['plain', 'relaxed'] as const) describe(`every GEMM tile (${simd} SIMD)`, () => {
  const bes: WasmBackend[] = [];
  beforeAll(async () => {
    for (const t of GEMM_TILES) bes.push(await createWasmBackend(simd, 1, tileRows(t)));
  });
  afterAll(() => bes.forEach((b) => b.dispose()));

  it('each instance runs the tile it was given (a forced tile is not ignored)', () => {
    expect(bes.map((b) => b.gemmTileRows)).toEqual([4, 5, 6]);
    expect(bes[0]!.kernels.gemmDefaultTile()).toBe(simd === 'plain' ? 4 : 6);
    expect(bes[0]!.kernels.gemmSetTile(7)).toBe(0); // refused, and nothing changed
    expect(bes[0]!.kernels.gemmSetTile(3)).toBe(0);
    expect(bes[0]!.gemmTileRows).toBe(4);
  });

  it('gemm C = β·C + α·op(A)·op(B) on every tile: within f32 of the reference, and the tiles equal to the bit', () => {
    const rb = createReferenceBackend();
    const r = rng(14);
    let packed = 0;
    for (let i = 0; i < 600; i++) {
      // Row counts that are and are not multiples of 4, 5 and 6 (and above one 16-tile m block: 101,
      // 130); k across the short-k, dot and packed paths and over one k slice (300); all transposes.
      const m = pick(r, [1, 3, 5, 6, 7, 11, 12, 13, 17, 29, 30, 33, 60, 64, 101, 130]);
      const k = pick(r, [0, 1, 3, 7, 10, 16, 17, 31, 128, 300]);
      const n = pick(r, [1, 3, 7, 9, 17, 33, 36, 64, 100]);
      const ta = r() < 0.5;
      const tb = r() < 0.5;
      if (bes[0]!.kernels.gemmPath(m, k, n, ta ? 1 : 0, tb ? 1 : 0) === PATH_PACKED) packed++;
      const { a, b, c0, alpha, beta } = gemmOperands(r, m, k, n);
      const want = c0.slice();
      rb.gemm(a, b, want, m, k, n, ta, tb, alpha, beta);
      const label = `case ${i} (${m},${k},${n},${ta},${tb},α=${alpha},β=${beta})`;
      const got = bes.map((be) => {
        const c = c0.slice();
        be.gemm(a, b, c, m, k, n, ta, tb, alpha, beta);
        return c;
      });
      GEMM_TILES.forEach((t, j) => agree(`${label} ${t}`, got[j]!, want, Math.max(1, k)));
      for (let j = 1; j < got.length; j++) {
        const at = firstBitDifference(got[j]!, got[0]!);
        if (at >= 0) expect.fail(`${label}: ${GEMM_TILES[j]} [${at}] = ${got[j]![at]}, 4x8 ${got[0]![at]}`);
      }
    }
    expect(packed).toBeGreaterThan(150); // most cases reach the tiles
    for (const be of bes) expect(be.liveBytes()).toBe(0);
  });

  it('operands both stored along k (A m×k, B n×k) take the dot path from k = 128 at any size; a small side from k = 32', () => {
    const path = (m: number, k: number, n: number, ta: number, tb: number) => bes[0]!.kernels.gemmPath(m, k, n, ta, tb);
    // a layer's forward product W·Aᵀ: 784-100-10 predict and b128 training, a narrow C with many rows, large squares
    for (const [m, k, n] of [[100, 784, 256], [100, 784, 128], [128, 784, 30], [256, 784, 10], [256, 1024, 1024], [1024, 1024, 1024], [40, 128, 128]]) {
      expect(path(m!, k!, n!, 0, 1), `(${m},${k},${n}) A·Bᵀ`).toBe(PATH_DOT);
    }
    expect(path(100, 127, 256, 0, 1)).toBe(PATH_PACKED); // shorter k: packing repays (100,32,256: 52.5 vs 44.6 GFLOP/s)
    expect(path(31, 32, 256, 0, 1)).toBe(PATH_DOT); // a small side from k = 32, as before
    expect(path(31, 31, 256, 0, 1)).toBe(PATH_PACKED);
    // other layouts keep their rules: a transposed operand that is not small packs
    expect(path(100, 784, 256, 1, 1)).toBe(PATH_PACKED);
    expect(path(100, 784, 256, 0, 0)).toBe(PATH_PACKED);
  });

  it('training is the same to the bit on every tile (batches of 64: the forward and gradients take the packed path)', async () => {
    const params: Float32Array[] = [];
    const r = rng(3);
    const count = 192;
    const inputs = Float32Array.from({ length: count * 20 }, () => r());
    // The products of a 20-30-10 network's batch of 64 (assembly/network.ts): forward Zᵀ = W·Aᵀ, δ·W,
    // and the weight gradients δᵀ·A, all on the packed path.
    for (const [m, k, n, ta, tb] of [[30, 20, 64, 0, 1], [10, 30, 64, 0, 1], [64, 10, 30, 0, 0], [30, 64, 20, 1, 0], [10, 64, 30, 1, 0]]) {
      expect(bes[0]!.kernels.gemmPath(m!, k!, n!, ta!, tb!), `(${m},${k},${n},${ta},${tb})`).toBe(PATH_PACKED);
    }
    const labels = Uint8Array.from({ length: count }, (_, i) => (i * 7) % 10);
    for (const gemm of GEMM_TILES) {
      const x = await createXent({ simd, gemm });
      const net = x.network([20, 30, 10], { seed: 5 });
      await net.train({ inputs, labels, count, inputSize: 20 }, { epochs: 2, batchSize: 64, eta: 0.5, lambda: 1, momentum: 0.5 });
      params.push(Float32Array.from(net.parameters()));
      x.dispose();
    }
    for (let j = 1; j < params.length; j++) expect(firstBitDifference(params[j]!, params[0]!), GEMM_TILES[j]).toBe(-1);
  });

  it('with threads: 2 the worker runs the same tile, and products equal one thread\'s to the bit', async () => {
    const r = rng(8);
    for (const t of GEMM_TILES) {
      const two = await createWasmBackend(simd, 2, tileRows(t));
      try {
        expect([two.gemmTileRows, two.workerTileRows]).toEqual([tileRows(t), tileRows(t)]);
        for (let i = 0; i < 20; i++) {
          const [m, k, n] = [pick(r, [61, 100, 130, 256]), pick(r, [128, 300, 784]), pick(r, [64, 100, 257])];
          const ta = r() < 0.5, tb = r() < 0.5;
          const { a, b, c0, alpha, beta } = gemmOperands(r, m, k, n);
          const c1 = c0.slice(), c2 = c0.slice();
          two.gemm(a, b, c1, m, k, n, ta, tb, alpha, beta);
          bes[0]!.gemm(a, b, c2, m, k, n, ta, tb, alpha, beta); // one thread, 4×8
          expect(firstBitDifference(c1, c2), `${t} (${m},${k},${n},${ta},${tb})`).toBe(-1);
        }
      } finally {
        two.dispose();
      }
    }
  });
});
