import { describe, expect, it } from "vitest";
import type { Citation } from "../api/types";
import { answerMarkdown } from "./answer-markdown";
import { citationLabel, fileName, formatTimestamp } from "./citation-label";

const pricing: Citation = {
  documentId: "d1",
  source: "/data/help/pricing.html",
  chunkId: "c1",
  location: { charStart: 10, charEnd: 60, headingPath: ["Pricing", "Team"] },
  quote: "The Team plan costs $8\nper user.",
};
const call: Citation = {
  documentId: "d2",
  source: "uploads/call.mp3",
  chunkId: "c2",
  location: { charStart: 0, charEnd: 20, startMs: 252_400, endMs: 260_000 },
  quote: "we refund within 30 days",
};

describe("citation labels", () => {
  it("name the file and where in it: headings, page or moment", () => {
    expect(citationLabel(pricing.source, pricing.location)).toBe("pricing.html, Pricing › Team");
    expect(citationLabel(call.source, call.location)).toBe("call.mp3, 04:12");
    expect(citationLabel("C:\\docs\\report.pdf", { charStart: 0, charEnd: 1, page: 7 })).toBe(
      "report.pdf, page 7",
    );
    expect(citationLabel("notes.txt", { charStart: 0, charEnd: 1 })).toBe("notes.txt");
  });

  it("keep a record id and write long recordings with hours", () => {
    expect(fileName("/x/faq.jsonl#17")).toBe("faq.jsonl#17");
    expect(formatTimestamp(3_723_000)).toBe("1:02:03");
    expect(formatTimestamp(-5)).toBe("00:00");
  });
});

describe("an answer copied as Markdown", () => {
  it("numbers each distinct citation once and lists the sources with their quotes", () => {
    const markdown = answerMarkdown({
      question: "What does the Team plan cost?",
      sentences: [
        { text: "The Team plan costs $8 per user.", citations: [pricing] },
        { text: "Refunds take 30 days.", citations: [call, pricing] },
      ],
      abstention: null,
    });
    expect(markdown).toBe(
      [
        "**Q:** What does the Team plan cost?",
        "",
        "The Team plan costs $8 per user. [1] Refunds take 30 days. [2][1]",
        "",
        "Sources:",
        "",
        '[1] pricing.html, Pricing › Team: "The Team plan costs $8 per user."',
        '[2] call.mp3, 04:12: "we refund within 30 days"',
        "",
      ].join("\n"),
    );
  });

  it("escapes Markdown in the text and says I don't know with the closest sources", () => {
    const markdown = answerMarkdown({
      question: "What is *the* CEO's salary?",
      sentences: [],
      abstention: {
        reason: "no_relevant_sources",
        detail: "Nothing retrieved mentions a salary.",
        closestSources: [
          {
            documentId: "d1",
            source: "pricing.html",
            title: "Pricing",
            chunkId: "c1",
            location: { charStart: 0, charEnd: 5 },
            snippet: "Plans and prices",
            score: 1,
          },
        ],
      },
    });
    expect(markdown).toContain("**Q:** What is \\*the\\* CEO's salary?");
    expect(markdown).toContain("**I don't know.** Nothing retrieved mentions a salary.");
    expect(markdown).toContain("1. pricing.html: > Plans and prices");
  });
});
