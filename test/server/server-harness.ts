// A real server on 127.0.0.1 (port 0) over its own data dir, for the HTTP tests: the app as `verity
// serve` builds it, its engine, and fetch helpers that speak to it over loopback.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVerity, type Verity, type VerityOptions } from "../../src/engine.js";
import { createServerApp, type ServerApp } from "../../src/server/app.js";
import { parseServerSettings } from "../../src/server/settings/server-settings.js";

export interface TestServer extends ServerApp {
  url: string;
  /** The test's own folder: `data/` is the data dir, anything else is the test's. */
  dir: string;
  dataDir: string;
  verity: Verity;
  /** fetch against the server, the path relative to its URL. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** POST (or `method`) a JSON body, with an optional bearer key. */
  send(
    path: string,
    body: unknown,
    options?: { key?: string; method?: string; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  /** The config file's `server` section. */
  server?: Record<string, unknown>;
  noAuth?: boolean;
  verity?: Partial<VerityOptions>;
  /** The server's pino logger; default silent. */
  logger?: import("fastify").FastifyBaseLogger;
  /** Wraps the engine the app is given (e.g. to hold an ingestion until the test lets it go). */
  wrap?: (verity: Verity) => Verity;
  /** The built web app's folder (default the package's dist/web). */
  web?: string;
  /** The model catalogue passed to the app (its budgets show in /api/v1/stats/daily). */
  models?: import("../../src/models/catalogue.js").ModelCatalogue;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "verity-server-")));
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const verity = createVerity({ dataDir, ...options.verity });
  const settings = parseServerSettings({ port: 0, logLevel: "silent", ...options.server });
  const served = await createServerApp({
    verity: options.wrap ? options.wrap(verity) : verity,
    settings,
    dataDir,
    noAuth: options.noAuth === true,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.web ? { webRoot: options.web } : {}),
    ...(options.models ? { models: options.models } : {}),
  });
  await served.uploads.cleanStaging();
  await served.app.listen({ host: "127.0.0.1", port: 0 });
  const address = served.app.server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const request = (path: string, init?: RequestInit) => fetch(`${url}${path}`, init);
  return {
    ...served,
    url,
    dir,
    dataDir,
    verity,
    fetch: request,
    send: (path, body, { key, method = "POST", headers = {} } = {}) =>
      request(path, {
        method,
        headers: {
          "content-type": "application/json",
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...headers,
        },
        body: JSON.stringify(body),
      }),
    async close() {
      await served.drain(5000);
      await served.jobs.stop();
      await verity.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A small help centre in `<dir>/docs`: plans, refunds and security pages. */
export function writeHelpCentre(dir: string): string {
  const docs = join(dir, "docs");
  mkdirSync(docs, { recursive: true });
  writeFileSync(
    join(docs, "plans.md"),
    "# Plans\n\n## Team plan\n\nThe Team plan costs $8 per user per month, billed annually.\n\n## Free plan\n\nThe Free plan includes 3 notebooks.\n",
  );
  writeFileSync(
    join(docs, "refunds.md"),
    "# Refunds\n\nRefunds are paid within 30 days of a cancellation request. Annual plans are refunded pro rata.\n",
  );
  return docs;
}

/** A multipart form with files (name, contents) and fields. */
export function uploadForm(
  files: { name: string; contents: string | Uint8Array; type?: string }[],
  fields: Record<string, string> = {},
): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files)
    form.append(
      "file",
      new Blob([file.contents], { type: file.type ?? "application/octet-stream" }),
      file.name,
    );
  return form;
}

/** The events of a Server-Sent Events body, in order. */
export async function readEvents(response: Response): Promise<{ event: string; data: unknown }[]> {
  const text = await response.text();
  return text
    .split("\n\n")
    .filter((frame) => frame.trim() && !frame.startsWith(":"))
    .map((frame) => {
      const event = /^event: (.*)$/mu.exec(frame)?.[1] ?? "message";
      const data = /^data: (.*)$/mu.exec(frame)?.[1] ?? "null";
      return { event, data: JSON.parse(data) as unknown };
    });
}

/** A JSON response body, read as loosely as the tests inspect it. */
// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies as free-form JSON
export function json(response: Response): Promise<any> {
  return response.json();
}
