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

  it("cuts an over-long run of unpunctuated lines, like a log, at line ends", () => {
    const lines = Array.from({ length: 400 }, (_, i) => `2026-01-01 worker-${i % 7} took job ${i} in ${i}ms`);
    const document = documentOf([lines.join("\n")]);
    const chunks = chunkDocument(document, { targetChars: 400, maxChars: 500, overlapChars: 0 });
    expect(chunks.length).toBeGreaterThan(10);
    for (const chunk of chunks) {
      expect(chunk.text.length).toBeLessThanOrEqual(500);
      expect(lines).toContain(chunk.text.split("\n").at(0));
      expect(lines).toContain(chunk.text.split("\n").at(-1));
    }
  });

  it("cuts unbroken text with no spaces hard at the ceiling", () => {
    const unbroken = "x".repeat(5_000);
    const chunks = chunkDocument(documentOf([unbroken]), {
      targetChars: 400,
      maxChars: 500,
      overlapChars: 0,
    });
    expect(chunks.map((chunk) => chunk.text.length)).toEqual(Array.from({ length: 10 }, () => 500));
  });

  it("gives each chunk the time range of the timed blocks it covers", () => {
    const document = documentOf(Array.from({ length: 30 }, (_, i) => sentence(i)));
    document.blocks.forEach((block, index) => {
      block.startMs = index * 1_000;
      block.endMs = index * 1_000 + 900;
    });
    const chunks = chunkDocument(document, { targetChars: 300, overlapChars: 100 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      const covered = document.blocks.filter(
        (block) => block.charEnd > chunk.location.charStart && block.charStart < chunk.location.charEnd,
      );
      expect(chunk.location.startMs).toBe(covered[0]?.startMs);
      expect(chunk.location.endMs).toBe(covered.at(-1)?.endMs);
      expect(chunk.location.timeline).toHaveLength(covered.length);
    }
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
