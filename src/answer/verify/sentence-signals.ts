// What the verifier measures for one sentence against the sources it cites, before any threshold:
// how much of it one stretch of source holds (a word counts when the stretch holds it or a word the
// lexicon accepts in its place), which of its numbers, dates and names the sources do not state, and
// whether the stretch about the same thing negates it or states an opposite word.
import { tokens } from "../../core/terms.js";
import { type ClaimFacts, claimFacts, type Quantity } from "./claim-facts.js";
import { nameHeld } from "./name-spellings.js";
import type { Evidence, ReadClause, SourceAnalysis, SourceReader, Window } from "./source-reading.js";
import type { WordForms } from "./word-forms.js";

/**
 * The inputs of a verdict, so evaluations can calibrate on them. Each list holds reasons in words a
 * reader understands.
 */
export interface VerificationSignals {
  /**
   * Share of the sentence's content words held by the best stretch of source, each word weighted by
   * what it tells (`WordForms.weightOf`), 0–1 (1 when it has none).
   */
  coverage: number;
  /** Content words of the sentence (stems). */
  words: number;
  /** Content words the best stretch lacks. */
  missingWords: string[];
  /** Whether the sentence is negated ("not", "without", "fails"…). */
  negated: boolean;
  /** Set when the sentence and its best stretch disagree on negation. */
  negationMismatch: string | null;
  /** Words of the sentence whose opposite the best stretch holds instead. */
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

/** Each content stem of the claim with the other stems it may be found under, among those the sources hold. */
type Terms = ReadonlyMap<string, readonly string[]>;

function claimTerms(claim: ClaimFacts, forms: WordForms, held: (stem: string) => boolean): Terms {
  const terms = new Map<string, string[]>(claim.stems.map((wanted) => [wanted, []]));
  for (const word of claim.contentWords) {
    const own = forms.stemOf(word);
    const variants = terms.get(own);
    if (!variants) continue;
    for (const variant of forms.foundAs(word)) {
      if (variant !== own && held(variant) && !variants.includes(variant)) variants.push(variant);
    }
  }
  return terms;
}

/** The weight of each content stem: that of the first word of the claim written with it. */
function claimWeights(claim: ClaimFacts, forms: WordForms): Map<string, number> {
  const weights = new Map<string, number>();
  for (const word of claim.contentWords) {
    const own = forms.stemOf(word);
    if (!weights.has(own)) weights.set(own, forms.weightOf(word));
  }
  return weights;
}

function holdsTerm(stems: ReadonlySet<string>, wanted: string, terms: Terms): boolean {
  if (holdsStem(stems, wanted)) return true;
  for (const variant of terms.get(wanted) ?? []) if (stems.has(variant)) return true;
  return false;
}

// The same count of the same thing: the same value, and the same unit or one side's unit among the words
// after the other's number ("two black holes" in "two supermassive black holes").
const sameUnit = (a: Quantity, b: Quantity) =>
  a.unit === undefined ||
  b.unit === undefined ||
  a.unit === b.unit ||
  (b.context?.includes(a.unit) ?? false) ||
  (a.context?.includes(b.unit) ?? false);

const sameQuantity = (a: Quantity, b: Quantity) => Math.abs(a.value - b.value) < 1e-9 && sameUnit(a, b);

const describe = (quantity: Quantity) =>
  `${quantity.value}${quantity.unit ? ` ${quantity.unitText ?? quantity.unit}` : ""}`;

export function measureSentence(
  sentence: string,
  sources: readonly string[],
  reader: SourceReader,
  forms: WordForms,
  claim: ClaimFacts = claimFacts(sentence),
): VerificationSignals {
  const analysed = sources.map((source) => reader.read(source));
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
  const terms = claimTerms(claim, forms, (wanted) => analysed.some((analysis) => analysis.stems.has(wanted)));
  const holds = (stems: ReadonlySet<string>, wanted: string) => holdsTerm(stems, wanted, terms);
  // Each content word counts by what it tells (a rare word or a name more than "known" or "use").
  const weights = claimWeights(claim, forms);
  const total = claim.stems.reduce((sum, wanted) => sum + (weights.get(wanted) ?? 1), 0);
  const coverage = (stems: ReadonlySet<string>) => {
    if (claim.stems.length === 0) return 1;
    let found = 0;
    for (const wanted of claim.stems) if (holds(stems, wanted)) found += weights.get(wanted) ?? 1;
    return found / total;
  };
  let best = windows[0] as Window;
  let bestCoverage = -1;
  for (const window of windows) {
    const value = coverage(window.stems);
    // Ties go to the shorter stretch: the tightest evidence.
    if (value > bestCoverage || (value === bestCoverage && window.text.length < best.text.length)) {
      best = window;
      bestCoverage = value;
    }
  }
  signals.coverage = bestCoverage;
  signals.missingWords = claim.stems.filter((wanted) => !holds(best.stems, wanted));
  signals.evidence = { source: best.source, start: best.start, end: best.end, text: best.text };
  checkFacts(claim, analysed, windows, best, holds, signals);
  checkPolarity(claim, best, holds, forms, signals);
  return signals;
}

/** Numbers, dates and names: each must be stated in the sources, numbers and dates about the same thing. */
function checkFacts(
  claim: ClaimFacts,
  analysed: readonly SourceAnalysis[],
  windows: readonly Window[],
  best: Window,
  holds: (stems: ReadonlySet<string>, wanted: string) => boolean,
  signals: VerificationSignals,
): void {
  // Numbers and dates count where the source says them about the same thing: in the matched stretch,
  // or in a sentence sharing at least two of the claim's words (a merged answer may draw on several).
  // A "1" in "P = 1 × 10(-8)" elsewhere in the passage does not back "1.0".
  const needed = Math.min(2, claim.stems.length);
  const related = analysed
    .flatMap((analysis) => analysis.sentences)
    .filter((read) => claim.stems.filter((wanted) => holds(read.stems, wanted)).length >= needed)
    .map((read) => read.facts);
  const sourceQuantities = [...best.facts.quantities, ...related.flatMap((facts) => facts.quantities)];
  const sourceDates = new Set([...best.facts.dates, ...related.flatMap((facts) => facts.dates)]);
  const sourceNames = {
    words: new Set(analysed.flatMap((analysis) => [...analysis.words])),
    acronyms: new Set(analysed.flatMap((analysis) => [...analysis.acronyms])),
  };
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
    if (!nameHeld(name, sourceNames, claim.nameRuns))
      signals.missingNames.push(`"${name}" is not in the source`);
  }
}

/**
 * Negation and opposite words, read clause by clause: each clause of the claim against the clause of
 * the matched stretch that shares most of its words. A "but not …" clause the claim left out, or a
 * "no consensus" in a neighbouring sentence, says nothing about it.
 */
function checkPolarity(
  claim: ClaimFacts,
  best: Window,
  holds: (stems: ReadonlySet<string>, wanted: string) => boolean,
  forms: WordForms,
  signals: VerificationSignals,
): void {
  // Messages quote words as written in the source, not their stems.
  const written = (wanted: string) =>
    tokens(best.text).find((token) => forms.heldAs(token).includes(wanted)) ?? wanted;
  for (const clause of claim.clauses) {
    let partner: ReadClause | undefined;
    let mostShared = 0;
    for (const candidate of best.clauses) {
      let shared = 0;
      for (const wanted of clause.stems) if (holds(candidate.stems, wanted)) shared++;
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
    const said = new Set([...clause.forms].flatMap((form) => forms.heldAs(form)));
    for (const form of clause.forms) {
      // The source uses the word itself ("lower limb" is no "low" in another sense).
      if (partner.words.has(forms.stemOf(form))) continue;
      // Not a flip when the claim itself also says the opposite word ("elevated …, but … decreased").
      const opposite = forms
        .oppositesOf(form)
        .find((candidate) => partner.heldWords.has(candidate) && !said.has(candidate));
      if (!opposite) continue;
      const reason = `says "${form}" where the source says "${written(opposite)}"`;
      if (!signals.antonyms.includes(reason)) signals.antonyms.push(reason);
    }
  }
}
