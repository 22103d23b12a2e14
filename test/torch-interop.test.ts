// Optional: the same files in PyTorch and the onnx package (Debian's python3-torch and python3-onnx, which
// .ci/run installs when apt can). Without them these tests are reported as skipped, with the reason in
// their names — never passed silently.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createXent, type Network, type Xent } from '../src/index.js';

const PY = '/usr/bin/python3';
const SCRIPT = new URL('../scripts/torch-interop.py', import.meta.url).pathname;
const probe = spawnSync(PY, ['-c', 'import torch, onnx; print(torch.__version__, onnx.__version__)'], { encoding: 'utf8' });
const versions = probe.status === 0 ? probe.stdout.trim() : '';
const why = versions ? `torch, onnx ${versions}` : `skipped: ${PY} cannot import torch and onnx (apt-get install python3-torch python3-onnx)`;

function py(...args: string[]): string {
  const r = spawnSync(PY, [SCRIPT, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`torch-interop.py ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}

describe(`PyTorch and onnx (${why})`, () => {
  let xent: Xent;
  let net: Network;
  let dir: string;
  const inputs = Array.from({ length: 7 }, (_, r) => Array.from({ length: 12 }, (_, k) => ((r * 12 + k) % 10) / 9));
  beforeAll(async () => {
    xent = await createXent();
    net = xent.network([12, 8, 5], { cost: 'log-likelihood', hidden: 'tanh', seed: 9 });
    dir = mkdtempSync(path.join(tmpdir(), 'xent-torch-'));
  });

  it.skipIf(!versions)('PyTorch loads the safetensors file into an nn.Sequential (load_state_dict strict) and computes the same outputs', () => {
    writeFileSync(path.join(dir, 'net.safetensors'), net.toSafetensors());
    writeFileSync(path.join(dir, 'inputs.json'), JSON.stringify(inputs));
    const torchOut = JSON.parse(py('load', path.join(dir, 'net.safetensors'), path.join(dir, 'inputs.json'))) as number[][];
    const ours = net.predict(inputs);
    torchOut.forEach((row, r) => row.forEach((v, k) => expect(Math.abs(v - ours[r]![k]!)).toBeLessThan(1e-6)));
  });

  it.skipIf(!versions)("onnx.checker (full check) accepts the exported model at opsets 13 and 17, with the stated header", () => {
    for (const [opset, ir] of [[13, 7], [17, 8]] as const) {
      const file = path.join(dir, `net-${opset}.onnx`);
      writeFileSync(file, net.toONNX({ opset, producerName: 'xent-test' }));
      const info = JSON.parse(py('check', file));
      expect(info).toMatchObject({
        ir_version: ir, opset: [opset], producer: 'xent-test',
        input: [['input', ['N', 12]]], output: [['output', ['N', 5]]], ops: ['Gemm', 'Tanh', 'Gemm', 'Softmax'],
        metadata: { 'xent.sizes': '12,8,5', 'xent.hidden': 'tanh', 'xent.output': 'softmax', 'xent.cost': 'log-likelihood' },
      });
    }
  });

  it.skipIf(!versions)("models freshly exported by torch.onnx.export load and match PyTorch's outputs", () => {
    py('export', dir);
    const out = JSON.parse(readFileSync(path.join(dir, 'torch-outputs.json'), 'utf8')) as Record<string, number[][]>;
    for (const name of ['torch-gemm', 'torch-matmul']) {
      const got = xent.fromONNX(readFileSync(path.join(dir, `${name}.onnx`))).predict(out.inputs!);
      out[name]!.forEach((row, r) => row.forEach((v, k) => expect(Math.abs(v - got[r]![k]!)).toBeLessThan(1e-6)));
    }
  });
});
