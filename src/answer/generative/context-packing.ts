// Fits the best passages into a model's context window. Passages go in best first; one that does not
// fit is left out (a smaller one after it may still fit), and every left-out passage is reported:
// nothing is cut silently.
import { VerityError } from "../../core/errors.js";
import type { RetrievedPassage } from "../../retrieve/bm25-retriever.js";
import { sourceBlock, systemPrompt, userPrompt } from "./prompt.js";

export interface PackingLimits {
  contextWindow: number;
  maxOutputTokens: number;
  countTokens: (text: string) => number;
}

export interface PackedContext {
  passages: RetrievedPassage[];
  /** Prompt text for the model, sources numbered 1… in `passages` order. */
  prompt: string;
  /** Estimated prompt tokens (system and user message). */
  promptTokens: number;
  /** Tokens available for the prompt: window less answer, safety margin and message overhead. */
  budget: number;
  left: { chunkId: string; tokens: number }[];
}

// Token counts come from an OpenAI tokenizer; other model families count differently, so a share of
// the window stays free.
const safetyShare = 0.1;
const perMessageOverhead = 8;

export function packContext(
  question: string,
  passages: readonly RetrievedPassage[],
  limits: PackingLimits,
): PackedContext {
  const budget =
    Math.floor(limits.contextWindow * (1 - safetyShare)) - limits.maxOutputTokens - 2 * perMessageOverhead;
  const base = limits.countTokens(systemPrompt) + limits.countTokens(userPrompt(question, []));
  if (base > budget) {
    throw new VerityError(
      "E_CONFIG",
      `the model's context window (${limits.contextWindow} tokens) cannot hold the instructions and the question with room for a ${limits.maxOutputTokens}-token answer; raise contextWindow or lower maxOutputTokens in the model catalogue`,
    );
  }
  const chosen: RetrievedPassage[] = [];
  const left: PackedContext["left"] = [];
  let used = base;
  for (const passage of passages) {
    // +1 for the line between blocks; numbering is by position, so count with the next number.
    const tokens = limits.countTokens(sourceBlock(passage, chosen.length + 1)) + 1;
    if (used + tokens <= budget) {
      chosen.push(passage);
      used += tokens;
    } else {
      left.push({ chunkId: passage.chunk.id, tokens });
    }
  }
  const blocks = chosen.map((passage, index) => sourceBlock(passage, index + 1));
  return { passages: chosen, prompt: userPrompt(question, blocks), promptTokens: used, budget, left };
}
