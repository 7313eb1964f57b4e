import { afterEach, describe, expect, it } from "vitest";
import type { FakeChatServer } from "../../../test/fakes/fake-chat-server.js";
import { VerityError } from "../../core/errors.js";
import { createCircuitBreakers, providerKey } from "./circuit-breaker.js";
import { askModel, startFakeModel } from "./reliability-test-support.js";

const start = Date.UTC(2026, 10, 29, 10, 0, 0);

function setup(options: { failureThreshold?: number; windowMs?: number; halfOpenProbes?: number } = {}) {
  let time = start;
  const breakers = createCircuitBreakers({
    failureThreshold: 3,
    cooldownMs: 30_000,
    ...options,
    now: () => time,
  });
  return {
    breakers,
    breaker: breakers.for("openai-compatible:http://gpu-box:8000/v1"),
    later: (ms: number) => {
      time += ms;
    },
  };
}

const down = new VerityError("E_PROVIDER_UNREACHABLE", "connection refused");

describe("circuit breaker", () => {
  it("stays closed below the threshold and forgets failures once a call succeeds", () => {
    const { breaker } = setup();
    breaker.failure(down);
    breaker.failure(down);
    breaker.success();
    breaker.failure(down);
    breaker.failure(down);
    expect(breaker.state()).toBe("closed");
    expect(breaker.canPass()).toBe(true);
  });

  it("opens after failureThreshold failures in a row", () => {
    const { breaker } = setup();
    for (let i = 0; i < 3; i++) breaker.failure(down);
    expect(breaker.state()).toBe("open");
    expect(breaker.canPass()).toBe(false);
  });

  it("does not count failures further apart than windowMs together", () => {
    const { breaker, later } = setup({ windowMs: 10_000 });
    breaker.failure(down);
    breaker.failure(down);
    later(10_000);
    breaker.failure(down);
    expect(breaker.state()).toBe("closed");
    breaker.failure(down);
    breaker.failure(down);
    expect(breaker.state()).toBe("open");
  });

  it("fails fast while open with E_PROVIDER_UNAVAILABLE naming the provider, since when and until when", async () => {
    const { breaker, later } = setup();
    for (let i = 0; i < 3; i++) breaker.failure(down);
    later(5_000);
    let called = false;
    const error = await breaker
      .run(async () => {
        called = true;
      })
      .catch((reason: unknown) => reason);
    expect(called).toBe(false);
    expect(error).toBeInstanceOf(VerityError);
    expect((error as VerityError).code).toBe("E_PROVIDER_UNAVAILABLE");
    expect((error as VerityError).message).toBe(
      "provider openai-compatible:http://gpu-box:8000/v1 is skipped since 2026-11-29T10:00:00.000Z after 3 failures " +
        "in a row (last: connection refused); it will be tried again at 2026-11-29T10:00:30.000Z. " +
        "Fall back to another model meanwhile, or check that the endpoint is up.",
    );
  });

  it("half-opens after the cooldown and lets exactly one probe through", () => {
    const { breaker, later } = setup();
    for (let i = 0; i < 3; i++) breaker.failure(down);
    later(29_999);
    expect(breaker.state()).toBe("open");
    later(1);
    expect(breaker.state()).toBe("half-open");
    expect(breaker.canPass()).toBe(true);
    expect(breaker.canPass()).toBe(false);
    expect(breaker.unavailableError().message).toMatch(/a probe call is checking whether it is back/u);
  });

  it("closes when the probe succeeds", () => {
    const { breaker, later } = setup();
    for (let i = 0; i < 3; i++) breaker.failure(down);
    later(30_000);
    expect(breaker.canPass()).toBe(true);
    breaker.success();
    expect(breaker.state()).toBe("closed");
    expect(breaker.canPass()).toBe(true);
    expect(breaker.stats().recentFailures).toBe(0);
  });

  it("reopens for another full cooldown when the probe fails", () => {
    const { breaker, later } = setup();
    for (let i = 0; i < 3; i++) breaker.failure(down);
    later(30_000);
    expect(breaker.canPass()).toBe(true);
    breaker.failure(down);
    expect(breaker.state()).toBe("open");
    later(29_999);
    expect(breaker.canPass()).toBe(false);
    later(1);
    expect(breaker.state()).toBe("half-open");
    expect(breaker.stats().timesOpened).toBe(2);
  });

  it("frees a probe slot that never reports back after another cooldown, or when it is released", () => {
    const { breaker, later } = setup();
    for (let i = 0; i < 3; i++) breaker.failure(down);
    later(30_000);
    expect(breaker.canPass()).toBe(true);
    breaker.release();
    expect(breaker.canPass()).toBe(true);
    later(29_999);
    expect(breaker.canPass()).toBe(false);
    later(1);
    expect(breaker.canPass()).toBe(true);
  });

  it("counts a 400 as the provider answering, and a cancelled call as nothing", async () => {
    const { breaker, later } = setup({ failureThreshold: 1 });
    breaker.failure(down);
    later(30_000);
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(
      breaker.run(() => Promise.reject(new VerityError("E_PROVIDER_RESPONSE", "aborted")), {
        signal: cancelled.signal,
      }),
    ).rejects.toThrow("aborted");
    expect(breaker.state()).toBe("half-open");
    await expect(
      breaker.run(() => Promise.reject(new VerityError("E_PROVIDER_HTTP", "HTTP 400"))),
    ).rejects.toThrow("HTTP 400");
    expect(breaker.state()).toBe("closed");
  });

  it("keeps one breaker per provider key and reports them all in a snapshot", () => {
    const { breakers } = setup();
    const local = providerKey({ provider: "openai-compatible", baseUrl: "http://127.0.0.1:11434/v1" });
    const openai = providerKey({ provider: "openai", baseUrl: undefined });
    expect(openai).toBe("openai:default");
    for (let i = 0; i < 3; i++) breakers.for(local).failure(down);
    breakers.for(openai).success();
    expect(breakers.for(local)).toBe(breakers.for(local));
    expect(breakers.for(openai).canPass()).toBe(true);
    expect(breakers.for(local).canPass()).toBe(false);
    const byKey = Object.fromEntries(breakers.snapshot().map((stats) => [stats.key, stats]));
    expect(byKey[local]).toMatchObject({
      state: "open",
      failures: 3,
      rejected: 1,
      timesOpened: 1,
      openedAt: start,
      retryAt: start + 30_000,
      lastFailure: "connection refused",
    });
    expect(byKey[openai]).toMatchObject({ state: "closed", successes: 1, failures: 0 });
  });
});

describe("circuit breaker over the wire", () => {
  let server: FakeChatServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("stops sending requests to a failing server, then probes it and closes when it is back", async () => {
    let healthy = false;
    const started = await startFakeModel(() => (healthy ? { content: "Back again." } : { status: 500 }));
    server = started.server;
    const { breakers, later } = setup({ failureThreshold: 2 });
    const breaker = breakers.for(providerKey(started.model));
    const ask = () => breaker.run(() => askModel(started.model));

    await expect(ask()).rejects.toMatchObject({ code: "E_PROVIDER_HTTP" });
    await expect(ask()).rejects.toMatchObject({ code: "E_PROVIDER_HTTP" });
    await expect(ask()).rejects.toMatchObject({ code: "E_PROVIDER_UNAVAILABLE" });
    await expect(ask()).rejects.toMatchObject({ code: "E_PROVIDER_UNAVAILABLE" });
    expect(server.requests).toHaveLength(2);

    healthy = true;
    later(30_000);
    await expect(ask()).resolves.toBe("Back again.");
    expect(breaker.state()).toBe("closed");
    expect(server.requests).toHaveLength(3);
  });
});
