import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  type FakeEmbeddingServer,
  startFakeEmbeddingServer,
} from "../../test/fakes/fake-embedding-server.js";
import { type Logger, noopLogger } from "../core/logger.js";
import { parseRetryAfter, postJson } from "./http.js";

describe("Retry-After", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");

  it("reads seconds, fractions of a second and retry-after-ms", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "2" }), now)).toBe(2000);
    expect(parseRetryAfter(new Headers({ "retry-after": "0.5" }), now)).toBe(500);
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "150", "retry-after": "9" }), now)).toBe(150);
  });

  it("reads an HTTP date, and a date in the past as no wait", () => {
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now)).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after": "Tue, 31 Dec 2024 00:00:00 GMT" }), now)).toBe(0);
  });

  it("ignores a missing or unreadable header", () => {
    expect(parseRetryAfter(new Headers(), now)).toBeUndefined();
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
  });
});

describe("postJson", () => {
  let server: FakeEmbeddingServer;
  beforeEach(async () => {
    server = await startFakeEmbeddingServer();
  });
  afterEach(() => server.close());

  it("waits no longer than maxRetryDelayMs however long Retry-After asks", async () => {
    server.script({ status: 429, headers: { "retry-after": "3600" } });
    const waits: number[] = [];
    const logger: Logger = {
      ...noopLogger,
      warn: (fields) => waits.push((fields as { delayMs: number }).delayMs),
    };
    const response = await postJson({
      url: `${server.url}/api/embed`,
      body: { model: "m", input: ["x"] },
      schema: z.object({ embeddings: z.array(z.array(z.number())) }),
      maxRetryDelayMs: 20,
      logger,
    });
    expect(response.embeddings).toHaveLength(1);
    expect(waits).toEqual([20]);
  });

  it("logs a warning for each retry, without the secret", async () => {
    server.script({ status: 503, body: "overloaded for sk-secret" });
    const warnings: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      error() {},
      warn: (_, message) => warnings.push(message ?? ""),
    };
    await postJson({
      url: `${server.url}/api/embed`,
      body: { model: "m", input: ["x"] },
      schema: z.unknown(),
      retryDelayMs: 1,
      logger,
      secrets: ["sk-secret"],
    });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("status code 503");
    expect(warnings[0]).not.toContain("sk-secret");
  });
});
