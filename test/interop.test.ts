// Models that leave xent: ONNX checked by a real engine (onnxruntime-web, its WASM backend, in Node) on
// 1,000 MNIST test images, safetensors and ONNX round trips to the bit, files written by PyTorch's own
// exporter (test/fixtures/torch-*, made by scripts/torch-interop.py), and corrupt files refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { createXent, type Network, type NetworkOptions, type Xent } from '../src/index.js';
import { loadMnist, type Mnist } from '../src/data/mnist.js';
import { backends, expectBadInput } from './helpers.js';

ort.env.wasm.numThreads = 1;
const N = 1000;
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url)));
const torchOut = JSON.parse(readFileSync(new URL('./fixtures/torch-outputs.json', import.meta.url), 'utf8')) as Record<string, number[][]>;

/** ONNX Runtime's outputs for a model on n×cols float32 inputs. */
async function runOrt(bytes: Uint8Array, x: Float32Array, n: number, cols: number): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    expect(session.inputNames).toEqual(['input']);
    expect(session.outputNames).toEqual(['output']);
    const out = (await session.run({ input: new ort.Tensor('float32', x, [n, cols]) })).output!;
    return { data: out.data as Float32Array, dims: out.dims };
  } finally {
    await session.release();
  }
}

function argmax(a: Float32Array, row: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (a[row * K + k]! > a[row * K + best]!) best = k;
  return best;
}

/** Bit patterns, so that −0 vs 0 or a changed NaN payload would show. */
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

const configs: [string, NetworkOptions][] = [
  ['sigmoid / cross-entropy', { cost: 'cross-entropy', seed: 3 }],
  ['relu hidden / softmax log-likelihood', { cost: 'log-likelihood', hidden: 'relu', seed: 4 }],
  ['tanh hidden / sigmoid quadratic', { cost: 'quadratic', hidden: 'tanh', seed: 5 }],
  ['tanh output / tanh cross-entropy', { cost: 'cross-entropy', output: 'tanh', hidden: 'relu', seed: 6 }],
];

let mnist: Mnist;
beforeAll(async () => {
  mnist = await loadMnist({ trainingSize: 2000 });
});

for (const backend of backends) {
  describe(`interop (${backend})`, () => {
    let xent: Xent;
    const nets: Network[] = [];
    beforeAll(async () => {
      xent = await createXent({ backend });
      for (const [, o] of configs) {
        const net = xent.network([784, 24, 10], o);
        await net.train(mnist.training, { epochs: 1, batchSize: 10, eta: o.cost === 'quadratic' ? 3 : o.output === 'tanh' ? 0.02 : 0.5, seed: 1 });
        nets.push(net);
      }
    });

    configs.forEach(([name], i) => {
      it(`ONNX Runtime runs the exported ${name} network on ${N} MNIST images: outputs within 1e-5 of predict, same argmax`, async () => {
        const net = nets[i]!;
        const x = mnist.test.inputs.subarray(0, N * 784) as Float32Array;
        const want = net.predict({ data: x, shape: [N, 784] }).data;
        const got = await runOrt(net.toONNX(), x, N, 784);
        expect(got.dims).toEqual([N, 10]);
        let worst = 0;
        let sameArgmax = 0;
        for (let r = 0; r < N; r++) {
          for (let k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(got.data[r * 10 + k]! - want[r * 10 + k]!));
          if (argmax(got.data, r, 10) === argmax(want, r, 10)) sameArgmax++;
        }
        expect(worst).toBeLessThan(1e-5);
        expect(sameArgmax).toBe(N);
        expect(net.accuracy(mnist.test)).toBeGreaterThan(0.5); // trained, so the argmax check means something
      });

      it(`${name}: xent → ONNX → xent and → safetensors → xent give the parameters and outputs back to the bit`, () => {
        const net = nets[i]!;
        const x = mnist.test.inputs.subarray(0, 50 * 784) as Float32Array;
        const want = bits(net.predict({ data: x, shape: [50, 784] }).data);
        for (const back of [xent.fromONNX(net.toONNX()), xent.fromSafetensors(net.toSafetensors())]) {
          expect(bits(back.parameters())).toEqual(bits(net.parameters()));
          expect([back.sizes, back.hidden, back.output, back.cost]).toEqual([net.sizes, net.hidden, net.output, net.cost]);
          expect(bits(back.predict({ data: x, shape: [50, 784] }).data)).toEqual(want);
          back.dispose();
        }
      });
    });

    it('a file written on one backend loads on the other', async () => {
      const other = await createXent({ backend: backend === 'wasm' ? 'reference' : 'wasm' });
      const net = nets[0]!;
      expect(bits(other.fromONNX(net.toONNX()).parameters())).toEqual(bits(net.parameters()));
      expect(bits(other.fromSafetensors(net.toSafetensors()).parameters())).toEqual(bits(net.parameters()));
      other.dispose();
    });

    it('opset 13 and 21 (IR 7 and 10) run in ONNX Runtime too; producerName is written', async () => {
      const net = nets[1]!;
      const x = mnist.test.inputs.subarray(0, 10 * 784) as Float32Array;
      const want = net.predict({ data: x, shape: [10, 784] }).data;
      for (const opset of [13, 21]) {
        const got = await runOrt(net.toONNX({ opset, producerName: 'my-app' }), x, 10, 784);
        for (let j = 0; j < want.length; j++) expect(Math.abs(got.data[j]! - want[j]!)).toBeLessThan(1e-5);
      }
      expect(Buffer.from(net.toONNX({ producerName: 'my-app' })).includes('my-app')).toBe(true);
      const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
      expect(Buffer.from(net.toONNX()).includes(`\x1a${String.fromCharCode(version.length)}${version}`)).toBe(true); // producer_version (field 3) follows package.json
      expectBadInput(() => net.toONNX({ opset: 12 }), /^toONNX: opset must be ≥ 13/);
      expectBadInput(() => net.toONNX({ opset: 22 }), /^toONNX: opset must be ≤ 21/);
      expectBadInput(() => net.toONNX({ producer: 'x' } as never), /^toONNX: unknown option "producer"/);
    });

    it("reads PyTorch's exporter: Gemm (transB=1) + Tanh + Softmax, and MatMul + Add + Relu + Sigmoid", () => {
      const inputs = torchOut.inputs!;
      const gemm = xent.fromONNX(fixture('torch-gemm.onnx'));
      expect([gemm.sizes, gemm.hidden, gemm.output, gemm.cost]).toEqual([[5, 4, 3], 'tanh', 'softmax', 'log-likelihood']);
      expectNear(gemm.predict(inputs), torchOut['torch-gemm']!, 1e-6);
      const mm = xent.fromONNX(fixture('torch-matmul.onnx').buffer as ArrayBuffer);
      expect([mm.sizes, mm.hidden, mm.output, mm.cost]).toEqual([[5, 4, 3], 'relu', 'sigmoid', 'cross-entropy']);
      expectNear(mm.predict(inputs), torchOut['torch-matmul']!, 1e-6);
    });

    it("reads PyTorch's state dict as safetensors, the architecture from options", () => {
      const bytes = fixture('torch-gemm.safetensors');
      const net = xent.fromSafetensors(bytes, { hidden: 'tanh', output: 'softmax' });
      expect([net.sizes, net.cost]).toEqual([[5, 4, 3], 'log-likelihood']);
      expectNear(net.predict(torchOut.inputs!), torchOut['torch-gemm']!, 1e-6);
      const plain = xent.fromSafetensors(bytes); // no xent metadata: xent.network's defaults
      expect([plain.hidden, plain.output, plain.cost]).toEqual(['sigmoid', 'sigmoid', 'cross-entropy']);
      expectBadInput(() => xent.fromSafetensors(bytes, { sizes: [5, 3, 3] }), /^fromSafetensors: sizes is \[5,3,3\] but the tensors' shapes give \[5,4,3\]/);
      expectBadInput(() => xent.fromSafetensors(bytes, { hidden: 'gelu' as never }), /^fromSafetensors: hidden must be one of/);
    });

    it('corrupt ONNX files throw RangeErrors naming the field', () => {
      const good = nets[0]!.toONNX();
      expectBadInput(() => xent.fromONNX(good.subarray(0, good.length - 7)), /^fromONNX: model.* is truncated/);
      expectBadInput(() => xent.fromONNX(new Uint8Array([0x08])), /^fromONNX: model field 1 is truncated/);
      expectBadInput(() => xent.fromONNX(new TextEncoder().encode('{"sizes": [1, 2]}')), /^fromONNX: model/);
      const swapped = Buffer.from(good);
      const opType = Buffer.from([0x22, 7, ...Buffer.from('Sigmoid')]); // NodeProto.op_type (field 4, 7 bytes)
      swapped.set(Buffer.from('Sigmoie'), swapped.indexOf(opType) + 2); // the first hidden activation
      expectBadInput(() => xent.fromONNX(swapped), /^fromONNX: model\.graph\.node\[1\] \(Sigmoie "Sigmoid_1"\): operator Sigmoie is not supported/);
      const raw = Buffer.from(good);
      raw.set(Buffer.from('1.weighX'), raw.indexOf('0.weight')); // the Gemm's weight name no longer matches an initializer
      expectBadInput(() => xent.fromONNX(raw), /^fromONNX: model\.graph\.node\[0\] \(Gemm "Gemm_0"\) input 1 \("1\.weighX"\) must be an initializer/);
      expectBadInput(() => xent.fromONNX('model.onnx' as never), /^fromONNX: bytes must be a Uint8Array or ArrayBuffer/);
    });

    it('corrupt safetensors files throw RangeErrors naming the field', () => {
      const good = nets[0]!.toSafetensors();
      const n = Number(new DataView(good.buffer).getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(good.subarray(8, 8 + n))) as Record<string, Record<string, unknown>>;
      const withHeader = (h: unknown, data = good.subarray(8 + n)) => {
        const json = new TextEncoder().encode(JSON.stringify(h));
        const out = new Uint8Array(8 + json.length + data.length);
        new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
        out.set(json, 8);
        out.set(data, 8 + json.length);
        return out;
      };
      expect(bits(xent.fromSafetensors(withHeader(header)).parameters())).toEqual(bits(nets[0]!.parameters())); // the helper itself is sound
      expectBadInput(() => xent.fromSafetensors(good.subarray(0, 5)), /^fromSafetensors: the file has 5 bytes/);
      expectBadInput(() => xent.fromSafetensors(good.subarray(0, 8 + n - 1)), /^fromSafetensors: header length \d+ runs past the end of the file/);
      expectBadInput(() => xent.fromSafetensors(good.subarray(0, good.length - 4)), /^fromSafetensors: tensor "2\.bias" data_offsets end \d+ runs past the data/);
      expectBadInput(() => xent.fromSafetensors(withHeader({ ...header, '0.bias': { ...header['0.bias'], dtype: 'F16' } })), /^fromSafetensors: tensor "0\.bias" dtype must be "F32", got "F16"/);
      expectBadInput(() => xent.fromSafetensors(withHeader({ ...header, '0.weight': { ...header['0.weight'], shape: [24, 783] } })), /^fromSafetensors: tensor "0\.weight" data_offsets \[0, \d+\] hold \d+ bytes but shape \[24,783\] F32 needs/);
      expectBadInput(() => xent.fromSafetensors(withHeader({ ...header, 'fc.scale': header['0.bias'] })), /^fromSafetensors: tensor "fc\.scale" is not a Linear layer/);
      expectBadInput(() => xent.fromSafetensors(withHeader({ ...header, __metadata__: { 'xent.sizes': '784,25,10' } })), /^fromSafetensors: __metadata__ "xent\.sizes" is \[784,25,10\] but the tensors' shapes give \[784,24,10\]/);
      expectBadInput(() => xent.fromSafetensors(withHeader({ ...header, __metadata__: { 'xent.hidden': 'swish' } })), /^fromSafetensors: __metadata__ "xent\.hidden" must be one of/);
      const notJson = Uint8Array.from(good);
      notJson[8] = 0x5b; // '[' instead of '{': the header is no longer an object (nor valid JSON)
      expectBadInput(() => xent.fromSafetensors(notJson), /^fromSafetensors: header is not valid UTF-8 JSON/);
      expectBadInput(() => xent.fromSafetensors([1, 2, 3] as never), /^fromSafetensors: bytes must be a Uint8Array or ArrayBuffer/);
      expectBadInput(() => xent.fromSafetensors(good, { layers: 2 } as never), /^fromSafetensors: unknown option "layers"/);
    });

    it('a non-finite weight in a file is refused, naming the layer', () => {
      const net = xent.network([3, 2, 2], { seed: 1 });
      const bytes = net.toSafetensors();
      const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
      new DataView(bytes.buffer).setFloat32(8 + n + 4, NaN, true);
      expectBadInput(() => xent.fromSafetensors(bytes), /^fromSafetensors: tensor "0\.weight" has a weight that is not finite/);
    });
  });
}

function expectNear(got: unknown, want: number[][], tol: number): void {
  const g = got as number[][];
  expect(g.length).toBe(want.length);
  g.forEach((row, r) => row.forEach((v, k) => expect(Math.abs(v - want[r]![k]!), `[${r}][${k}]`).toBeLessThan(tol)));
}
