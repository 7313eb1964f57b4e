// Media links over HTTP: a key asks for a short-lived link to one document's original file, and a
// player fetches it with Range requests and no key. The link opens that document only, stops at its
// expiry or when its key is revoked, follows the key's access groups, and never reaches the log.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { mediaTokenSecretFile } from "../../src/server/auth/media-token-secret.js";
import { createMediaTokens } from "../../src/server/auth/media-tokens.js";
import type { Transcriber } from "../../src/transcribe/transcriber.js";
import { repositoryRoot } from "../support/cli-process.js";
import { json, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const transcriber: Transcriber = {
  id: "fake",
  transcribe: async () => ({
    engine: "fake",
    durationMs: 11_000,
    segments: [{ startMs: 0, endMs: 11_000, text: "Ask not what your country can do for you." }],
  }),
};

interface Keyed {
  server: TestServer;
  admin: string;
  adminId: string;
}

/** A server with keys (so every request needs one) and a collection `help`. */
async function keyedServer(options: Parameters<typeof startTestServer>[0] = {}): Promise<Keyed> {
  const started = await startTestServer(options);
  const created = await started.verity.keys.create({ name: "admin", scopes: ["admin"], groups: "*" });
  await started.send("/api/v1/collections", { name: "help" }, { key: created.secret });
  return { server: started, admin: created.secret, adminId: created.key.id };
}

async function upload(
  target: Keyed,
  file: { name: string; contents: string | Uint8Array; type?: string },
  groups?: string,
): Promise<string> {
  const response = await target.server.fetch("/api/v1/collections/help/documents?wait=true", {
    method: "POST",
    headers: { authorization: `Bearer ${target.admin}` },
    body: uploadForm([file], groups ? { groups } : {}),
  });
  expect(response.status).toBe(201);
  return (await json(response)).job.result.files[0].documents[0] as string;
}

async function mediaLink(target: TestServer, key: string, id: string): Promise<Response> {
  return target.fetch(`/api/v1/collections/help/documents/${id}/content-url`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
  });
}

async function linkTo(target: Keyed, id: string, key = target.admin): Promise<string> {
  const response = await mediaLink(target.server, key, id);
  expect(response.status).toBe(200);
  return (await json(response)).url as string;
}

const plans = { name: "plans.md", contents: "# Plans\n\nThe Team plan costs $8 per user per month.\n" };
const refunds = { name: "refunds.md", contents: "# Refunds\n\nRefunds are paid within 30 days.\n" };

describe("a media link", () => {
  it("plays a byte range of a recording without the key, with the recording's own media type", {
    tags: ["ffmpeg"],
  }, async () => {
    const keyed = await keyedServer({ verity: { transcriber } });
    server = keyed.server;
    const audio = readFileSync(join(repositoryRoot, "test/fixtures/speech/jfk.flac"));
    const id = await upload(keyed, { name: "jfk.flac", contents: audio, type: "audio/flac" });

    const answer = await mediaLink(server, keyed.admin, id);
    expect(answer.status).toBe(200);
    const { url, expiresAt } = await json(answer);
    expect(url).toMatch(new RegExp(`^/api/v1/collections/help/documents/${id}/content\\?token=`, "u"));
    const lifetime = Date.parse(expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(9 * 60_000);
    expect(lifetime).toBeLessThanOrEqual(10 * 60_000);

    const response = await server.fetch(url, { headers: { range: "bytes=1000-1999" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-type")).toBe("audio/flac");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("content-range")).toBe(`bytes 1000-1999/${audio.length}`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(audio.subarray(1000, 2000));

    const withoutToken = await server.fetch(url.split("?")[0] ?? "", { headers: { range: "bytes=0-9" } });
    expect(withoutToken.status).toBe(401);
  });

  it("opens only the document it was made for", async () => {
    const keyed = await keyedServer();
    server = keyed.server;
    const planId = await upload(keyed, plans);
    const refundId = await upload(keyed, refunds);
    const url = await linkTo(keyed, planId);
    const response = await server.fetch(url.replace(planId, refundId));
    expect(response.status).toBe(401);
    const body = await json(response);
    expect(body.error.code).toBe("E_UNAUTHORIZED");
    expect(body.error.message).toContain("not valid for this document");
  });

  it("is refused once altered: another expiry, key id or signature", async () => {
    const keyed = await keyedServer();
    server = keyed.server;
    const id = await upload(keyed, plans);
    const url = await linkTo(keyed, id);
    expect((await server.fetch(url)).status).toBe(200);
    const [path = "", token = ""] = url.split("?token=");
    const [version, expires = "0", keyId, mac = ""] = decodeURIComponent(token).split(".");
    const flipped = `${mac.slice(0, 10)}${mac[10] === "A" ? "B" : "A"}${mac.slice(11)}`;
    const altered = [
      [version, String(Number(expires) + 3600), keyId, mac],
      [version, expires, "aaaaaaaaaaaaaaaa", mac],
      [version, expires, keyId, flipped],
      [version, expires, keyId],
      ["garbage"],
    ];
    for (const parts of altered) {
      const response = await server.fetch(`${path}?token=${encodeURIComponent(parts.join("."))}`);
      expect(response.status).toBe(401);
      expect((await json(response)).error.code).toBe("E_UNAUTHORIZED");
    }
  });

  it("is refused after it expires", async () => {
    const keyed = await keyedServer();
    server = keyed.server;
    const id = await upload(keyed, plans);
    // A link made an hour ago with the server's own secret, as the server made it then.
    const tokens = createMediaTokens({
      secret: readFileSync(join(server.dataDir, mediaTokenSecretFile)),
      keys: server.verity.keys,
      disabled: false,
      now: () => Date.now() - 3_600_000,
    });
    const { token } = tokens.issue(
      { keyId: keyed.adminId, scopes: ["admin"], access: { collections: "*", groups: "*" } },
      { collection: "help", documentId: id },
    );
    const response = await server.fetch(
      `/api/v1/collections/help/documents/${id}/content?token=${encodeURIComponent(token)}`,
    );
    expect(response.status).toBe(401);
    const body = await json(response);
    expect(body.error.code).toBe("E_UNAUTHORIZED");
    expect(body.error.message).toMatch(/expired at .*content-url/u);
  });

  it("stops working when its key is revoked", async () => {
    const keyed = await keyedServer();
    server = keyed.server;
    const id = await upload(keyed, plans);
    const reader = await server.verity.keys.create({ name: "reader", scopes: ["read"] });
    const url = await linkTo(keyed, id, reader.secret);
    expect((await server.fetch(url)).status).toBe(200);
    await server.verity.keys.revoke(reader.key.id);
    const response = await server.fetch(url);
    expect(response.status).toBe(401);
    expect((await json(response)).error).toMatchObject({
      code: "E_UNAUTHORIZED",
      message: expect.stringContaining("revoked"),
    });
  });

  it("is made only for a document the key may read: another group's document is 404, as with the key", async () => {
    const keyed = await keyedServer();
    server = keyed.server;
    const publicId = await upload(keyed, plans);
    const payrollId = await upload(keyed, refunds, "payroll");
    const staff = await server.verity.keys.create({ name: "staff", scopes: ["read"], groups: ["hr"] });
    const payroll = await server.verity.keys.create({
      name: "payroll",
      scopes: ["read"],
      groups: ["payroll"],
    });
    const outsider = await server.verity.keys.create({ name: "other", scopes: ["read"], collections: ["x"] });

    const hidden = await mediaLink(server, staff.secret, payrollId);
    expect(hidden.status).toBe(404);
    expect((await json(hidden)).error.code).toBe("E_NOT_FOUND");
    expect((await mediaLink(server, outsider.secret, publicId)).status).toBe(404);
    expect((await server.fetch(await linkTo(keyed, publicId, staff.secret))).status).toBe(200);
    const allowed = await server.fetch(await linkTo(keyed, payrollId, payroll.secret));
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("Refunds are paid within 30 days.");

    // A staff link cannot be pointed at the payroll document.
    const staffLink = await linkTo(keyed, publicId, staff.secret);
    expect((await server.fetch(staffLink.replace(publicId, payrollId))).status).toBe(401);
  });

  it("is listed in the OpenAPI document, and the content route documents its token", async () => {
    const keyed = await keyedServer();
    server = keyed.server;
    const openapi = await json(await server.fetch("/api/v1/openapi.json"));
    const linkRoute = openapi.paths["/api/v1/collections/{name}/documents/{id}/content-url"];
    expect(linkRoute?.post?.responses?.["200"]).toBeDefined();
    const content = openapi.paths["/api/v1/collections/{name}/documents/{id}/content"];
    expect(JSON.stringify(content.get.parameters)).toContain('"token"');
  });

  it("never appears in the log, whether it is accepted or refused", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    const logger = pino({ level: "debug" }, sink);
    const keyed = await keyedServer({ logger, verity: { logger } });
    server = keyed.server;
    const id = await upload(keyed, plans);
    const url = await linkTo(keyed, id);
    const token = decodeURIComponent(url.split("?token=")[1] ?? "");
    const signature = token.split(".")[3] ?? "";
    expect(signature.length).toBeGreaterThan(40);
    expect((await server.fetch(url, { headers: { range: "bytes=0-3" } })).status).toBe(206);
    expect((await server.fetch(url.replace(id, "another-document"))).status).toBe(401);
    expect((await server.fetch(`${url}&unexpected=1`)).status).toBe(400);

    const log = lines.join("\n");
    expect(log).not.toContain(signature);
    expect(log).not.toContain("token=");
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toContainEqual(
      expect.objectContaining({
        route: "/api/v1/collections/:name/documents/:id/content",
        status: 206,
        keyId: keyed.adminId,
        msg: "request",
      }),
    );
  });
});

describe("without keys", () => {
  it("a link works like the open content route, and stops once the server needs keys", async () => {
    server = await startTestServer();
    await server.send("/api/v1/collections", { name: "help" });
    const response = await server.fetch("/api/v1/collections/help/documents?wait=true", {
      method: "POST",
      body: uploadForm([plans]),
    });
    const id = (await json(response)).job.result.files[0].documents[0] as string;
    const link = await server.fetch(`/api/v1/collections/help/documents/${id}/content-url`, {
      method: "POST",
    });
    expect(link.status).toBe(200);
    const { url } = await json(link);
    expect((await server.fetch(url)).status).toBe(200);
    await server.verity.keys.create({ name: "admin", scopes: ["admin"] });
    expect((await server.fetch(url)).status).toBe(401);
  });
});

describe("a document's original file", () => {
  it("is sent with the recording's media type by its extension, and nosniff", {
    tags: ["ffmpeg"],
  }, async () => {
    const keyed = await keyedServer({ verity: { transcriber } });
    server = keyed.server;
    const audio = readFileSync(join(repositoryRoot, "test/fixtures/speech/1089-134686-0001.wav"));
    const id = await upload(keyed, { name: "reading.wav", contents: audio, type: "audio/wav" });
    const record = await json(
      await server.fetch(`/api/v1/collections/help/documents/${id}`, {
        headers: { authorization: `Bearer ${keyed.admin}` },
      }),
    );
    expect(record.mediaType).toBe("audio");
    const response = await server.fetch(await linkTo(keyed, id), { headers: { range: "bytes=0-11" } });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 4)
        .toString("latin1"),
    ).toBe("RIFF");
  });
});
