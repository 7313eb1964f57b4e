import { APICallError, RetryError } from "ai";
import { afterEach, describe, expect, it } from "vitest";
import type { FakeChatServer } from "../../../test/fakes/fake-chat-server.js";
import { createGenerativeAnswerer } from "../../answer/generative/generative-answerer.js";
import { VerityError } from "../../core/errors.js";
import type { RetrievedPassage } from "../../retrieve/bm25-retriever.js";
import { isRetryable, retryAfterOf } from "./provider-failure.js";
import { askModel, createManualClock, startFakeModel } from "./reliability-test-support.js";
import { backoffDelay, withRetries } from "./retry.js";

const now = Date.UTC(2026, 10, 29, 10, 0, 0);

function httpFailure(statusCode: number, responseHeaders: Record<string, string> = {}): VerityError {
  const cause = new APICallError({
    message: `scripted failure ${statusCode}`,
    url: "http://127.0.0.1:1/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseHeaders,
  });
  return new VerityError("E_PROVIDER_HTTP", `model answered HTTP ${statusCode}`, { cause });
}

/** Fails with each error in turn, then answers "ok". */
function failing(...errors: unknown[]) {
  let calls = 0;
  const attempt = async () => {
    const error = errors[calls++];
    if (error !== undefined) throw error;
    return "ok";
  };
  return { attempt, calls: () => calls };
}

function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe("retryAfterOf", () => {
  const askedWait = (headers: Record<string, string>, maxDelayMs?: number) =>
    retryAfterOf(httpFailure(429, headers), { now: () => now, maxDelayMs });

  it("reads Retry-After in seconds, fractions included", () => {
    expect(askedWait({ "retry-after": "2" })).toBe(2000);
    expect(askedWait({ "retry-after": "0.25" })).toBe(250);
  });

  it("reads Retry-After as an HTTP date, a past date meaning now", () => {
    expect(askedWait({ "retry-after": new Date(now + 3000).toUTCString() })).toBe(3000);
    expect(askedWait({ "retry-after": new Date(now - 60_000).toUTCString() })).toBe(0);
  });

  it("prefers retry-after-ms, whatever the header's case", () => {
    expect(askedWait({ "Retry-After-Ms": "150", "retry-after": "9" })).toBe(150);
  });

  it("caps what the provider asks at maxDelayMs", () => {
    expect(askedWait({ "retry-after": "3600" }, 10_000)).toBe(10_000);
  });

  it("finds the headers under the AI SDK's RetryError too, and ignores unreadable values", () => {
    const inner = httpFailure(503, { "retry-after": "1" }).cause;
    const wrapped = new VerityError("E_PROVIDER_HTTP", "x", {
      cause: new RetryError({ message: "x", reason: "maxRetriesExceeded", errors: [inner] }),
    });
    expect(retryAfterOf(wrapped)).toBe(1000);
    expect(askedWait({ "retry-after": "soon" })).toBeUndefined();
    expect(retryAfterOf(new Error("no headers"))).toBeUndefined();
  });
});

describe("isRetryable", () => {
  it("retries 408, 409, 429 and 5xx but no other 4xx", () => {
    expect([408, 409, 429, 500, 502, 503].map((status) => isRetryable(httpFailure(status)))).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 403, 404, 422].map((status) => isRetryable(httpFailure(status)))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it("retries timeouts and network failures, not malformed answers or an open breaker", () => {
    expect(isRetryable(new VerityError("E_PROVIDER_TIMEOUT", "slow"))).toBe(true);
    expect(isRetryable(new VerityError("E_PROVIDER_UNREACHABLE", "down"))).toBe(true);
    const reset = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    expect(isRetryable(new VerityError("E_PROVIDER_RESPONSE", "cut", { cause: reset }))).toBe(true);
    expect(isRetryable(new VerityError("E_PROVIDER_RESPONSE", "not JSON"))).toBe(false);
    expect(isRetryable(new VerityError("E_PROVIDER_UNAVAILABLE", "open"))).toBe(false);
    expect(isRetryable(new DOMException("stop", "AbortError"))).toBe(false);
  });
});

describe("withRetries", () => {
  it("returns the value with the attempts made and the time spent waiting", async () => {
    const { attempt } = failing(httpFailure(503), httpFailure(502));
    const { sleep, delays } = recordingSleep();
    const result = await withRetries(attempt, { maxRetries: 3, random: () => 0.5, sleep });
    expect(result).toEqual({ value: "ok", attempts: 3, waitedMs: 750 });
    expect(delays).toEqual([250, 500]);
  });

  it("keeps full jitter between zero and the doubling ceiling, never above maxDelayMs", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000 };
    for (const random of [0, 0.3, 0.999_999]) {
      for (let retry = 0; retry < 8; retry++) {
        const delay = backoffDelay(retry, undefined, { ...options, random: () => random });
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** retry));
      }
    }
    expect(backoffDelay(2, undefined, { ...options, random: () => 0.999_999 })).toBe(400);
    expect(backoffDelay(9, undefined, { ...options, random: () => 0.999_999 })).toBe(1000);
  });

  it("waits exactly what Retry-After asks instead of the backoff, capped at maxDelayMs", async () => {
    const { sleep, delays } = recordingSleep();
    const { attempt } = failing(
      httpFailure(429, { "retry-after": "2" }),
      httpFailure(429, { "retry-after-ms": "40" }),
      httpFailure(503, { "retry-after": new Date(now + 4000).toUTCString() }),
      httpFailure(429, { "retry-after": "120" }),
    );
    const result = await withRetries(attempt, {
      maxRetries: 4,
      maxDelayMs: 5000,
      sleep,
      now: () => now,
      random: () => 0.5,
    });
    expect(delays).toEqual([2000, 40, 4000, 5000]);
    expect(result.waitedMs).toBe(11_040);
  });

  it("does not retry a 400", async () => {
    const badRequest = httpFailure(400);
    const { attempt, calls } = failing(badRequest);
    const { sleep, delays } = recordingSleep();
    await expect(withRetries(attempt, { maxRetries: 3, sleep })).rejects.toBe(badRequest);
    expect(calls()).toBe(1);
    expect(delays).toEqual([]);
  });

  it("gives up after maxRetries with the last error's code, saying how many attempts it made", async () => {
    const { attempt, calls } = failing(httpFailure(500), httpFailure(500), httpFailure(503));
    const { sleep } = recordingSleep();
    const error = await withRetries(attempt, { maxRetries: 2, sleep, random: () => 0 }).catch((e) => e);
    expect(calls()).toBe(3);
    expect(error).toBeInstanceOf(VerityError);
    expect(error.code).toBe("E_PROVIDER_HTTP");
    expect(error.message).toMatch(/HTTP 503 \(gave up after 3 attempts and 0 ms of waiting\)/u);
    expect(isRetryable(error)).toBe(true);
  });

  it("stops waiting and makes no further attempt when the signal aborts", async () => {
    const clock = createManualClock();
    const controller = new AbortController();
    const { attempt, calls } = failing(httpFailure(429, { "retry-after": "10" }));
    const retrying = withRetries(attempt, { signal: controller.signal, sleep: clock.sleep });
    const outcome = retrying.catch((error: unknown) => error);
    await clock.advance(1000);
    controller.abort(new Error("caller gave up"));
    expect(await outcome).toMatchObject({ message: "caller gave up" });
    await clock.advance(20_000);
    expect(calls()).toBe(1);
  });

  it("does not start at all with an aborted signal, nor retry an attempt the abort broke", async () => {
    const controller = new AbortController();
    controller.abort(new Error("already"));
    const { attempt, calls } = failing();
    await expect(withRetries(attempt, { signal: controller.signal })).rejects.toThrow("already");
    expect(calls()).toBe(0);

    const live = new AbortController();
    const broken = async () => {
      live.abort(new Error("mid-call"));
      throw new VerityError("E_PROVIDER_TIMEOUT", "aborted");
    };
    await expect(withRetries(broken, { signal: live.signal })).rejects.toThrow("mid-call");
  });

  it("tells onRetry about each retry before waiting", async () => {
    const seen: { attempt: number; delayMs: number }[] = [];
    const { attempt } = failing(httpFailure(500));
    await withRetries(attempt, {
      random: () => 1,
      baseDelayMs: 10,
      sleep: async () => {},
      onRetry: ({ attempt, delayMs }) => seen.push({ attempt, delayMs }),
    });
    expect(seen).toEqual([{ attempt: 1, delayMs: 10 }]);
  });
});

describe("withRetries over the wire", () => {
  let server: FakeChatServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("waits out a 429's Retry-After from a real server, with the AI SDK's own retries off", async () => {
    const started = await startFakeModel((index) =>
      index === 0 ? { status: 429, headers: { "retry-after": "1" } } : { content: "Hello there." },
    );
    server = started.server;
    const { sleep, delays } = recordingSleep();
    const result = await withRetries(({ signal }) => askModel(started.model, { signal }), { sleep });
    expect(result).toEqual({ value: "Hello there.", attempts: 2, waitedMs: 1000 });
    expect(delays).toEqual([1000]);
    expect(server.requests).toHaveLength(2);
  });

  it("retries the generative answerer on a 503 (retry-after-ms) and never on a 400", async () => {
    const started = await startFakeModel((index) =>
      index === 0
        ? { status: 503, headers: { "retry-after-ms": "5" } }
        : index === 1
          ? { content: "Refunds are issued within 30 days of purchase [1]." }
          : { status: 400 },
    );
    server = started.server;
    const answerer = createGenerativeAnswerer({ model: started.model, countTokens: (text) => text.length });
    const text = "Refunds are issued within 30 days of purchase.";
    const passage: RetrievedPassage = {
      chunk: {
        id: "c1",
        documentId: "d1",
        ordinal: 0,
        text,
        location: { charStart: 0, charEnd: text.length },
      },
      document: { id: "d1", source: "/help/refunds.md", title: "Refunds", mediaType: "text/markdown" },
      score: 1,
      rank: 0,
    };
    const request = { question: "How long do refunds take?", passages: [passage] };
    const answered = await withRetries(() => answerer.doAnswer(request));
    expect(answered.attempts).toBe(2);
    expect(answered.waitedMs).toBe(5);
    expect(answered.value.sentences.map((sentence) => sentence.text)).toEqual([
      "Refunds are issued within 30 days of purchase.",
    ]);

    const refused = await withRetries(() => answerer.doAnswer(request)).catch((error) => error);
    expect(refused).toMatchObject({ code: "E_PROVIDER_HTTP" });
    expect(server.requests).toHaveLength(3);
  });
});
