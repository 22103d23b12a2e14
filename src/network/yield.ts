// Giving the event loop a turn between chunks of training without paying for it. Nested setTimeout(0)
// is clamped to ≥ 4 ms in browsers after a few levels (HTML's timer nesting rule), which cost up to
// 50 × 4 ms an epoch; setImmediate (Node) and a MessageChannel message (browsers, workers) are not.
// Even an unclamped turn costs 1–6 µs, which dominated small-data epochs (50 turns of a 0.1 ms epoch),
// so a turn is taken only when the last one is at least a time slice old: the event loop (timers,
// input, rendering, abort signals) still runs every few milliseconds.

type Resolve = () => void;

/** The longest stretch of training without an event-loop turn, in milliseconds (as schedulers slice). */
const SLICE_MS = 5;

/** A function that resolves on the event loop's next turn, by the cheapest unclamped means the engine has. */
function makeYield(): () => Promise<void> {
  if (typeof setImmediate === 'function') return () => new Promise<void>((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    const waiting: Resolve[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    return () => new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    });
  }
  return () => new Promise<void>((resolve) => setTimeout(resolve, 0));
}

let yielder: (() => Promise<void>) | undefined;
/** When the last turn was given (performance.now()). */
let lastTurn = -Infinity;

/**
 * Resolves after the event loop has had a turn, if it has not had one from here in the last SLICE_MS
 * milliseconds; otherwise at once (as a microtask).
 */
export function yieldToEventLoop(): Promise<void> {
  if (performance.now() - lastTurn < SLICE_MS) return Promise.resolve();
  yielder ??= makeYield();
  return yielder().then(() => {
    lastTurn = performance.now();
  });
}
