// The passages shown beside an abstention, so a person can check for themselves. Text in them that
// addresses a model is replaced by a marker: snippets travel on to other tools and models (MCP
// clients, chat front ends), and a planted instruction must not reach them as shown text. The
// location still points at the whole passage, so a person can read it in the source.

import type { ClosestSource } from "../core/answer.js";
import { narrowLocation } from "../core/location.js";
import type { RetrievedPassage } from "../retrieve/bm25-retriever.js";
import { instructionSpans } from "./verify/instructions.js";

const snippetLength = 240;
/** Stands in a snippet where the passage addresses a model. */
export const omittedInstruction = "[instruction to AI assistants omitted]";

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
    snippet: snippetOf(withoutInstructions(passage.chunk.text)),
    score: Math.round(passage.score * 1000) / 1000,
  }));
}

function snippetOf(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= snippetLength) return flat;
  const cut = flat.lastIndexOf(" ", snippetLength);
  return `${flat.slice(0, cut > 0 ? cut : snippetLength)}…`;
}

function withoutInstructions(text: string): string {
  let shown = "";
  let shownUpTo = 0;
  for (const span of instructionSpans(text)) {
    shown += `${text.slice(shownUpTo, span.start)}${omittedInstruction}`;
    shownUpTo = span.end;
  }
  return shown + text.slice(shownUpTo);
}
