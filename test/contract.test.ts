// The TypeScript ↔ AssemblyScript contract of the network kernels (src/backend/contract.ts): the
// compiled WASM must read every field of the training-configuration record where TypeScript writes it,
// with the same type, and report the same optimiser-state sizes as the reference twin.
import { describe, expect, it } from 'vitest';
import type { TrainConfig } from '../src/backend/backend.js';
import { CONFIG_BYTES, CONFIG_LAYOUT, encodeConfig, type ConfigRecord } from '../src/backend/config.js';
import * as C from '../src/backend/contract.js';
import { createReferenceBackend } from '../src/backend/reference/index.js';
import { createWasmBackend } from '../src/backend/wasm.js';

describe('the network kernels’ contract', () => {
  it('declares each code once per group and a record whose fields do not overlap', () => {
    const groups = [
      [C.ACT_SIGMOID, C.ACT_TANH, C.ACT_RELU, C.ACT_SOFTMAX],
      [C.COST_CROSS_ENTROPY, C.COST_QUADRATIC, C.COST_LOG_LIKELIHOOD],
      [C.OPT_SGD, C.OPT_NESTEROV, C.OPT_ADAM, C.OPT_GRADIENT],
      [C.REG_NONE, C.REG_L2, C.REG_L1],
    ];
    for (const g of groups) expect(new Set(g).size).toBe(g.length);
    const size = { f32: 4, i32: 4, f64: 8 } as const;
    let end = 0;
    for (const [name, at, type] of CONFIG_LAYOUT) {
      expect(at, name).toBeGreaterThanOrEqual(end);
      expect(at % size[type], `${name} is aligned`).toBe(0);
      end = at + size[type];
    }
    expect(end).toBeLessThanOrEqual(CONFIG_BYTES);
  });

  for (const flavor of ['plain', 'relaxed'] as const) {
    it(`the ${flavor} WASM build reads every field TypeScript writes (configEcho)`, async () => {
      const be = await createWasmBackend(flavor);
      const record = {} as Record<keyof ConfigRecord, number>;
      CONFIG_LAYOUT.forEach(([name, , type], i) => {
        record[name] = type === 'f64' ? 0.1 + i : type === 'f32' ? 0.5 + i : 1000 + i;
      });
      const out = be.heap.alloc(8 * CONFIG_LAYOUT.length);
      be.withConfig(record as ConfigRecord, record as ConfigRecord, (cfg) => be.kernels.configEcho(cfg, out));
      const echoed = Array.from(new Float64Array(be.kernels.memory.buffer, out, CONFIG_LAYOUT.length));
      expect(echoed).toEqual(CONFIG_LAYOUT.map(([name]) => record[name]));
      // The encoder writes little-endian at the declared offsets.
      const buf = new ArrayBuffer(CONFIG_BYTES);
      encodeConfig(record as ConfigRecord, record as ConfigRecord, buf, 0);
      expect(new DataView(buf).getFloat64(C.CFG_BETA2, true)).toBe(record.beta2);
      expect(new DataView(buf).getInt32(C.CFG_BATCH, true)).toBe(record.batchSize);
      be.dispose();
    });
  }

  it('both backends size the optimiser state alike: a header, then 0, 1 or 2 arrays of one float per parameter', async () => {
    const wasm = await createWasmBackend('plain');
    const ref = createReferenceBackend();
    for (const sizes of [[3, 2], [7, 5, 3], [17, 1, 4, 2]]) {
      const P = sizes.slice(1).reduce((n, s, l) => n + s * sizes[l]! + s, 0);
      const desc = [sizes.length - 1, 0, 0, 0, ...sizes];
      for (const [optimizer, momentum, arrays] of [[C.OPT_SGD, 0, 0], [C.OPT_SGD, 0.9, 1], [C.OPT_NESTEROV, 0.9, 1], [C.OPT_ADAM, 0, 2], [C.OPT_GRADIENT, 0, 1]]) {
        const config = { optimizer, momentum } as TrainConfig;
        const bytes = C.STATE_HEADER_BYTES + arrays! * P * 4;
        for (const be of [wasm, ref]) {
          const d = be.alloc('i32', desc.length);
          d.write(desc);
          expect(be.optimizerStateBytes(d, config), `${be.name} ${sizes} ${optimizer}`).toBe(bytes);
          d.free();
        }
      }
    }
    wasm.dispose();
  });
});
