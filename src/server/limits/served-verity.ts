// The engine as every HTTP route sees it (native, OpenAI-compatible, MCP): the same object, except that
// `ask` takes one of the key's concurrent-ask slots (429 with Retry-After past the limit), gives up
// after the ask timeout (E_PROVIDER_TIMEOUT), and counts the answer, its model calls and their cost in
// the metrics, and starts when its turn comes (one question per turn of the event loop: see turns.ts).
// Routes stay unaware of all four.
import { isVerityError, VerityError } from "../../core/errors.js";
import type { Verity } from "../../engine.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import type { AskSlots } from "./ask-slots.js";
import { createTurns } from "./turns.js";

export interface ServedVerityOptions {
  slots: AskSlots;
  metrics: ServerMetrics;
  askTimeoutMs: number;
}

export function servedVerity(verity: Verity, { slots, metrics, askTimeoutMs }: ServedVerityOptions): Verity {
  const turn = createTurns();
  const ask: Verity["ask"] = async (question, options = {}) => {
    // Without keys there is no key to count by: the rate limit per client address still applies.
    const release = options.apiKey !== undefined ? slots.acquire(options.apiKey) : () => undefined;
    const timeout = AbortSignal.timeout(askTimeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      await turn();
      const answer = await verity.ask(question, { ...options, signal });
      metrics.observeAnswer(answer);
      return answer;
    } catch (error) {
      if (timeout.aborted && !options.signal?.aborted) {
        metrics.observeAskFailure("E_PROVIDER_TIMEOUT");
        throw new VerityError(
          "E_PROVIDER_TIMEOUT",
          `the answer took longer than ${askTimeoutMs} ms and was abandoned; ask again, or raise server.timeouts.askMs`,
          { cause: error },
        );
      }
      metrics.observeAskFailure(
        options.signal?.aborted ? "cancelled" : isVerityError(error) ? error.code : "E_INTERNAL",
      );
      throw error;
    } finally {
      release();
    }
  };
  return Object.assign(Object.create(verity) as Verity, { ask });
}
