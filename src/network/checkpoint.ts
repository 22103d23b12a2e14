// Checkpoints: a network and its run (epochs done, random streams, optimiser state, stop-policy
// counters and best weights) as one JSON-serialisable object. Float arrays travel as base64 of their
// little-endian float32 bytes, so a checkpoint restores every bit; the weights also travel as
// network2.py JSON, which any reader of that format can use.
import type { Backend } from '../backend/backend.js';
import { trainConfig } from '../backend/config.js';
import { rangeError, typeError } from '../errors.js';
import { fromJSON, parsedJSON, toJSON, type NetworkJSON } from './format.js';
import type { Network } from './network.js';
import { STATE_KEYS } from './optimizers.js';
import { replay, type RunRng } from './run.js';
import type { Tracker } from './stop-policy.js';

/** A network and its run, as net.checkpoint() returns it and xent.loadCheckpoint() takes it. */
export interface Checkpoint {
  format: 'xent-checkpoint';
  version: 1;
  network: NetworkJSON;
  /** The optimiser state's kind and bytes (header with the step count, then its arrays), or null. */
  optimizer: { key: string; state: string } | null;
  /** Epochs done. */
  epoch: number;
  /** The network's seed, and the run's streams once it has trained. */
  rng: { seed: number } & Partial<RunRng>;
  /** Stop-policy state: η, the rules' trackers, the best and the resume weights (base64), or null. */
  stopPolicy: {
    eta: number;
    earlyStopping: Tracker | null;
    schedule: Tracker | null;
    bestWeights: string | null;
    resumeWeights: string | null;
  } | null;
}

const CHECKPOINT_VERSION = 1;

function toBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(fn: string, field: string, text: unknown, length: number): Float32Array {
  if (typeof text !== 'string') typeError(fn, `${field} must be a base64 string, got ${text === null ? 'null' : typeof text}`);
  let bin: string;
  try {
    bin = atob(text);
  } catch {
    rangeError(fn, `${field} is not valid base64`);
  }
  if (bin.length !== length * 4) rangeError(fn, `${field} must hold ${length} float32 values, got ${bin.length / 4}`);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** The checkpoint of a network's run. */
export function checkpointOf(net: Network): Checkpoint {
  const { run } = net;
  const policy = run.policy;
  return {
    format: 'xent-checkpoint',
    version: CHECKPOINT_VERSION,
    network: toJSON(net),
    optimizer: run.optimizer ? { key: run.optimizer.key, state: toBase64(run.optimizer.state.read() as Float32Array) } : null,
    epoch: run.epoch,
    rng: { seed: net.seed, ...run.rng },
    stopPolicy: policy && {
      eta: policy.eta,
      earlyStopping: policy.earlyStopping && { ...policy.earlyStopping },
      schedule: policy.schedule && { ...policy.schedule },
      bestWeights: policy.bestWeights && toBase64(policy.bestWeights),
      resumeWeights: run.resumeWeights && toBase64(run.resumeWeights),
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function integer(fn: string, field: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) rangeError(fn, `${field} must be an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
  return v;
}

function tracker(fn: string, field: string, v: unknown): Tracker | null {
  if (v === null) return null;
  if (!isObject(v)) rangeError(fn, `${field} must be an object or null`);
  if (v.best !== null && (typeof v.best !== 'number' || !Number.isFinite(v.best))) rangeError(fn, `${field}.best must be a finite number or null`);
  return { best: v.best as number | null, bestEpoch: integer(fn, `${field}.bestEpoch`, v.bestEpoch, 0), since: integer(fn, `${field}.since`, v.since, 0) };
}

function finiteWeights(fn: string, field: string, v: unknown, length: number): Float32Array | null {
  if (v === null) return null;
  const w = fromBase64(fn, field, v, length);
  if (!w.every(Number.isFinite)) rangeError(fn, `${field} holds a non-finite weight`);
  return w;
}

/** Rebuilds a network and its run from a checkpoint (object or JSON text) on backend `be`. */
export function loadCheckpoint(be: Backend, source: unknown): Network {
  const fn = 'loadCheckpoint';
  const c = parsedJSON(fn, 'checkpoint', source);
  if (!isObject(c)) typeError(fn, 'checkpoint must be an object (net.checkpoint()) or its JSON text');
  if (c.format !== 'xent-checkpoint') rangeError(fn, `format must be 'xent-checkpoint', got ${JSON.stringify(c.format)}`);
  if (c.version !== CHECKPOINT_VERSION) rangeError(fn, `version must be ${CHECKPOINT_VERSION}, got ${JSON.stringify(c.version)}`);
  if (!isObject(c.rng)) rangeError(fn, 'rng must be an object');
  const seed = integer(fn, 'rng.seed', c.rng.seed, 0, 2 ** 32 - 1);
  let net: Network;
  try {
    net = fromJSON(be, c.network, seed);
  } catch (e) {
    throw new (e instanceof TypeError ? TypeError : RangeError)(`${fn}: network: ${(e as Error).message.replace(/^loadNetwork: /, '')}`);
  }
  try {
    const { run } = net;
    const P = net.params.length;
    run.epoch = integer(fn, 'epoch', c.epoch, 0);
    if (c.rng.orderOrigin !== undefined) {
      const u32 = (k: keyof RunRng, min = 0) => integer(fn, `rng.${k}`, (c.rng as Record<string, unknown>)[k], min, 2 ** 32 - 1);
      run.rng = {
        orderOrigin: u32('orderOrigin'), shuffles: u32('shuffles'), examples: integer(fn, 'rng.examples', c.rng.examples, 1, 2 ** 31 - 1),
        stream: u32('stream'), dropout: u32('dropout', 1),
      };
      replay(run.rng); // fails now on a corrupt stream; the order itself is rebuilt by the next train()
    }
    if (c.optimizer !== null) {
      if (!isObject(c.optimizer)) rangeError(fn, 'optimizer must be an object or null');
      const key = c.optimizer.key;
      const kind = typeof key === 'string' ? STATE_KEYS[key] : undefined;
      if (!kind) rangeError(fn, `optimizer.key must be one of ${Object.keys(STATE_KEYS).join(', ')}, got ${JSON.stringify(key)}`);
      const config = trainConfig(kind);
      const state = fromBase64(fn, 'optimizer.state', c.optimizer.state, be.optimizerStateBytes(net.desc, config) / 4);
      if (!state.subarray(4).every(Number.isFinite)) rangeError(fn, 'optimizer.state holds a non-finite value');
      net.optimizerState(key as string, config).write(state);
    }
    const sp = c.stopPolicy;
    if (sp !== null) {
      if (!isObject(sp)) rangeError(fn, 'stopPolicy must be an object or null');
      if (typeof sp.eta !== 'number' || !(sp.eta > 0) || !Number.isFinite(sp.eta)) rangeError(fn, 'stopPolicy.eta must be a positive number');
      run.policy = {
        eta: sp.eta,
        earlyStopping: tracker(fn, 'stopPolicy.earlyStopping', sp.earlyStopping),
        schedule: tracker(fn, 'stopPolicy.schedule', sp.schedule),
        bestWeights: finiteWeights(fn, 'stopPolicy.bestWeights', sp.bestWeights, P),
      };
      run.resumeWeights = finiteWeights(fn, 'stopPolicy.resumeWeights', sp.resumeWeights, P);
    }
    return net;
  } catch (e) {
    net.dispose();
    throw e;
  }
}
