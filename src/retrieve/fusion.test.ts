import { describe, expect, it } from "vitest";
import type { RetrievedPassage } from "./bm25-retriever.js";
import { fuseReciprocalRank } from "./fusion.js";

const passage = (id: string): Omit<RetrievedPassage, "rank"> => ({
  chunk: { id, documentId: `d-${id}`, ordinal: 0, text: id, location: { charStart: 0, charEnd: 1 } },
  document: { id: `d-${id}`, source: `/${id}`, title: id, mediaType: "text/plain" },
  score: 0,
});

describe("reciprocal rank fusion", () => {
  it("ranks a passage found by both lists above ones found by one", () => {
    const fused = fuseReciprocalRank(
      [
        [passage("a"), passage("b")],
        [passage("c"), passage("b")],
      ],
      { k: 60, limit: 10 },
    );
    expect(fused.map((entry) => entry.chunk.id)).toEqual(["b", "a", "c"]);
    expect(fused[0]?.score).toBeCloseTo(2 / 62);
    expect(fused.map((entry) => entry.rank)).toEqual([0, 1, 2]);
  });

  it("lets a heavier list decide between passages each list ranks first", () => {
    const fused = fuseReciprocalRank([[passage("bm25")], [passage("dense")]], {
      k: 60,
      weights: [0.5, 1],
      limit: 10,
    });
    expect(fused.map((entry) => entry.chunk.id)).toEqual(["dense", "bm25"]);
  });

  it("ignores a list with weight zero and respects the limit", () => {
    const fused = fuseReciprocalRank([[passage("a")], [passage("b"), passage("c")]], {
      k: 60,
      weights: [0, 1],
      limit: 1,
    });
    expect(fused.map((entry) => entry.chunk.id)).toEqual(["b"]);
  });
});
