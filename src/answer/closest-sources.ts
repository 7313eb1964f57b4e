// The passages shown beside an abstention, so a person can check for themselves.

import type { ClosestSource } from "../core/answer.js";
import { narrowLocation } from "../core/location.js";
import type { RetrievedPassage } from "../retrieve/bm25-retriever.js";

const snippetLength = 240;

export function closestSources(passages: readonly RetrievedPassage[], limit = 3): ClosestSource[] {
  return passages.slice(0, limit).map((passage) => ({
    documentId: passage.document.id,
    source: passage.document.source,
    title: passage.document.title,
    chunkId: passage.chunk.id,
    location: narrowLocation(
      passage.chunk.location,
      passage.chunk.location.charStart,
      passage.chunk.location.charEnd,
    ),
    snippet: snippetOf(passage.chunk.text),
    score: Math.round(passage.score * 1000) / 1000,
  }));
}

function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= snippetLength) return flat;
  const cut = flat.lastIndexOf(" ", snippetLength);
  return `${flat.slice(0, cut > 0 ? cut : snippetLength)}…`;
}
