// The library facade on the embedded defaults (no model, no server): what a developer calling
// createVerity sees.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AnswerSentence } from "../src/core/answer.js";
import { createVerity, type Verity } from "../src/engine.js";

let dir: string;
let verity: Verity;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-engine-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(join(dir, "docs", "leave.md"), "# Leave\n\nNew staff get 25 vacation days a year.\n");
  verity = createVerity({ dataDir: join(dir, "data") });
  await verity.ingest([join(dir, "docs")], { collection: "handbook" });
});

afterEach(async () => {
  await verity.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("createVerity without a model", () => {
  it("hands each sentence of an extractive answer to onSentence, in order", async () => {
    const heard: AnswerSentence[] = [];
    const answer = await verity.ask("How many vacation days do new staff get?", {
      collection: "handbook",
      onSentence: (sentence) => heard.push(sentence),
    });
    expect(answer.status).toBe("answered");
    expect(heard).toEqual(answer.sentences);
  });

  it("calls onSentence for nothing when it does not know", async () => {
    const heard: AnswerSentence[] = [];
    const answer = await verity.ask("Who won the 1998 football world cup?", {
      collection: "handbook",
      onSentence: (sentence) => heard.push(sentence),
    });
    expect(answer.status).toBe("abstained");
    expect(heard).toEqual([]);
  });

  it("names the library option, not a command-line flag, when re-embedding has no embedder", async () => {
    await expect(verity.reindex({ collection: "handbook" })).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      option: "embedder",
      message: expect.not.stringContaining("--"),
    });
  });

  it("asks of a collection that does not exist with an error saying to ingest first", async () => {
    await expect(verity.ask("anything", { collection: "nope" })).rejects.toMatchObject({
      code: "E_NOT_FOUND",
      message: expect.stringContaining("ingest documents into it first"),
    });
  });
});
