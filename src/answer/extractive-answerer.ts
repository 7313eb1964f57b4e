// The default answerer when no model is configured: it quotes the source sentences that answer the
// question, each with its citation, and abstains when no sentence is likely enough to answer it.
// Quoting verbatim means it cannot invent a fact; its failure mode is quoting the wrong sentence.
// Text in a source that addresses a model ("Note to AI assistants: …") is never a candidate: retrieved
// text is data, and quoting a planted instruction as the answer would be obeying it.
import type { Citation, SkippedInstruction, Trace } from "../core/answer.js";
import { narrowLocation } from "../core/location.js";
import { type Span, sentenceSpans } from "../core/sentences.js";
import type { RetrievedPassage } from "../retrieve/bm25-retriever.js";
import { triggerFeatures } from "./answer-trigger.js";
import { type AnswerGate, createAnswerGate } from "./answer-type/answer-gate.js";
import { type GateTrace, gateCandidates } from "./answer-type/gate-candidates.js";
import { type AnswerDraft, type Answerer, type AnswerRequest, noPassagesDraft } from "./answerer.js";
import { closestSources } from "./closest-sources.js";
import { extractiveModel } from "./extractive-model.js";
import { type Candidate, candidateFeatures, type ExtractiveModel, probability } from "./sentence-features.js";
import { instructionSpans, overlapsAny } from "./verify/instructions.js";

export interface ExtractiveAnswererOptions {
  /** Most sentences in one answer. */
  maxSentences?: number;
  /** Scorer weights and abstention threshold; defaults to the model fitted on WikiQA train. */
  model?: ExtractiveModel;
  /** Override the model's fitted answer threshold (0–1): higher abstains more. */
  threshold?: number;
  /** A further sentence joins the answer only if its probability is at least this share of the best one's. */
  relativeCutoff?: number;
  /**
   * Checks that a sentence holds the kind of answer asked for and meets the question's constraints;
   * `false` answers with the best-scored sentences unchecked.
   */
  gate?: AnswerGate | false;
}

export interface ScoredSentence extends CandidateSpan {
  probability: number;
  features: number[];
}

export interface ScoredField {
  /** Candidates, best first. */
  sentences: ScoredSentence[];
  /** Probability that the best candidate answers the question at all. */
  answerProbability: number;
  /** Sentences left out because they address a model (planted instructions), in passage order. */
  skipped: CandidateSpan[];
}

export function createExtractiveAnswerer(options: ExtractiveAnswererOptions = {}): Answerer & {
  score(request: AnswerRequest): ScoredField;
} {
  const model = options.model ?? extractiveModel;
  const threshold = options.threshold ?? model.threshold;
  const maxSentences = options.maxSentences ?? 3;
  const relativeCutoff = options.relativeCutoff ?? 0.75;
  const gate = options.gate === false ? undefined : (options.gate ?? createAnswerGate());

  /** The trigger's probability that `sentences[0]` answers, against the rest of `sentences`. */
  function triggerProbability(question: string, sentences: readonly ScoredSentence[]): number {
    const best = sentences[0];
    if (!best) return 0;
    return probability(
      model.trigger,
      triggerFeatures(
        question,
        sentences.map((sentence) => sentence.probability),
        best.features,
      ),
    );
  }

  function score(request: AnswerRequest): ScoredField {
    const { spans, candidates, skipped } = collectCandidates(request.passages);
    const vectors = candidateFeatures(request.question, candidates, request.termWeights);
    const sentences = spans
      .map((span, index) => {
        const features = vectors[index] as number[];
        return { ...span, features, probability: probability(model.sentence, features) };
      })
      .sort((a, b) => b.probability - a.probability);
    return { sentences, answerProbability: triggerProbability(request.question, sentences), skipped };
  }

  return {
    id: "extractive",
    score,
    async doAnswer(request: AnswerRequest): Promise<AnswerDraft> {
      if (request.passages.length === 0) return noPassagesDraft({ threshold });
      const field = score(request);
      const { skipped } = field;
      // The gate removes sentences that cannot be the answer (no date for "when", another year), so
      // the trigger judges the best sentence that can, against those below it.
      const gated = gate
        ? await gateCandidates(gate, request, field.sentences, {
            probabilityOf: (sentences) => triggerProbability(request.question, sentences),
            relativeCutoff,
          })
        : undefined;
      const scored = gated?.field ?? field.sentences;
      const best = scored[0];
      const answerProbability = gated ? gated.answerProbability : field.answerProbability;
      const details = {
        threshold: round(threshold),
        answerProbability: round(answerProbability),
        candidates: field.sentences.length,
        ...skippedDetails(skipped),
        ...(gated ? { gate: gated.trace satisfies GateTrace } : {}),
      };
      if (!best || answerProbability < threshold) {
        return {
          status: "abstained",
          sentences: [],
          abstention: {
            reason: "unsupported_by_sources",
            detail:
              gated?.detail ??
              (field.sentences.length > 0 || skipped.length === 0
                ? `The closest passages do not answer the question: the best sentence's answer probability is ${round(answerProbability)}, below the threshold ${round(threshold)}.${skippedNote(skipped)}`
                : `The closest passages do not answer the question: every sentence in them addresses an AI assistant (${skipped.length} in ${sourcesOf(skipped)}), and instructions found in documents are never quoted as answers.`),
            closestSources: closestSources(request.passages),
          },
          details,
        };
      }
      const chosen = scored
        .filter((sentence) => sentence.probability >= best.probability * relativeCutoff)
        .slice(0, maxSentences);
      return {
        status: "answered",
        sentences: chosen.map((sentence) => ({ text: sentence.text, citations: [citationOf(sentence)] })),
        abstention: null,
        details: { ...details, probabilities: chosen.map((sentence) => round(sentence.probability)) },
      };
    },
  };
}

export interface CandidateSpan {
  passage: RetrievedPassage;
  charStart: number;
  charEnd: number;
  text: string;
}

/**
 * Every distinct sentence of the passages, with what the scorer needs to know about it; sentences that
 * address a model (see `instructionSpans`) are set apart in `skipped`.
 */
export function collectCandidates(passages: readonly RetrievedPassage[]): {
  spans: CandidateSpan[];
  candidates: Candidate[];
  skipped: CandidateSpan[];
} {
  const topScore = Math.max(...passages.map((passage) => passage.score), Number.EPSILON);
  const sentencesOf = passages.map((passage) => sentenceSpans(passage.chunk.text));
  const instructions = instructionsByDocument(passages, sentencesOf);
  const seen = new Set<string>();
  const spans: CandidateSpan[] = [];
  const candidates: Candidate[] = [];
  const skipped: CandidateSpan[] = [];
  passages.forEach((passage, passageIndex) => {
    const base = passage.chunk.location.charStart;
    const inDocument = instructions.get(passage.document.id) ?? [];
    sentencesOf[passageIndex]?.forEach((span, indexInPassage) => {
      // Overlapping chunks repeat sentences; score each sentence once, from its best passage.
      const key = `${passage.document.id}:${base + span.start}`;
      if (seen.has(key)) return;
      seen.add(key);
      const text = passage.chunk.text.slice(span.start, span.end);
      const located = { passage, charStart: base + span.start, charEnd: base + span.end, text };
      if (overlapsAny({ start: located.charStart, end: located.charEnd }, inDocument)) {
        skipped.push(located);
        return;
      }
      spans.push(located);
      candidates.push({
        text,
        passageRank: passage.rank,
        passageScoreRatio: passage.score / topScore,
        indexInPassage,
        title: passage.document.title,
        documentStart: base + span.start === 0 || (passage.chunk.ordinal === 0 && indexInPassage === 0),
      });
    });
  });
  return { spans, candidates, skipped };
}

/**
 * Instruction spans per document, in document offsets. Pooled across a document's passages, so the
 * rest of an instruction that a chunk boundary cut off (a note in one chunk, its payload in the next)
 * is still recognised.
 */
function instructionsByDocument(
  passages: readonly RetrievedPassage[],
  sentencesOf: readonly Span[][],
): Map<string, Span[]> {
  const byDocument = new Map<string, Span[]>();
  passages.forEach((passage, passageIndex) => {
    const base = passage.chunk.location.charStart;
    const found = instructionSpans(passage.chunk.text, sentencesOf[passageIndex]).map((span) => ({
      start: base + span.start,
      end: base + span.end,
    }));
    if (found.length > 0) {
      byDocument.set(passage.document.id, [...(byDocument.get(passage.document.id) ?? []), ...found]);
    }
  });
  return byDocument;
}

/** Trace fields for skipped instructions: how many, and where, so an operator can find and remove them. */
function skippedDetails(
  skipped: readonly CandidateSpan[],
): Pick<Trace, "skippedInstructions" | "skippedInstructionSpans"> {
  if (skipped.length === 0) return {};
  return {
    skippedInstructions: skipped.length,
    skippedInstructionSpans: skipped.map(
      (span): SkippedInstruction => ({
        source: span.passage.document.source,
        documentId: span.passage.document.id,
        charStart: span.charStart,
        charEnd: span.charEnd,
      }),
    ),
  };
}

function skippedNote(skipped: readonly CandidateSpan[]): string {
  if (skipped.length === 0) return "";
  const sentences =
    skipped.length === 1
      ? "sentence that addresses an AI assistant was"
      : "sentences that address an AI assistant were";
  return ` ${skipped.length} ${sentences} left out (in ${sourcesOf(skipped)}): instructions found in documents are never quoted as answers.`;
}

function sourcesOf(skipped: readonly CandidateSpan[]): string {
  return [...new Set(skipped.map((span) => span.passage.document.source))].join(", ");
}

function citationOf(sentence: ScoredSentence): Citation {
  const { passage } = sentence;
  return {
    documentId: passage.document.id,
    source: passage.document.source,
    chunkId: passage.chunk.id,
    location: narrowLocation(passage.chunk.location, sentence.charStart, sentence.charEnd),
    quote: sentence.text,
  };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
