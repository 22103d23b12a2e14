// safetensors: an 8-byte little-endian header length N, N bytes of JSON header (padded with spaces
// to a multiple of 8), then the tensor bytes. The header maps each tensor name to { dtype, shape,
// data_offsets: [begin, end] } (offsets into the data section) and "__metadata__" to string→string
// entries. xent writes nn.Sequential's state dict ("0.weight" [s₁, s₀], "0.bias" [s₁], "2.weight", …, F32,
// little-endian), so safetensors.torch.load_file + load_state_dict fills an nn.Sequential of Linear
// and activation modules, and the architecture in "__metadata__" (src/interop/architecture.ts).
import type { Network } from '../network/network.js';
import { describeNetwork, metadataOf, type InteropArchitecture } from './architecture.js';

/** The network as safetensors bytes. */
export function encodeSafetensors(arch: InteropArchitecture, params: Float32Array): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt', ...metadataOf(arch) } };
  let off = 0;
  for (let l = 1; l < arch.sizes.length; l++) {
    const s = arch.sizes[l]!;
    const nIn = arch.sizes[l - 1]!;
    const index = 2 * (l - 1);
    header[`${index}.weight`] = { dtype: 'F32', shape: [s, nIn], data_offsets: [off * 4, (off + s * nIn) * 4] };
    off += s * nIn;
    header[`${index}.bias`] = { dtype: 'F32', shape: [s], data_offsets: [off * 4, (off + s) * 4] };
    off += s;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + params.length * 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  for (let i = 0; i < params.length; i++) view.setFloat32(8 + json.length + i * 4, params[i]!, true);
  return out;
}

/** net.toSafetensors(): the network's parameters and architecture as safetensors bytes. */
export function toSafetensors(net: Network): Uint8Array {
  const { arch, params } = describeNetwork(net);
  return encodeSafetensors(arch, params);
}

