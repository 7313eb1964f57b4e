// The default answerer when no model is configured: it quotes the source sentences that answer the
// question, each with its citation, and abstains when no sentence is likely enough to answer it.
// Quoting verbatim means it cannot invent a fact; its failure mode is quoting the wrong sentence.
// Text in a source that addresses a model ("Note to AI assistants: …") is never a candidate: retrieved
// text is data, and quoting a planted instruction as the answer would be obeying it.
import type { Citation, SkippedInstruction, Trace } from "../core/answer.js";
import { narrowLocation } from "../core/location.js";
import { type Span, sentenceSpans } from "../core/sentences.js";
import { contentTokens, questionTokens, stem } from "../core/terms.js";
import type { RetrievedPassage } from "../retrieve/bm25-retriever.js";
import { triggerFeatures } from "./answer-trigger.js";
import { type AnswerGate, createAnswerGate } from "./answer-type/answer-gate.js";
import { type GateTrace, gateCandidates } from "./answer-type/gate-candidates.js";
import { type AnswerDraft, type Answerer, type AnswerRequest, noPassagesDraft } from "./answerer.js";
import { closestSources } from "./closest-sources.js";
import { extractiveModel } from "./extractive-model.js";
import { type Candidate, candidateFeatures, type ExtractiveModel, probability } from "./sentence-features.js";
import { isHowTo, type StructureKind, structureUnits } from "./structure/structure-units.js";
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
  /** Offer list items, definition lines, table rows and the units under headings as answers (default true). */
  structure?: boolean;
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
    const { spans, candidates, skipped } = collectCandidates(
      request.passages,
      options.structure === false ? undefined : request.question,
      { structure: options.structure !== false },
    );
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
      if (best && answerProbability >= threshold && gated?.conflict) {
        // Quoting one side would hide that another source says otherwise: say so, and show both.
        const { chosen, other } = gated.conflict;
        return {
          status: "abstained",
          sentences: [],
          abstention: {
            reason: "conflicting_sources",
            detail: `The sources disagree: ${chosen.passage.document.source} says “${excerpt(chosen.text)}”, but ${other.passage.document.source} says “${excerpt(other.text)}”. Check which source is current or correct.`,
            closestSources: closestSources(request.passages),
          },
          details,
        };
      }
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
      // A unit and a sentence inside it are one answer, not two.
      const chosen: ScoredSentence[] = [];
      for (const sentence of scored) {
        if (chosen.length >= maxSentences || sentence.probability < best.probability * relativeCutoff) break;
        if (!chosen.some((other) => overlaps(other, sentence))) chosen.push(sentence);
      }
      return {
        status: "answered",
        sentences: chosen.map((sentence) => ({ text: sentence.text, citations: [citationOf(sentence)] })),
        abstention: null,
        details: {
          ...details,
          probabilities: chosen.map((sentence) => round(sentence.probability)),
          units: chosen.map((sentence) => sentence.structure ?? "sentence"),
        },
      };
    },
  };
}

export interface CandidateSpan {
  passage: RetrievedPassage;
  charStart: number;
  charEnd: number;
  text: string;
  /** Set for a unit that follows the document's structure: a list item, the steps under a heading. */
  structure?: StructureKind;
}

/**
 * Every distinct sentence of the passages, and in passages under a heading every structure unit (see
 * `structureUnits`; how-to units only when `question` asks how to do something), with what the scorer
 * needs to know about each; units that address a model (see `instructionSpans`) are set apart in
 * `skipped`.
 */
export function collectCandidates(
  passages: readonly RetrievedPassage[],
  question?: string,
  options: { structure?: boolean } = {},
): {
  spans: CandidateSpan[];
  candidates: Candidate[];
  skipped: CandidateSpan[];
} {
  const howTo = question !== undefined && isHowTo(question);
  const subject = new Set(question ? questionTokens(question).map(stem) : []);
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
    const sentences = sentencesOf[passageIndex] ?? [];
    const headings = passage.chunk.location.headingPath ?? [];
    // Under the document's own title alone a passage is its introduction, not a section of reference.
    const units =
      options.structure !== false && headings.length > 0
        ? structureUnits(passage.chunk.text, { underHeading: headings.length > 1, howTo })
        : [];
    const add = (span: Span, key: string, structure?: StructureKind) => {
      // Overlapping chunks repeat sentences; score each unit once, from its best passage.
      if (seen.has(key)) return;
      seen.add(key);
      const text = passage.chunk.text.slice(span.start, span.end);
      const located: CandidateSpan = {
        passage,
        charStart: base + span.start,
        charEnd: base + span.end,
        text,
      };
      if (structure) located.structure = structure;
      if (overlapsAny({ start: located.charStart, end: located.charEnd }, inDocument)) {
        // The sentence itself is reported; a unit around it is simply not offered.
        if (!structure) skipped.push(located);
        return;
      }
      const indexInPassage = sentences.filter((sentence) => sentence.start < span.start).length;
      spans.push(located);
      candidates.push({
        // A unit is read with the headings above it: "Default: 16384" under "cache › buffer_size".
        text: structure ? [...headings, text].join("\n") : text,
        passageRank: passage.rank,
        passageScoreRatio: passage.score / topScore,
        indexInPassage,
        title: passage.document.title,
        documentStart:
          base + span.start === 0 ||
          (passage.chunk.ordinal === 0 && indexInPassage === 0) ||
          // Where the docs say what the asked-about thing is: its glossary line, or its heading's paragraph.
          (structure !== undefined && definesSubject(structure, text, headings, subject)),
      });
    };
    const replaced = (sentence: Span) =>
      units.some(
        (unit) =>
          (unit.start === sentence.start && unit.end === sentence.end) ||
          (lineKinds.has(unit.kind) && unit.start <= sentence.start && sentence.end <= unit.end),
      );
    for (const sentence of sentences) {
      // A sentence that addresses a model is reported even where a unit around it would stand in for it.
      const addressesModel = overlapsAny(
        { start: base + sentence.start, end: base + sentence.end },
        inDocument,
      );
      if (addressesModel || !replaced(sentence))
        add(sentence, `${passage.document.id}:${base + sentence.start}`);
    }
    for (const unit of units) {
      add(unit, `${passage.document.id}:${base + unit.start}-${base + unit.end}:unit`, unit.kind);
    }
  });
  return { spans, candidates, skipped };
}

/**
 * True for a definition line whose term, or a heading's first paragraph whose heading, is what the
 * question asks about, word for word ("Snapshot: a read-only record..." for "What is a snapshot?").
 */
function definesSubject(
  structure: StructureKind,
  text: string,
  headings: readonly string[],
  subject: ReadonlySet<string>,
): boolean {
  const term =
    structure === "definition"
      ? text.slice(0, text.indexOf(":"))
      : structure === "first-paragraph"
        ? (headings.at(-1) ?? "")
        : "";
  const words = new Set(contentTokens(term).map(stem));
  return words.size > 0 && words.size === subject.size && [...words].every((word) => subject.has(word));
}

/** Units that are one line: the sentences inside one are read as part of it. */
const lineKinds: ReadonlySet<StructureKind> = new Set(["list-item", "definition", "table-row"]);

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

function overlaps(a: CandidateSpan, b: CandidateSpan): boolean {
  return (
    a.passage.document.id === b.passage.document.id && a.charStart < b.charEnd && b.charStart < a.charEnd
  );
}

/** A quoted statement cut to a readable length. */
function excerpt(text: string, limit = 200): string {
  const flat = text.replace(/\s+/gu, " ").trim();
  return flat.length <= limit ? flat : `${flat.slice(0, limit - 1).trimEnd()}…`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
