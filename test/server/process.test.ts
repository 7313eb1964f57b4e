// The server as a process: SIGTERM drains in-flight requests and exits 0; kill -9 in the middle of an
// upload leaves nothing half-stored; kill -9 in the middle of an upload's ingestion is resumed at the
// next start; without keys it refuses to listen beyond loopback unless told --no-auth; and a port in
// use is named, with the option to change it.

import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type FakeChatServer, startFakeChatServer } from "../fakes/fake-chat-server.js";
import { runCliProcess } from "../support/cli-process.js";
import { json, readEvents, uploadForm } from "./server-harness.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

let dir: string;
let running: ServerProcess | undefined;
let model: FakeChatServer | undefined;
beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "verity-serve-")));
});
afterEach(async () => {
  if (running && running.child.exitCode === null && running.child.signalCode === null) {
    running.child.kill("SIGKILL");
    await running.exited;
  }
  running = undefined;
  await model?.close();
  model = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const dataDir = () => join(dir, "data");

/** Every file under the uploads folder, staging included. */
function uploadedFiles(): string[] {
  const root = join(dataDir(), "uploads");
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function serve(...args: string[]): Promise<ServerProcess> {
  return startServerProcess(["--port", "0", "--data-dir", dataDir(), ...args]);
}

describe("SIGTERM", () => {
  it("lets the question in flight finish, then exits 0", async () => {
    model = await startFakeChatServer(() => ({
      content: "The Team plan costs $8 per user per month, billed annually [1].",
      delayMs: 3000,
    }));
    const config = join(dir, "verity.json");
    writeFileSync(
      config,
      JSON.stringify({
        models: {
          models: [
            {
              id: "slow",
              provider: "openai-compatible",
              model: "slow",
              baseUrl: `${model.url}/v1`,
              contextWindow: 8192,
              tier: "small",
              local: true,
              maxRetries: 0,
            },
          ],
        },
      }),
    );
    running = await serve("--config", config);
    const base = running.url;
    await fetch(`${base}/api/v1/collections`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "help" }),
    });
    await fetch(`${base}/api/v1/collections/help/documents?wait=true`, {
      method: "POST",
      body: uploadForm([
        {
          name: "plans.md",
          contents: "# Plans\n\nThe Team plan costs $8 per user per month, billed annually.\n",
        },
      ]),
    });

    const answer = fetch(`${base}/api/v1/ask`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ question: "How much is the Team plan?", collection: "help" }),
    });
    // The model has the question: the answer is in flight when the signal arrives.
    await vi.waitFor(() => expect(model?.requests).toHaveLength(1), { timeout: 30_000 });
    running.child.kill("SIGTERM");

    const response = await answer;
    expect(response.status).toBe(200);
    expect((await json(response)).status).toBe("answered");
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(running.log()).toContain('"msg":"stopped"');
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe("kill -9", () => {
  it("in the middle of an upload leaves nothing half-stored, and the next start clears what was received", async () => {
    running = await serve();
    await fetch(`${running.url}/api/v1/collections`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "help" }),
    });

    // A client streams a large file and stops half-way; the server is killed while it waits for the rest.
    const boundary = "----verity-test";
    const upload = httpRequest(`${running.url}/api/v1/collections/help/documents`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    });
    upload.on("error", () => undefined);
    upload.write(
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.txt"\r\ncontent-type: text/plain\r\n\r\n`,
    );
    upload.write("lantern ".repeat(256 * 1024));
    const staging = join(dataDir(), "uploads", ".staging");
    await vi.waitFor(
      () => {
        const received = uploadedFiles().filter((path) => path.startsWith(staging));
        expect(received).toHaveLength(1);
        expect(statSync(received[0] as string).size).toBeGreaterThan(0);
      },
      { timeout: 30_000 },
    );
    running.child.kill("SIGKILL");
    expect((await running.exited).signal).toBe("SIGKILL");
    upload.destroy();
    expect(uploadedFiles()).not.toEqual([]); // the killed server did leave a partial file

    running = await serve();
    expect(uploadedFiles()).toEqual([]);
    const listed = await json(await fetch(`${running.url}/api/v1/collections/help/documents`));
    expect(listed).toEqual({ documents: [], pending: [] });
    expect((await json(await fetch(`${running.url}/api/v1/jobs`))).jobs).toEqual([]);
  });

  it("in the middle of an upload's ingestion is resumed at the next start, every file stored once", async () => {
    const config = join(dir, "verity.json");
    writeFileSync(config, JSON.stringify({ server: { limits: { uploadFiles: 1000 } } }));
    running = await serve("--config", config);
    await fetch(`${running.url}/api/v1/collections`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "help" }),
    });
    const files = Array.from({ length: 600 }, (_, index) => ({
      name: `note-${index}.md`,
      contents: `# Note ${index}\n\nThis note mentions marker${index} and lanterns.\n`,
    }));
    const accepted = await fetch(`${running.url}/api/v1/collections/help/documents`, {
      method: "POST",
      body: uploadForm(files),
    });
    expect(accepted.status).toBe(202);
    const { job } = await json(accepted);
    let doneAtKill = 0;
    await vi.waitFor(
      async () => {
        doneAtKill = (await json(await fetch(`${running?.url}/api/v1/jobs/${job.id}`))).progress.done;
        expect(doneAtKill).toBeGreaterThan(10);
      },
      { timeout: 60_000, interval: 5 },
    );
    running.child.kill("SIGKILL");
    await running.exited;
    expect(doneAtKill).toBeLessThan(600); // killed part-way

    running = await serve("--config", config);
    const jobs = (await json(await fetch(`${running.url}/api/v1/jobs`))).jobs;
    const resumed = jobs.find((candidate: { resumedFrom?: string }) => candidate.resumedFrom === job.id);
    expect(resumed).toBeDefined();
    const events = await readEvents(await fetch(`${running.url}/api/v1/jobs/${resumed.id}/events`));
    expect(events.at(-1)?.data).toMatchObject({ status: "succeeded", progress: { done: 600, total: 600 } });
    const { documents } = await json(await fetch(`${running.url}/api/v1/collections/help/documents`));
    expect(documents).toHaveLength(600);
    expect(new Set(documents.map((document: { title: string }) => document.title)).size).toBe(600);
    const original = await json(await fetch(`${running.url}/api/v1/jobs/${job.id}`));
    expect(original.status).toBe("interrupted");
  });
});

describe("without keys", () => {
  it("refuses to listen beyond loopback, saying how to fix it", async () => {
    const result = await runCliProcess([
      "serve",
      "--host",
      "0.0.0.0",
      "--port",
      "0",
      "--data-dir",
      dataDir(),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("E_CONFIG");
    expect(result.stderr).toContain("--no-auth");
  });

  it("serves with --no-auth, and logs a loud warning", async () => {
    running = await serve("--no-auth");
    expect(running.log()).toContain("AUTHENTICATION IS OFF");
    expect((await fetch(`${running.url}/api/v1/collections`)).status).toBe(200);
  });
});

describe("a port already in use", () => {
  it("says so, naming --port, and exits with E_CONFIG's code", async () => {
    running = await serve();
    const port = new URL(running.url).port;
    const result = await runCliProcess(["serve", "--port", port, "--data-dir", join(dir, "second")]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("E_CONFIG");
    expect(result.stderr).toContain(`127.0.0.1:${port} is in use`);
    expect(result.stderr).toContain("--port");
    expect(result.stderr).not.toContain("unexpected error");
  });
});
