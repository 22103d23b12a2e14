// `xent check [MODEL.json]`: the two checks a user can run on their own machine — backprop against
// float64 central differences (net.gradientCheck), and the WASM kernels against the reference backend
// during a short training run (the crossCheck backend). Prints the figures; exit status 1 on a failure.
import { crossCheckBackend } from '../backend/crosscheck.js';
import { createReferenceBackend } from '../backend/reference/index.js';
import type { Dataset } from '../data/dataset.js';
import type { Network, NetworkOptions } from '../network/network.js';
import { uniformSource } from '../network/random.js';
import { xentOn, type Xent } from '../xent.js';
import { UsageError, type FlagSpec } from './args.js';
import { createWasmBackend, relaxedSimdSupported } from '../backend/wasm.js';
import { loadModel, out, readModel } from './common.js';
import { enableRelaxedSimd } from './simd.js';

/** The flags of `xent check`. */
export const CHECK_FLAGS: readonly FlagSpec[] = [
  { name: 'samples', kind: 'int', min: 1, max: 1e6, default: '200', help: 'parameters compared by the gradient check' },
  { name: 'examples', kind: 'int', min: 1, max: 10000, default: '16', help: 'random examples the checks use' },
  { name: 'tolerance', kind: 'number', min: 0, minExclusive: true, max: 1, default: '1e-3', help: 'largest relative gradient error that passes (float32 backprop: ~1e-5)' },
  { name: 'simd', kind: 'choice', choices: ['auto', 'plain', 'relaxed'], default: 'auto', help: 'WASM build the cross-check runs' },
  { name: 'seed', kind: 'int', min: 0, max: 2 ** 32 - 1, default: '1', help: 'random data and parameter sample' },
  { name: 'json', kind: 'boolean', help: 'one JSON object per check' },
];

/** Random inputs in [0, 1] and random labels for a network's input and output sizes. */
function randomData(inputs: number, outputs: number, count: number, seed: number): Dataset {
  const u = uniformSource(seed);
  const x = Float32Array.from({ length: count * inputs }, () => u());
  const labels = Uint8Array.from({ length: count }, () => Math.min(outputs - 1, Math.floor(u() * outputs)));
  if (outputs > 255) throw new UsageError('xent check handles networks of up to 255 outputs');
  return { inputs: x, labels, count, inputSize: inputs };
}

/** Every output layer with each of its costs, times every hidden unit. */
const SMALL: NetworkOptions[] = ([
  ['sigmoid', 'cross-entropy'], ['sigmoid', 'quadratic'], ['softmax', 'log-likelihood'], ['tanh', 'cross-entropy'], ['tanh', 'quadratic'],
] as const).flatMap(([output, cost]) => (['sigmoid', 'tanh', 'relu'] as const).map((hidden) => ({ output, cost, hidden })));

/** Runs `xent check`; resolves to the exit status. */
export async function check(flags: Record<string, unknown>, positional: readonly string[]): Promise<number> {
  if (positional.length > 1) throw new UsageError('check takes at most one MODEL.json');
  const samples = (flags.samples as number | undefined) ?? 200;
  const examples = (flags.examples as number | undefined) ?? 16;
  const tolerance = (flags.tolerance as number | undefined) ?? 1e-3;
  const seed = (flags.seed as number | undefined) ?? 1;
  const simd = (flags.simd as 'auto' | 'plain' | 'relaxed' | undefined) ?? 'auto';
  const model = positional[0] === undefined ? undefined : await readModel(positional[0]);
  const json = flags.json === true;
  // The gradient check runs on the reference backend (the kernels the cross-check holds the WASM ones to).
  const ref = xentOn(createReferenceBackend());
  if (simd !== 'plain' && !enableRelaxedSimd() && simd === 'relaxed') throw new UsageError('--simd relaxed: this engine does not support relaxed SIMD');
  const flavor = simd !== 'plain' && relaxedSimdSupported() ? 'relaxed' : 'plain';
  const calls = new Map<string, { count: number; worst: number }>();
  const checked = xentOn(crossCheckBackend(await createWasmBackend(flavor, 1), createReferenceBackend(), {
    onCall: (op, d) => {
      const c = calls.get(op) ?? { count: 0, worst: 0 };
      calls.set(op, { count: c.count + 1, worst: Math.max(c.worst, d) });
    },
  }), flavor, 1);
  const nets: { name: string; make: (x: Xent) => Network }[] = model !== undefined
    ? [{ name: positional[0]!, make: (x) => loadModel(x, model) }]
    : SMALL.map((o) => ({ name: `${o.output} output, ${o.cost}, ${o.hidden} hidden, 12-8-5`, make: (x: Xent) => x.network([12, 8, 5], { ...o, seed }) }));
  let failed = 0;
  for (const { name, make } of nets) {
    const net = make(ref);
    const data = randomData(net.sizes[0]!, net.sizes[net.sizes.length - 1]!, examples, seed);
    const g = net.gradientCheck(data, { samples, seed });
    const ok = g.maxRelError <= tolerance;
    if (!ok) failed++;
    const w = g.worst;
    if (json) out(JSON.stringify({ check: 'gradient', network: name, ok, ...g }));
    else {
      out(`gradient  ${ok ? 'ok  ' : 'FAIL'}  ${name}: max relative error ${g.maxRelError.toExponential(2)} over ${g.checked} parameters ` +
        `(worst: layer ${w.layer} ${w.kind} [${w.row}${w.kind === 'weight' ? `, ${w.col}` : ''}], backprop ${w.backprop.toExponential(4)}, numeric ${w.numeric.toExponential(4)})`);
    }
    net.dispose();
    // The same network trained for two epochs (momentum, dropout) with every kernel call cross-checked.
    const twin = make(checked);
    let error: string | undefined;
    try {
      await twin.train(data, { epochs: 2, batchSize: 4, eta: 0.1, lambda: 0.1, momentum: 0.5, dropout: twin.sizes.length > 2 ? 0.2 : 0, evaluationData: data });
      twin.predict({ data: data.inputs as Float32Array, shape: [data.count, twin.sizes[0]!] });
      twin.totalCost(data, { lambda: 0.1 });
    } catch (e) {
      error = (e as Error).message;
    }
    twin.dispose();
    if (error) failed++;
    if (json) out(JSON.stringify({ check: 'crossCheck', network: name, ok: !error, error }));
    else out(`crossCheck ${error ? 'FAIL' : 'ok  '}  ${name}: ${error ?? `${flavor} SIMD kernels agree with the reference backend`}`);
  }
  if (json) out(JSON.stringify({ check: 'summary', ok: failed === 0, failed, calls: Object.fromEntries(calls) }));
  else {
    out(`kernel calls cross-checked: ${[...calls].map(([op, c]) => `${op} ×${c.count} (max rel. diff ${c.worst.toExponential(1)})`).join(', ')}`);
    out(failed ? `${failed} check${failed > 1 ? 's' : ''} failed` : 'all checks passed');
  }
  checked.dispose();
  return failed ? 1 : 0;
}
