// The checks a user can run: net.gradientCheck (backprop against float64 central differences) and the
// crossCheck backend (every WASM kernel call repeated on the reference). Each must catch a wrong
// gradient, injected here through a reference backend whose training kernel is deliberately off.
import { describe, expect, it } from 'vitest';
import type { Backend, DeviceArray, HostArray } from '../src/backend/backend.js';
import { COST_QUADRATIC, DESC_COST, STATE_HEADER_BYTES } from '../src/backend/contract.js';
import { crossCheckBackend } from '../src/backend/crosscheck.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend } from '../src/backend/wasm.js';
import type { Dataset } from '../src/data/dataset.js';
import { createXent, xentOn } from '../src/xent.js';
import { mulberry32 } from './helpers.js';

function data(inputs: number, outputs: number, count: number, seed = 7): Dataset {
  const u = mulberry32(seed);
  return {
    inputs: Float32Array.from({ length: count * inputs }, () => u()),
    labels: Uint8Array.from({ length: count }, () => Math.floor(u() * outputs)),
    count,
    inputSize: inputs,
  };
}

/**
 * A reference backend whose training kernel changes the parameters and the optimiser state (where the
 * gradient kernel sums ∇C) `factor` times as much as it should: the gradient it applies is factor·∇C
 * (the kind of bug a wrong constant in backprop makes).
 */
function scaledGradient(factor: number): Backend {
  const ref = createReferenceBackend();
  const scale = (a: DeviceArray, before: HostArray, from: number) => {
    const after = a.read();
    a.write(Float32Array.from(after.subarray(from), (v, i) => before[from + i]! + factor * (v - before[from + i]!)), from);
  };
  return {
    ...ref,
    networkTrain(arrays, ...rest) {
      const params = arrays.params.read();
      const state = arrays.state.read();
      const result = ref.networkTrain(arrays, ...rest);
      scale(arrays.params, params, 0);
      scale(arrays.state, state, STATE_HEADER_BYTES / 4); // the header holds the step count
      return result;
    },
  };
}

/** A reference backend whose training kernel backpropagates the quadratic cost whatever the network's cost. */
function wrongCost(): Backend {
  const ref = createReferenceBackend();
  return {
    ...ref,
    networkTrain(arrays, ...rest) {
      const desc = ref.alloc('i32', arrays.desc.length);
      const layout = arrays.desc.read();
      layout[DESC_COST] = COST_QUADRATIC;
      desc.write(layout);
      return ref.networkTrain({ ...arrays, desc }, ...rest);
    },
  };
}

describe('net.gradientCheck', () => {
  for (const backend of ['reference', 'wasm'] as const) {
    it(`backprop matches float64 central differences for every output, cost and hidden unit (${backend})`, async () => {
      const xent = await createXent({ backend });
      const layers = [['sigmoid', 'cross-entropy'], ['sigmoid', 'quadratic'], ['softmax', 'log-likelihood'], ['tanh', 'cross-entropy'], ['tanh', 'quadratic']] as const;
      for (const [output, cost] of layers) {
        for (const hidden of ['sigmoid', 'tanh', 'relu'] as const) {
          const net = xent.network([9, 7, 6, 4], { output, cost, hidden, seed: 3 });
          const g = net.gradientCheck(data(9, 4, 12), { samples: 80 });
          expect(g.checked).toBe(80);
          expect(g.maxRelError, `${output} ${cost} ${hidden}`).toBeLessThan(1e-3);
          expect(Math.abs(g.worst.backprop - g.worst.numeric) / Math.max(Math.abs(g.worst.numeric), 1e-6)).toBeCloseTo(g.worst.relError, 6);
          net.dispose();
        }
      }
    });
  }

  it('locates the worst parameter (layer, weight or bias, row, column) and checks every parameter when asked', async () => {
    const xent = await createXent({ backend: 'reference' });
    const net = xent.network([3, 2, 2], { seed: 1 });
    const g = net.gradientCheck(data(3, 2, 5), { samples: 1000 });
    expect(g.checked).toBe(3 * 2 + 2 + 2 * 2 + 2);
    const { index, layer, kind, row, col } = g.worst;
    const expected = index < 6 ? { layer: 1, kind: 'weight', row: Math.floor(index / 3), col: index % 3 }
      : index < 8 ? { layer: 1, kind: 'bias', row: index - 6, col: 0 }
        : index < 12 ? { layer: 2, kind: 'weight', row: Math.floor((index - 8) / 2), col: (index - 8) % 2 }
          : { layer: 2, kind: 'bias', row: index - 12, col: 0 };
    expect({ layer, kind, row, col }).toEqual(expected);
    expect(() => net.gradientCheck(data(3, 2, 5), { samples: 0 })).toThrow(/^gradientCheck: samples must be ≥ 1/);
    expect(() => net.gradientCheck(data(4, 2, 5))).toThrow(RangeError);
  });

  it('fails on a gradient 1% too large and on the wrong cost\'s gradient (injected through the reference backend)', () => {
    for (const [be, least] of [[scaledGradient(1.01), 0.009], [wrongCost(), 0.1]] as const) {
      const net = xentOn(be).network([9, 7, 4], { seed: 3 });
      const g = net.gradientCheck(data(9, 4, 12), { samples: 80 });
      expect(g.maxRelError).toBeGreaterThan(least);
    }
  });
});

describe('createXent({ crossCheck: true })', () => {
  it('trains, predicts and measures as the plain WASM backend does', async () => {
    const checked = await createXent({ crossCheck: true, simd: 'plain' });
    const plain = await createXent({ simd: 'plain' });
    const d = data(20, 5, 64);
    const run = async (x: typeof plain) => {
      const net = x.network([20, 10, 5], { cost: 'log-likelihood', seed: 2 });
      const h = await net.train(d, { epochs: 3, batchSize: 8, eta: 0.3, lambda: 0.5, momentum: 0.5, dropout: 0.2, evaluationData: d });
      return { params: net.parameters(), cost: h.evaluationCost };
    };
    const a = await run(checked);
    const b = await run(plain);
    expect(Array.from(a.params)).toEqual(Array.from(b.params)); // the primary's results are the results
    expect(a.cost).toEqual(b.cost);
    await expect(createXent({ crossCheck: 'yes' as unknown as boolean })).rejects.toThrow(/^createXent: crossCheck must be a boolean/);
    await expect(createXent({ backend: 'reference', crossCheck: true })).rejects.toThrow(/^createXent: crossCheck .* needs backend 'wasm'/);
  });

  it('throws a RangeError naming the operation when the reference\'s gradient is off by 1%', async () => {
    for (const [ref, op] of [[scaledGradient(1.01), 'networkTrain'], [wrongCost(), 'networkTrain']] as const) {
      const xent = xentOn(crossCheckBackend(await createWasmBackend('plain'), ref));
      const net = xent.network([20, 10, 5], { seed: 2 });
      await expect(net.train(data(20, 5, 64), { epochs: 1, batchSize: 8, eta: 0.3 })).rejects.toThrow(
        new RegExp(`^crossCheck: ${op} differs from the reference backend in argument 1\\.params \\(f32\\[\\d+\\]\\)`));
    }
  });

  it('catches a loss kernel that is off, and counts every checked call', async () => {
    const ref = createReferenceBackend();
    const off: Backend = { ...ref, bceLogits: (z, y, w, pw, out, ...rest) => (ref.bceLogits(z, y, w, pw, out, ...rest), out?.forEach((v, i) => (out[i] = v * 1.01))) };
    const calls: string[] = [];
    const good = xentOn(crossCheckBackend(await createWasmBackend('plain'), createReferenceBackend(), { onCall: (op) => calls.push(op) }));
    const bad = xentOn(crossCheckBackend(await createWasmBackend('plain'), off));
    const d = data(20, 5, 16);
    expect(good.network([20, 5]).totalCost(d)).toBeGreaterThan(0);
    expect(calls).toEqual(expect.arrayContaining(['alloc', 'networkWork', 'networkForward', 'bceLogits']));
    expect(() => bad.network([20, 5]).totalCost(d)).toThrow(/^crossCheck: bceLogits differs from the reference backend in argument 5/);
  });
});
