import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Discovery, discoverFiles } from "./discover.js";

let dir: string;
let docs: string;
let outside: string;

beforeEach(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), "verity-discover-")));
  docs = join(dir, "docs");
  outside = join(dir, "outside");
  mkdirSync(docs);
  mkdirSync(outside);
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const discover = (options: { followSymlinks?: boolean } = {}) =>
  discoverFiles([docs], { extensions: [".txt", ".md"], ...options });
const names = (discovery: Discovery) => discovery.files.map((file) => file.path.slice(dir.length + 1));
const skipped = (discovery: Discovery) =>
  discovery.skipped.map((entry) => [entry.path.slice(docs.length + 1), entry.reason]);

describe("discoverFiles", () => {
  it("walks each folder once, through links to a parent folder and between two folders", async () => {
    mkdirSync(join(docs, "a"));
    mkdirSync(join(docs, "b"));
    writeFileSync(join(docs, "a/one.txt"), "one");
    writeFileSync(join(docs, "b/two.txt"), "two");
    symlinkSync("..", join(docs, "a/up"));
    symlinkSync("../b", join(docs, "a/to-b"));
    symlinkSync("../a", join(docs, "b/to-a"));
    const discovery = await discover();
    expect(names(discovery)).toEqual(["docs/a/one.txt", "docs/b/two.txt"]);
    expect(skipped(discovery)).toEqual([
      ["a/to-b/to-a", "alreadyWalked"],
      ["a/up", "alreadyWalked"],
    ]);
    expect(discovery.problems).toEqual([]);
  });

  it("follows links that stay inside the folders named, to files and to folders", async () => {
    mkdirSync(join(docs, "notes"));
    writeFileSync(join(docs, "notes/a.md"), "a");
    symlinkSync("notes", join(docs, "linked-notes"));
    symlinkSync("notes/a.md", join(docs, "also-a.md"));
    mkdirSync(join(docs, "archive"));
    symlinkSync("../notes", join(docs, "archive/notes"));
    const discovery = await discoverFiles([join(docs, "archive"), docs], { extensions: [".md"] });
    expect(names(discovery)).toEqual(["docs/notes/a.md"]);
    expect(skipped(discovery)).toEqual([["linked-notes", "alreadyWalked"]]);
  });

  it("leaves a link to / alone, counted as leading outside the folder", async () => {
    symlinkSync("/", join(docs, "root"));
    writeFileSync(join(docs, "kept.txt"), "kept");
    const discovery = await discover();
    expect(names(discovery)).toEqual(["docs/kept.txt"]);
    expect(skipped(discovery)).toEqual([["root", "outsideFolder"]]);
  });

  it("follows links leading outside the folder only when asked to", async () => {
    writeFileSync(join(outside, "shared.md"), "shared");
    writeFileSync(join(outside, "single.txt"), "single");
    symlinkSync(outside, join(docs, "shared"));
    symlinkSync(join(outside, "single.txt"), join(docs, "single.txt"));
    const left = await discover();
    expect(names(left)).toEqual([]);
    expect(skipped(left)).toEqual([
      ["shared", "outsideFolder"],
      ["single.txt", "outsideFolder"],
    ]);
    const followed = await discover({ followSymlinks: true });
    expect(names(followed)).toEqual(["outside/shared.md", "outside/single.txt"]);
    expect(followed.skipped).toEqual([]);
  });

  it("ends loops that leave the folder when links outside are followed", async () => {
    symlinkSync(outside, join(docs, "out"));
    symlinkSync(docs, join(outside, "back"));
    writeFileSync(join(outside, "o.txt"), "o");
    const discovery = await discover({ followSymlinks: true });
    expect(names(discovery)).toEqual(["outside/o.txt"]);
    expect(skipped(discovery)).toEqual([["out/back", "alreadyWalked"]]);
  });

  describe("special files", () => {
    let server: Server | undefined;
    afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

    it("counts FIFOs and sockets as skipped and never opens them", async () => {
      execFileSync("mkfifo", [join(docs, "pipe.txt")]);
      server = createServer();
      await new Promise<void>((listening) => server?.listen(join(docs, "socket.md"), listening));
      writeFileSync(join(docs, "real.txt"), "real");
      const discovery = await discover();
      expect(names(discovery)).toEqual(["docs/real.txt"]);
      expect(skipped(discovery)).toEqual([
        ["pipe.txt", "specialFile"],
        ["socket.md", "specialFile"],
      ]);
    });
  });

  it("reports a link that leads back to itself, and a link to nothing, naming each", async () => {
    symlinkSync("self.md", join(docs, "self.md"));
    symlinkSync("missing.md", join(docs, "dangling.md"));
    const discovery = await discover();
    expect(discovery.problems.map((problem) => [problem.path.slice(docs.length + 1), problem.code])).toEqual([
      ["dangling.md", "E_NOT_FOUND"],
      ["self.md", "E_UNREADABLE"],
    ]);
    expect(discovery.problems[1]?.message).toMatch(/self\.md is a symbolic link that leads back to itself/);
  });

  it("counts files no loader reads as skipped, by type", async () => {
    writeFileSync(join(docs, "photo.xyz"), "?");
    expect(skipped(await discover())).toEqual([["photo.xyz", "unsupportedType"]]);
  });
});
