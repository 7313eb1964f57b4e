import { describe, expect, it } from "vitest";
import { planPieces } from "./plan-pieces.js";

describe("planPieces", () => {
  it("keeps a recording that fits in one piece whole", () => {
    expect(planPieces({ totalSamples: 100, maxPieceSamples: 100, silences: [] })).toEqual([
      { start: 0, end: 100 },
    ]);
  });

  it("cuts in the middle of the latest silence before each limit", () => {
    const silences = [
      { start: 30, end: 40 },
      { start: 70, end: 80 },
      { start: 140, end: 150 },
    ];
    expect(planPieces({ totalSamples: 200, maxPieceSamples: 100, silences })).toEqual([
      { start: 0, end: 75 },
      { start: 75, end: 145 },
      { start: 145, end: 200 },
    ]);
  });

  it("cuts at the limit inside a silence that spans it", () => {
    expect(
      planPieces({ totalSamples: 150, maxPieceSamples: 100, silences: [{ start: 90, end: 130 }] }),
    ).toEqual([
      { start: 0, end: 100 },
      { start: 100, end: 150 },
    ]);
  });

  it("cuts hard at the limit when there is no silence", () => {
    expect(planPieces({ totalSamples: 250, maxPieceSamples: 100, silences: [] })).toEqual([
      { start: 0, end: 100 },
      { start: 100, end: 200 },
      { start: 200, end: 250 },
    ]);
  });

  it("ignores a silence in the first quarter of a piece rather than make a tiny piece", () => {
    expect(
      planPieces({ totalSamples: 150, maxPieceSamples: 100, silences: [{ start: 10, end: 20 }] }),
    ).toEqual([
      { start: 0, end: 100 },
      { start: 100, end: 150 },
    ]);
  });

  it("gives an empty recording one empty piece", () => {
    expect(planPieces({ totalSamples: 0, maxPieceSamples: 10, silences: [] })).toEqual([
      { start: 0, end: 0 },
    ]);
  });
});
