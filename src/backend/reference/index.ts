// The reference backend: every kernel in plain TypeScript. It is the oracle the WASM backend is tested
// against, so it favours the obvious loop over the fast one.
import type { Backend, DeviceArray, DeviceType } from '../backend.js';
import { sigmoid, softmax } from './activations.js';
import { exactBytes } from '../../data/dataset.js';
import { RefArray, host } from './device.js';
import { crossRows, entropyRows } from './info.js';
import { bceLogits, bceProb, cce, quadratic } from './losses.js';
import { gemmF32, matmulF32 } from './matmul.js';
import { networkForward, networkTrain, networkWork, parameterCount, type ReferenceWork } from './network.js';
import { optimizerStateBytes } from './optimizers.js';

/** Work memory of the reference network kernels (an object of buffers, not one array). */
class RefWork extends RefArray {
  constructor(readonly work: ReferenceWork) {
    super('f32', 0);
  }
}

function work(a: DeviceArray): ReferenceWork {
  if (!(a instanceof RefWork)) throw new TypeError('reference backend: not a network work buffer');
  return a.work;
}

const opt = <T extends Float32Array | Uint8Array>(a: DeviceArray | null) => (a ? host<T>(a) : null);
const inputsOf = (a: DeviceArray) => host<Float32Array | Uint8Array>(a);

/** Creates the pure-TypeScript backend. */
export function createReferenceBackend(): Backend {
  let disposed = false;
  const upload = (type: DeviceType, src: ArrayLike<number>): DeviceArray => {
    const a = new RefArray(type, src.length);
    a.write(src);
    return a;
  };
  return {
    name: 'reference',
    get disposed() {
      return disposed;
    },
    sigmoid,
    softmax,
    bceProb,
    bceLogits,
    cce,
    quadratic,
    entropyRows,
    crossRows,
    matmul: matmulF32,
    gemm: gemmF32,
    alloc: (type, length) => new RefArray(type, length),
    upload,
    uploadExactBytes: (x) => {
      const bytes = exactBytes(x);
      return bytes && upload('u8', bytes);
    },
    networkWork: (desc, cap) => new RefWork(networkWork(host(desc), cap)),
    networkForward: (desc, params, w, cap, inputs, count, outZ) => {
      networkForward(host(desc), host(params), work(w), cap, inputsOf(inputs), count, host(outZ), false);
    },
    networkForwardHost: (desc, params, w, cap, inputs, count, outZ) =>
      networkForward(host(desc), host(params), work(w), cap, inputs, count, host(outZ), true),
    optimizerStateBytes: (desc, config) => optimizerStateBytes(parameterCount(host(desc)), config),
    networkTrain: (a, config, from, to) =>
      networkTrain({
        desc: host(a.desc), params: host(a.params), state: host(a.state), work: work(a.work), inputs: inputsOf(a.inputs),
        labels: opt(a.labels), targets: opt(a.targets), classWeights: opt(a.classWeights), order: host(a.order), rng: host(a.rng),
      }, config, from, to),
    liveBytes: () => 0,
    dispose: () => {
      disposed = true; // plain arrays are the garbage collector's; the flag makes later use an error
    },
  };
}
