// Backend-resident arrays of the reference backend: plain typed arrays behind the DeviceArray contract.
import type { DeviceArray, DeviceType, HostArray } from '../backend.js';

const CONSTRUCTORS = { f32: Float32Array, i32: Int32Array, u8: Uint8Array, u32: Uint32Array } as const;

/** A DeviceArray over a typed array. */
export class RefArray implements DeviceArray {
  readonly data: HostArray;
  constructor(readonly type: DeviceType, readonly length: number) {
    this.data = new CONSTRUCTORS[type](length);
  }
  write(src: ArrayLike<number>, offset = 0): void {
    this.data.set(src, offset);
  }
  read(start = 0, end = this.length): HostArray {
    return this.data.slice(start, end);
  }
  free(): void {}
}

/** The typed array behind a device array this backend allocated. */
export function host<T extends HostArray>(a: DeviceArray): T {
  if (!(a instanceof RefArray)) throw new TypeError('reference backend: array belongs to another backend');
  return a.data as T;
}
