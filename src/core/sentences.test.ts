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

  it("returns nothing for blank text", () => {
    expect(sentenceSpans("  \n ")).toEqual([]);
  });
});
