// Layer one of verification, no model needed: is a sentence backed by the passages it cites? It must
// share most of its content words with one stretch of a source (one to three sentences), a word
// counting when the source uses it, a synonym or another form of it (WordNet), a rare word or a name
// more than a common one, and every number, date and name it states must be in the source. A matching
// stretch that states the opposite (a negation, an opposite word, another number for the same unit)
// makes it contradicted.
import { remembered } from "../../core/remembered.js";
import { claimFacts } from "./claim-facts.js";
import type { Lexicon } from "./lexicon/lexicon.js";
import { createWordNetLexicon } from "./lexicon/wordnet-lexicon.js";
import { measureSentence, type VerificationSignals } from "./sentence-signals.js";
import { createSourceReader, type Evidence } from "./source-reading.js";
import { createWordForms } from "./word-forms.js";

export type { VerificationSignals } from "./sentence-signals.js";
export type { Evidence } from "./source-reading.js";

export type Verdict = "supported" | "unsupported" | "contradicted";

export interface Verification {
  verdict: Verdict;
  /** How fully the best stretch of source covers the sentence's content words, 0–1. */
  score: number;
  /** Why it is not supported, in words a reader understands; empty when supported. */
  reasons: string[];
  /** The stretch of source that best matches: 0-based index of its source, and its span there. */
  evidence: Evidence | null;
}

/**
 * Least weighted share of a sentence's content words the best stretch of source must hold. Chosen on
 * the development part of Factcheck-Bench (`npm run eval:claims`) as the lowest that still rejects at
 * least 90% of its unsupported ChatGPT claims.
 */
export const defaultMinCoverage = 0.77;

export interface VerifyOptions {
  /** Least weighted share of the sentence's content words the best stretch must hold (default `defaultMinCoverage`). */
  minCoverage?: number;
  /** The verifier that reads the sources (default: one shared by every caller that passes none). */
  verifier?: SentenceVerifier;
}

/** Reads sources and measures sentences against them, remembering the sources it has read. */
export interface SentenceVerifier {
  /** Measures one sentence (citation markers removed) against the text of the sources it cites. */
  signals(sentence: string, sources: readonly string[]): VerificationSignals;
}

export interface SentenceVerifierOptions {
  /** Synonyms, word forms and opposite words (default: WordNet, read on first use). */
  lexicon?: Lexicon;
  /** Sources remembered between calls (default 256), so an answer's passages are read once, not per sentence. */
  maxRememberedSources?: number;
}

/** Sentences whose facts a verifier remembers: an answer's, checked against each of its passages. */
const rememberedClaims = 64;

let wordNet: Lexicon | undefined;
/** WordNet is read-only data: one lexicon serves every verifier given none. */
function defaultLexicon(): Lexicon {
  wordNet ??= createWordNetLexicon();
  return wordNet;
}

/** A verifier with its own memory of the sources it read; an engine instance owns one. */
export function createSentenceVerifier(options: SentenceVerifierOptions = {}): SentenceVerifier {
  const forms = createWordForms(options.lexicon ?? defaultLexicon());
  const reader = createSourceReader(forms, options.maxRememberedSources);
  // A sentence is measured against its cited passages, then against each other passage for a
  // dispute: what it states is read once.
  const factsOf = remembered(claimFacts, rememberedClaims);
  return {
    signals: (sentence, sources) => measureSentence(sentence, sources, reader, forms, factsOf(sentence)),
  };
}

let shared: SentenceVerifier | undefined;
/** The verifier of callers that bring none. */
function sharedVerifier(): SentenceVerifier {
  shared ??= createSentenceVerifier();
  return shared;
}

/** Measures one sentence (citation markers removed) against the text of the sources it cites. */
export function verificationSignals(
  sentence: string,
  sources: readonly string[],
  verifier: SentenceVerifier = sharedVerifier(),
): VerificationSignals {
  return verifier.signals(sentence, sources);
}

/** The verdict on measured signals: what `verifySentence` decides, for callers that measured already. */
export function verificationFrom(signals: VerificationSignals, options: VerifyOptions = {}): Verification {
  const minCoverage = options.minCoverage ?? defaultMinCoverage;
  if (signals.evidence === null) {
    return { verdict: "unsupported", score: 0, reasons: ["no source text to check against"], evidence: null };
  }
  const contradicted = [...signals.numberConflicts, ...signals.dateConflicts];
  const unsupported = [...signals.missingNumbers, ...signals.missingDates, ...signals.missingNames];
  if (signals.coverage < minCoverage) {
    unsupported.push(
      `the source does not say this (${Math.round(signals.coverage * 100)}% of its words found; missing: ${signals.missingWords.slice(0, 5).join(", ")})`,
    );
  } else {
    // Negation and antonyms count only where the stretch is about the same thing as the sentence.
    if (signals.negationMismatch) contradicted.push(signals.negationMismatch);
    contradicted.push(...signals.antonyms);
  }
  const verdict: Verdict =
    contradicted.length > 0 ? "contradicted" : unsupported.length > 0 ? "unsupported" : "supported";
  const penalty = contradicted.length + unsupported.length;
  return {
    verdict,
    score: signals.coverage / (1 + penalty),
    reasons: [...contradicted, ...unsupported],
    evidence: signals.evidence,
  };
}

/** Checks one answer sentence (citation markers removed) against the text of the sources it cites. */
export function verifySentence(
  sentence: string,
  sources: readonly string[],
  options: VerifyOptions = {},
): Verification {
  return verificationFrom(verificationSignals(sentence, sources, options.verifier), options);
}
