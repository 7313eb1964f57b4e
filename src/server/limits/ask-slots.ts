// How many questions one API key may have in flight at once. A question past the limit is refused
// at once with 429 and Retry-After (never queued: a queue would hide overload behind latency).
import { VerityError } from "../../core/errors.js";

/** E_RATE_LIMITED with the seconds a client should wait, sent as Retry-After. */
export class RetryLaterError extends VerityError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super("E_RATE_LIMITED", message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export interface AskSlots {
  /** Takes a slot for `holder` (a key id, or a client address without keys) and returns its release. */
  acquire(holder: string): () => void;
  /** Questions in flight, over every holder. */
  readonly inFlight: number;
}

export function createAskSlots(perHolder: number): AskSlots {
  const taken = new Map<string, number>();
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    acquire(holder) {
      const current = taken.get(holder) ?? 0;
      if (current >= perHolder) {
        throw new RetryLaterError(
          `this API key already has ${perHolder} questions in flight; wait for one to finish (server.concurrentAsksPerKey)`,
          1,
        );
      }
      taken.set(holder, current + 1);
      inFlight++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight--;
        const left = (taken.get(holder) ?? 1) - 1;
        if (left === 0) taken.delete(holder);
        else taken.set(holder, left);
      };
    },
  };
}
