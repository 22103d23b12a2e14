// Giving the event loop a turn between chunks of training without paying for it. Nested setTimeout(0)
// is clamped to ≥ 4 ms in browsers after a few levels (HTML's timer nesting rule), which cost up to
// 50 × 4 ms an epoch; setImmediate (Node) and a MessageChannel message (browsers, workers) are not.

type Resolve = () => void;

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

/** Resolves after the event loop has had a turn (timers, input, rendering, abort signals). */
export function yieldToEventLoop(): Promise<void> {
  yielder ??= makeYield();
  return yielder();
}
