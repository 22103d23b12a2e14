// `xent export` and loadModelFile (src/cli/export.ts), called as src/cli/main.ts will call them.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { createXent } from '../src/index.js';
import { UsageError } from '../src/cli/args.js';
import { exportCommand, loadModelFile } from '../src/cli/export.js';

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

async function rejects(p: Promise<unknown>, type: new (...a: never[]) => Error, re: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e, 'expected a rejection').toBeInstanceOf(type);
  expect((e as Error).message).toMatch(re);
}

describe('xent export', () => {
  it('converts network2.py JSON to ONNX and safetensors; each reads back (by extension) to the same bits', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xent-export-'));
    const xent = await createXent();
    const net = xent.network([6, 5, 3], { cost: 'log-likelihood', hidden: 'relu', seed: 2 });
    const model = path.join(dir, 'model.json');
    writeFileSync(model, JSON.stringify(net.toJSON()));
    const lines: string[] = [];
    const onnx = path.join(dir, 'out.onnx');
    const st = path.join(dir, 'out.safetensors');
    await exportCommand([model, '--onnx', onnx, '--safetensors', st, '--opset', '13'], { write: (t) => lines.push(t) });
    expect(lines.join('')).toMatch(/^wrote .*out\.onnx \(ONNX, opset 13, \d+ bytes\)\nwrote .*out\.safetensors \(safetensors, \d+ bytes\)\n$/);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'out.onnx', 'out.safetensors']); // no temporary file left
    for (const file of [model, onnx, st]) {
      const back = await loadModelFile(xent, file);
      expect(bits(back.parameters()), file).toEqual(bits(net.parameters()));
      expect([back.hidden, back.output, back.cost]).toEqual(['relu', 'softmax', 'log-likelihood']);
    }
    // ONNX Runtime runs the written file.
    const session = await ort.InferenceSession.create(readFileSync(onnx), { executionProviders: ['wasm'] });
    const x = Float32Array.from({ length: 12 }, (_, i) => i / 12);
    const got = (await session.run({ input: new ort.Tensor('float32', x, [2, 6]) })).output!.data as Float32Array;
    const want = net.predict({ data: x, shape: [2, 6] }).data;
    want.forEach((v, i) => expect(Math.abs(v - got[i]!)).toBeLessThan(1e-6));
    // ONNX → safetensors works too (any model format in).
    const st2 = path.join(dir, 'again.safetensors');
    await exportCommand([onnx, '--safetensors', st2], { write: () => undefined });
    expect(readFileSync(st2).equals(readFileSync(st))).toBe(true);
  });

  it('usage errors name the problem', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xent-export-'));
    const xent = await createXent({ backend: 'reference' });
    const model = path.join(dir, 'm.json');
    writeFileSync(model, JSON.stringify(xent.network([2, 2]).toJSON()));
    const quiet = { write: () => undefined };
    await rejects(exportCommand([model], quiet), UsageError, /^export needs --onnx OUT\.onnx or --safetensors OUT\.safetensors$/);
    await rejects(exportCommand([], quiet), UsageError, /^export needs exactly one MODEL argument/);
    await rejects(exportCommand([model, '--onnx', path.join(dir, 'x.bin')], quiet), UsageError, /the file name must end in \.onnx/);
    await rejects(exportCommand([model, '--onnx', path.join(dir, 'x.onnx'), '--opset', '9'], quiet), UsageError, /^--opset must be ≥ 13, got 9$/);
    await rejects(exportCommand([model, '--safetensors', path.join(dir, 'x.safetensors'), '--opset', '13'], quiet), UsageError, /^--opset applies to --onnx only$/);
    await rejects(exportCommand([model, '--pt', 'x'], quiet), UsageError, /^unknown flag --pt/);
    await rejects(loadModelFile(xent, path.join(dir, 'm.pt')), UsageError, /m\.pt: a model file must end in \.json, \.onnx, \.safetensors$/);
    await rejects(loadModelFile(xent, path.join(dir, 'missing.onnx')), UsageError, /^cannot read .*missing\.onnx \(ENOENT\)$/);
    writeFileSync(path.join(dir, 'bad.safetensors'), 'not a model');
    await rejects(loadModelFile(xent, path.join(dir, 'bad.safetensors')), RangeError, /bad\.safetensors: fromSafetensors: header length \d+ runs past the end/);
    expect(readdirSync(dir).sort()).toEqual(['bad.safetensors', 'm.json']); // nothing written by the failed exports
  });
});
