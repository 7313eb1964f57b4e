// The web app as `verity serve` serves it, over real HTTP on loopback: `/` is the app's index.html and
// its hashed assets are cached for good, no key is needed for either while the API still asks for
// one, the API and operations routes are never shadowed, every page carries a Content-Security-Policy,
// and a server without a build says how to make one.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startTestServer, type TestServer } from "./server-harness.js";

const indexHtml =
  '<!doctype html><html><head><script type="module" src="./assets/index-abc123.js"></script></head><body><div id="root"></div></body></html>';

let build: string;
let server: TestServer;
let admin: string;

beforeAll(async () => {
  build = mkdtempSync(join(tmpdir(), "verity-web-"));
  mkdirSync(join(build, "assets"));
  writeFileSync(join(build, "index.html"), indexHtml);
  writeFileSync(join(build, "assets", "index-abc123.js"), "console.log('app');\n");
  writeFileSync(join(build, "assets", "pdf.worker.min-def456.mjs"), "self.onmessage = () => {};\n");
  server = await startTestServer({ web: build });
  admin = (await server.verity.keys.create({ name: "admin", scopes: ["admin"], groups: "*" })).secret;
});
afterAll(async () => {
  await server?.close();
  rmSync(build, { recursive: true, force: true });
});

describe("the web app at /", () => {
  it("serves index.html at / without a key, revalidated on every load", async () => {
    const response = await server.fetch("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/u);
    expect(response.headers.get("cache-control")).toBe("no-cache");
    expect(await response.text()).toBe(indexHtml);
  });

  it("serves hashed assets with their types, cached as immutable", async () => {
    const script = await server.fetch("/assets/index-abc123.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/u);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const worker = await server.fetch("/assets/pdf.worker.min-def456.mjs");
    expect(worker.status).toBe(200);
    expect(worker.headers.get("content-type")).toMatch(/javascript/u);
  });

  it("sends a Content-Security-Policy that allows only this origin", async () => {
    for (const path of ["/", "/assets/index-abc123.js"]) {
      const policy = (await server.fetch(path)).headers.get("content-security-policy") ?? "";
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("worker-src 'self' blob:");
      expect(policy).toContain("connect-src 'self'");
      expect(policy).toContain("frame-ancestors 'none'");
      expect(policy).not.toMatch(/https?:|\*/u);
    }
  });

  it("still asks the API for a key, and answers unknown paths with the API's 404", async () => {
    const unauthorized = await server.fetch("/api/v1/collections");
    expect(unauthorized.status).toBe(401);
    expect((await json(unauthorized)).error.code).toBe("E_UNAUTHORIZED");
    const missing = await server.fetch("/no-such-page");
    expect(missing.status).toBe(404);
    expect((await json(missing)).error.code).toBe("E_NOT_FOUND");
  });

  it("shadows none of /api, /v1, /mcp, /healthz, /readyz and /metrics", async () => {
    const key = { headers: { authorization: `Bearer ${admin}` } };
    const openapi = await server.fetch("/api/v1/openapi.json");
    expect(openapi.status).toBe(200);
    expect((await json(openapi)).openapi).toMatch(/^3\./u);
    expect((await server.fetch("/api/v1/collections", key)).status).toBe(200);
    expect((await server.fetch("/healthz")).status).toBe(200);
    expect((await server.fetch("/readyz")).status).toBe(200);
    const metrics = await server.fetch("/metrics", key);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toMatch(/^text\/plain/u);
    const models = await server.fetch("/v1/models", key);
    expect(models.headers.get("content-type")).toMatch(/json/u);
    expect(models.headers.get("content-security-policy")).toBeNull();
    const mcp = await server.fetch("/mcp", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(mcp.status).toBe(401);
  });

  it("lists none of the app's files in the OpenAPI document", async () => {
    const paths = Object.keys((await json(await server.fetch("/api/v1/openapi.json"))).paths);
    expect(paths).not.toContain("/");
    expect(paths.filter((path) => path.startsWith("/assets"))).toEqual([]);
  });
});

describe("a server without a built web app", () => {
  let bare: TestServer;
  beforeAll(async () => {
    bare = await startTestServer({ web: join(tmpdir(), "verity-web-missing-build") });
  });
  afterAll(async () => bare?.close());

  it("answers / with a page saying to run npm run build, and serves the API as before", async () => {
    const response = await bare.fetch("/");
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/u);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await response.text()).toContain("npm run build");
    expect((await bare.fetch("/api/v1/collections")).status).toBe(200);
    expect((await bare.fetch("/assets/index-abc123.js")).status).toBe(404);
  });
});
