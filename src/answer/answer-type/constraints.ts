// The question's constraints against one answer unit. The thing asked about ("won", "premiere") and the
// years and numbers must be in the unit itself or the headings above it: a passage that names 2018
// elsewhere does not say who won in 2018. Proper names, quoted phrases and flags may be anywhere in the
// passage, since a sentence often says "it" for what its passage is about.
import { stem, tokens } from "../../core/terms.js";
import type { AnswerUnit } from "./answer-unit.js";
import { unmetFocus } from "./focus-terms.js";
import type { LanguageAnalysis } from "./language-model.js";
import { numberForms } from "./number-forms.js";
import type { QuestionNeeds } from "./question-analysis.js";

export type UnmetConstraint =
  | { kind: "asks" }
  | { kind: "number"; value: string }
  | { kind: "quoted"; value: string }
  | { kind: "code"; value: string }
  | { kind: "name"; value: string }
  | { kind: "focus"; value: string };

/** The constraints `unit` does not meet; `language` is the model's reading of `unit.text`, when loaded. */
export function unmetConstraints(
  needs: QuestionNeeds,
  unit: AnswerUnit,
  language?: LanguageAnalysis,
): UnmetConstraint[] {
  const unmet: UnmetConstraint[] = [];
  // A sentence that asks ("When is the final?") never answers.
  if (/\?\s*$/u.test(unit.text)) unmet.push({ kind: "asks" });
  const near = new Set([...unitNumbers(unit.text, language), ...tokens(unit.context)]);
  const far = new Set([...near, ...tokens(unit.passage)]);
  for (const number of needs.numbers) {
    const pool = number.scope === "unit" ? near : far;
    if (!numberForms(number.value).some((form) => pool.has(form)))
      unmet.push({ kind: "number", value: number.value });
  }
  const anywhere = [unit.text, unit.passage, unit.context].map((text) => tokens(text));
  const anywhereWords = new Set(anywhere.flat());
  for (const phrase of needs.quoted) {
    const words = tokens(phrase);
    if (!anywhere.some((text) => containsRun(text, words))) unmet.push({ kind: "quoted", value: phrase });
  }
  const codeWords = new Set(
    [unit.text, unit.passage, unit.context].flatMap((text) => tokens(text.replace(/[-_.]/gu, " "))),
  );
  for (const code of needs.codes) {
    if (!tokens(code.replace(/[-_.]/gu, " ")).every((word) => codeWords.has(word)))
      unmet.push({ kind: "code", value: code });
  }
  const texts = [unit.text, unit.passage, unit.context];
  const compact = texts.map(compactForm).join("\n");
  const stems = new Set([...anywhereWords].map(stem));
  const acronyms = new Set(texts.flatMap(acronymsOf));
  for (const name of needs.names) {
    const present = name.filter((word) => stems.has(stem(word))).length;
    const enough = present >= (name.length <= 2 ? name.length : Math.ceil(name.length / 2));
    // "U.S. Open" is "US Open", "Grey's Anatomy" is "Greys Anatomy", "USA" is "United States of America".
    const spelled = compact.includes(compactForm(name.join(" "))) || acronyms.has(name.join(""));
    if (!enough && !spelled) unmet.push({ kind: "name", value: name.join(" ") });
  }
  const aboutSubject = coversSubject(needs, unit.context);
  for (const term of unmetFocus(needs.focus, unit, language, aboutSubject))
    unmet.push({ kind: "focus", value: term.word });
  return unmet;
}

/**
 * True when the unit's headings or document title name what the question is about (one of its names
 * or content nouns): the document is then about it, and its sentences may state the relation in their
 * own words ("Gary Moore (4 April 1952 – 6 February 2011)" answers "when did Gary Moore die").
 */
function coversSubject(needs: QuestionNeeds, context: string): boolean {
  const words = new Set(tokens(context).map(stem));
  return [...needs.names.flat(), ...needs.focus.filter((term) => !term.verb).map((term) => term.word)].some(
    (word) => words.has(stem(word)),
  );
}

/** Initials of runs of capitalised words ("United States of America" → "usa"), lower-case. */
function acronymsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/\p{Lu}\p{Ll}+(?:\s+(?:of\s+|and\s+|the\s+)*\p{Lu}\p{Ll}+)+/gu)) {
    const initials = match[0].split(/\s+/u).map((word) => word[0] ?? "");
    found.push(initials.join("").toLowerCase());
    found.push(
      initials
        .filter((letter) => /\p{Lu}/u.test(letter))
        .join("")
        .toLowerCase(),
    );
  }
  return found;
}

/** The unit's number tokens, leaving out those in a length of time ("since 2018" is not "in 2018"). */
function unitNumbers(text: string, language?: LanguageAnalysis): string[] {
  const all = tokens(text);
  if (!language) return all;
  const inDurations = language.entities
    .filter((entity) => entity.type === "DURATION")
    .flatMap((entity) => tokens(entity.value));
  const left = [...all];
  for (const word of inDurations) {
    const index = left.indexOf(word);
    if (index >= 0) left.splice(index, 1);
  }
  return left;
}

/** Letters and digits only, lower-case: how a name is compared across spellings. */
function compactForm(text: string): string {
  return text
    .toLowerCase()
    .replace(/['’]s\b/gu, "")
    .replace(/[^\p{L}\p{N}\n]+/gu, "");
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  if (run.length === 0) return true;
  for (let start = 0; start + run.length <= words.length; start++) {
    if (run.every((word, offset) => words[start + offset] === word)) return true;
  }
  return false;
}
