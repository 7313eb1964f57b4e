// Follow-up questions ("and for part-timers?", "when does it expire?") lean on the conversation before
// them. Retrieval needs a question that stands alone: without a model, a follow-up that refers back
// (a pronoun, a fragment) is given the content words of the earlier question it follows.
import { contentTokens, tokens } from "../../core/terms.js";

export interface ConversationTurn {
  role: "user" | "assistant";
  content: string;
}

/** Words that point back at something said before. */
const referring = new Set([
  "it",
  "its",
  "they",
  "them",
  "their",
  "this",
  "that",
  "these",
  "those",
  "he",
  "she",
  "his",
  "her",
  "there",
  "one",
  "ones",
  "same",
  "also",
]);

/** A follow-up this short, or one starting like this, is read as leaning on the question before. */
const maxFragmentWords = 4;
const continuations = /^\s*(and|or|but|what about|how about|also)\b/iu;

/**
 * `question` made to stand alone for retrieval, from the user's earlier turns in `history` (oldest
 * first; the question itself is not in it). A question that does not refer back is returned as is.
 */
export function standaloneQuestion(question: string, history: readonly ConversationTurn[]): string {
  const earlier = [...history].reverse().find((turn) => turn.role === "user" && turn.content.trim() !== "");
  if (!earlier) return question;
  const words = tokens(question);
  const leans =
    words.length <= maxFragmentWords ||
    continuations.test(question) ||
    words.some((word) => referring.has(word));
  if (!leans) return question;
  const own = new Set(contentTokens(question));
  const carried = contentTokens(earlier.content).filter((word) => !own.has(word));
  return carried.length === 0 ? question : `${question.trim()} (${carried.join(" ")})`;
}
