// Does a sentence hold an answer of the expected type, as something the question did not already say?
// Digits, currency and percent signs and code-like tokens are read directly; names, dates, durations
// and numbers written as words need the language model. `undefined` means the sentence cannot be
// judged without it.
import { stem, tokens } from "../../core/terms.js";
import { nameTypes } from "./answer-types.js";
import { codeTokens } from "./code-tokens.js";
import type { LanguageAnalysis, LanguageToken } from "./language-model.js";
import { isYear } from "./number-forms.js";
import type { QuestionNeeds } from "./question-analysis.js";

/** Words a question uses (lower-case, stems and lemmas too): what an answer must add to. */
export function questionWords(question: string, language?: LanguageAnalysis): Set<string> {
  const words = tokens(question);
  return new Set([...words, ...words.map(stem), ...(language?.tokens.map((token) => token.lemma) ?? [])]);
}

export function holdsAnswer(
  needs: QuestionNeeds,
  asked: ReadonlySet<string>,
  sentence: string,
  language?: LanguageAnalysis,
): boolean | undefined {
  const type = needs.expected;
  if (type === "yes-no" || type === "none") return true;
  // "When", "where", "who" with no noun naming the answer ("which city", "what date").
  const bare = needs.typeNoun === undefined;
  if (type === "option") {
    const known = new Set(needs.codes.map((code) => code.toLowerCase()));
    return codeTokens(sentence).some((code) => !known.has(code.toLowerCase()));
  }
  const isNew = (token: LanguageToken) => /[\p{L}\p{N}]/u.test(token.text) && !wasAsked(token, asked);
  const entityIs = (types: readonly string[], counts: (token: LanguageToken) => boolean = isNew) =>
    language?.entities.some(
      (entity) =>
        types.includes(entity.type) && language.tokens.slice(entity.start, entity.end + 1).some(counts),
    ) ?? false;
  switch (type) {
    case "number":
      if (newDigits(sentence, asked)) return true;
      return language
        ? language.tokens.some((token) => token.pos === "NUM" && token.entity !== "DATE" && isNew(token))
        : undefined;
    case "money":
      if (/[$€£¥₹]\s?\p{N}/u.test(sentence)) return true;
      return language ? entityIs(["MONEY"]) : undefined;
    case "percent":
      if (/\p{N}\s?(?:%|percent\b|per cent\b)/iu.test(sentence)) return true;
      return language ? entityIs(["PERCENT"]) : undefined;
    case "duration":
      return language ? entityIs(["DURATION", "TIME"]) : undefined;
    case "date": {
      if (!language) return undefined;
      // Asked about "the 2021 draft", another year is another draft: the date must name a month or day.
      const namesYear = needs.numbers.some((number) => isYear(number.value));
      const date =
        entityIs(["DATE", "TIME"], (token) => isNew(token) && !(namesYear && isYear(token.text))) ||
        (!namesYear && newYear(sentence, asked));
      // A bare "when" is also answered by a time relative to something ("within 14 days", "at dusk").
      return date || (bare && (entityIs(["DURATION"]) || temporal.test(sentence)));
    }
    default:
      if (!nameTypes.has(type)) return true;
      if (!language) return undefined;
      // A bare "who" or "where" is also answered in common nouns ("your manager", "in room 3").
      return (
        newName(language, isNew) ||
        (bare && language.tokens.some((token) => token.pos === "NOUN" && isNew(token)))
      );
  }
}

// Words that place an event in time relative to another: "after approval", "once a week", "at dusk".
const temporal =
  /\b(?:after|before|until|till|within|during|every|once|whenever|at (?!the\b|a\b|an\b)\p{Ll}+)\b/iu;

function wasAsked(token: LanguageToken, asked: ReadonlySet<string>): boolean {
  const lower = token.text.toLowerCase();
  return asked.has(lower) || asked.has(token.lemma) || asked.has(stem(lower));
}

/**
 * A proper name the question did not use. Within a run of proper nouns, words just before one of the
 * question's words modify it ("Summer" in "Summer Olympics" when the question asks about the Olympics)
 * and are not an answer; words after it are ("Facebook CEO Mark Zuckerberg").
 */
function newName(language: LanguageAnalysis, isNew: (token: LanguageToken) => boolean): boolean {
  const { tokens: words } = language;
  return words.some((token, index) => {
    if (token.pos !== "PROPN" || token.entity || !isNew(token)) return false;
    let next = index + 1;
    while (words[next]?.pos === "PROPN" && isNew(words[next] as LanguageToken)) next++;
    const following = words[next];
    return !(following?.pos === "PROPN" && !isNew(following));
  });
}

/** Month abbreviations read as the month: "Nov." and "November" give the same date. */
const monthNames: ReadonlyMap<string, string> = new Map(
  Array.from({ length: 12 }, (_, month) =>
    new Intl.DateTimeFormat("en", { month: "long", timeZone: "UTC" })
      .format(Date.UTC(2000, month, 1))
      .toLowerCase(),
  ).flatMap((month) => [
    [month.slice(0, 3), month],
    ...(month === "september" ? [["sept", month] as const] : []),
  ]),
);

/** A number written in digits that the question did not name (a year counts only for dates). */
function newDigits(sentence: string, asked: ReadonlySet<string>): boolean {
  return tokens(sentence).some((token) => /^\p{N}/u.test(token) && !asked.has(token) && !isYear(token));
}

function newYear(sentence: string, asked: ReadonlySet<string>): boolean {
  return tokens(sentence).some((token) => isYear(token) && !asked.has(token));
}

/**
 * The answers of the expected kind a unit states, lower-case, leaving out what the question said: its
 * new proper names for a person or place, its new numbers and date words for a number or date. Two
 * sources that say the same thing with different values here disagree (see `sourceConflict`). Empty
 * for a yes/no question or a flag, whose answers are not values that can differ this way.
 */
export function answerValues(
  needs: QuestionNeeds,
  asked: ReadonlySet<string>,
  text: string,
  language: LanguageAnalysis | undefined,
): Set<string> {
  const type = needs.expected;
  const values = new Set<string>();
  if (type === "yes-no" || type === "option") return values;
  const isNew = (word: string) => /[\p{L}\p{N}]/u.test(word) && !asked.has(word) && !asked.has(stem(word));
  const numeric = type === "number" || type === "money" || type === "percent";
  const temporalType = type === "date" || type === "duration";
  // Digits answer a number, an amount or (asked "which" or "what" of nothing in particular) anything;
  // a date's digits are read from its date entities below, so "at 9/8c" is not a second date.
  if (numeric || type === "none") {
    for (const word of tokens(text)) {
      if (/^\p{N}/u.test(word) && isNew(word) && (type === "none" || !isYear(word))) values.add(word);
    }
  }
  if (!language) return values;
  for (const token of language.tokens) {
    const word = token.text.toLowerCase();
    if (!isNew(word) || asked.has(token.lemma)) continue;
    const dated = token.entity === "DATE" || (type === "duration" && token.entity === "DURATION");
    if (temporalType && dated) values.add(monthNames.get(word.replace(/\.$/u, "")) ?? word);
    else if ((nameTypes.has(type) || type === "none") && token.pos === "PROPN" && !token.entity)
      values.add(word);
    else if (numeric && token.pos === "NUM" && token.entity !== "DATE") values.add(word);
  }
  return values;
}
