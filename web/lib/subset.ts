// The MNIST subset bundled with the pages (web/assets/mnist-subset.bin.gz, made by
// scripts/web-assets.mjs): "XMNS", u32 LE training count, u32 LE test count, the labels (training then
// test, a byte each), then the 28 × 28 pixels of each image (bytes, same order). No DOM: the tests read it too.

/** A labelled set of 784-pixel images, as the library's Dataset (bytes stand for byte/255). */
export interface Images {
  inputs: Uint8Array;
  labels: Uint8Array;
  count: number;
  inputSize: 784;
}

/** Parses the (gunzipped) subset file. */
export function parseSubset(bytes: Uint8Array): { training: Images; test: Images } {
  const magic = String.fromCharCode(...bytes.subarray(0, 4));
  if (magic !== 'XMNS') throw new Error(`parseSubset: not an MNIST subset file (magic ${JSON.stringify(magic)})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const nTrain = view.getUint32(4, true);
  const nTest = view.getUint32(8, true);
  const labels = 12;
  const pixels = labels + nTrain + nTest;
  if (bytes.length !== pixels + (nTrain + nTest) * 784) throw new Error(`parseSubset: expected ${pixels + (nTrain + nTest) * 784} bytes, got ${bytes.length}`);
  const set = (count: number, labelAt: number, pixelAt: number): Images => ({
    inputs: bytes.slice(pixelAt, pixelAt + count * 784), labels: bytes.slice(labelAt, labelAt + count), count, inputSize: 784,
  });
  return { training: set(nTrain, labels, pixels), test: set(nTest, labels + nTrain, pixels + nTrain * 784) };
}
