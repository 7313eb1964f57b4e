// Collections over HTTP: created with their settings, listed, read, deleted with everything in them,
// and re-embedded by a reindex job followed over Server-Sent Events.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createOpenAiCompatibleEmbedder } from "../../src/embed/openai-compatible-embedder.js";
import { type FakeEmbeddingServer, startFakeEmbeddingServer } from "../fakes/fake-embedding-server.js";
import { json, readEvents, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

let server: TestServer | undefined;
let embeddings: FakeEmbeddingServer | undefined;
afterEach(async () => {
  await server?.close();
  await embeddings?.close();
  server = undefined;
  embeddings = undefined;
});

const plans = { name: "plans.md", contents: "# Plans\n\nThe Team plan costs $8 per user per month.\n" };

async function upload(target: TestServer, collection: string, files = [plans]) {
  const response = await target.fetch(`/api/v1/collections/${collection}/documents?wait=true`, {
    method: "POST",
    body: uploadForm(files),
  });
  expect(response.status).toBe(201);
  return response.json();
}

describe("collections", () => {
  it("are created with their tokenizer, listed with their counts, and read one by one", async () => {
    server = await startTestServer();
    const cjk = await server.send("/api/v1/collections", { name: "zh-docs", tokenizer: "cjk" });
    expect(cjk.status).toBe(201);
    expect(await json(cjk)).toMatchObject({
      name: "zh-docs",
      documentCount: 0,
      settings: { tokenizer: "cjk" },
    });
    await server.send("/api/v1/collections", { name: "help" });
    await upload(server, "help");

    const list = await json(await server.fetch("/api/v1/collections"));
    expect(
      list.collections.map((collection: { name: string; documentCount: number }) => [
        collection.name,
        collection.documentCount,
      ]),
    ).toEqual([
      ["help", 1],
      ["zh-docs", 0],
    ]);
    const help = await json(await server.fetch("/api/v1/collections/help"));
    expect(help).toMatchObject({
      name: "help",
      documentCount: 1,
      chunkCount: 1,
      settings: { tokenizer: "default" },
    });
  });

  it("are created again with the same settings as a no-op (200), and refused with others", async () => {
    server = await startTestServer();
    expect((await server.send("/api/v1/collections", { name: "help" })).status).toBe(201);
    expect((await server.send("/api/v1/collections", { name: "help" })).status).toBe(200);
    const other = await server.send("/api/v1/collections", { name: "help", tokenizer: "cjk" });
    expect(other.status).toBe(400);
    expect((await json(other)).error.code).toBe("E_INVALID_INPUT");
  });

  it("are deleted with their documents and uploaded files", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    await upload(server, "help");
    expect(existsSync(join(server.dataDir, "uploads", "help"))).toBe(true);

    const removed = await server.fetch("/api/v1/collections/help", { method: "DELETE" });
    expect(await json(removed)).toEqual({ files: 1, documents: 1 });
    expect(existsSync(join(server.dataDir, "uploads", "help"))).toBe(false);
    expect((await server.fetch("/api/v1/collections/help")).status).toBe(404);
    expect((await server.fetch("/api/v1/collections/help", { method: "DELETE" })).status).toBe(404);
  });

  it("are re-embedded by a reindex job whose progress streams as events, then searched hybrid", async () => {
    embeddings = await startFakeEmbeddingServer({ dimensions: 16 });
    const embedder = createOpenAiCompatibleEmbedder({ baseUrl: `${embeddings.url}/v1`, model: "fake" });
    server = await startTestServer({ verity: { embedder } });
    await server.send("/api/v1/collections", { name: "help" });
    await upload(server, "help", [
      plans,
      { name: "refunds.md", contents: "# Refunds\n\nRefunds are paid within 30 days.\n" },
    ]);

    const accepted = await server.send("/api/v1/collections/help/reindex", { activate: true });
    expect(accepted.status).toBe(202);
    const job = await json(accepted);
    expect(accepted.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
    const events = await readEvents(await server.fetch(`/api/v1/jobs/${job.id}/events`));
    const done = events.at(-1);
    expect(done?.event).toBe("done");
    expect(done?.data).toMatchObject({
      kind: "reindex",
      status: "succeeded",
      progress: { done: 2, total: 2, unit: "chunks" },
      result: { activated: true, space: { name: "openai-compatible:fake:1", active: true } },
    });

    const search = await json(
      await server.send("/api/v1/search", { question: "refund days", collection: "help" }),
    );
    expect(search.mode).toBe("hybrid");
  });

  it("are not reindexed without an embedder: the job fails and says how to configure one", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    await upload(server, "help");
    const job = await json(await server.send("/api/v1/collections/help/reindex", {}));
    const events = await readEvents(await server.fetch(`/api/v1/jobs/${job.id}/events`));
    expect(events.at(-1)?.data).toMatchObject({
      status: "failed",
      error: { code: "E_INVALID_INPUT", message: expect.stringContaining("embedder") },
    });
  });
});
