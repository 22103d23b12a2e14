// The WASM heap: TypeScript owns each instance's memory; blocks are aligned, reused, coalesced, zeroed
// when asked, and memory grows on demand.
import { describe, expect, it } from 'vitest';
import { Heap } from '../src/backend/heap.js';

describe('Heap', () => {
  it('hands out 16-byte aligned, non-overlapping blocks and counts live bytes', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(memory, 1000);
    const blocks = [1, 15, 16, 17, 100, 3].map((n) => [heap.alloc(n), n] as const);
    for (const [p] of blocks) expect(p % 16).toBe(0);
    const sorted = [...blocks].sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]![0]).toBeGreaterThanOrEqual(sorted[i - 1]![0] + sorted[i - 1]![1]);
    expect(sorted[0]![0]).toBeGreaterThanOrEqual(1000);
    expect(heap.liveBytes()).toBe(16 + 16 + 16 + 32 + 112 + 16);
    for (const [p] of blocks) heap.free(p);
    expect(heap.liveBytes()).toBe(0);
    expect(() => heap.free(blocks[0]![0])).toThrow(/not an allocated block/);
  });

  it('reuses and coalesces freed blocks, so alternating sizes do not grow memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(memory, 0);
    const a = heap.alloc(1000);
    const b = heap.alloc(1000);
    const c = heap.alloc(1000);
    heap.free(a);
    heap.free(b); // a and b coalesce into one 2016-byte hole
    const d = heap.alloc(2000);
    expect(d).toBe(a);
    heap.free(c);
    heap.free(d);
    const pages = memory.buffer.byteLength;
    for (let i = 0; i < 100; i++) heap.free(heap.alloc(10_000 + (i % 7) * 100));
    expect(memory.buffer.byteLength).toBe(pages);
  });

  it('grows memory for large blocks and zeroes reused memory in allocZeroed', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const heap = new Heap(memory, 64);
    const big = heap.alloc(300_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(64 + 300_000);
    new Uint8Array(memory.buffer, big, 300_000).fill(7);
    heap.free(big);
    const z = heap.allocZeroed(400_000); // overlaps the dirty block and fresh memory
    expect(new Uint8Array(memory.buffer, z, 400_000).every((v) => v === 0)).toBe(true);
  });

  it('reports running out of memory as a RangeError', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const heap = new Heap(memory, 0);
    expect(() => heap.alloc(3 * 65536)).toThrow(RangeError);
  });
});
