// The thing a question asks about ("won", "premiere", "revenue") against an answer unit: a word
// matches by spelling, stem or lemma, a shared stem, or a derived noun ("win", "winner").
import { stem, tokens } from "../../core/terms.js";
import type { AnswerUnit } from "./answer-unit.js";
import type { LanguageAnalysis } from "./language-model.js";
import type { Term } from "./question-analysis.js";

/**
 * The thing asked about, against the unit and its headings: every verb of the question ("won",
 * "acquired": the relation the answer is stated in) and at least half of its other words; in a
 * document about the question's subject, at least half of all of them. A verb is not matched by a
 * word the model reads as part of a name inside the sentence ("from Acquire (@acquireraleigh)").
 */
export function unmetFocus(
  focus: readonly Term[],
  unit: AnswerUnit,
  language: LanguageAnalysis | undefined,
  aboutSubject: boolean,
): Term[] {
  const verbs = aboutSubject ? [] : focus.filter((term) => term.verb);
  const others = aboutSubject ? focus : focus.filter((term) => !term.verb);
  const names = new Set(
    language?.tokens
      .filter((token, index) => index > 0 && token.pos === "PROPN")
      .map((token) => token.text.toLowerCase()),
  );
  const missingOthers = missingFocus(others, tokens(unit.text), unit.context, language);
  const missingVerbs = missingFocus(
    verbs,
    tokens(unit.text).filter((word) => !names.has(word)),
    unit.context,
    language && {
      ...language,
      tokens: language.tokens.filter((token) => !names.has(token.text.toLowerCase())),
    },
  );
  return [...missingVerbs, ...(missingOthers.length * 2 > others.length ? missingOthers : [])];
}

/**
 * The focus terms neither `words` nor `context` mentions, by word, stem or lemma, a shared stem of
 * five letters ("direct", "director") or an agent or action noun ("win", "winner"; "announce",
 * "announcement").
 */
export function missingFocus(
  focus: readonly Term[],
  words: readonly string[],
  context: string,
  language?: LanguageAnalysis,
): Term[] {
  if (focus.length === 0) return [];
  const all = [...words, ...tokens(context)];
  const stems = all.map(stem);
  const lemmas = [...new Set([...all, ...(language?.tokens.map((token) => token.lemma) ?? [])])];
  return focus.filter(
    (term) =>
      !all.includes(term.word) &&
      !stems.some((candidate) => sameRoot(candidate, term.stem)) &&
      !lemmas.some((lemma) => [term.word, term.lemma].some((root) => root && derived(root, lemma))),
  );
}

function sameRoot(a: string, b: string): boolean {
  if (a === b) return true;
  const [shorter, longer] = a.length <= b.length ? [a, b] : [b, a];
  return shorter.length >= 5 && longer.startsWith(shorter);
}

const derivations = new Set(["", "r", "er", "ner", "or", "ion", "ation", "ment"]);

function derived(a: string, b: string): boolean {
  const [root, longer] = a.length <= b.length ? [a, b] : [b, a];
  return root.length >= 3 && longer.startsWith(root) && derivations.has(longer.slice(root.length));
}
