// The default answerer when no model is configured: it quotes the source sentences that answer the
// question, each with its citation, and abstains when no sentence is likely enough to answer it.
// Quoting verbatim means it cannot invent a fact; its failure mode is quoting the wrong sentence.
import type { Citation } from "../core/answer.js";
import { narrowLocation } from "../core/location.js";
import { sentenceSpans } from "../core/sentences.js";
import type { RetrievedPassage } from "../retrieve/bm25-retriever.js";
import { triggerFeatures } from "./answer-trigger.js";
import { type AnswerDraft, type Answerer, type AnswerRequest, noPassagesDraft } from "./answerer.js";
import { closestSources } from "./closest-sources.js";
import { extractiveModel } from "./extractive-model.js";
import { type Candidate, candidateFeatures, type ExtractiveModel, probability } from "./sentence-features.js";

export interface ExtractiveAnswererOptions {
  /** Most sentences in one answer. */
  maxSentences?: number;
  /** Scorer weights and abstention threshold; defaults to the model fitted on WikiQA train. */
  model?: ExtractiveModel;
  /** Override the model's fitted answer threshold (0–1): higher abstains more. */
  threshold?: number;
  /** A further sentence joins the answer only if its probability is at least this share of the best one's. */
  relativeCutoff?: number;
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
}

export function createExtractiveAnswerer(options: ExtractiveAnswererOptions = {}): Answerer & {
  score(request: AnswerRequest): ScoredField;
} {
  const model = options.model ?? extractiveModel;
  const threshold = options.threshold ?? model.threshold;
  const maxSentences = options.maxSentences ?? 3;
  const relativeCutoff = options.relativeCutoff ?? 0.75;

  function score(request: AnswerRequest): ScoredField {
    const { spans, candidates } = collectCandidates(request.passages);
    const vectors = candidateFeatures(request.question, candidates, request.termWeights);
    const sentences = spans
      .map((span, index) => {
        const features = vectors[index] as number[];
        return { ...span, features, probability: probability(model.sentence, features) };
      })
      .sort((a, b) => b.probability - a.probability);
    const best = sentences[0];
    const answerProbability = best
      ? probability(
          model.trigger,
          triggerFeatures(
            request.question,
            sentences.map((sentence) => sentence.probability),
            best.features,
          ),
        )
      : 0;
    return { sentences, answerProbability };
  }

  return {
    id: "extractive",
    score,
    async doAnswer(request: AnswerRequest): Promise<AnswerDraft> {
      if (request.passages.length === 0) return noPassagesDraft({ threshold });
      const { sentences: scored, answerProbability } = score(request);
      const best = scored[0];
      const details = {
        threshold: round(threshold),
        answerProbability: round(answerProbability),
        candidates: scored.length,
      };
      if (!best || answerProbability < threshold) {
        return {
          status: "abstained",
          sentences: [],
          abstention: {
            reason: "unsupported_by_sources",
            detail: `The closest passages do not answer the question: the best sentence's answer probability is ${round(answerProbability)}, below the threshold ${round(threshold)}.`,
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

/** Every distinct sentence of the passages, with what the scorer needs to know about it. */
export function collectCandidates(passages: readonly RetrievedPassage[]): {
  spans: CandidateSpan[];
  candidates: Candidate[];
} {
  const topScore = Math.max(...passages.map((passage) => passage.score), Number.EPSILON);
  const seen = new Set<string>();
  const spans: CandidateSpan[] = [];
  const candidates: Candidate[] = [];
  for (const passage of passages) {
    const base = passage.chunk.location.charStart;
    sentenceSpans(passage.chunk.text).forEach((span, indexInPassage) => {
      // Overlapping chunks repeat sentences; score each sentence once, from its best passage.
      const key = `${passage.document.id}:${base + span.start}`;
      if (seen.has(key)) return;
      seen.add(key);
      const text = passage.chunk.text.slice(span.start, span.end);
      spans.push({ passage, charStart: base + span.start, charEnd: base + span.end, text });
      candidates.push({
        text,
        passageRank: passage.rank,
        passageScoreRatio: passage.score / topScore,
        indexInPassage,
        title: passage.document.title,
        documentStart: base + span.start === 0 || (passage.chunk.ordinal === 0 && indexInPassage === 0),
      });
    });
  }
  return { spans, candidates };
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
