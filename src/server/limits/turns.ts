// Questions start one per turn of the event loop. Node's libuv accepts one new connection per turn,
// and an extractive answer runs from start to end without giving the loop back; with every waiting
// question started in the same turn, a turn lasts as long as all of them, so under load new
// connections waited seconds to be accepted (at 64 clients some waited past 10 s while the first
// ones were served again and again). Started one per turn, each turn is one answer long: connections
// are accepted and requests read between answers, and questions start in the order they arrived.
// A question that waits on a model still lets the next one start, so only the start is ordered.

/** Resolves when it is this caller's turn to start; callers start in the order they asked. */
export type TakeTurn = () => Promise<void>;

export function createTurns(): TakeTurn {
  const waiting: (() => void)[] = [];
  let scheduled = false;
  const next = () => {
    waiting.shift()?.();
    // Scheduled from inside a check-phase callback, setImmediate runs in the loop's next turn, after
    // it has polled for connections and requests.
    if (waiting.length > 0) setImmediate(next);
    else scheduled = false;
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!scheduled) {
        scheduled = true;
        setImmediate(next);
      }
    });
}
