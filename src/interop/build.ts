// The one way a read file becomes a network: the architecture checked as xent.network checks it
// (errors name the reader's function), then loaded through network2.py's JSON path (float32 values
// are exact in doubles, so the parameters arrive to the bit).
import type { Backend } from '../backend/backend.js';
import { fromJSON } from '../network/format.js';
import { architecture, type Network } from '../network/network.js';
import { networkJSON, type InteropArchitecture } from './architecture.js';

/** A network on `be` from a file's architecture and parameters. */
export function buildNetwork(fn: string, be: Backend, arch: InteropArchitecture, params: Float32Array): Network {
  architecture(fn, arch.sizes, { cost: arch.cost, output: arch.output, hidden: arch.hidden });
  return fromJSON(be, networkJSON(arch, params));
}
