import { describe, expect, it } from "vitest";
import { sentenceSpans } from "./sentences.js";

const split = (text: string) => sentenceSpans(text).map((span) => text.slice(span.start, span.end));

describe("sentenceSpans", () => {
  it("splits plain prose into trimmed sentences", () => {
    expect(split("One thing. Another thing!  A third?")).toEqual([
      "One thing.",
      "Another thing!",
      "A third?",
    ]);
  });

  it("keeps abbreviations, initials and decimals inside their sentence", () => {
    expect(
      split("Dr. Smith met J. F. Kennedy at 3 p.m. on Jan. 5. The fee is $8.50, e.g. for teams."),
    ).toEqual(["Dr. Smith met J. F. Kennedy at 3 p.m. on Jan. 5.", "The fee is $8.50, e.g. for teams."]);
  });

  it("ends a sentence at a line break so list items stand alone", () => {
    expect(split("- first item\n- second item\n1. third item\n\nNext paragraph.")).toEqual([
      "- first item",
      "- second item",
      "1. third item",
      "Next paragraph.",
    ]);
  });

  it("joins a sentence wrapped across lines, as in PDFs and hard-wrapped text", () => {
    expect(
      split("The account is locked for 30 minutes and we\nemail the owner. Sessions expire\nafter 14 days."),
    ).toEqual([
      "The account is locked for 30 minutes and we\nemail the owner.",
      "Sessions expire\nafter 14 days.",
    ]);
  });

  it("ends a sentence at a blank line even without punctuation", () => {
    expect(split("Encryption at rest\n\nOn our servers data is encrypted.")).toEqual([
      "Encryption at rest",
      "On our servers data is encrypted.",
    ]);
  });

  it("reports spans shifted by the given offset", () => {
    expect(sentenceSpans("A b. C d.", 10)).toEqual([
      { start: 10, end: 14 },
      { start: 15, end: 19 },
    ]);
  });

  it("splits a long single paragraph exactly as it splits each passage in it", () => {
    const passage =
      "Dr. Smith met J. F. Kennedy at 3 p.m. on Jan. 5. The fee is $8.50, e.g. for teams, and the\n" +
      "account is locked for 30 minutes! Why? Sessions (e.g. on the U.S. site) expire after 14 days.";
    const passageSpans = sentenceSpans(passage);
    // Many times the length ICU is given at once, at every offset against its windows.
    const copies = 400;
    const paragraph = Array.from({ length: copies }, () => passage).join(" ");
    const expected = Array.from({ length: copies }, (_, copy) =>
      passageSpans.map((span) => ({
        start: span.start + copy * (passage.length + 1),
        end: span.end + copy * (passage.length + 1),
      })),
    ).flat();
    expect(passageSpans).toHaveLength(4);
    expect(sentenceSpans(paragraph)).toEqual(expected);
  });

  it("keeps a run of unpunctuated lines longer than ICU's window as one sentence", () => {
    const lines = Array.from({ length: 2000 }, (_, index) => `event ${index} worker started job ${index}`);
    const log = lines.join("\n");
    expect(sentenceSpans(log)).toEqual([{ start: 0, end: log.length }]);
  });

  it("returns nothing for blank text", () => {
    expect(sentenceSpans("  \n ")).toEqual([]);
  });
});
