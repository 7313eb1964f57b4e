// The generative answerer: a language model writes the answer from numbered sources, citing one after
// every sentence; each sentence is verified against the passages it cites as soon as it is complete,
// and the answer policy decides what is shown. The model's words are never trusted on their own.
import { type LanguageModel, streamText } from "ai";
import type { AnswerSentence, SentenceVerification } from "../../core/answer.js";
import { costOf, type JudgeScope, type ModelEntry } from "../../models/catalogue.js";
import { createLanguageModel } from "../../models/language-model.js";
import { type AnswerDraft, type Answerer, type AnswerRequest, noPassagesDraft } from "../answerer.js";
import { closestSources } from "../closest-sources.js";
import { type AnswerPolicy, applyAnswerPolicy } from "../verify/answer-policy.js";
import type { Judge } from "../verify/judge.js";
import { type VerifyOptions, verificationSignals } from "../verify/verifier.js";
import { type CitedSentence, parseCitations, splitAnswer } from "./citations.js";
import { packContext } from "./context-packing.js";
import { declineMarker, systemPrompt } from "./prompt.js";
import { providerError } from "./provider-errors.js";
import { type CheckedSentence, checkSentence } from "./sentence-check.js";

export interface GenerativeAnswererOptions {
  model: ModelEntry;
  /** Default: made from the catalogue entry (`createLanguageModel`). */
  languageModel?: LanguageModel;
  /** Default `balanced`. */
  policy?: AnswerPolicy;
  verify?: VerifyOptions;
  /** Token counter for context packing; default an OpenAI tokenizer (o200k). */
  countTokens?: (text: string) => number;
  /** Called with each sentence as soon as it is complete and verified (streaming). */
  onSentence?: (sentence: AnswerSentence) => void;
  /** Where API keys are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Layer two: a judge for the sentences `scope` names (see src/answer/verify/judge.ts). */
  judge?: { judge: Judge; scope: JudgeScope };
}

interface JudgeTally {
  calls: number;
  costUsd: number;
  ms: number;
  failures: string[];
}

/**
 * The judge's verdict replaces layer one's, for the sentences the scope names; a number, date or
 * name layer one found wrong is never put to the judge. A judge that fails leaves layer one's verdict.
 */
async function judged(
  checked: CheckedSentence,
  judging: GenerativeAnswererOptions["judge"],
  tally: JudgeTally,
): Promise<AnswerSentence> {
  const { sentence } = checked;
  const verification = sentence.verification as SentenceVerification;
  if (!judging || checked.factFailure) return sentence;
  if (judging.scope === "flagged" && verification.verdict === "supported") return sentence;
  try {
    const judgement = await judging.judge.judge(sentence.text, checked.checkedAgainst);
    tally.calls++;
    tally.costUsd += judgement.costUsd;
    tally.ms += judgement.ms;
    const supported = judgement.verdict === "supported";
    return {
      ...sentence,
      citations:
        sentence.citations.length === 0 && supported && checked.closest
          ? [checked.closest]
          : sentence.citations,
      verification: {
        ...verification,
        verdict: judgement.verdict,
        reasons: supported ? [] : [`judge: ${judgement.reason}`, ...verification.reasons],
        judge: {
          by: judgement.by,
          layerOne: verification.verdict,
          reason: judgement.reason,
          ...(judgement.confidence !== undefined ? { confidence: judgement.confidence } : {}),
        },
      },
    };
  } catch (error) {
    tally.failures.push((error as Error).message);
    return sentence;
  }
}

async function defaultTokenCounter(): Promise<(text: string) => number> {
  const { countTokens } = await import("gpt-tokenizer");
  return (text) => countTokens(text);
}

export function createGenerativeAnswerer(options: GenerativeAnswererOptions): Answerer {
  const { model } = options;
  const policy = options.policy ?? "balanced";
  let languageModel = options.languageModel;
  let counter: Promise<(text: string) => number> | undefined;

  return {
    id: `generative:${model.id}`,
    async doAnswer(request: AnswerRequest): Promise<AnswerDraft> {
      const base = { model: model.id, provider: model.provider, policy };
      if (request.passages.length === 0) return noPassagesDraft({ ...base, modelCalled: false });
      counter ??= options.countTokens ? Promise.resolve(options.countTokens) : defaultTokenCounter();
      const packed = packContext(request.question, request.passages, {
        contextWindow: model.contextWindow,
        maxOutputTokens: model.maxOutputTokens,
        countTokens: await counter,
      });
      languageModel ??= createLanguageModel(model, options.env);
      const passages = packed.passages;
      const warnings: string[] = [];
      if (packed.left.length > 0) {
        warnings.push(
          `${packed.left.length} of ${request.passages.length} passages did not fit the model's context window and were left out`,
        );
      }

      const started = performance.now();
      let firstTokenMs: number | undefined;
      let text = "";
      let streamError: unknown;
      let finishReason: string | undefined;
      let usage: { inputTokens?: number; outputTokens?: number } = {};
      const sentences: AnswerSentence[] = [];
      const tally: JudgeTally = { calls: 0, costUsd: 0, ms: 0, failures: [] };
      // Judges run side by side; sentences are still emitted one by one, in order.
      let emission = Promise.resolve();
      let emitted = 0;
      const emitComplete = (complete: readonly CitedSentence[]) => {
        for (; emitted < complete.length; emitted++) {
          const checked = checkSentence(
            complete[emitted] as CitedSentence,
            passages,
            options.verify,
            request.question,
          );
          const final = judged(checked, options.judge, tally);
          emission = emission.then(async () => {
            const sentence = await final;
            sentences.push(sentence);
            options.onSentence?.(sentence);
          });
        }
      };
      // Read the passages for verification while the model writes, not when its first sentence is
      // done: their sentences, stems and word forms (the first answer of a process also loads WordNet).
      setImmediate(() =>
        verificationSignals(
          "",
          passages.map((passage) => passage.chunk.text),
          options.verify?.verifier,
        ),
      );
      const timeout = new AbortController();
      const timer = setTimeout(() => timeout.abort(), model.timeoutMs);
      const abortSignal = request.signal ? AbortSignal.any([timeout.signal, request.signal]) : timeout.signal;
      try {
        const result = streamText({
          model: languageModel,
          system: systemPrompt,
          prompt: packed.prompt,
          maxOutputTokens: model.maxOutputTokens,
          temperature: 0,
          maxRetries: model.maxRetries,
          abortSignal,
          // Errors arrive as stream parts below; the SDK's default would print them to the console.
          onError: () => {},
        });
        for await (const part of result.fullStream) {
          if (part.type === "text-delta") {
            if (firstTokenMs === undefined) {
              firstTokenMs = performance.now() - started;
              request.onFirstToken?.();
            }
            text += part.text;
            if (!text.trimStart().startsWith(declineMarker))
              emitComplete(splitAnswer(text, passages.length).complete);
          } else if (part.type === "finish") {
            finishReason = part.finishReason;
            usage = { inputTokens: part.totalUsage.inputTokens, outputTokens: part.totalUsage.outputTokens };
          } else if (part.type === "error") {
            streamError = part.error;
          } else if (part.type === "abort") {
            streamError = new Error("aborted");
          }
        }
      } catch (error) {
        streamError = error;
      } finally {
        clearTimeout(timer);
      }
      const modelMs = performance.now() - started;
      const details = {
        ...base,
        modelCalled: true,
        modelMs: Math.round(modelMs),
        ...(firstTokenMs !== undefined ? { firstTokenMs: Math.round(firstTokenMs) } : {}),
        finishReason: finishReason ?? "none",
        usage,
        costUsd: costOf(model, usage),
        context: {
          passages: passages.length,
          leftOut: packed.left.map((entry) => entry.chunkId),
          promptTokens: packed.promptTokens,
          budget: packed.budget,
        },
      };
      // A caller that gave up gets its own reason back, never a provider failure to fall back from.
      request.signal?.throwIfAborted();
      const declined =
        text.trim().replace(/[.!\s]+$/u, "") === declineMarker || text.trimStart().startsWith(declineMarker);
      if (streamError !== undefined && text.length === 0)
        throw providerError(model, streamError, timeout.signal.aborted);

      const split = splitAnswer(text, passages.length);
      if (!declined) emitComplete(split.complete);
      const cut = streamError !== undefined || finishReason !== "stop";
      if (!declined && split.pending.trim()) {
        if (cut) {
          warnings.push(
            `the model's answer broke off (${streamError !== undefined ? "stream error" : `finish reason ${finishReason ?? "none"}`}); its unfinished last sentence was left out`,
          );
        } else {
          const last = parseCitations(split.pending, passages.length);
          if (last.text) emitComplete([...split.complete, last]);
        }
      }
      await emission;
      if (!declined && sentences.length === 0 && streamError !== undefined) {
        throw providerError(model, streamError, timeout.signal.aborted);
      }
      if (declined) {
        return {
          status: "abstained",
          sentences: [],
          abstention: {
            reason: "model_declined",
            detail: `the model (${model.id}) found no answer in the sources`,
            closestSources: closestSources(passages),
          },
          details: { ...details, ...(warnings.length ? { warnings } : {}) },
        };
      }
      if (tally.failures.length > 0) {
        warnings.push(
          `the judge failed on ${tally.failures.length} sentence(s), so layer one's verdict stands: ${tally.failures[0]}`,
        );
      }
      const judgeDetails = options.judge
        ? {
            judge: {
              by: options.judge.judge.id,
              scope: options.judge.scope,
              calls: tally.calls,
              costUsd: tally.costUsd,
              ms: Math.round(tally.ms),
            },
          }
        : {};
      const outcome = applyAnswerPolicy(sentences, policy, request.question);
      warnings.push(...outcome.warnings);
      const verification = {
        supported: sentences.filter((s) => s.verification?.verdict === "supported").length,
        unsupported: sentences.filter((s) => s.verification?.verdict === "unsupported").length,
        contradicted: sentences.filter((s) => s.verification?.verdict === "contradicted").length,
        contested: sentences.filter((s) => (s.verification?.conflicts?.length ?? 0) > 0).length,
        dropped: outcome.dropped.map((s) => ({ text: s.text, ...s.verification })),
      };
      return {
        status: outcome.abstain ? "abstained" : "answered",
        sentences: outcome.sentences,
        abstention: outcome.abstain ? { ...outcome.abstain, closestSources: closestSources(passages) } : null,
        details: {
          ...details,
          costUsd: details.costUsd + tally.costUsd,
          ...judgeDetails,
          verification,
          ...(warnings.length ? { warnings } : {}),
        },
      };
    },
  };
}
