// The learning slowdown, as chapter 3 of Nielsen's book shows it with a single neuron: input x = 1,
// target y = 0, sigmoid output a = σ(wx + b). Gradient descent on the quadratic cost ½(a − y)² crawls
// from a saturated start (w = b = 2, a ≈ 0.98) because its gradient carries σ'(z) ≈ 0; on the
// cross-entropy the σ'(z) cancels and the neuron learns fastest when it is most wrong. The costs and
// their gradients come from xent (quadratic cost on the output, binary cross-entropy from the logit).
//   node examples/slowdown.mjs [--json] [--every 10] [--epochs 300]
// --json: one line per report {"cost","w0","b0","eta","epoch","output","loss"}.
import { createXent } from '../dist/index.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const json = args.includes('--json');
const every = option('every', 10);
const epochs = option('epochs', 300);
const xent = await createXent();

/** Loss and ∂loss/∂z of the neuron at logit z (target 0). */
const COSTS = {
  quadratic(z) {
    const a = 1 / (1 + Math.exp(-z));
    const { value, grad } = xent.valueAndGrad.quadraticCost([[a]], [[0]]);
    return { loss: value, dz: grad[0][0] * a * (1 - a) }; // ∂C/∂a · σ'(z): the factor that vanishes
  },
  'cross-entropy'(z) {
    const { value, grad } = xent.valueAndGrad.binaryCrossEntropy([z], [0], { fromLogits: true });
    return { loss: value, dz: grad[0] }; // σ(z) − y: no σ'(z)
  },
};

// The book's runs: η = 0.15 for the quadratic cost, 0.005 for the cross-entropy (its gradients are
// larger, so compare the shapes of the curves, not the speeds), from both starts.
const RUNS = [
  { cost: 'quadratic', w0: 0.6, b0: 0.9, eta: 0.15 },
  { cost: 'quadratic', w0: 2, b0: 2, eta: 0.15 },
  { cost: 'cross-entropy', w0: 0.6, b0: 0.9, eta: 0.005 },
  { cost: 'cross-entropy', w0: 2, b0: 2, eta: 0.005 },
];

for (const run of RUNS) {
  let w = run.w0;
  let b = run.b0;
  const x = 1;
  if (!json) process.stdout.write(`\n${run.cost}, w = ${run.w0}, b = ${run.b0}, η = ${run.eta}\n  epoch  output    loss\n`);
  for (let epoch = 0; epoch <= epochs; epoch++) {
    const z = w * x + b;
    const { loss, dz } = COSTS[run.cost](z);
    if (epoch % every === 0) {
      const output = 1 / (1 + Math.exp(-z));
      if (json) process.stdout.write(JSON.stringify({ ...run, epoch, output, loss }) + '\n');
      else process.stdout.write(`  ${String(epoch).padStart(5)}  ${output.toFixed(4)}  ${loss.toFixed(5)}\n`);
    }
    w -= run.eta * dz * x;
    b -= run.eta * dz;
  }
}
xent.dispose();
