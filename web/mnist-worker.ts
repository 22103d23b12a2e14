// The Web Worker of mnist.html's "train here": trains on the images it is sent and posts the progress,
// then the trained network (network2.py JSON) and its parameters' hash. The page stays responsive.
import { createXent } from 'xent/browser';
import type { Images } from './lib/subset.js';
import { parameterHash, trainHere } from './lib/train-here.js';

const scope = self as unknown as { postMessage(message: unknown): void; onmessage: ((e: MessageEvent) => void) | null };

scope.onmessage = async (event: MessageEvent<{ training: Images; test: Images }>) => {
  try {
    // 'plain' SIMD: the run is portable, so Node (and the tests) reproduce these weights exactly.
    const x = await createXent({ simd: 'plain' });
    const t0 = performance.now();
    const net = await trainHere(x, event.data.training, event.data.test, (p) => scope.postMessage({ kind: 'progress', ...p }));
    scope.postMessage({ kind: 'done', network: net.toJSON(), hash: await parameterHash(net), seconds: (performance.now() - t0) / 1000 });
  } catch (e) {
    scope.postMessage({ kind: 'error', message: String((e as Error)?.message ?? e) });
  }
};
