// The few places where the CLI meets the training core of issue 9 (checkpoints, the expandShifted
// options object). Until that core is merged they are detected at run time, and the flags that need it
// are usage errors; this file then shrinks to direct calls.
import type { Dataset } from '../data/dataset.js';
import { expandShifted } from '../data/expand.js';
import { Network } from '../network/network.js';
import type { Xent } from '../xent.js';
import { UsageError } from './args.js';

/** A Network with the core's run state. */
export type CoreNetwork = Network & { epoch?: number; checkpoint?: () => unknown };

/** Whether the library has the new training core. */
export const core = {
  present: typeof (Network.prototype as CoreNetwork).checkpoint === 'function',
  /** net.checkpoint(): JSON-serialisable run state. */
  checkpoint(net: Network): unknown {
    return (net as CoreNetwork).checkpoint!();
  },
  /** xent.loadCheckpoint(obj); a checkpoint the library rejects is a usage error of --resume. */
  loadCheckpoint(xent: Xent, obj: unknown): Network {
    const load = (xent as Xent & { loadCheckpoint?: (o: unknown) => Network }).loadCheckpoint;
    if (!load) throw new UsageError('--resume needs the new training core (issue 9), not in this build');
    try {
      return load(obj);
    } catch (e) {
      throw new UsageError(`--resume: ${(e as Error).message}`);
    }
  },
};

/** The training set and its four one-pixel shifts (--expand). */
export function expand(data: Dataset): Dataset {
  const fn = expandShifted as unknown as (d: Dataset, a: unknown, b?: number) => Dataset;
  return expandShifted.length === 3 ? fn(data, 28, 28) : fn(data, { width: 28, height: 28 });
}
