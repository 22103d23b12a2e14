// The same network, cost, initialisation and learning rate as xent's, trained by TensorFlow.js the
// faster way (tf.train.sgd().minimize over tf.Variables), for the epoch benchmark.

/** Trains one epoch of `sizes` (sigmoid units, cross-entropy on the sigmoid outputs) and measures it. */
export async function tfEpoch(tf, mnist, sizes, batch, eta, seed) {
  const { training, validation } = mnist;
  const L = sizes.length - 1;
  const W = [];
  const B = [];
  for (let l = 0; l < L; l++) {
    W.push(tf.variable(tf.randomNormal([sizes[l], sizes[l + 1]], 0, 1 / Math.sqrt(sizes[l]), 'float32', seed * 100 + l)));
    B.push(tf.variable(tf.randomNormal([sizes[l + 1]], 0, 1, 'float32', seed * 100 + 50 + l)));
  }
  const forward = (x) => {
    let a = x;
    for (let l = 0; l < L; l++) {
      const z = tf.add(tf.matMul(a, W[l]), B[l]);
      a = l < L - 1 ? tf.sigmoid(z) : z;
    }
    return a; // logits of the output layer
  };
  const n = training.count;
  const d = training.inputSize;
  const K = sizes[L];
  const order = Int32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const optimizer = tf.train.sgd(eta);
  const xb = new Float32Array(batch * d);
  const yb = new Float32Array(batch * K);
  const t0 = performance.now();
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start);
    yb.fill(0);
    for (let r = 0; r < rows; r++) {
      const idx = order[start + r];
      xb.set(training.inputs.subarray(idx * d, (idx + 1) * d), r * d);
      yb[r * K + training.labels[idx]] = 1;
    }
    tf.tidy(() => {
      const x = tf.tensor2d(xb.subarray(0, rows * d), [rows, d]);
      const y = tf.tensor2d(yb.subarray(0, rows * K), [rows, K]);
      // Σ over outputs of the binary cross-entropy on logits, mean over the batch: gradient (a − y)/m.
      optimizer.minimize(() => tf.div(tf.losses.sigmoidCrossEntropy(y, forward(x), undefined, 0, tf.Reduction.SUM), rows));
    });
  }
  const seconds = (performance.now() - t0) / 1000;
  const predicted = tf.tidy(() => tf.argMax(forward(tf.tensor2d(validation.inputs, [validation.count, d])), 1).dataSync());
  let right = 0;
  for (let i = 0; i < validation.count; i++) if (predicted[i] === validation.labels[i]) right++;
  for (const v of [...W, ...B]) v.dispose();
  optimizer.dispose();
  return { seconds, accuracy: right / validation.count };
}
