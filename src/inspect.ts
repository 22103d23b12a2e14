// One-line descriptions for Node's util.inspect (console.log): an instance or a network prints what it
// is, not its internals. The symbol is Node's registered one, so nothing is imported from node:util.

/** Node's util.inspect.custom symbol (Symbol.for, so browsers need no Node module). */
export const inspectSymbol: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** "[xent wasm relaxed 2 threads gemm 6x8]", "[xent reference]". */
export function describeXent(backend: string, simd: string | null, threads: number, gemm?: string): string {
  return backend === 'reference' ? '[xent reference]'
    : `[xent ${backend} ${simd} ${threads} thread${threads === 1 ? '' : 's'}${gemm ? ` gemm ${gemm}` : ''}]`;
}

/** "Network 784-30-10 cross-entropy", with the activations when they are not the book's sigmoid units. */
export function describeNetworkLine(n: { sizes: readonly number[]; cost: string; hidden: string; output: string }, disposed: boolean): string {
  const acts = [n.hidden !== 'sigmoid' ? `${n.hidden} hidden` : '', n.output !== 'sigmoid' ? `${n.output} output` : ''].filter(Boolean);
  return `Network ${n.sizes.join('-')} ${n.cost}${acts.length ? ` (${acts.join(', ')})` : ''}${disposed ? ' [disposed]' : ''}`;
}
