import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FakeChatServer } from "../../../test/fakes/fake-chat-server.js";
import { VerityError } from "../../core/errors.js";
import { type HedgeAttempt, type HedgeAttemptContext, type HedgeOptions, hedged } from "./hedge.js";
import {
  askModel,
  createManualClock,
  type ManualClock,
  settle,
  startFakeModel,
} from "./reliability-test-support.js";

/** An attempt the test drives by hand: emit a first token, answer, or fail. */
interface Controlled<T> {
  attempt: HedgeAttempt<T>;
  context(): HedgeAttemptContext | undefined;
  firstToken(): void;
  answer(value: T): void;
  fail(error: unknown): void;
}

function controlled<T>(): Controlled<T> {
  let context: HedgeAttemptContext | undefined;
  let resolve: (value: T) => void = () => {};
  let reject: (error: unknown) => void = () => {};
  return {
    attempt(given) {
      context = given;
      return new Promise<T>((yes, no) => {
        resolve = yes;
        reject = no;
      });
    },
    context: () => context,
    firstToken: () => context?.onFirstToken(),
    answer: (value) => resolve(value),
    fail: (error) => reject(error),
  };
}

/** An attempt that answers `value` after `ms`, its first token after `firstTokenMs`, or fails. */
function timed<T>(
  clock: ManualClock,
  ms: number,
  outcome: { value: T } | { error: unknown },
  firstTokenMs?: number,
): HedgeAttempt<T> {
  return async ({ signal, onFirstToken }) => {
    if (firstTokenMs !== undefined) clock.setTimeout(onFirstToken, firstTokenMs);
    await clock.sleep(ms, signal);
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  };
}

describe("hedged", () => {
  let clock: ManualClock;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    clock = createManualClock();
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(async () => {
    await settle();
    process.off("unhandledRejection", onUnhandled);
    expect(unhandled).toEqual([]);
  });
  function options<T>(more: Partial<HedgeOptions<T>> = {}): HedgeOptions<T> {
    return { hedgeAfterMs: 100, now: clock.now, timers: clock, ...more };
  }

  it("does not start the hedge before hedgeAfterMs", async () => {
    const first = controlled<string>();
    const second = controlled<string>();
    const result = hedged([first.attempt, second.attempt], options());
    await clock.advance(99);
    expect(second.context()).toBeUndefined();
    first.answer("first");
    expect(await result).toMatchObject({ value: "first", winner: 0 });
    expect(second.context()).toBeUndefined();
    expect(clock.pending()).toBe(0);
  });

  it("starts the hedge at hedgeAfterMs when no first token has come", async () => {
    const first = controlled<string>();
    const second = controlled<string>();
    void hedged([first.attempt, second.attempt], options()).catch(() => {});
    await clock.advance(100);
    expect(second.context()).toBeDefined();
    first.fail(new Error("cleanup"));
    second.fail(new Error("cleanup"));
  });

  it("never hedges an attempt that is already streaming", async () => {
    const first = controlled<string>();
    const second = controlled<string>();
    const result = hedged([first.attempt, second.attempt], options());
    await clock.advance(60);
    first.firstToken();
    await clock.advance(1000);
    expect(second.context()).toBeUndefined();
    first.answer("streamed");
    expect(await result).toMatchObject({ value: "streamed", winner: 0 });
    expect((await result).attempts[0]).toMatchObject({ firstTokenMs: 60, endedMs: 1060 });
  });

  it("picks the faster answer and aborts the slower one", async () => {
    const slow = controlled<string>();
    const result = hedged([slow.attempt, timed(clock, 50, { value: "fast" }, 10)], options());
    await clock.advance(150);
    const outcome = await result;
    expect(outcome.value).toBe("fast");
    expect(outcome.winner).toBe(1);
    expect(outcome.totalMs).toBe(150);
    expect(slow.context()?.signal.aborted).toBe(true);
    expect(slow.context()?.signal.reason).toMatchObject({ name: "AbortError" });
    expect(outcome.attempts).toEqual([
      { index: 0, outcome: "cancelled", reason: "first", startedMs: 0, endedMs: 150 },
      { index: 1, outcome: "won", reason: "hedge", startedMs: 100, firstTokenMs: 110, endedMs: 150 },
    ]);
    // The loser settling late changes nothing and escapes nowhere.
    slow.fail(new Error("late failure"));
  });

  it("lets the first attempt win when it completes before the hedge does", async () => {
    const hedge = controlled<string>();
    const result = hedged([timed(clock, 130, { value: "first" }), hedge.attempt], options());
    await clock.advance(130);
    expect(await result).toMatchObject({ value: "first", winner: 0 });
    expect(hedge.context()?.signal.aborted).toBe(true);
  });

  it("starts the next attempt at once when one fails, without waiting for hedgeAfterMs", async () => {
    const second = controlled<string>();
    const result = hedged([timed(clock, 5, { error: new Error("HTTP 500") }), second.attempt], options());
    await clock.advance(5);
    expect(second.context()).toBeDefined();
    second.answer("fallback");
    const outcome = await result;
    expect(outcome).toMatchObject({ value: "fallback", winner: 1 });
    expect(outcome.attempts[1]).toMatchObject({ reason: "fallback", startedMs: 5 });
    expect(outcome.attempts[0]).toMatchObject({ outcome: "failed", error: { message: "HTTP 500" } });
  });

  it("passes over results isAcceptable rejects", async () => {
    const result = hedged(
      [timed(clock, 5, { value: "ungrounded" }), timed(clock, 5, { value: "grounded" })],
      options({ isAcceptable: (value: string) => value === "grounded" }),
    );
    await clock.advance(10);
    expect(await result).toMatchObject({ value: "grounded", winner: 1 });
  });

  it("rejects, listing every attempt's failure, when all fail", async () => {
    const result = hedged(
      [
        timed(clock, 5, { error: new VerityError("E_PROVIDER_HTTP", "model small answered HTTP 503") }),
        timed(clock, 5, { value: "ungrounded" }),
        timed(clock, 5, { error: new VerityError("E_PROVIDER_TIMEOUT", "model large did not finish") }),
      ],
      options({ isAcceptable: () => false }),
    );
    const failure = result.catch((error: unknown) => error);
    await clock.advance(20);
    const error = (await failure) as VerityError;
    expect(error.code).toBe("E_PROVIDER_TIMEOUT");
    expect(error.message).toBe(
      "all 3 hedged attempts failed: #0 (first, 5 ms): model small answered HTTP 503; " +
        "#1 (fallback, 10 ms): its result was not acceptable; #2 (fallback, 15 ms): model large did not finish",
    );
    expect((error.cause as AggregateError).errors).toHaveLength(3);
  });

  it("cancels every attempt when the caller aborts", async () => {
    const first = controlled<string>();
    const second = controlled<string>();
    const caller = new AbortController();
    const result = hedged([first.attempt, second.attempt], options({ signal: caller.signal }));
    const outcome = result.catch((error: unknown) => error);
    await clock.advance(100);
    caller.abort(new Error("client went away"));
    expect(await outcome).toMatchObject({ message: "client went away" });
    expect(first.context()?.signal.aborted).toBe(true);
    expect(second.context()?.signal.aborted).toBe(true);
  });

  it("survives an attempt that throws before returning a promise", async () => {
    const throwing: HedgeAttempt<string> = () => {
      throw new Error("bad config");
    };
    const result = hedged([throwing, timed(clock, 1, { value: "ok" })], options());
    await clock.advance(1);
    expect(await result).toMatchObject({ value: "ok", winner: 1 });
  });

  it("never hedges with hedgeAfterMs Infinity", async () => {
    const spy = vi.fn(timed(clock, 1, { value: "late" }));
    const result = hedged(
      [timed(clock, 10_000, { value: "patient" }), spy],
      options({ hedgeAfterMs: Infinity }),
    );
    await clock.advance(10_000);
    expect(await result).toMatchObject({ value: "patient" });
    expect(spy).not.toHaveBeenCalled();
  });
});

describe("hedged over the wire", () => {
  const servers: FakeChatServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it("takes the fast server's answer and cancels the slow server's request", async () => {
    const slow = await startFakeModel(() => ({ content: "Slow answer.", delayMs: 2_000 }), "slow");
    const fast = await startFakeModel(() => ({ content: "Fast answer." }), "fast");
    servers.push(slow.server, fast.server);
    const outcome = await hedged(
      [slow, fast].map(
        ({ model }) =>
          ({ signal, onFirstToken }: HedgeAttemptContext) =>
            askModel(model, { signal, onFirstToken }),
      ),
      { hedgeAfterMs: 50 },
    );
    expect(outcome.value).toBe("Fast answer.");
    expect(outcome.winner).toBe(1);
    expect(fast.server.requests).toHaveLength(1);
    expect(slow.server.requests).toHaveLength(1);
    await vi.waitFor(() => expect(slow.server.abandoned).toBe(1));
    expect(fast.server.abandoned).toBe(0);
  });
});
