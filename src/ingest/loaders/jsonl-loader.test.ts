import { describe, expect, it } from "vitest";
import { beirCorpusJsonl, beirRecord } from "../../../test/support/beir-corpus.js";
import { jsonlLoader } from "./jsonl-loader.js";
import { describeBlocks, expectLoadError, expectWellFormed, load } from "./loader-test-support.js";

const lines = (...records: unknown[]) => records.map((record) => JSON.stringify(record)).join("\n");

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

  it("skips blank lines and records with empty text, and counts lines in errors after them", async () => {
    const corpus = `\n${lines({ _id: "a", text: "Kept." }, { _id: "b", text: "  " })}\n\n{"_id": "c"\n`;
    const error = await expectLoadError(load(jsonlLoader, "c.jsonl", corpus), "E_CORRUPT", "c.jsonl");
    expect(error.message).toContain("line 5");
    const documents = await load(jsonlLoader, "c.jsonl", corpus.replace('{"_id": "c"\n', ""));
    expect(documents.map((document) => document.recordId)).toEqual(["a"]);
  });

  it("rejects the whole file at a malformed line, naming the file and line", async () => {
    const corpus = `${lines({ _id: "a", text: "Fine." })}\n{not json}\n`;
    const error = await expectLoadError(
      load(jsonlLoader, "data/broken.jsonl", corpus),
      "E_CORRUPT",
      "data/broken.jsonl",
    );
    expect(error.message).toMatch(/line 2: not valid JSON/);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it("rejects a record without an id", async () => {
    const error = await expectLoadError(
      load(jsonlLoader, "c.jsonl", lines({ text: "No id." })),
      "E_CORRUPT",
      "c.jsonl",
    );
    expect(error.message).toMatch(/line 1: .*"id" or "_id"/);
  });

  it("rejects a record without text", async () => {
    const error = await expectLoadError(
      load(jsonlLoader, "c.jsonl", lines({ _id: "a", title: "T" })),
      "E_CORRUPT",
      "c.jsonl",
    );
    expect(error.message).toMatch(/line 1: field "text"/);
  });

  it("rejects duplicate ids, naming both lines", async () => {
    const corpus = lines(
      { _id: "a", text: "One." },
      { _id: "b", text: "Two." },
      { _id: "a", text: "Three." },
    );
    const error = await expectLoadError(load(jsonlLoader, "dup.jsonl", corpus), "E_CORRUPT", "dup.jsonl");
    expect(error.message).toMatch(/line 3: id "a" already appears on line 1/);
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
