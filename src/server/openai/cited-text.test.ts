import { describe, expect, it } from "vitest";
import type { Answer, AnswerSentence, Citation } from "../../core/answer.js";
import { citedText, createCitedText, sourceLabel } from "./cited-text.js";

const citation = (
  source: string,
  charStart: number,
  extra: Partial<Citation["location"]> = {},
): Citation => ({
  documentId: `doc-${source}`,
  source,
  chunkId: `chunk-${source}-${charStart}`,
  location: { charStart, charEnd: charStart + 10, ...extra },
  quote: `quote from ${source}`,
});

const answered = (sentences: AnswerSentence[]): Answer => ({
  question: "q",
  status: "answered",
  sentences,
  abstention: null,
  trace: { answerer: "extractive", collection: "c", retrievalMs: 1, totalMs: 2 },
});

describe("citedText", () => {
  it("numbers each cited span once, in the order the text first cites it", () => {
    const leave = citation("/docs/leave.md", 0, { headingPath: ["Leave"] });
    const { text, sources } = citedText(
      answered([
        { text: "New staff get 25 days.", citations: [leave] },
        { text: "They expire in March.", citations: [citation("/docs/leave.md", 40), leave] },
      ]),
    );
    expect(text).toBe(
      "New staff get 25 days. [1] They expire in March. [2][1]\n\nSources:\n[1] leave.md, Leave\n[2] leave.md",
    );
    expect(sources.map((source) => source.number)).toEqual([1, 2]);
  });

  it("flags a sentence the sources do not back and names the source that disputes one", () => {
    const { text } = citedText(
      answered([
        {
          text: "Refunds take 14 days.",
          citations: [citation("/docs/refunds.md", 0)],
          verification: {
            verdict: "supported",
            score: 1,
            reasons: [],
            conflicts: [
              {
                citation: citation("/docs/old-refunds.md", 0),
                reason: "says 30 days where the source says 14 days",
              },
            ],
          },
        },
        {
          text: "Refunds are free.",
          citations: [citation("/docs/refunds.md", 0)],
          verification: { verdict: "unsupported", score: 0.2, reasons: ["the source does not say this"] },
        },
      ]),
    );
    expect(text).toContain(
      "Refunds take 14 days. [1] (⚠ disputed by [2]: says 30 days where the source says 14 days)",
    );
    expect(text).toContain("Refunds are free. [1] (⚠ unsupported: the source does not say this)");
    expect(text).toContain("[2] old-refunds.md");
  });

  it("says it does not know, why, and lists the closest sources with a snippet on one line", () => {
    const answer: Answer = {
      ...answered([]),
      status: "abstained",
      abstention: {
        reason: "unsupported_by_sources",
        detail: "No passage answers the question.",
        closestSources: [
          {
            documentId: "d",
            source: "/docs/handbook.pdf",
            title: "Handbook",
            chunkId: "c",
            location: { charStart: 0, charEnd: 9, page: 4 },
            snippet: "Line one\nline two",
            score: 1,
          },
        ],
      },
    };
    expect(citedText(answer).text).toBe(
      'I don\'t know. No passage answers the question.\n\nClosest sources:\n[1] handbook.pdf, page 4: "Line one line two"',
    );
  });

  it("puts an abstention after sentences a stream already sent", () => {
    const cited = createCitedText();
    const sent = cited.sentence({
      text: "Refunds take 14 days.",
      citations: [citation("/docs/refunds.md", 0)],
    });
    const ending = cited.ending({
      ...answered([]),
      status: "abstained",
      abstention: { reason: "conflicting_sources", detail: "The sources disagree.", closestSources: [] },
    });
    expect(sent + ending).toBe("Refunds take 14 days. [1]\n\nI don't know. The sources disagree.");
  });
});

describe("sourceLabel", () => {
  it("shows the file name with the moment of a recording, the page, or the headings", () => {
    expect(
      sourceLabel("/calls/call.mp3", { charStart: 0, charEnd: 1, startMs: 252_000, endMs: 271_500 }),
    ).toBe("call.mp3, 04:12–04:31");
    expect(
      sourceLabel("/talks/day.wav", { charStart: 0, charEnd: 1, startMs: 3_909_000, endMs: 3_912_000 }),
    ).toBe("day.wav, 1:05:09–1:05:12");
    expect(sourceLabel("/data/corpus.jsonl#17", { charStart: 0, charEnd: 1 })).toBe("corpus.jsonl#17");
    expect(
      sourceLabel("C:\\docs\\guide.md", { charStart: 0, charEnd: 1, headingPath: ["Guide", "Set\nup"] }),
    ).toBe("guide.md, Guide › Set up");
  });
});
