// Bad input over HTTP: each gets one JSON error with a stable code and a message that says what to
// do, and nothing is stored half-way.
import { existsSync, readdirSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { json, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

let server: TestServer | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await server?.close();
  server = undefined;
});

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  expect(response.headers.get("content-type")).toContain("application/json");
  const body = await json(response);
  expect(Object.keys(body)).toEqual(["error"]);
  expect(Object.keys(body.error).sort()).toEqual(["code", "message"]);
  return { status: response.status, ...body.error };
}

/** A request whose path is sent exactly as written (fetch would resolve `..` and re-encode). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${url}${path}`, { method: "GET", path }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk;
      });
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

/** Nothing in the uploads folder (staging included), no document, no job. */
async function expectNothingStored(target: TestServer): Promise<void> {
  const uploads = join(target.dataDir, "uploads");
  const files = existsSync(uploads)
    ? readdirSync(uploads, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile())
    : [];
  expect(files).toEqual([]);
  expect(await target.verity.listDocuments()).toEqual([]);
  expect(await target.jobs.list(10)).toEqual([]);
}

describe("bodies", () => {
  it("malformed JSON is E_INVALID_INPUT (400)", async () => {
    server = await startTestServer();
    const response = await server.fetch("/api/v1/ask", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"question": "unterminated',
    });
    expect(await errorOf(response)).toMatchObject({
      status: 400,
      code: "E_INVALID_INPUT",
      message: expect.stringContaining("not valid JSON"),
    });
  });

  it("a body of the wrong content type is E_UNSUPPORTED_MEDIA (415), whichever type it is", async () => {
    server = await startTestServer();
    for (const type of ["text/plain", "application/xml", "application/x-www-form-urlencoded"]) {
      const response = await server.fetch("/api/v1/ask", {
        method: "POST",
        headers: { "content-type": type },
        body: "question=hello",
      });
      expect(await errorOf(response)).toMatchObject({ status: 415, code: "E_UNSUPPORTED_MEDIA" });
    }
    await server.send("/api/v1/collections", { name: "help" });
    const json = await server.send("/api/v1/collections/help/documents", { file: "plans.md" });
    expect(await errorOf(json)).toMatchObject({
      status: 415,
      code: "E_UNSUPPORTED_MEDIA",
      message: expect.stringContaining("multipart/form-data"),
    });
  });

  it("a field of the wrong shape or an unknown field is E_INVALID_INPUT naming it", async () => {
    server = await startTestServer();
    expect(await errorOf(await server.send("/api/v1/ask", { question: "" }))).toMatchObject({
      status: 400,
      code: "E_INVALID_INPUT",
      message: expect.stringContaining("body.question: ask something"),
    });
    expect(
      await errorOf(await server.send("/api/v1/ask", { question: "Hi?", colection: "help" })),
    ).toMatchObject({
      message: expect.stringContaining('Unrecognized key: "colection"'),
    });
    expect(await errorOf(await server.send("/api/v1/collections", { name: "中文" }))).toMatchObject({
      message: expect.stringContaining("body.name"),
    });
  });

  it("an oversized body is E_TOO_LARGE (413) naming the setting", async () => {
    server = await startTestServer({ server: { limits: { bodyBytes: 2048 } } });
    const response = await server.send("/api/v1/ask", { question: "x".repeat(4000) });
    expect(await errorOf(response)).toMatchObject({
      status: 413,
      code: "E_TOO_LARGE",
      message: expect.stringContaining("server.limits.bodyBytes"),
    });
  });
});

describe("uploads", () => {
  it("a file over the upload limit is E_TOO_LARGE (413), and none of the request's files is kept", async () => {
    server = await startTestServer({ server: { limits: { uploadBytes: 4096 } } });
    await server.send("/api/v1/collections", { name: "help" });
    const response = await server.fetch("/api/v1/collections/help/documents", {
      method: "POST",
      body: uploadForm([
        { name: "small.md", contents: "# Small\n\nFits.\n" },
        { name: "large.md", contents: `# Large\n\n${"word ".repeat(5000)}\n` },
      ]),
    });
    expect(await errorOf(response)).toMatchObject({
      status: 413,
      code: "E_TOO_LARGE",
      message: expect.stringContaining("server.limits.uploadBytes"),
    });
    await expectNothingStored(server);
  });

  it("more files than the limit is E_TOO_LARGE (413), and nothing is kept", async () => {
    server = await startTestServer({ server: { limits: { uploadFiles: 2 } } });
    await server.send("/api/v1/collections", { name: "help" });
    const files = ["a", "b", "c"].map((name) => ({ name: `${name}.md`, contents: `# ${name}\n\nText.\n` }));
    const response = await server.fetch("/api/v1/collections/help/documents", {
      method: "POST",
      body: uploadForm(files),
    });
    expect(await errorOf(response)).toMatchObject({
      status: 413,
      code: "E_TOO_LARGE",
      message: expect.stringContaining("server.limits.uploadFiles"),
    });
    await expectNothingStored(server);
  });

  it("a client that disconnects in the middle of an upload leaves nothing behind", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    const boundary = "----verity-test";
    const upload = httpRequest(`${server.url}/api/v1/collections/help/documents`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    upload.on("error", () => undefined);
    upload.write(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.txt"\r\n\r\n${"lantern ".repeat(65_536)}`,
    );
    const staging = join(server.dataDir, "uploads", ".staging");
    await vi.waitFor(() => expect(readdirSync(staging, { recursive: true }).length).toBeGreaterThan(1), {
      timeout: 30_000,
    });
    upload.destroy();
    await vi.waitFor(() => expectNothingStored(server as TestServer), { timeout: 30_000 });
  });

  it("an upload without a file is E_INVALID_INPUT, and a file name with nothing usable too", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    const empty = await server.fetch("/api/v1/collections/help/documents", {
      method: "POST",
      body: uploadForm([], { groups: "hr" }),
    });
    expect(await errorOf(empty)).toMatchObject({
      status: 400,
      code: "E_INVALID_INPUT",
      message: expect.stringContaining("no file"),
    });
    const dots = await server.fetch("/api/v1/collections/help/documents", {
      method: "POST",
      body: uploadForm([{ name: "..", contents: "# Dots\n\nText.\n" }]),
    });
    expect(await errorOf(dots)).toMatchObject({ status: 400, code: "E_INVALID_INPUT" });
    await expectNothingStored(server);
  });

  it("a bad access group in the form is E_INVALID_INPUT, and the files are not kept", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    const response = await server.fetch("/api/v1/collections/help/documents", {
      method: "POST",
      body: uploadForm([{ name: "a.md", contents: "# A\n\nText.\n" }], { groups: "hr, ../x" }),
    });
    expect(await errorOf(response)).toMatchObject({
      status: 400,
      code: "E_INVALID_INPUT",
      message: expect.stringContaining("access group"),
    });
    await expectNothingStored(server);
  });
});

describe("names and ids", () => {
  it("an unknown collection is E_NOT_FOUND (404) on every route, and an upload to it stores nothing", async () => {
    server = await startTestServer();
    const responses = [
      await server.fetch("/api/v1/collections/nowhere"),
      await server.fetch("/api/v1/collections/nowhere/documents"),
      await server.send("/api/v1/ask", { question: "Anything?", collection: "nowhere" }),
      await server.send("/api/v1/search", { question: "Anything?", collection: "nowhere" }),
      await server.fetch("/api/v1/collections/nowhere/documents", {
        method: "POST",
        body: uploadForm([{ name: "a.md", contents: "# A\n\nText.\n" }]),
      }),
    ];
    for (const response of responses)
      expect(await errorOf(response)).toMatchObject({ status: 404, code: "E_NOT_FOUND" });
    await expectNothingStored(server);
  });

  it("path traversal in collection names and document ids is E_INVALID_INPUT before anything is read", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    for (const path of [
      "/api/v1/collections/help/documents/..%2F..%2F..%2Fetc%2Fpasswd/content",
      "/api/v1/collections/%2E%2E/documents",
      "/api/v1/collections/help/documents/doc%00x",
      "/api/v1/collections/..%5C..%5Cwindows/documents",
    ]) {
      const response = await rawGet(server.url, path);
      expect(response.status).toBe(400);
      expect(JSON.parse(response.body).error.code).toBe("E_INVALID_INPUT");
    }
  });

  it("an unknown document or job is E_NOT_FOUND", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    expect(await errorOf(await server.fetch("/api/v1/collections/help/documents/doc_0000"))).toMatchObject({
      status: 404,
      code: "E_NOT_FOUND",
    });
    expect(await errorOf(await server.fetch("/api/v1/jobs/no-such-job"))).toMatchObject({
      status: 404,
      code: "E_NOT_FOUND",
    });
  });

  it("an unknown route is E_NOT_FOUND pointing at the OpenAPI document", async () => {
    server = await startTestServer();
    expect(await errorOf(await server.fetch("/api/v1/nothing-here"))).toMatchObject({
      status: 404,
      code: "E_NOT_FOUND",
      message: expect.stringContaining("/api/v1/openapi.json"),
    });
  });
});

describe("API keys", () => {
  async function keyedServer() {
    const started = await startTestServer();
    const admin = await started.verity.keys.create({ name: "admin", scopes: ["admin"], groups: "*" });
    return { started, admin: admin.secret };
  }

  it("with keys defined, a request without one is E_UNAUTHORIZED (401) with WWW-Authenticate", async () => {
    const { started } = await keyedServer();
    server = started;
    const response = await server.fetch("/api/v1/collections");
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="verity"');
    expect(await errorOf(response)).toMatchObject({
      status: 401,
      code: "E_UNAUTHORIZED",
      message: expect.stringContaining("Authorization: Bearer"),
    });
  });

  it("a malformed, unknown, revoked or expired key is 401, and the message says which", async () => {
    const { started, admin } = await keyedServer();
    server = started;
    const auth = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
    const reader = await server.verity.keys.create({ name: "reader", scopes: ["read"] });
    const revoked = await server.verity.keys.create({ name: "old", scopes: ["read"] });
    await server.verity.keys.revoke(revoked.key.id);
    const expiring = await server.verity.keys.create({ name: "temp", scopes: ["read"], expires: "1h" });
    const forged = `${reader.secret.slice(0, -4)}AAAA`;

    expect(await errorOf(await server.fetch("/api/v1/collections", auth("not-a-key")))).toMatchObject({
      status: 401,
      message: expect.stringContaining("not a Verity key"),
    });
    expect(await errorOf(await server.fetch("/api/v1/collections", auth(forged)))).toMatchObject({
      status: 401,
      message: expect.stringContaining("unknown API key"),
    });
    expect(await errorOf(await server.fetch("/api/v1/collections", auth(revoked.secret)))).toMatchObject({
      status: 401,
      message: expect.stringContaining("was revoked"),
    });
    expect(
      await errorOf(
        await server.fetch("/api/v1/collections", { headers: { authorization: `Basic ${admin}` } }),
      ),
    ).toMatchObject({ status: 401, message: expect.stringContaining("Bearer") });
    expect((await server.fetch("/api/v1/collections", auth(expiring.secret))).status).toBe(200);

    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    expect(await errorOf(await server.fetch("/api/v1/collections", auth(expiring.secret)))).toMatchObject({
      status: 401,
      code: "E_UNAUTHORIZED",
      message: expect.stringContaining("expired"),
    });
  });

  it("a key without the scope a route needs is E_FORBIDDEN (403) naming the scope", async () => {
    const { started } = await keyedServer();
    server = started;
    const reader = await server.verity.keys.create({ name: "reader", scopes: ["read"] });
    const response = await server.send("/api/v1/collections", { name: "help" }, { key: reader.secret });
    expect(await errorOf(response)).toMatchObject({
      status: 403,
      code: "E_FORBIDDEN",
      message: expect.stringContaining('"write" scope'),
    });
  });

  it("a key used on a collection it does not cover reads 404 as if it did not exist, and writes 403", async () => {
    const { started, admin } = await keyedServer();
    server = started;
    await server.send("/api/v1/collections", { name: "hr" }, { key: admin });
    const sales = await server.verity.keys.create({
      name: "sales",
      scopes: ["read", "write"],
      collections: ["sales"],
    });
    const missing = await errorOf(
      await server.fetch("/api/v1/collections/nowhere", {
        headers: { authorization: `Bearer ${sales.secret}` },
      }),
    );
    const hidden = await errorOf(
      await server.fetch("/api/v1/collections/hr", { headers: { authorization: `Bearer ${sales.secret}` } }),
    );
    expect(hidden).toEqual({ ...missing, message: missing.message.replace("nowhere", "hr") });

    const write = await server.fetch("/api/v1/collections/hr/documents", {
      method: "POST",
      headers: { authorization: `Bearer ${sales.secret}` },
      body: uploadForm([{ name: "a.md", contents: "# A\n\nText.\n" }]),
    });
    expect(await errorOf(write)).toMatchObject({
      status: 403,
      code: "E_FORBIDDEN",
      message: expect.stringContaining("does not cover"),
    });
    const writeMissing = await server.send("/api/v1/collections", { name: "nowhere" }, { key: sales.secret });
    expect((await errorOf(writeMissing)).status).toBe(403);
    await expectNothingStored(server);
  });
});
