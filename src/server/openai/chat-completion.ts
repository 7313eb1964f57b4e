// An answer as OpenAI's chat completion objects: the reply text with its markers and sources list in
// the assistant message, and everything structured (cited sentences, the abstention, the numbered
// sources, the trace) in an extra `verity` field that clients which do not know it ignore.
import { randomUUID } from "node:crypto";
import type { Answer } from "../../core/answer.js";
import type { NumberedSource } from "./cited-text.js";

/** The extra field on a completion and on a stream's last chunk. */
export interface VerityField {
  question: string;
  status: Answer["status"];
  sentences: Answer["sentences"];
  abstention: Answer["abstention"];
  /** What the text's `[n]` markers point at, in number order. */
  sources: readonly NumberedSource[];
  trace: Answer["trace"];
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function completionIdentity(model: string): CompletionIdentity {
  return { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model };
}

export function verityField(answer: Answer, sources: readonly NumberedSource[]): VerityField {
  return {
    question: answer.question,
    status: answer.status,
    sentences: answer.sentences,
    abstention: answer.abstention,
    sources,
    trace: answer.trace,
  };
}

interface TokenCounts {
  inputTokens?: unknown;
  outputTokens?: unknown;
}

/**
 * Tokens the models read and wrote for this answer: every call of a route (escalations included), or
 * the one model's; 0 for an extractive answer, which calls none.
 */
export function usageOf(answer: Answer): CompletionUsage {
  const route = answer.trace.route as { calls?: unknown } | undefined;
  const calls: TokenCounts[] = Array.isArray(route?.calls)
    ? (route.calls as TokenCounts[])
    : answer.trace.usage
      ? [answer.trace.usage as TokenCounts]
      : [];
  const sum = (field: keyof TokenCounts) =>
    calls.reduce((total, call) => total + (typeof call[field] === "number" ? (call[field] as number) : 0), 0);
  const prompt = sum("inputTokens");
  const completion = sum("outputTokens");
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A whole (not streamed) chat completion. */
export function chatCompletion(
  identity: CompletionIdentity,
  text: string,
  answer: Answer,
  sources: readonly NumberedSource[],
) {
  return {
    ...identity,
    object: "chat.completion" as const,
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content: text, refusal: null },
        logprobs: null,
        finish_reason: "stop" as const,
      },
    ],
    usage: usageOf(answer),
    verity: verityField(answer, sources),
  };
}

/** One `chat.completion.chunk`; `usage: null` on every chunk but the last when usage was asked for. */
export function completionChunk(
  identity: CompletionIdentity,
  delta: { role?: "assistant"; content?: string },
  options: { finishReason?: "stop"; includeUsage?: boolean; verity?: VerityField } = {},
) {
  return {
    ...identity,
    object: "chat.completion.chunk" as const,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: options.finishReason ?? null }],
    ...(options.includeUsage ? { usage: null } : {}),
    ...(options.verity ? { verity: options.verity } : {}),
  };
}

/** The chunk after the last choice when `stream_options.include_usage` is set: no choices, the usage. */
export function usageChunk(identity: CompletionIdentity, answer: Answer) {
  return { ...identity, object: "chat.completion.chunk" as const, choices: [], usage: usageOf(answer) };
}
