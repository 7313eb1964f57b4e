// Layer one of verification, no model needed: is a sentence backed by the passages it cites? It must
// share most of its content words with one stretch of a source (one to three sentences), and every
// number, date and name it states must be in the source. A matching stretch that states the
// opposite (a negation, an antonym, another number for the same unit) makes it contradicted.
import { type Span, sentenceSpans } from "../../core/sentences.js";
import { stem, tokens } from "../../core/terms.js";
import { type ClaimFacts, type Clause, claimFacts, type Quantity } from "./claim-facts.js";
import { instructionSpans, overlapsAny } from "./instructions.js";

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

export interface Evidence {
  source: number;
  /** Offsets in the source text; `text` is exactly that slice. */
  start: number;
  end: number;
  text: string;
}

export interface VerifyOptions {
  /** Least share of the sentence's content words the best stretch must hold (default 0.7). */
  minCoverage?: number;
}

interface Window extends Evidence {
  facts: ClaimFacts;
  stems: Set<string>;
  /** The clauses of the stretch's sentences, in order. */
  clauses: Clause[];
}

/** One sentence of a source, read once. */
interface SourceSentence {
  facts: ClaimFacts;
  stems: Set<string>;
}

interface SourceAnalysis {
  sentences: SourceSentence[];
  /** Stretches of one to three consecutive sentences, `source` 0 (set per call). */
  windows: Window[];
  words: Set<string>;
}

const antonymPairs = [
  ["increase", "decrease"],
  ["increase", "reduce"],
  ["rise", "fall"],
  ["higher", "lower"],
  ["more", "less"],
  ["more", "fewer"],
  ["greater", "smaller"],
  ["larger", "smaller"],
  ["before", "after"],
  ["earlier", "later"],
  ["allow", "forbid"],
  ["allow", "prohibit"],
  ["enable", "disable"],
  ["include", "exclude"],
  ["accept", "reject"],
  ["approve", "deny"],
  ["success", "failure"],
  ["positive", "negative"],
  ["maximum", "minimum"],
  ["above", "below"],
  ["first", "last"],
  ["always", "never"],
  ["promote", "inhibit"],
  ["activate", "inhibit"],
  ["activate", "suppress"],
  ["upregulate", "downregulate"],
  ["benefit", "harm"],
  ["safe", "unsafe"],
  ["free", "paid"],
  ["public", "private"],
  ["required", "optional"],
  ["mandatory", "optional"],
  ["daily", "weekly"],
  ["daily", "monthly"],
  ["weekly", "monthly"],
  ["monthly", "annually"],
  ["monthly", "yearly"],
  ["weekly", "annually"],
  ["high", "low"],
  ["presence", "absence"],
  ["present", "absent"],
  ["common", "rare"],
  ["gain", "loss"],
  ["gain", "lose"],
  ["early", "late"],
  ["resistant", "susceptible"],
  ["resistance", "susceptibility"],
  ["resistant", "sensitive"],
  ["strong", "weak"],
  ["stronger", "weaker"],
  ["elevated", "reduced"],
  ["elevated", "decreased"],
  ["improve", "worsen"],
  ["improve", "impair"],
  ["enhance", "impair"],
  ["enhance", "reduce"],
  ["enhance", "suppress"],
  ["promote", "impede"],
  ["promote", "suppress"],
  ["induce", "inhibit"],
  ["induce", "suppress"],
  ["stimulate", "inhibit"],
  ["activation", "inhibition"],
  ["benign", "malignant"],
  ["acute", "chronic"],
  ["agonist", "antagonist"],
  ["dominant", "recessive"],
  ["major", "minor"],
  ["majority", "minority"],
  ["shorter", "longer"],
  ["faster", "slower"],
  ["rise", "decline"],
  ["increase", "decline"],
  ["expand", "shrink"],
  ["positively", "negatively"],
].map(([a, b]) => [stem(a as string), stem(b as string)] as const);
const antonyms = new Map<string, Set<string>>();
for (const [a, b] of antonymPairs) {
  antonyms.set(a, (antonyms.get(a) ?? new Set()).add(b));
  antonyms.set(b, (antonyms.get(b) ?? new Set()).add(a));
}

const maxWindowSentences = 3;

// A source is read once per answer, not once per sentence checked against it: an answer of eight
// sentences over eight passages would otherwise cut and read every passage dozens of times.
const analyses = new Map<string, SourceAnalysis>();
const maxCachedAnalyses = 256;

function analyse(text: string): SourceAnalysis {
  const cached = analyses.get(text);
  if (cached) return cached;
  const sentences: SourceSentence[] = [];
  const windows: Window[] = [];
  // Runs of consecutive sentences; text that addresses a model ("ignore previous instructions…")
  // is never evidence, so it also breaks a run.
  const runs: Span[][] = [[]];
  const sentenceSpansOfText = sentenceSpans(text);
  const instructions = instructionSpans(text, sentenceSpansOfText);
  for (const span of sentenceSpansOfText) {
    if (overlapsAny(span, instructions)) runs.push([]);
    else if (text.slice(span.start, span.end).trim()) runs[runs.length - 1]?.push(span);
  }
  for (const run of runs) {
    const read = run.map((span) => {
      const facts = claimFacts(text.slice(span.start, span.end));
      return { facts, stems: new Set(facts.stems) };
    });
    sentences.push(...read);
    for (let first = 0; first < run.length; first++) {
      for (let last = first; last < first + maxWindowSentences && last < run.length; last++) {
        const start = (run[first] as Span).start;
        const end = (run[last] as Span).end;
        const windowText = text.slice(start, end).trimEnd();
        const facts = claimFacts(windowText);
        windows.push({
          source: 0,
          start,
          end: start + windowText.length,
          text: windowText,
          facts,
          stems: new Set(facts.stems),
          clauses: read.slice(first, last + 1).flatMap((sentence) => sentence.facts.clauses),
        });
      }
    }
  }
  const analysis = { sentences, windows, words: new Set(tokens(text)) };
  if (analyses.size >= maxCachedAnalyses) analyses.clear();
  analyses.set(text, analysis);
  return analysis;
}

function windowsOf(sources: readonly SourceAnalysis[]): Window[] {
  return sources.flatMap((analysis, source) =>
    source === 0 ? analysis.windows : analysis.windows.map((window) => ({ ...window, source })),
  );
}

function holdsStem(stems: ReadonlySet<string>, wanted: string): boolean {
  if (stems.has(wanted)) return true;
  // Stems of one word family that Porter leaves apart ("regul" / "regulatori").
  if (wanted.length < 5) return false;
  for (const candidate of stems) {
    if (candidate.length >= 5 && (candidate.startsWith(wanted) || wanted.startsWith(candidate))) return true;
  }
  return false;
}

function coverage(claim: ClaimFacts, window: Window): number {
  if (claim.stems.length === 0) return 1;
  return claim.stems.filter((wanted) => holdsStem(window.stems, wanted)).length / claim.stems.length;
}

const sameQuantity = (a: Quantity, b: Quantity) =>
  Math.abs(a.value - b.value) < 1e-9 && (a.unit === undefined || b.unit === undefined || a.unit === b.unit);

const describe = (quantity: Quantity) =>
  `${quantity.value}${quantity.unit ? ` ${quantity.unitText ?? quantity.unit}` : ""}`;

/**
 * What the verifier measures for one sentence before it applies a threshold: the inputs of its
 * verdict, so evaluations can calibrate on them. Each list holds reasons in words a reader understands.
 */
export interface VerificationSignals {
  /** Share of the sentence's content words held by the best stretch of source, 0–1 (1 when it has none). */
  coverage: number;
  /** Content words of the sentence (stems). */
  words: number;
  /** Content words the best stretch lacks. */
  missingWords: string[];
  /** Whether the sentence is negated ("not", "without", "fails"…). */
  negated: boolean;
  /** Set when the sentence and its best stretch disagree on negation. */
  negationMismatch: string | null;
  /** Words of the sentence whose antonym the best stretch holds instead. */
  antonyms: string[];
  /** Numbers the sources state differently for the same unit, and numbers they do not state. */
  numberConflicts: string[];
  missingNumbers: string[];
  /** Dates the best stretch states differently, and dates the sources do not state. */
  dateConflicts: string[];
  missingDates: string[];
  /** Names (capitalised words, acronyms) absent from the sources. */
  missingNames: string[];
  evidence: Evidence | null;
}

/** Measures one sentence (citation markers removed) against the text of the sources it cites. */
export function verificationSignals(sentence: string, sources: readonly string[]): VerificationSignals {
  const claim = claimFacts(sentence);
  const analysed = sources.map(analyse);
  const windows = windowsOf(analysed);
  const signals: VerificationSignals = {
    coverage: 0,
    words: claim.stems.length,
    missingWords: [...claim.stems],
    negated: claim.negated,
    negationMismatch: null,
    antonyms: [],
    numberConflicts: [],
    missingNumbers: [],
    dateConflicts: [],
    missingDates: [],
    missingNames: [],
    evidence: null,
  };
  if (windows.length === 0) return signals;
  let best = windows[0] as Window;
  let bestCoverage = -1;
  for (const window of windows) {
    const value = coverage(claim, window);
    // Ties go to the shorter stretch: the tightest evidence.
    if (value > bestCoverage || (value === bestCoverage && window.text.length < best.text.length)) {
      best = window;
      bestCoverage = value;
    }
  }
  signals.coverage = bestCoverage;
  signals.missingWords = claim.stems.filter((wanted) => !holdsStem(best.stems, wanted));
  signals.evidence = { source: best.source, start: best.start, end: best.end, text: best.text };
  // Numbers and dates count where the source says them about the same thing: in the matched stretch,
  // or in a sentence sharing at least two of the claim's words (a merged answer may draw on several).
  // A "1" in "P = 1 × 10(-8)" elsewhere in the passage does not back "1.0".
  const needed = Math.min(2, claim.stems.length);
  const related = analysed
    .flatMap((analysis) => analysis.sentences)
    .filter((read) => claim.stems.filter((wanted) => holdsStem(read.stems, wanted)).length >= needed)
    .map((read) => read.facts);
  const sourceQuantities = [...best.facts.quantities, ...related.flatMap((facts) => facts.quantities)];
  const sourceDates = new Set([...best.facts.dates, ...related.flatMap((facts) => facts.dates)]);
  const sourceWords = new Set(analysed.flatMap((analysis) => [...analysis.words]));
  const statedElsewhere = (found: boolean) => (found ? ", only about something else" : "");

  for (const quantity of claim.quantities) {
    if (sourceQuantities.some((other) => sameQuantity(quantity, other))) continue;
    const rival = best.facts.quantities.find(
      (other) =>
        quantity.unit !== undefined && other.unit === quantity.unit && other.value !== quantity.value,
    );
    if (rival)
      signals.numberConflicts.push(`says ${describe(quantity)} where the source says ${describe(rival)}`);
    else {
      const anywhere = windows.some((window) =>
        window.facts.quantities.some((other) => sameQuantity(quantity, other)),
      );
      signals.missingNumbers.push(
        `the number ${describe(quantity)} is not in the source${statedElsewhere(anywhere)}`,
      );
    }
  }
  for (const date of claim.dates) {
    if (sourceDates.has(date)) continue;
    const rival = best.facts.dates.find((other) => /^\d/u.test(other) === /^\d/u.test(date));
    if (rival) signals.dateConflicts.push(`says ${date} where the source says ${rival}`);
    else {
      const anywhere = windows.some((window) => window.facts.dates.includes(date));
      signals.missingDates.push(`the date ${date} is not in the source${statedElsewhere(anywhere)}`);
    }
  }
  for (const name of claim.names) {
    // A hyphenated name ("PD-1") is held when each of its parts is, as the tokenizer splits it; a
    // plural acronym ("ILCs") when its singular is.
    const held = (word: string) => tokens(word).every((part) => sourceWords.has(part));
    if (!held(name) && !(name.endsWith("s") && held(name.slice(0, -1))))
      signals.missingNames.push(`"${name}" is not in the source`);
  }
  // Negation and opposite words are read clause by clause: each clause of the claim against the
  // clause of the matched stretch that shares most of its words. A "but not …" clause the claim
  // left out, or a "no consensus" in a neighbouring sentence, says nothing about it.
  // Messages quote words as written, not their stems.
  const written = (text: string, wanted: string) =>
    tokens(text).find((token) => stem(token) === wanted) ?? wanted;
  for (const clause of claim.clauses) {
    let partner: Clause | undefined;
    let mostShared = 0;
    for (const candidate of best.clauses) {
      let shared = 0;
      for (const wanted of clause.stems) if (holdsStem(candidate.stems, wanted)) shared++;
      // Ties go to the tighter clause: "but not the inferior area" matches its own clause, not a
      // longer one that also names the area.
      if (
        shared > mostShared ||
        (shared === mostShared && partner && candidate.stems.size < partner.stems.size)
      ) {
        partner = candidate;
        mostShared = shared;
      }
    }
    // Only clauses about the same thing are compared: at least half the claim clause's words in one source
    // clause. A claim clause that merges two source clauses is checked by its words, not its polarity.
    if (!partner || mostShared < Math.max(1, 0.5 * clause.stems.size)) continue;
    if (clause.negated !== partner.negated && signals.negationMismatch === null) {
      signals.negationMismatch = clause.negated
        ? "negates what the source states"
        : "the source states the opposite (negated)";
    }
    for (const word of clause.words) {
      if (partner.words.has(word)) continue;
      // Not a flip when the claim itself also says the opposite word ("elevated …, but … decreased").
      const opposite = [...(antonyms.get(word) ?? [])].find(
        (candidate) => partner.words.has(candidate) && !clause.words.has(candidate),
      );
      if (!opposite) continue;
      const reason = `says "${written(sentence, word)}" where the source says "${written(best.text, opposite)}"`;
      if (!signals.antonyms.includes(reason)) signals.antonyms.push(reason);
    }
  }
  return signals;
}

/** The verdict on measured signals: what `verifySentence` decides, for callers that measured already. */
export function verificationFrom(signals: VerificationSignals, options: VerifyOptions = {}): Verification {
  const minCoverage = options.minCoverage ?? 0.7;
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
  return verificationFrom(verificationSignals(sentence, sources), options);
}
