// A first-fit allocator over one WebAssembly.Memory. TypeScript owns the module's memory: kernels only
// receive pointers. Blocks are 16-byte aligned (v128 loads); freed blocks coalesce with their
// neighbours. Growing the memory detaches every typed-array view of it, so callers create views after
// their last allocation and never keep them.

const ALIGN = 16;
const PAGE = 65536;

interface Block {
  ptr: number;
  size: number;
}

/** Allocates and frees byte ranges of a WebAssembly memory, growing it on demand. */
export class Heap {
  private readonly freeList: Block[] = []; // sorted by ptr, never adjacent
  private readonly used = new Map<number, number>();
  private top: number;
  private live = 0;
  /** No byte at or above this address was ever handed out: it is still zero, as memory.grow made it. */
  private clean: number;

  constructor(private readonly memory: WebAssembly.Memory, base: number) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.clean = this.top;
  }

  /** Returns a block of at least `bytes` bytes, all zero (only the part that was used before is cleared). */
  allocZeroed(bytes: number): number {
    const before = this.clean;
    const ptr = this.alloc(bytes);
    if (ptr < before) new Uint8Array(this.memory.buffer, ptr, Math.min(bytes, before - ptr)).fill(0);
    return ptr;
  }

  /** Returns the address of a fresh block of at least `bytes` bytes (16-byte aligned). */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    let ptr = -1;
    for (let i = 0; i < this.freeList.length; i++) {
      const b = this.freeList[i]!;
      if (b.size < size) continue;
      ptr = b.ptr;
      if (b.size === size) this.freeList.splice(i, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      break;
    }
    if (ptr < 0) {
      ptr = this.top;
      this.ensure(ptr + size);
      this.top = ptr + size;
    }
    this.used.set(ptr, size);
    this.live += size;
    this.clean = Math.max(this.clean, ptr + size);
    return ptr;
  }

  /** Returns a block to the heap. */
  free(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`Heap.free: ${ptr} is not an allocated block`);
    this.used.delete(ptr);
    this.live -= size;
    let lo = 0;
    let hi = this.freeList.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeList[mid]!.ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const block: Block = { ptr, size };
    const prev = this.freeList[lo - 1];
    const next = this.freeList[lo];
    if (next && ptr + size === next.ptr) {
      block.size += next.size;
      this.freeList.splice(lo, 1);
    }
    if (prev && prev.ptr + prev.size === ptr) prev.size += block.size;
    else this.freeList.splice(lo, 0, block);
    // Give the last block back to the bump region so large buffers can be reused whole.
    const last = this.freeList[this.freeList.length - 1];
    if (last && last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.freeList.pop();
    }
  }

  /** Bytes currently allocated. */
  liveBytes(): number {
    return this.live;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE);
    try {
      this.memory.grow(pages);
    } catch {
      throw new RangeError(`xent: out of WebAssembly memory (needed ${end} bytes)`);
    }
  }
}
