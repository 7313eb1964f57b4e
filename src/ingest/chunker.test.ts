import { describe, expect, it } from "vitest";
import { chunkDocument } from "./chunker.js";
import type { ExtractedDocument, TextBlock } from "./extracted.js";

/** Builds a document from parts: strings starting with "#" are headings, others paragraphs. */
function documentOf(parts: (string | { text: string; page: number })[]): ExtractedDocument {
  let text = "";
  const blocks: TextBlock[] = [];
  for (const part of parts) {
    const value = typeof part === "string" ? part : part.text;
    if (text) text += "\n\n";
    const heading = /^(#+) (.*)$/.exec(value);
    const body = heading ? (heading[2] as string) : value;
    const block: TextBlock = {
      kind: heading ? "heading" : "text",
      charStart: text.length,
      charEnd: text.length + body.length,
    };
    if (heading) block.level = (heading[1] as string).length;
    if (typeof part !== "string") block.page = part.page;
    blocks.push(block);
    text += body;
  }
  return { title: "t", text, blocks };
}

const sentence = (index: number) => `Sentence number ${index} talks about topic ${index} at some length.`;

describe("chunkDocument", () => {
  it("keeps every chunk an exact span of the extracted text", () => {
    const document = documentOf(["# Intro", Array.from({ length: 40 }, (_, i) => sentence(i)).join(" ")]);
    const chunks = chunkDocument(document, { targetChars: 300, overlapChars: 80 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(document.text.slice(chunk.location.charStart, chunk.location.charEnd)).toBe(chunk.text);
    }
  });

  it("breaks between sentences and stays near the target size", () => {
    const document = documentOf([Array.from({ length: 40 }, (_, i) => sentence(i)).join(" ")]);
    for (const chunk of chunkDocument(document, { targetChars: 300, overlapChars: 0 })) {
      expect(chunk.text.length).toBeLessThanOrEqual(300);
      expect(chunk.text).toMatch(/^Sentence number \d+/);
      expect(chunk.text).toMatch(/length\.$/);
    }
  });

  it("repeats trailing sentences as overlap between neighbouring chunks", () => {
    const document = documentOf([Array.from({ length: 20 }, (_, i) => sentence(i)).join(" ")]);
    const [first, second] = chunkDocument(document, { targetChars: 300, overlapChars: 100 });
    expect(first && second).toBeTruthy();
    expect((second?.location.charStart ?? 0) < (first?.location.charEnd ?? 0)).toBe(true);
  });

  it("never lets a chunk cross a heading and records the heading path", () => {
    const document = documentOf([
      "# Guide",
      "## Install",
      "Run the installer.",
      "## Sync",
      "Sync runs hourly.",
    ]);
    const chunks = chunkDocument(document);
    expect(chunks.map((chunk) => chunk.text)).toEqual(["Run the installer.", "Sync runs hourly."]);
    expect(chunks.map((chunk) => chunk.location.headingPath)).toEqual([
      ["Guide", "Install"],
      ["Guide", "Sync"],
    ]);
  });

  it("never lets a chunk cross a page and records the page", () => {
    const document = documentOf([
      { text: "Page one text.", page: 1 },
      { text: "Page two text.", page: 2 },
    ]);
    const chunks = chunkDocument(document);
    expect(chunks.map((chunk) => [chunk.text, chunk.location.page])).toEqual([
      ["Page one text.", 1],
      ["Page two text.", 2],
    ]);
  });

  it("cuts a sentence longer than the ceiling at word boundaries", () => {
    const long = Array.from({ length: 500 }, (_, i) => `word${i}`).join(" ");
    const chunks = chunkDocument(documentOf([long]), { targetChars: 400, maxChars: 500, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) expect(chunk.text.length).toBeLessThanOrEqual(500);
    expect(chunks.map((chunk) => chunk.text).join(" ")).toBe(long);
  });

  it("numbers chunks in order and rejects nonsensical settings", () => {
    const chunks = chunkDocument(documentOf(["A.", "# H", "B."]));
    expect(chunks.map((chunk) => chunk.ordinal)).toEqual([0, 1]);
    expect(() => chunkDocument(documentOf(["A."]), { targetChars: 0 })).toThrow(RangeError);
  });

  it("turns a document of headings only into chunks rather than nothing", () => {
    expect(chunkDocument(documentOf(["# Only a title"])).map((chunk) => chunk.text)).toEqual([
      "Only a title",
    ]);
  });
});
