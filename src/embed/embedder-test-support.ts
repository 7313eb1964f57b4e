// The contract every HTTP embedder passes, run against the fake embedding server over loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type FakeEmbeddingServer,
  fakeEmbedding,
  startFakeEmbeddingServer,
  unusedLoopbackUrl,
} from "../../test/fakes/fake-embedding-server.js";
import { type ErrorCode, VerityError } from "../core/errors.js";
import { type Embedder, embedAll } from "./embedder.js";
import type { HttpSettings } from "./http.js";

export interface ContractSettings extends HttpSettings {
  maxBatchSize?: number;
  dimensions?: number;
}

export interface EmbedderContractSubject {
  name: string;
  /** The path the provider posts to on the fake server. */
  path: string;
  /** Builds the embedder of model `fake-model` for a server root such as `http://127.0.0.1:40123`. */
  create(rootUrl: string, settings: ContractSettings): Embedder;
}

/** Fast retries so the suite stays quick. */
export const fastRetries: HttpSettings = { retryDelayMs: 1, maxRetryDelayMs: 50, timeoutMs: 2_000 };

export async function expectVerityError(promise: Promise<unknown>, code: ErrorCode): Promise<VerityError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VerityError);
  expect((error as VerityError).code).toBe(code);
  return error as VerityError;
}

export function describeEmbedderContract(subject: EmbedderContractSubject): void {
  describe(`${subject.name} (embedder contract)`, () => {
    let server: FakeEmbeddingServer;
    const embedder = (settings: ContractSettings = {}) =>
      subject.create(server.url, { ...fastRetries, ...settings });

    beforeEach(async () => {
      server = await startFakeEmbeddingServer({ dimensions: 32 });
    });
    afterEach(() => server.close());

    it("splits the texts into requests of at most maxBatchSize and keeps their order", async () => {
      const texts = ["alpha beta", "gamma", "delta epsilon", "zeta", "eta theta"];
      const { embeddings } = await embedAll(embedder({ maxBatchSize: 2 }), texts);
      expect(server.requests.map((request) => (request.body as { input: string[] }).input)).toEqual([
        ["alpha beta", "gamma"],
        ["delta epsilon", "zeta"],
        ["eta theta"],
      ]);
      expect(server.requests.every((request) => request.path === subject.path)).toBe(true);
      expect(embeddings).toEqual(texts.map((text) => fakeEmbedding(text, 32)));
    });

    it("returns no vectors and sends no request for no texts", async () => {
      const { embeddings } = await embedAll(embedder(), []);
      expect(embeddings).toEqual([]);
      expect(server.requests).toHaveLength(0);
    });

    it("retries after a 429 as soon as Retry-After allows", async () => {
      server.script({ status: 429, headers: { "retry-after": "0" } });
      const { embeddings } = await embedAll(embedder({ retryDelayMs: 10_000 }), ["rate limited"]);
      expect(embeddings).toHaveLength(1);
      expect(server.requests).toHaveLength(2);
    });

    it("retries after a 500 and then succeeds", async () => {
      server.script({ status: 500 }, { status: 503 });
      const { embeddings } = await embedAll(embedder(), ["flaky"]);
      expect(embeddings[0]).toEqual(fakeEmbedding("flaky", 32));
      expect(server.requests).toHaveLength(3);
    });

    it("gives up after maxRetries with the last HTTP error", async () => {
      server.script({ status: 502 }, { status: 502 }, { status: 502 });
      await expectVerityError(embedAll(embedder({ maxRetries: 2 }), ["down"]), "E_PROVIDER_HTTP");
      expect(server.requests).toHaveLength(3);
    });

    it("does not retry a 400 and names the status, method, URL and body", async () => {
      server.script({ status: 400, body: '{"error":"input too long"}' });
      const error = await expectVerityError(embedAll(embedder(), ["x"]), "E_PROVIDER_HTTP");
      expect(error.message).toBe(
        `Request failed with status code 400: POST ${server.url}${subject.path} — {"error":"input too long"}`,
      );
      expect(server.requests).toHaveLength(1);
    });

    it("fails with E_PROVIDER_TIMEOUT when the server is slower than timeoutMs", async () => {
      server.script({ delayMs: 5_000 });
      const error = await expectVerityError(
        embedAll(embedder({ timeoutMs: 100 }), ["slow"]),
        "E_PROVIDER_TIMEOUT",
      );
      expect(error.message).toContain("did not answer within 100 ms");
      expect(server.requests).toHaveLength(1);
    });

    it("explains an unreachable endpoint with E_PROVIDER_UNREACHABLE after retrying", async () => {
      const rootUrl = await unusedLoopbackUrl();
      const unreachable = subject.create(rootUrl, { ...fastRetries, maxRetries: 1 });
      const error = await expectVerityError(embedAll(unreachable, ["x"]), "E_PROVIDER_UNREACHABLE");
      expect(error.message).toBe(
        `cannot reach the embedding endpoint ${rootUrl}${subject.path} (ECONNREFUSED): is the server running? ` +
          "Check the embedder's baseUrl",
      );
      expect(error.cause).toBeInstanceOf(Error);
    });

    it("explains that fetch never connects to port 1", async () => {
      const blocked = subject.create("http://127.0.0.1:1", fastRetries);
      const error = await expectVerityError(embedAll(blocked, ["x"]), "E_PROVIDER_UNREACHABLE");
      expect(error.message).toContain('port 1 (a blocked "bad port")');
    });

    it("rejects a body that is not JSON with E_PROVIDER_RESPONSE", async () => {
      server.script({ body: "<html>proxy error</html>" });
      const error = await expectVerityError(embedAll(embedder(), ["x"]), "E_PROVIDER_RESPONSE");
      expect(error.message).toContain("<html>proxy error</html>");
      expect(server.requests).toHaveLength(1);
    });

    it("rejects JSON of the wrong shape with E_PROVIDER_RESPONSE", async () => {
      server.script({ body: '{"vectors":[[1,2]]}' });
      await expectVerityError(embedAll(embedder(), ["x"]), "E_PROVIDER_RESPONSE");
    });

    it("rejects vectors whose dimensions change between batches, naming the model", async () => {
      server.script({}, { dimensions: 8 });
      const error = await expectVerityError(
        embedAll(embedder({ maxBatchSize: 1 }), ["one", "two"]),
        "E_PROVIDER_RESPONSE",
      );
      expect(error.message).toContain("fake-model");
      expect(error.message).toContain("8 dimensions");
    });

    it("rejects vectors that do not have the declared dimensions", async () => {
      await expectVerityError(embedAll(embedder({ dimensions: 16 }), ["x"]), "E_PROVIDER_RESPONSE");
    });

    it("stops when the caller aborts", async () => {
      server.script({ delayMs: 5_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      await expect(embedAll(embedder(), ["x"], { signal: controller.signal })).rejects.toMatchObject({
        name: "AbortError",
      });
      expect(server.requests).toHaveLength(1);
    });

    it("stops waiting to retry when the caller aborts", async () => {
      server.script({ status: 429, headers: { "retry-after": "60" } });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const started = Date.now();
      await expect(
        embedAll(embedder({ maxRetryDelayMs: 60_000 }), ["x"], { signal: controller.signal }),
      ).rejects.toMatchObject({ name: "AbortError" });
      expect(Date.now() - started).toBeLessThan(1_000);
    });
  });
}
