// "Train here": one epoch of a fresh 784-30-10 network over the bundled training images, in slices so
// that the accuracy and cost on the test images can be charted as it learns. Run by the page's Web
// Worker and, in the tests, by Node: with simd 'plain' both get the same weights, bit for bit.
import type { Network, Xent } from 'xent/browser';
import type { Images } from './subset.js';

/** Images per slice: 20 points on the chart for 3,000 images. */
export const SLICE = 150;
/** SGD settings of the run (network2.py's defaults for MNIST, without regularisation). */
export const SETTINGS = { sizes: [784, 30, 10], seed: 1, batchSize: 10, eta: 0.5 } as const;

/** One point of the chart: images seen so far, accuracy and mean cost on the test images. */
export interface Progress {
  seen: number;
  accuracy: number;
  cost: number;
}

/** Trains a new network for one epoch over `training` and returns it, reporting after each slice. */
export async function trainHere(x: Xent, training: Images, test: Images, onProgress: (p: Progress) => void): Promise<Network> {
  const net = x.network(SETTINGS.sizes.slice(), { seed: SETTINGS.seed });
  for (let from = 0; from < training.count; from += SLICE) {
    const count = Math.min(SLICE, training.count - from);
    const slice = {
      inputs: training.inputs.subarray(from * 784, (from + count) * 784), labels: training.labels.subarray(from, from + count),
      count, inputSize: 784,
    };
    await net.train(slice, { epochs: 1, batchSize: SETTINGS.batchSize, eta: SETTINGS.eta });
    onProgress({ seen: from + count, accuracy: net.accuracy(test), cost: net.totalCost(test) });
  }
  return net;
}

/** SHA-256 of the network's parameters, in hex: the same in every engine for the same weights. */
export async function parameterHash(net: Network): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', Float32Array.from(net.parameters())));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
