import { describe, expect, it } from "vitest";
import { narrowLocation } from "../../core/location.js";
import { chunkDocument } from "../chunker.js";
import { transcriptDocument } from "./audio-loader.js";

describe("time ranges of recordings", () => {
  const document = transcriptDocument("/calls/support.mp3", {
    engine: "test",
    durationMs: 30_000,
    segments: [
      { startMs: 1_000, endMs: 4_000, text: "Hello and welcome." },
      { startMs: 4_500, endMs: 9_000, text: "Refunds take thirty days." },
      { startMs: 12_000, endMs: 15_000, text: "Goodbye." },
    ],
  });

  it("gives each chunk the span of its segments and a timeline of each one", () => {
    const [chunk] = chunkDocument(document);
    expect(chunk?.location).toMatchObject({
      startMs: 1_000,
      endMs: 15_000,
      timeline: [
        [0, 1_000, 4_000],
        [20, 4_500, 9_000],
        [47, 12_000, 15_000],
      ],
    });
    expect(document.text.slice(20, 45)).toBe("Refunds take thirty days.");
  });

  it("narrows a citation of one sentence to that segment's moment, and drops the timeline", () => {
    const [chunk] = chunkDocument(document);
    const location = chunk?.location as Parameters<typeof narrowLocation>[0];
    expect(narrowLocation(location, 20, 45)).toEqual({
      charStart: 20,
      charEnd: 45,
      startMs: 4_500,
      endMs: 9_000,
    });
    expect(narrowLocation(location, 10, 30)).toMatchObject({ startMs: 1_000, endMs: 9_000 });
    expect(narrowLocation({ charStart: 0, charEnd: 10, page: 2 }, 3, 5)).toEqual({
      charStart: 3,
      charEnd: 5,
      page: 2,
    });
  });
});
