// What a question needs from an answer: the kind of answer it expects (a person, a date, an amount of
// money...) and the constraints an answering sentence must meet (the years and numbers it names, its
// quoted phrases, flags and proper names, and the thing it asks about).
import { questionTokens, stem, tokens } from "../../core/terms.js";
import type { AnswerType } from "./answer-types.js";
import { codeTokens } from "./code-tokens.js";
import { expectedAnswer } from "./expected-answer.js";
import type { LanguageAnalysis } from "./language-model.js";
import { isYear } from "./number-forms.js";

export interface Term {
  /** Lower-case word as written. */
  word: string;
  stem: string;
  /** Dictionary form, when the language model read the question. */
  lemma?: string;
  /** True for a verb ("won", "released"): the relation the answer must be stated in. */
  verb?: boolean;
}

export interface NumberConstraint {
  /** The number without an ordinal suffix ("90" for "90th"), or a number-bearing word ("5a", "q1"). */
  value: string;
  /** Where it must be stated: in the answering unit (or its headings), or anywhere in its passage. */
  scope: "unit" | "passage";
}

export interface QuestionNeeds {
  expected: AnswerType;
  /** The noun that named the expected answer ("which city" → "city"), if one did. */
  typeNoun?: string;
  /**
   * Numbers the answer must be about. Years and ordinals ("in 2018", "the 90th awards") say which
   * event, so the answering unit itself must state them; other numbers belong to names ("Diablo 3",
   * "Pixel 5a", "season 4") and may be anywhere in its passage.
   */
  numbers: NumberConstraint[];
  /** Quoted phrases, lower-case. */
  quoted: string[];
  /** Flags, variables and setting names, as written. */
  codes: string[];
  /** Proper names (runs of PROPN tokens), lower-case words; found only when the language model ran. */
  names: string[][];
  /** The thing asked about: the question's other content words ("won", "premiere", "revenue"). */
  focus: Term[];
}

/** Years, numbers and number-bearing words ("5a", "q1") the question names. */
export function questionNumbers(question: string): NumberConstraint[] {
  const found = new Map<string, NumberConstraint>();
  for (const token of tokens(question).filter((word) => /\p{N}/u.test(word))) {
    const ordinal = /^(\p{N}+)(?:st|nd|rd|th)$/u.exec(token)?.[1];
    const value = ordinal ?? token;
    const scope = ordinal || isYear(token) ? "unit" : "passage";
    if (found.get(value)?.scope !== "unit") found.set(value, { value, scope });
  }
  return [...found.values()];
}

export function quotedPhrases(question: string): string[] {
  const found: string[] = [];
  for (const match of question.matchAll(/"([^"]{2,})"|“([^”]{2,})”/gu)) {
    const phrase = (match[1] ?? match[2] ?? "").trim().toLowerCase();
    if (phrase) found.push(phrase);
  }
  return found;
}

/**
 * True when checking this question needs the language model: it expects a name, a date or a length of
 * time, or it may hold a proper name (a capital letter past its first word). Other questions (how many,
 * which flag, what is the default) are checked with digits and code-like tokens alone.
 */
export function needsLanguageModel(question: string): boolean {
  const { type } = expectedAnswer(question);
  if (["person", "place", "organisation", "name", "date", "duration"].includes(type)) return true;
  return /\s\p{Lu}/u.test(question.trim());
}

/** The question as the language model should read it: one written in capitals is read in lower case. */
export function readableQuestion(question: string): string {
  return /\p{Ll}/u.test(question) ? question : question.toLowerCase();
}

/** The question's needs; `language` (the model's reading of the question) adds proper names and lemmas. */
export function analyseQuestion(question: string, language?: LanguageAnalysis): QuestionNeeds {
  const { type, noun } = expectedAnswer(question);
  const numbers = questionNumbers(question);
  const quoted = quotedPhrases(question);
  const codes = codeTokens(question);
  // In a question that capitalises, a proper name is capitalised ("the new CEO": "new" is not a name).
  const capitalises = /\s\p{Lu}/u.test(question.trim());
  const names = language
    ? properNames(language, new Set(numbers.map((number) => number.value)), capitalises)
    : [];
  const read = new Map(language?.tokens.map((token) => [token.text.toLowerCase(), token]));
  const excluded = new Set([
    ...numbers.map((number) => number.value),
    ...quoted.flatMap((phrase) => tokens(phrase)),
    ...codes.flatMap((code) => tokens(code)),
    ...names.flat(),
    ...(noun ? [noun] : []),
  ]);
  const focus = [...new Set(questionTokens(question))]
    .filter((word) => !excluded.has(word) && !/\p{N}/u.test(word))
    .map((word): Term => {
      const token = read.get(word);
      if (!token) return { word, stem: stem(word) };
      return { word, stem: stem(word), lemma: token.lemma, ...(token.pos === "VERB" ? { verb: true } : {}) };
    });
  return { expected: type, ...(noun ? { typeNoun: noun } : {}), numbers, quoted, codes, names, focus };
}

/** Runs of proper-noun tokens, lower-case, without the numbers the question names separately. */
function properNames(
  language: LanguageAnalysis,
  numbers: ReadonlySet<string>,
  capitalised: boolean,
): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  for (const token of language.tokens) {
    const word = token.text.toLowerCase();
    const written = !capitalised || /^\p{Lu}/u.test(token.text);
    if (token.pos === "PROPN" && written && /\p{L}/u.test(word) && !numbers.has(word)) {
      run.push(...tokens(word));
      continue;
    }
    // "Grey's Anatomy": a possessive marker does not end the name.
    if (run.length > 0 && token.pos === "PART" && /^['’]s$/u.test(token.text)) continue;
    if (run.length > 0) runs.push(run);
    run = [];
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
