import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { chunkDocument } from "../src/ingest/chunker.js";
import { defaultLoaderLimits, loadedDocuments } from "../src/ingest/extracted.js";
import { jsonlLoader } from "../src/ingest/loaders/jsonl-loader.js";
import { writeBeirCorpus } from "../test/support/beir-corpus.js";
import { maxScaleTextChars, type ScaleCorpusOptions, writeScaleCorpus } from "./scale-corpus.js";

const folders: string[] = [];
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), "verity-scale-corpus-"));
  folders.push(folder);
  return folder;
}
const contents = (files: readonly string[]) => files.map((file) => readFileSync(file, "utf8")).join("");

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** The benchmark draws from BEIR SciFact; these tests draw from a generated BEIR corpus of 300 abstracts. */
let source: { folder: string; options: ScaleCorpusOptions };
beforeAll(() => {
  const folder = mkdtempSync(join(tmpdir(), "verity-scale-source-"));
  source = { folder, options: { sourcePath: writeBeirCorpus(join(folder, "corpus.jsonl"), 300) } };
});
afterAll(() => rmSync(source.folder, { recursive: true, force: true }));

describe("writeScaleCorpus", () => {
  it("writes the same bytes for the same seed, and other bytes for another seed", () => {
    const first = writeScaleCorpus(freshFolder(), 300, 7, { ...source.options, documentsPerFile: 100 });
    const again = writeScaleCorpus(freshFolder(), 300, 7, { ...source.options, documentsPerFile: 100 });
    const other = writeScaleCorpus(freshFolder(), 300, 8, { ...source.options, documentsPerFile: 100 });
    expect(first.files).toHaveLength(3);
    expect(contents(again.files)).toBe(contents(first.files));
    expect(contents(other.files)).not.toBe(contents(first.files));
  });

  it("splits the documents into files without changing them", () => {
    const split = writeScaleCorpus(freshFolder(), 250, 3, { ...source.options, documentsPerFile: 100 });
    const whole = writeScaleCorpus(freshFolder(), 250, 3, { ...source.options, documentsPerFile: 1000 });
    expect(split.files).toHaveLength(3);
    expect(contents(split.files)).toBe(contents(whole.files));
  });

  it("writes distinct documents that each make exactly one chunk with the default chunker", async () => {
    const corpus = writeScaleCorpus(freshFolder(), 1000, 11, source.options);
    const [file] = corpus.files;
    const bytes = readFileSync(file as string);
    const documents = loadedDocuments(
      await jsonlLoader.load({ path: file as string, bytes, limits: defaultLoaderLimits }),
    );
    expect(documents).toHaveLength(1000);
    expect(new Set(documents.map((document) => document.text)).size).toBe(1000);
    for (const document of documents) {
      expect(document.text.length).toBeLessThanOrEqual(maxScaleTextChars);
      expect(chunkDocument(document)).toHaveLength(1);
    }
  });

  it("reports the documents and bytes it wrote", () => {
    const corpus = writeScaleCorpus(freshFolder(), 1000, 5, { ...source.options, documentsPerFile: 400 });
    expect(corpus.documents).toBe(1000);
    expect(corpus.files).toHaveLength(3);
    expect(corpus.bytes).toBe(corpus.files.reduce((total, file) => total + statSync(file).size, 0));
  });
});
