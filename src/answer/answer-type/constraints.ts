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

/** What the constraints read from a unit's passage and headings, the same for every unit in them. */
export interface PassageFacts {
  /** Tokens of the passage and of the headings, one list each. */
  texts: string[][];
  words: Set<string>;
  stems: Set<string>;
  /** Words of the passage and headings with `-`, `_` and `.` read as spaces (for flags and settings). */
  codeWords: Set<string>;
  /** Letters and digits only, lower-case (see `compactForm`). */
  compact: string;
  acronyms: Set<string>;
}

export function passageFacts(unit: Pick<AnswerUnit, "passage" | "context">): PassageFacts {
  const sources = [unit.passage, unit.context];
  const texts = sources.map((text) => tokens(text));
  const words = new Set(texts.flat());
  return {
    texts,
    words,
    stems: new Set([...words].map(stem)),
    codeWords: new Set(sources.flatMap((text) => tokens(text.replace(/[-_.]/gu, " ")))),
    compact: sources.map(compactForm).join("\n"),
    acronyms: new Set(sources.flatMap(acronymsOf)),
  };
}

/**
 * The constraints `unit` does not meet; `language` is the model's reading of `unit.text`, when loaded,
 * and `facts` what its passage holds (its text is part of the passage).
 */
export function unmetConstraints(
  needs: QuestionNeeds,
  unit: AnswerUnit,
  language?: LanguageAnalysis,
  facts: PassageFacts = passageFacts(unit),
): UnmetConstraint[] {
  const unmet: UnmetConstraint[] = [];
  // A sentence that asks ("When is the final?") never answers.
  if (/\?\s*$/u.test(unit.text)) unmet.push({ kind: "asks" });
  const near = new Set([...unitNumbers(unit.text, language), ...(facts.texts[1] ?? [])]);
  for (const number of needs.numbers) {
    const pool = number.scope === "unit" ? near : facts.words;
    if (!numberForms(number.value).some((form) => pool.has(form) || near.has(form)))
      unmet.push({ kind: "number", value: number.value });
  }
  for (const phrase of needs.quoted) {
    const words = tokens(phrase);
    if (!facts.texts.some((text) => containsRun(text, words))) unmet.push({ kind: "quoted", value: phrase });
  }
  for (const code of needs.codes) {
    if (!tokens(code.replace(/[-_.]/gu, " ")).every((word) => facts.codeWords.has(word)))
      unmet.push({ kind: "code", value: code });
  }
  for (const name of needs.names) {
    const present = name.filter((word) => facts.stems.has(stem(word))).length;
    const enough = present >= (name.length <= 2 ? name.length : Math.ceil(name.length / 2));
    // "U.S. Open" is "US Open", "Grey's Anatomy" is "Greys Anatomy", "USA" is "United States of America".
    const spelled = facts.compact.includes(compactForm(name.join(" "))) || facts.acronyms.has(name.join(""));
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
