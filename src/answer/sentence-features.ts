// Features of a candidate answer sentence for a question: how much of the question it covers, how
// specifically, whether it holds the kind of thing asked for, and how well its passage ranked.
import { contentTokens, questionTokens, stem, tokens } from "../core/terms.js";

export interface Candidate {
  /** Sentence text, verbatim. */
  text: string;
  /** 0-based rank of the passage holding the sentence. */
  passageRank: number;
  /** Passage retrieval score divided by the best passage's score (0–1]. */
  passageScoreRatio: number;
  /** 0-based index of the sentence within its passage. */
  indexInPassage: number;
  /** Title of the sentence's document. */
  title: string;
  /** True for the document's first sentence (where documents usually say what they are about). */
  documentStart: boolean;
}

export const featureNames = [
  "bias",
  "coverage",
  "idfCoverage",
  "bigramCoverage",
  "coverageGap",
  "passageRank",
  "passageScoreRatio",
  "leadSentence",
  "answerType",
  "novelty",
  "length",
  "questionLength",
  "titleCoverage",
  "nonTitleCoverage",
  "definitionLead",
  "globalIdfCoverage",
] as const;

export type FeatureVector = number[];

type AnswerType = "number" | "date" | "name" | "other";

interface Question {
  stems: string[];
  stemSet: Set<string>;
  bigrams: Set<string>;
  answerType: AnswerType;
  rawTokens: Set<string>;
  definitional: boolean;
}

function analyseQuestion(question: string): Question {
  const stems = questionTokens(question).map(stem);
  const bigrams = new Set<string>();
  for (let index = 1; index < stems.length; index++) bigrams.add(`${stems[index - 1]} ${stems[index]}`);
  return {
    stems,
    stemSet: new Set(stems),
    bigrams,
    answerType: answerTypeOf(question),
    rawTokens: new Set(tokens(question)),
    definitional: /^\s*(what|who)\s+(is|are|was|were)\b|^\s*define\b|\bwhat does .* mean\b/i.test(question),
  };
}

function answerTypeOf(question: string): AnswerType {
  const lower = question.toLowerCase();
  if (
    /\bhow (many|much|long|old|far|big|large|tall|often|fast)\b|\bwhat (percentage|number|amount)\b/.test(
      lower,
    )
  ) {
    return "number";
  }
  if (/\bwhen\b|\bwhat (year|date|day|month|time)\b/.test(lower)) return "date";
  if (/\bwho\b|\bwhere\b/.test(lower)) return "name";
  // "Which encryption algorithm...", "what browser...": asks for a named thing.
  if (
    /\b(which|what)\s+(?!(is|are|was|were|does|do|did|can|could|should|will|would|has|have|had|happens|happened|if)\b)[a-z]+/.test(
      lower,
    )
  ) {
    return "name";
  }
  return "other";
}

function hasAnswerType(text: string, type: AnswerType, question: Question): number {
  switch (type) {
    case "number":
      return /\d/.test(text) ||
        /\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|dozen)\b/i.test(
          text,
        )
        ? 1
        : 0;
    case "date":
      return /\b(1[0-9]{3}|20[0-9]{2})\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b|\b\d{1,2}(st|nd|rd|th)?\b.*\b(century|days?|hours?|minutes?|weeks?|months?|years?)\b/i.test(
        text,
      )
        ? 1
        : 0;
    case "name": {
      // A capitalised word or an acronym/code (AES-256, FIDO2) not at the sentence start and not in the question.
      const words =
        text.match(/(?<=\s)[A-Z][\p{L}\p{N}-]*|\b[\p{L}]*\p{N}[\p{L}\p{N}-]*[\p{L}][\p{L}\p{N}-]*/gu) ?? [];
      return words.some((word) => !question.rawTokens.has(word.toLowerCase())) ? 1 : 0;
    }
    default:
      return 0.5;
  }
}

/** One feature vector per candidate, in `featureNames` order. */
export function candidateFeatures(
  question: string,
  candidates: readonly Candidate[],
  termWeights?: ReadonlyMap<string, number>,
): FeatureVector[] {
  const analysed = analyseQuestion(question);
  const stemSets = candidates.map((candidate) => new Set(contentTokens(candidate.text).map(stem)));
  const sequences = candidates.map((candidate) => contentTokens(candidate.text).map(stem));
  // Inverse document frequency over the candidate pool: a term every candidate shares tells them apart least.
  const documentFrequency = new Map<string, number>();
  for (const set of stemSets) {
    for (const term of analysed.stemSet)
      if (set.has(term)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const pool = Math.max(candidates.length, 1);
  const idf = (term: string) => Math.log(1 + (pool + 1) / ((documentFrequency.get(term) ?? 0) + 0.5));
  const idfTotal = [...analysed.stemSet].reduce((sum, term) => sum + idf(term), 0) || 1;
  const questionSize = Math.max(analysed.stemSet.size, 1);

  const globalIdf = (term: string) => termWeights?.get(term) ?? idf(term);
  const globalTotal = [...analysed.stemSet].reduce((sum, term) => sum + globalIdf(term), 0) || 1;
  const coverages = stemSets.map(
    (set) => [...analysed.stemSet].filter((term) => set.has(term)).length / questionSize,
  );
  const bestCoverage = Math.max(0, ...coverages);

  return candidates.map((candidate, index) => {
    const set = stemSets[index] as Set<string>;
    const sequence = sequences[index] as string[];
    const matched = [...analysed.stemSet].filter((term) => set.has(term));
    const idfCoverage = matched.reduce((sum, term) => sum + idf(term), 0) / idfTotal;
    let bigramHits = 0;
    if (analysed.bigrams.size > 0) {
      const sentenceBigrams = new Set<string>();
      for (let position = 1; position < sequence.length; position++) {
        sentenceBigrams.add(`${sequence[position - 1]} ${sequence[position]}`);
      }
      for (const bigram of analysed.bigrams) if (sentenceBigrams.has(bigram)) bigramHits++;
    }
    const novel = sequence.filter((term) => !analysed.stemSet.has(term)).length;
    const coverage = coverages[index] as number;
    const titleStems = new Set(contentTokens(candidate.title).map(stem));
    const inTitle = [...analysed.stemSet].filter((term) => titleStems.has(term));
    const outside = [...analysed.stemSet].filter((term) => !titleStems.has(term));
    const outsideIdf = outside.reduce((sum, term) => sum + idf(term), 0);
    const nonTitleCoverage =
      outsideIdf > 0
        ? outside.filter((term) => set.has(term)).reduce((sum, term) => sum + idf(term), 0) / outsideIdf
        : 1;
    return [
      1,
      coverage,
      idfCoverage,
      analysed.bigrams.size > 0 ? bigramHits / analysed.bigrams.size : 0,
      coverage - bestCoverage,
      1 / (1 + candidate.passageRank),
      candidate.passageScoreRatio,
      candidate.indexInPassage === 0 ? 1 : 0,
      hasAnswerType(candidate.text, analysed.answerType, analysed),
      sequence.length > 0 ? novel / sequence.length : 0,
      Math.log1p(sequence.length) / 4,
      Math.log1p(analysed.stemSet.size) / 3,
      inTitle.length / questionSize,
      nonTitleCoverage,
      analysed.definitional && candidate.documentStart ? 1 : 0,
      matched.reduce((sum, term) => sum + globalIdf(term), 0) / globalTotal,
    ];
  });
}

/** A logistic regression: named features and their weights. */
export interface LogisticModel {
  features: readonly string[];
  weights: readonly number[];
}

export function probability(model: LogisticModel, vector: FeatureVector): number {
  let sum = 0;
  for (let index = 0; index < vector.length; index++)
    sum += (model.weights[index] ?? 0) * (vector[index] as number);
  return 1 / (1 + Math.exp(-sum));
}

export interface ExtractiveModel {
  /** Scores each candidate sentence: how likely it answers the question. */
  sentence: LogisticModel;
  /** Scores the field of candidates: how likely the best one answers at all (see answer-trigger.ts). */
  trigger: LogisticModel;
  /** Trigger probability below which Verity abstains. */
  threshold: number;
}
