// The checkable facts of a sentence: content words, numbers with their units, years, months, names,
// and whether it is negated. The verifier compares these between an answer sentence and its sources.
import { stem, stopwords, tokens } from "../../core/terms.js";
import { capitalisedRuns, nameText } from "./name-spellings.js";

export interface Quantity {
  /** The number, normalised ("1,200" → 1200, "three" → 3, "12.50" → 12.5). */
  value: number;
  /** Stem of the word after it, when that word is a unit-like noun ("days", "percent", "mg"). */
  unit?: string;
  /** The unit as written ("days"), for messages. */
  unitText?: string;
  /**
   * With a unit, the stems of the words that follow the number up to three ("two supermassive black
   * holes": supermass, black, hole), so "two black holes" elsewhere is the same count of the same thing.
   */
  context?: string[];
}

export interface ClaimFacts {
  /** Stems of content words (stopwords, numbers and negations left out). */
  stems: string[];
  /** The content words as written (lower case), each once: what a lexicon looks up. */
  contentWords: string[];
  quantities: Quantity[];
  /** Month names (lower case) and four-digit years mentioned. */
  dates: string[];
  /**
   * Lower-cased names: capitalised words that are not sentence-initial, acronyms (also plural, "ILCs"),
   * and symbols with capitals inside ("cGMP", "p16INK4a", "3D").
   */
  names: string[];
  /** Names written out in two or more capitalised words, lower case, which a source may give as an acronym. */
  nameRuns: string[][];
  negated: boolean;
  /** The sentence cut at clause boundaries ("…, but not …", "although …", ";"), each read on its own. */
  clauses: Clause[];
}

export interface Clause {
  /** Content stems, as in `ClaimFacts.stems`. */
  stems: Set<string>;
  /** Stems of every word, stopwords included ("more", "after"), for opposite words. */
  words: Set<string>;
  /** Every word as written (lower case), numbers left out. */
  forms: Set<string>;
  negated: boolean;
}

const numberWords = new Map(
  "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"
    .split(" ")
    .map((word, value) => [word, value]),
);
for (const [word, value] of [
  ["thirty", 30],
  ["forty", 40],
  ["fifty", 50],
  ["sixty", 60],
  ["seventy", 70],
  ["eighty", 80],
  ["ninety", 90],
  ["hundred", 100],
  ["thousand", 1000],
  ["million", 1e6],
  ["billion", 1e9],
  ["twice", 2],
  ["once", 1],
  ["half", 0.5],
  ["dozen", 12],
] as const) {
  numberWords.set(word, value);
}

const months = new Set(
  "january february march april may june july august september october november december jan feb mar apr jun jul aug sep sept oct nov dec".split(
    " ",
  ),
);
const negations = new Set([
  "not",
  "no",
  "never",
  "none",
  "nobody",
  "nothing",
  "neither",
  "nor",
  "without",
  "cannot",
  "can't",
  "won't",
  "don't",
  "doesn't",
  "didn't",
  "isn't",
  "aren't",
  "wasn't",
  "weren't",
  "shouldn't",
  "wouldn't",
  "couldn't",
  "hasn't",
  "haven't",
  "hadn't",
  "lack",
  "lacks",
  "absent",
  "fail",
  "fails",
  "failed",
  "unable",
]);

// "1,200", "12.5", "3%", "$40", "10-15"; words are handled separately.
const numeral = /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$/u;
// A digit followed by a capital ("3D", "28B") is a symbol, not a number with a unit.
const rawToken =
  /\d+\p{Lu}[\p{L}\p{N}]*|[$€£]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?|[\p{L}][\p{L}\p{N}'’-]*/gu;
const clauseBoundary = /;|,?\s+(?=(?:but|although|though|whereas|yet)\s)/iu;

function numberOf(token: string): number | undefined {
  const plain = token.replace(/^[$€£]/u, "").replace(/%$/u, "");
  if (numeral.test(plain)) return Number(plain.replaceAll(",", ""));
  return numberWords.get(token.toLowerCase());
}

// A unit is the lower-case word after a number ("30 days"), or a short upper-case one ("8 GB"); a
// capitalised word is more likely the start of a name ("In 2021 Lumen …").
function isUnitLike(word: string): boolean {
  if (!/^(?:\p{Ll}+|\p{Lu}{1,4})$/u.test(word)) return false;
  return !stopwords.has(word.toLowerCase()) && !negations.has(word.toLowerCase());
}

const isNegation = (token: string) => negations.has(token) || token.endsWith("n't");

const isContent = (token: string) =>
  !stopwords.has(token) && !isNegation(token) && numberOf(token) === undefined;

function clausesOf(sentence: string): Clause[] {
  return sentence
    .split(clauseBoundary)
    .map((text) => tokens(text))
    .filter((words) => words.length > 0)
    .map((words) => {
      const forms = new Set(words.filter((token) => numberOf(token) === undefined));
      return {
        stems: new Set(words.filter(isContent).map(stem)),
        words: new Set([...forms].map(stem)),
        forms,
        negated: words.some(isNegation),
      };
    });
}

/** Facts of one sentence. */
export function claimFacts(sentence: string): ClaimFacts {
  const text = nameText(sentence);
  const matches = [...text.matchAll(rawToken)];
  const raw = matches.map((match) => match[0]);
  const quantities: Quantity[] = [];
  const dates: string[] = [];
  const names: string[] = [];
  let negated = false;
  raw.forEach((token, index) => {
    const lower = token.toLowerCase().replace(/['’]s$/u, "");
    if (isNegation(lower)) negated = true;
    const value = numberOf(token);
    if (value !== undefined) {
      const year = /^(1[5-9]|20)\d\d$/u.test(token);
      if (year) dates.push(token);
      // The unit is the next word only when nothing but spaces stands between ("group 1, seronegative" has none).
      const following = matches[index + 1];
      const current = matches[index] as RegExpExecArray;
      const adjacent =
        following !== undefined && /^\s+$/u.test(text.slice(current.index + token.length, following.index));
      const next = adjacent ? raw[index + 1] : undefined;
      let unit: string | undefined;
      let unitText: string | undefined;
      if (year) unit = undefined;
      else if (token.endsWith("%")) unit = unitText = "percent";
      else if (/^[$€£]/u.test(token)) unit = unitText = token[0];
      else if (next && isUnitLike(next)) {
        unit = stem(next.toLowerCase());
        unitText = next;
      }
      if (unit === undefined) quantities.push({ value });
      else if (unitText !== next) quantities.push({ value, unit, unitText });
      else {
        const context = raw
          .slice(index + 1, index + 4)
          .map((word) => word.toLowerCase())
          .filter((word) => numberOf(word) === undefined && !stopwords.has(word))
          .map(stem);
        quantities.push({ value, unit, unitText, context });
      }
      return;
    }
    if (months.has(lower) && /^\p{Lu}/u.test(token) && lower !== "may") dates.push(monthName(lower));
    const capitalised = /^\p{Lu}/u.test(token) && index > 0;
    const acronym = /^\p{Lu}[\p{Lu}\p{N}-]+s?$/u.test(token) && token.length >= 2;
    // Capitals after the first character: gene and chemical symbols ("cGMP", "p16INK4a", "siRNAs", "3D").
    const symbol = /^.[^\p{Lu}]*\p{Lu}/u.test(token) && /\p{Ll}|\p{N}/u.test(token);
    if ((capitalised || acronym || symbol) && !stopwords.has(lower) && !months.has(lower)) names.push(lower);
  });
  const contentWords = [...new Set(tokens(text).filter(isContent))];
  return {
    stems: [...new Set(contentWords.map(stem))],
    contentWords,
    quantities,
    dates: [...new Set(dates)],
    names: [...new Set(names)],
    nameRuns: capitalisedRuns(text),
    negated,
    clauses: clausesOf(text),
  };
}

function monthName(lower: string): string {
  for (const month of months) if (month.length > 4 && month.startsWith(lower.slice(0, 3))) return month;
  return lower;
}
