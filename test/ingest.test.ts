// Ingestion through the engine: idempotency, replacement, removal, and every kind of bad input.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createVerity, type Verity } from "../src/engine.js";
import { deflatedZeros, makeZip } from "../src/ingest/loaders/loader-test-support.js";

let dir: string;
let docs: string;
let verity: Verity;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-ingest-"));
  docs = join(dir, "docs");
  mkdirSync(docs);
  verity = createVerity({ dataDir: join(dir, ".verity") });
});

afterEach(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, content: string | Uint8Array) => {
  const path = join(docs, name);
  writeFileSync(path, content);
  return path;
};

describe("ingest", () => {
  it("ingests a folder recursively and finds its text", async () => {
    write("a.md", "# Refunds\n\nRefunds are issued within 30 days.");
    mkdirSync(join(docs, "nested"));
    write("nested/b.txt", "Sync runs every five minutes.");
    const summary = await verity.ingest([docs]);
    expect(summary).toMatchObject({ added: 2, failed: 0, documents: 2 });
    const answer = await verity.ask("How often does sync run?");
    expect(answer.status).toBe("answered");
    expect(answer.sentences[0]?.citations[0]?.source).toBe(join(docs, "nested/b.txt"));
  });

  it("re-ingesting identical bytes changes nothing", async () => {
    write("a.md", "# Title\n\nSome text here.");
    await verity.ingest([docs]);
    const before = await verity.listDocuments();
    const chunks = await verity.store.getChunks(before[0]?.id as string);
    const again = await verity.ingest([docs]);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 1 });
    expect(await verity.listDocuments()).toEqual(before);
    expect(await verity.store.getChunks(before[0]?.id as string)).toEqual(chunks);
  });

  it("a changed file replaces its old chunks", async () => {
    const path = write("a.txt", "Pineapples grow in the tropics.");
    await verity.ingest([path]);
    write("a.txt", "Bananas grow in the tropics too.");
    const summary = await verity.ingest([path]);
    expect(summary.updated).toBe(1);
    expect(
      await verity.store.searchBm25({ collection: "default", terms: ["pineapples"], limit: 5 }),
    ).toHaveLength(0);
    expect(
      await verity.store.searchBm25({ collection: "default", terms: ["bananas"], limit: 5 }),
    ).toHaveLength(1);
  });

  it("remove deletes a document and everything derived from it", async () => {
    const path = write("a.txt", "Removable words.");
    await verity.ingest([path]);
    expect((await verity.remove(path)).documents).toBe(1);
    expect((await verity.stats()).store).toMatchObject({ documents: 0, chunks: 0, files: 0 });
    await expect(verity.remove(path)).rejects.toThrow(/nothing named/);
  });

  it("remove by folder removes every file under it", async () => {
    write("a.txt", "one");
    write("b.txt", "two");
    await verity.ingest([docs]);
    expect((await verity.remove(docs)).documents).toBe(2);
  });

  it("include and exclude globs filter folder walks", async () => {
    write("keep.md", "kept text");
    write("drop.md", "dropped text");
    write("note.txt", "text note");
    const summary = await verity.ingest([docs], { include: ["*.md"], exclude: ["drop*"] });
    expect(summary.added).toBe(1);
    expect((await verity.listDocuments()).map((document) => document.title)).toEqual(["keep"]);
  });

  it("reports each bad file with a clear error while the good files still ingest", async () => {
    write("good.md", "# Good\n\nGood content survives.");
    write("empty.txt", "");
    write("blank.md", "   \n\n  ");
    write("binary.txt", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3, 0, 0, 255, 254]));
    write("latin1.txt", Buffer.from("Caf\xe9 cr\xe8me br\xfbl\xe9e", "latin1"));
    write("corrupt.pdf", "%PDF-1.7\n this is not really a pdf \n%%EOF");
    write("corrupt.docx", Buffer.from("PK\u0003\u0004 garbage that is not a zip"));
    write("no-document.docx", makeZip([{ name: "hello.txt", data: "hi" }]));
    write(
      "bomb.docx",
      makeZip([
        { name: "[Content_Types].xml", data: "<Types/>" },
        { name: "word/document.xml", deflated: deflatedZeros(600) },
      ]),
    );
    write("records.jsonl", '{"text":"no id"}\n{not json\n');
    symlinkSync(join(docs, "missing-target.md"), join(docs, "dangling.md"));
    const summary = await verity.ingest([docs, join(dir, "does-not-exist.md")]);
    const byName = Object.fromEntries(
      summary.errors.map((error) => [error.path.split("/").pop(), error.error?.code]),
    );
    expect(byName).toEqual({
      "empty.txt": "E_EMPTY",
      "blank.md": "E_EMPTY",
      "binary.txt": "E_BINARY_CONTENT",
      "latin1.txt": "E_ENCODING",
      "corrupt.pdf": "E_CORRUPT",
      "corrupt.docx": "E_CORRUPT",
      "no-document.docx": "E_CORRUPT",
      "bomb.docx": "E_ZIP_BOMB",
      "records.jsonl": "E_CORRUPT",
      "dangling.md": "E_NOT_FOUND",
      "does-not-exist.md": "E_NOT_FOUND",
    });
    for (const error of summary.errors) expect(error.error?.message).toContain(error.path.split("/").pop());
    expect(summary.added).toBe(1);
    expect((await verity.listDocuments()).map((document) => document.title)).toEqual(["Good"]);
  });

  it("names an unsupported file given explicitly, and skips unsupported files inside folders", async () => {
    const image = write("photo.xyz", "not supported");
    const explicit = await verity.ingest([image]);
    expect(explicit.errors[0]?.error?.code).toBe("E_UNSUPPORTED_TYPE");
    expect(explicit.errors[0]?.error?.message).toMatch(/photo\.xyz.*\.md/s);
    const walked = await verity.ingest([docs]);
    expect(walked).toMatchObject({ failed: 0, skipped: 1 });
  });

  it("rejects a file over the size limit before reading it", async () => {
    const path = write("big.txt", "x ".repeat(5000));
    const summary = await verity.ingest([path], { limits: { maxFileBytes: 1000 } });
    expect(summary.errors[0]?.error).toMatchObject({ code: "E_TOO_LARGE" });
    expect(summary.errors[0]?.error?.message).toMatch(/big\.txt.*limit/);
  });

  it("reports a path that is not a regular file", async () => {
    const fifo = join(docs, "pipe.txt");
    execFileSync("mkfifo", [fifo]);
    const summary = await verity.ingest([fifo]);
    expect(summary.errors[0]?.error?.code).toBe("E_UNREADABLE");
  });

  it("skips FIFOs and sockets inside a folder without opening them, and counts them", async () => {
    execFileSync("mkfifo", [join(docs, "pipe.txt")]);
    const server = createServer();
    await new Promise<void>((listening) => server.listen(join(docs, "socket.md"), listening));
    try {
      write("notes.md", "# Notes\n\nThe pipe is not read.");
      const summary = await verity.ingest([docs]);
      expect(summary).toMatchObject({ added: 1, failed: 0, skipped: 2 });
      expect(summary.skippedBy).toMatchObject({ specialFile: 2 });
    } finally {
      await new Promise((closed) => server.close(closed));
    }
  });

  it("finishes a folder with two link loops and a link to /, and counts what it left out", async () => {
    mkdirSync(join(docs, "a"));
    mkdirSync(join(docs, "b"));
    write("a/one.md", "# One\n\nFirst file.");
    write("b/two.md", "# Two\n\nSecond file.");
    symlinkSync("../b", join(docs, "a/to-b"));
    symlinkSync("../a", join(docs, "b/to-a"));
    symlinkSync("..", join(docs, "a/parent"));
    symlinkSync("/", join(docs, "root"));
    const summary = await verity.ingest([docs]);
    expect(summary).toMatchObject({ added: 2, failed: 0, skipped: 3 });
    expect(summary.skippedBy).toEqual({
      unsupportedType: 0,
      specialFile: 0,
      outsideFolder: 1,
      alreadyWalked: 2,
    });
  });

  it("follows a link leading outside the folder only with followSymlinks", async () => {
    const outside = join(dir, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "shared.md"), "# Shared\n\nKept outside the folder.");
    symlinkSync(outside, join(docs, "shared"));
    write("own.md", "# Own\n\nInside the folder.");
    const left = await verity.ingest([docs]);
    expect(left).toMatchObject({ added: 1, skipped: 1, skippedBy: { outsideFolder: 1 } });
    const followed = await verity.ingest([docs], { followSymlinks: true });
    expect(followed).toMatchObject({ added: 1, unchanged: 1, skipped: 0 });
    expect((await verity.listDocuments()).map((document) => document.source)).toContain(
      join(realpathSync(outside), "shared.md"),
    );
  });

  it("ingests a 16 MB log with no blank lines into chunks within the size limit", async () => {
    const lines: string[] = [];
    for (let size = 0, event = 0; size < 16 * 1024 * 1024; event++) {
      const line = `2026-01-01T00:00:${String(event % 60).padStart(2, "0")}Z INFO worker-${event % 7} took job ${event} status=200 latency=${event % 300}ms`;
      lines.push(line);
      size += line.length + 1;
    }
    const path = write("service.log.txt", `${lines.join("\n")}\n`);
    const summary = await verity.ingest([path]);
    expect(summary).toMatchObject({ added: 1, failed: 0 });
    expect(summary.chunks).toBeGreaterThan(10_000);
    const [document] = await verity.listDocuments();
    const chunks = await verity.store.getChunks(document?.id as string);
    expect(Math.max(...chunks.map((chunk) => chunk.text.length))).toBeLessThanOrEqual(1600);
    expect(chunks.at(-1)?.text.endsWith(lines.at(-1) as string)).toBe(true);
  }, 60_000);

  it("chunks hard-wrapped text with no blank lines within the size limit, between sentences", async () => {
    const sentences = Array.from(
      { length: 20_000 },
      (_, index) => `Sentence ${index} of the manual explains one more setting and what it changes.`,
    );
    const wrapped = sentences.join(" ").replace(/(.{1,70})(?: |$)/g, "$1\n");
    const path = write("manual.txt", wrapped);
    const summary = await verity.ingest([path]);
    expect(summary).toMatchObject({ added: 1, failed: 0 });
    const [document] = await verity.listDocuments();
    const chunks = await verity.store.getChunks(document?.id as string);
    expect(chunks.length).toBeGreaterThan(1_000);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(800);
      expect(chunk.text).toMatch(/^Sentence\s\d+\sof\s/);
      expect(chunk.text).toMatch(/changes\.$/);
    }
  }, 60_000);

  it("ingests HTML nested 100,000 levels deep, with a warning in the document's metadata", async () => {
    const levels = 100_000;
    const nest = Array.from({ length: levels }, (_, level) => `<div><p>Level ${level} of the nest.</p>`).join(
      "",
    );
    write(
      "deep.html",
      `<html><head><title>Deep</title></head><body>${nest}${"</div>".repeat(levels)}</body></html>`,
    );
    const summary = await verity.ingest([docs]);
    expect(summary).toMatchObject({ added: 1, failed: 0 });
    const [document] = await verity.listDocuments();
    expect(document?.metadata.warnings).toEqual([expect.stringContaining("without main-content detection")]);
    const answer = await verity.ask("What does level 99999 of the nest say?");
    expect(answer.sentences[0]?.text ?? "").toContain("Level 99999");
  }, 60_000);

  it("re-ingesting a corrupt version of a stored file keeps the good version", async () => {
    const path = write("guide.md", "# Guide\n\nThe original good text about lanterns.");
    await verity.ingest([path]);
    write("guide.md", Buffer.from([0, 0, 0, 0, 1, 2, 3, 0, 0xff]));
    const summary = await verity.ingest([path]);
    expect(summary.failed).toBe(1);
    const answer = await verity.ask("What is the text about lanterns?");
    expect(answer.sentences[0]?.text).toContain("lanterns");
    expect(await verity.store.getFile("default", path)).toBeDefined();
  });

  it("answers hostile and oversized questions with clear outcomes, never a crash", async () => {
    write("a.md", "# Notes\n\nLanterns are lit at dusk.");
    await verity.ingest([docs]);
    for (const question of [
      'NEAR("lanterns" dusk) OR *',
      "'; DROP TABLE chunks; --",
      "lanterns\u0000dusk",
      "😀 🙃",
    ]) {
      const answer = await verity.ask(question);
      expect(["answered", "abstained"]).toContain(answer.status);
    }
    await expect(verity.ask("x".repeat(5000))).rejects.toThrow(/keep it under 4000/);
    expect((await verity.stats()).store.chunks).toBe(1);
  });

  it("rejects an invalid collection name without storing anything", async () => {
    write("a.txt", "text");
    await expect(verity.ingest([docs], { collection: "../evil" })).rejects.toThrow(/invalid collection name/);
    expect((await verity.stats()).store.documents).toBe(0);
  });
});
