// Documents over HTTP: several files per multipart upload, streamed to disk under safe names and
// ingested by a job (progress as Server-Sent Events), listed with their status, read, removed, and
// their original files served with HTTP Range.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Verity } from "../../src/engine.js";
import { makePdf } from "../../src/ingest/loaders/loader-test-support.js";
import type { Transcriber } from "../../src/transcribe/transcriber.js";
import { repositoryRoot } from "../support/cli-process.js";
import { json, readEvents, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const plans = { name: "plans.md", contents: "# Plans\n\nThe Team plan costs $8 per user per month.\n" };
const refunds = { name: "refunds.md", contents: "# Refunds\n\nRefunds are paid within 30 days.\n" };

async function serverWithCollection(
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<TestServer> {
  const started = await startTestServer(options);
  await started.send("/api/v1/collections", { name: "help" });
  return started;
}

async function uploadAndWait(
  target: TestServer,
  files: Parameters<typeof uploadForm>[0],
  fields: Record<string, string> = {},
) {
  const response = await target.fetch("/api/v1/collections/help/documents?wait=true", {
    method: "POST",
    body: uploadForm(files, fields),
  });
  expect(response.status).toBe(201);
  return (await json(response)) as {
    job: { status: string; result: { files: { name: string; status: string; documents: string[] }[] } };
    files: { name: string; originalName: string; bytes: number }[];
  };
}

/** Every file under the data dir's uploads folder, relative to it. */
function uploadedFiles(target: TestServer): string[] {
  const root = join(target.dataDir, "uploads");
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

describe("uploading", () => {
  it("stores several files from one request and ingests them in a job, answering 202 with the job", async () => {
    server = await serverWithCollection();
    const response = await server.fetch("/api/v1/collections/help/documents", {
      method: "POST",
      body: uploadForm([plans, refunds]),
    });
    expect(response.status).toBe(202);
    const { job, files } = await json(response);
    expect(response.headers.get("location")).toBe(`/api/v1/jobs/${job.id}`);
    expect(files.map((file: { name: string }) => file.name)).toEqual(["plans.md", "refunds.md"]);

    const events = await readEvents(await server.fetch(`/api/v1/jobs/${job.id}/events`));
    expect(events.at(-1)).toMatchObject({
      event: "done",
      data: { status: "succeeded", progress: { done: 2, total: 2 }, result: { added: 2 } },
    });
    const listed = await json(await server.fetch("/api/v1/collections/help/documents"));
    const titles = listed.documents.map((document: { title: string; status: string }) => [
      document.title,
      document.status,
    ]);
    expect(titles.sort()).toEqual([
      ["Plans", "indexed"],
      ["Refunds", "indexed"],
    ]);
    const stored = uploadedFiles(server).map((path) => path.replace(/\/[0-9a-f]{32}\//u, "/<sha256>/"));
    expect(stored.sort()).toEqual(["help/<sha256>/plans.md", "help/<sha256>/refunds.md"]);
  });

  it("reports progress file by file, then the result of each file, to a client following the job", async () => {
    server = await serverWithCollection();
    const { job } = await json(
      await server.fetch("/api/v1/collections/help/documents", {
        method: "POST",
        body: uploadForm([plans, refunds]),
      }),
    );
    const events = await readEvents(await server.fetch(`/api/v1/jobs/${job.id}/events`));
    const done = events.filter((event) => event.event === "done");
    expect(done).toHaveLength(1);
    expect(events.at(-1)?.data).toMatchObject({
      result: {
        files: [
          { name: "plans.md", status: "added", documents: [expect.stringMatching(/^doc_/u)] },
          { name: "refunds.md", status: "added", documents: [expect.stringMatching(/^doc_/u)] },
        ],
      },
    });
    const after = await json(await server.fetch(`/api/v1/jobs/${job.id}`));
    expect(after.status).toBe("succeeded");
  });

  it("lists files still being ingested as pending", async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    server = await serverWithCollection({
      wrap: (verity) =>
        Object.assign(Object.create(verity) as Verity, {
          ingest: async (...args: Parameters<Verity["ingest"]>) => {
            await held;
            return verity.ingest(...args);
          },
        }),
    });
    let job: { id: string };
    try {
      ({ job } = await json(
        await server.fetch("/api/v1/collections/help/documents", {
          method: "POST",
          body: uploadForm([plans]),
        }),
      ));
      const listed = await json(await server.fetch("/api/v1/collections/help/documents"));
      expect(listed).toEqual({
        documents: [],
        pending: [{ name: "plans.md", job: job.id, status: "running" }],
      });
    } finally {
      release();
    }
    await readEvents(await server.fetch(`/api/v1/jobs/${job.id}/events`));
    const after = await json(await server.fetch("/api/v1/collections/help/documents"));
    expect(after.pending).toEqual([]);
    expect(after.documents).toHaveLength(1);
  });

  it("keeps a file's name inside its folder: path segments, leading dots and control characters are dropped", async () => {
    server = await serverWithCollection();
    const { files } = await uploadAndWait(server, [
      { name: "../../../../etc/passwd.md", contents: "# Passwd\n\nNot a password file.\n" },
      { name: "..\\..\\windows.md", contents: "# Windows\n\nBackslashes are separators too.\n" },
      { name: ".hidden.md", contents: "# Hidden\n\nA leading dot is dropped.\n" },
      { name: "bell\u0007.md", contents: "# Bell\n\nA control character is replaced.\n" },
    ]);
    expect(files.map((file) => file.name)).toEqual(["passwd.md", "windows.md", "hidden.md", "bell_.md"]);
    const stored = uploadedFiles(server).map((path) => path.replace(/\/[0-9a-f]{32}\//u, "/<sha256>/"));
    expect(stored.sort()).toEqual([
      "help/<sha256>/bell_.md",
      "help/<sha256>/hidden.md",
      "help/<sha256>/passwd.md",
      "help/<sha256>/windows.md",
    ]);
  });

  it("stores the same bytes under the same name once: uploading again changes nothing", async () => {
    server = await serverWithCollection();
    const first = await uploadAndWait(server, [plans]);
    const again = await uploadAndWait(server, [plans]);
    expect(again.job.result.files).toEqual([
      { name: "plans.md", status: "unchanged", documents: first.job.result.files[0]?.documents },
    ]);
    expect(uploadedFiles(server)).toHaveLength(1);
  });

  it("does not keep a file that cannot be ingested, and says why in the job's result", async () => {
    server = await serverWithCollection();
    const { job } = await uploadAndWait(server, [plans, { name: "notes.xyz", contents: "what is this" }]);
    expect(job.status).toBe("failed");
    expect(job.result.files).toEqual([
      { name: "plans.md", status: "added", documents: [expect.any(String)] },
      {
        name: "notes.xyz",
        status: "failed",
        documents: [],
        error: { code: "E_UNSUPPORTED_TYPE", message: expect.any(String) },
      },
    ]);
    expect(uploadedFiles(server)).toEqual([expect.stringMatching(/plans\.md$/u)]);
  });

  it("gives uploaded documents the access groups of the form's groups field", async () => {
    server = await serverWithCollection();
    await uploadAndWait(server, [plans], { groups: "finance, hr" });
    const listed = await json(await server.fetch("/api/v1/collections/help/documents"));
    expect(listed.documents[0].groups).toEqual(["finance", "hr"]);
  });
});

describe("a document", () => {
  it("is read by id, and removed with its uploaded file", async () => {
    server = await serverWithCollection();
    const { job } = await uploadAndWait(server, [plans]);
    const id = job.result.files[0]?.documents[0];
    const document = await json(await server.fetch(`/api/v1/collections/help/documents/${id}`));
    expect(document).toMatchObject({
      id,
      title: "Plans",
      mediaType: "text/markdown",
      chunkCount: 1,
      status: "indexed",
    });

    const removed = await server.fetch(`/api/v1/collections/help/documents/${id}`, { method: "DELETE" });
    expect(await json(removed)).toEqual({ removed: id });
    expect(uploadedFiles(server)).toEqual([]);
    expect((await server.fetch(`/api/v1/collections/help/documents/${id}`)).status).toBe(404);
  });
});

describe("a document's original file", () => {
  async function uploadedPdf(target: TestServer): Promise<{ id: string; bytes: Uint8Array }> {
    const bytes = await makePdf((pdf) => {
      pdf.text("Page one: the Team plan costs $8 per user per month.");
      pdf.addPage().text("Page two: refunds are paid within 30 days.");
    });
    const { job } = await uploadAndWait(target, [
      { name: "handbook.pdf", contents: bytes, type: "application/pdf" },
    ]);
    return { id: job.result.files[0]?.documents[0] as string, bytes };
  }

  it("is served whole with its media type and Accept-Ranges", async () => {
    server = await serverWithCollection();
    const { id, bytes } = await uploadedPdf(server);
    const response = await server.fetch(`/api/v1/collections/help/documents/${id}/content`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("content-length")).toBe(String(bytes.length));
    expect(response.headers.get("content-disposition")).toContain('inline; filename="handbook.pdf"');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array(bytes));
  });

  it("is served in part for a Range (206 with Content-Range), including open and suffix ranges", async () => {
    server = await serverWithCollection();
    const { id, bytes } = await uploadedPdf(server);
    const url = `/api/v1/collections/help/documents/${id}/content`;
    const first = await server.fetch(url, { headers: { range: "bytes=0-7" } });
    expect(first.status).toBe(206);
    expect(first.headers.get("content-range")).toBe(`bytes 0-7/${bytes.length}`);
    expect(Buffer.from(await first.arrayBuffer()).toString("latin1")).toBe("%PDF-1.3");

    const tail = await server.fetch(url, { headers: { range: "bytes=-6" } });
    expect(tail.headers.get("content-range")).toBe(
      `bytes ${bytes.length - 6}-${bytes.length - 1}/${bytes.length}`,
    );
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(new Uint8Array(bytes.slice(-6)));

    const rest = await server.fetch(url, { headers: { range: `bytes=${bytes.length - 10}-` } });
    expect(rest.status).toBe(206);
    expect((await rest.arrayBuffer()).byteLength).toBe(10);
  });

  it("answers a range past the end with 416 and the file's size", async () => {
    server = await serverWithCollection();
    const { id, bytes } = await uploadedPdf(server);
    const response = await server.fetch(`/api/v1/collections/help/documents/${id}/content`, {
      headers: { range: `bytes=${bytes.length}-` },
    });
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${bytes.length}`);
    expect((await json(response)).error.code).toBe("E_INVALID_INPUT");
  });

  it("is a recording served by byte range, so a player can seek to a cited moment", {
    tags: ["ffmpeg"],
  }, async () => {
    const transcriber: Transcriber = {
      id: "fake",
      transcribe: async () => ({
        engine: "fake",
        durationMs: 11_000,
        segments: [{ startMs: 0, endMs: 11_000, text: "Ask not what your country can do for you." }],
      }),
    };
    server = await serverWithCollection({ verity: { transcriber } });
    const audio = readFileSync(join(repositoryRoot, "test/fixtures/speech/jfk.flac"));
    const { job } = await uploadAndWait(server, [{ name: "jfk.flac", contents: audio, type: "audio/flac" }]);
    const id = job.result.files[0]?.documents[0];
    const response = await server.fetch(`/api/v1/collections/help/documents/${id}/content`, {
      headers: { range: "bytes=1000-1999" },
    });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-type")).toMatch(/^audio\//u);
    expect(response.headers.get("content-range")).toBe(`bytes 1000-1999/${audio.length}`);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(audio.subarray(1000, 2000));
  });

  it("is not served for one record of a JSONL file, whose file holds other documents", async () => {
    server = await serverWithCollection();
    const jsonl = `${JSON.stringify({ id: "a", title: "A", text: "Alpha text here." })}\n${JSON.stringify({ id: "b", title: "B", text: "Beta text here." })}\n`;
    const { job } = await uploadAndWait(server, [{ name: "records.jsonl", contents: jsonl }]);
    const id = job.result.files[0]?.documents[0];
    const response = await server.fetch(`/api/v1/collections/help/documents/${id}/content`);
    expect(response.status).toBe(404);
    expect((await json(response)).error.message).toContain("holds other documents");
  });
});
