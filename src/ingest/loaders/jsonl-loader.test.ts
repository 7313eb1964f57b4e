import { describe, expect, it } from "vitest";
import { beirCorpusJsonl, beirRecord } from "../../../test/support/beir-corpus.js";
import { defaultLoaderLimits, type PartialLoad } from "../extracted.js";
import { jsonlLoader } from "./jsonl-loader.js";
import { describeBlocks, expectLoadError, expectWellFormed, load } from "./loader-test-support.js";

const lines = (...records: unknown[]) => records.map((record) => JSON.stringify(record)).join("\n");

/** Loads content expected to be partly unusable, and returns what was kept and the problems. */
async function partialLoad(path: string, content: string): Promise<PartialLoad> {
  const loaded = await jsonlLoader.load({
    path,
    bytes: new TextEncoder().encode(content),
    limits: defaultLoaderLimits,
  });
  if (Array.isArray(loaded)) throw new Error("expected a partial load");
  return loaded;
}

describe("jsonlLoader", () => {
  it("makes one document per record, with the record's id and title", async () => {
    const corpus = lines(
      { _id: "d1", title: "Vitamin D", text: "Vitamin D supports bones.\n\nIt is made in skin." },
      { id: 42, text: "A record without a title." },
    );
    const documents = await load(jsonlLoader, "data/corpus.jsonl", corpus);
    expect(documents.map((document) => [document.recordId, document.title])).toEqual([
      ["d1", "Vitamin D"],
      ["42", "corpus#42"],
    ]);
    expect(describeBlocks(documents[0] ?? { title: "", text: "", blocks: [] })).toEqual([
      "Vitamin D supports bones.",
      "It is made in skin.",
    ]);
    for (const document of documents) expectWellFormed(document);
  });

  it("does not prepend the title to the text", async () => {
    const [document] = await load(
      jsonlLoader,
      "c.jsonl",
      lines({ _id: "a", title: "Heading", text: "Body." }),
    );
    expect(document?.text).toBe("Body.");
  });

  it("normalises each record's text to LF and NFC, including escaped characters", async () => {
    const [document] = await load(jsonlLoader, "c.jsonl", '{"_id":"a","text":"cafe\\u0301\\r\\nmenu"}');
    expect(document?.text).toBe("café\nmenu");
  });

  it("skips blank lines and records with empty text, and counts lines in problems after them", async () => {
    const corpus = `\n${lines({ _id: "a", text: "Kept." }, { _id: "b", text: "  " })}\n\n{"_id": "c"\n`;
    const loaded = await partialLoad("c.jsonl", corpus);
    expect(loaded.documents.map((document) => document.recordId)).toEqual(["a"]);
    expect(loaded.problems.map((problem) => problem.line)).toEqual([5]);
    const documents = await load(jsonlLoader, "c.jsonl", corpus.replace('{"_id": "c"\n', ""));
    expect(documents.map((document) => document.recordId)).toEqual(["a"]);
  });

  it("keeps the good records and reports every malformed line with its number and reason", async () => {
    const corpus = [
      lines({ _id: "a", text: "Fine." }),
      "{not json}",
      lines({ text: "No id." }),
      lines({ _id: "b", text: "Also fine." }),
      lines({ _id: "c", title: "T" }),
      lines({ _id: "a", text: "Again." }),
      "[1, 2]",
    ].join("\n");
    const loaded = await partialLoad("data/broken.jsonl", corpus);
    expect(loaded.documents.map((document) => document.recordId)).toEqual(["a", "b"]);
    expect(loaded.problemCount).toBe(5);
    expect(loaded.problems.map((problem) => [problem.line, problem.code])).toEqual([
      [2, "E_CORRUPT"],
      [3, "E_CORRUPT"],
      [5, "E_CORRUPT"],
      [6, "E_CORRUPT"],
      [7, "E_CORRUPT"],
    ]);
    const messages = loaded.problems.map((problem) => problem.message);
    expect(messages[0]).toMatch(/^data\/broken\.jsonl line 2: not valid JSON/u);
    expect(messages[1]).toMatch(/line 3: .*"id" or "_id"/u);
    expect(messages[2]).toMatch(/line 5: field "text"/u);
    expect(messages[3]).toMatch(/line 6: id "a" already appears on line 1/u);
  });

  it("lists the first 20 bad lines and counts the rest", async () => {
    const corpus = [lines({ _id: "ok", text: "Fine." }), ...Array.from({ length: 50 }, () => "{oops")].join(
      "\n",
    );
    const loaded = await partialLoad("many.jsonl", corpus);
    expect(loaded.problemCount).toBe(50);
    expect(loaded.problems).toHaveLength(20);
    expect(loaded.problems.at(-1)?.line).toBe(21);
  });

  it("rejects a file in which no line is a usable record, quoting the first problems", async () => {
    const error = await expectLoadError(
      load(jsonlLoader, "c.jsonl", ["{x", lines({ text: "No id." })].join("\n")),
      "E_CORRUPT",
      "c.jsonl",
    );
    expect(error.message).toMatch(/no usable record: all 2 lines are malformed \(line 1: not valid JSON/u);
  });

  it("rejects a file whose records all have empty text", async () => {
    const corpus = lines({ _id: "a", text: "" }, { _id: "b", text: "\n" });
    await expectLoadError(load(jsonlLoader, "hollow.jsonl", corpus), "E_EMPTY", "hollow.jsonl");
  });

  it("rejects an empty file", async () => {
    await expectLoadError(load(jsonlLoader, "empty.jsonl", ""), "E_EMPTY", "empty.jsonl");
  });

  it("loads a BEIR corpus as one document per record, in file order", async () => {
    const documents = await load(jsonlLoader, "beir/corpus.jsonl", beirCorpusJsonl(500));
    expect(documents).toHaveLength(500);
    expect(documents.map((document) => document.recordId)).toEqual(
      Array.from({ length: 500 }, (_, index) => String(index)),
    );
    expect(documents[499]).toMatchObject({ title: beirRecord(499).title, text: beirRecord(499).text });
    for (const document of documents) expectWellFormed(document);
  });
});
