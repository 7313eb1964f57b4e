// Cheap features of a prompt for the learned router: its shape (length, answer options), the kind of
// question, and how rare its words were in the training prompts. No model and no network; a few
// microseconds a prompt, so routing costs nothing next to a model call. Digits, formulas and keyword
// families per field (mathematics, law, medicine…) were tried and left out: they mostly find questions
// that are hard for both models, which spends strong calls for nothing, and cross-validation by
// subject scored the router better without them.
import { stopwords, tokens } from "../../core/terms.js";

export const promptFeatureNames = [
  "logCharacters",
  "logWords",
  "logLines",
  "options",
  "stemShare",
  "logStemWords",
  "logOptionWords",
  "optionLengthSpread",
  "pairedOptions",
  "statementPair",
  "aboveOptions",
  "romanNumerals",
  "whichOfTheFollowing",
  "negativeStem",
  "asksCalculation",
  "asksReason",
  "asksDefinition",
  "asksWhoWhenWhere",
  "fillBlank",
  "passage",
  "vignette",
  "firstPerson",
  "averageWordLength",
  "longWordShare",
  "capitalisedShare",
  "rareWordShare",
  "meanIdf",
  "maxIdf",
] as const;

export type PromptFeatureName = (typeof promptFeatureNames)[number];

/** Document frequencies of words in the training prompts; words seen in fewer prompts are "rare". */
export interface PromptVocabulary {
  /** Number of training prompts. */
  documents: number;
  /** Word → number of training prompts holding it (only words at or above the cut-off are kept). */
  frequencies: ReadonlyMap<string, number>;
  /** Word → inverse document frequency, ln((documents + 1) / (frequency + 1)), computed once. */
  idf: ReadonlyMap<string, number>;
  /** The inverse document frequency of a word outside the vocabulary. */
  unseenIdf: number;
}

const optionLine = /^\s*\(?([A-J])[.)]\s+(.*)$/;
const answerCue = /^\s*[Aa]nswer\s*:?\s*$/;
const pairedOption = /^\s*[a-z]+(?: [a-z]+)?,\s*[a-z]+(?: [a-z]+)?\s*$/;
const aboveOption = /\b(?:all|none|both|neither) of the (?:above|following)\b|^\s*(?:both|neither)\b/;
const romanNumerals = /\b(?:I{1,3}|IV|VI{0,3})(?:,| and| only)\s|^\s*(?:I{1,3}|IV)\.\s/m;
const capitalisedMidSentence = /(?<=[a-z,;]\s)[A-Z][a-z]+/g;
const statementPair = /\b(?:statement|scenario)\s*1\s*\|/;
const negativeStem = /\b(?:NOT|EXCEPT|LEAST|FALSE|INCORRECT)\b|\bnot true\b/;
const whichOfTheFollowing = /\bwhich of the following\b/;
const asksCalculation =
  /\b(?:how (?:many|much|long|far)|calculate|compute|find|solve|estimate|approximately|what is the (?:value|probability|number|sum|product|area|maximum|minimum))\b/;
const asksReason =
  /\b(?:why|because|best explains?|reason|primarily due|most likely (?:cause|explanation))\b/;
const asksDefinition = /\b(?:what is|is defined as|refers to|is known as|is called|term for|definition)\b/;
const asksWhoWhenWhere = /\b(?:who|when|where|in what year|which (?:country|city|year|person))\b/;
const fillBlank = /_{2,}/;
const passage =
  /this question refers to the following information|\bread the following\b|\bthe following (?:passage|excerpt|quotation)\b|\bfrom the passage\b/;
const vignette =
  /\b\d+-year-old\b|\b(?:a|an) (?:man|woman|patient|boy|girl|defendant|plaintiff|company|corporation|buyer|seller|owner|landowner)\b/;
const firstPerson = /\b(?:I|me|my)\b/;

const flag = (value: boolean) => (value ? 1 : 0);
const isNumber = (word: string) => {
  const first = word.charCodeAt(0);
  return first >= 48 && first <= 57;
};
const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/** The features of `prompt`, in the order of `promptFeatureNames`. Deterministic and pure. */
export function promptFeatures(prompt: string, vocabulary: PromptVocabulary): number[] {
  const lines = prompt.split("\n").filter((line) => line.trim() !== "" && !answerCue.test(line));
  const stemLines: string[] = [];
  const options: string[] = [];
  // Each line is tokenised once; the prompt's words are the lines' words (tokens never span a line break).
  const words: string[] = [];
  let stemWords = 0;
  const optionWords: number[] = [];
  for (const line of lines) {
    const option = optionLine.exec(line);
    const isOption = option !== null && (options.length > 0 || stemLines.length > 0);
    const lineWords = tokens(isOption ? (option[2] as string) : line);
    for (const word of lineWords) words.push(word);
    if (isOption) {
      options.push(option[2] as string);
      optionWords.push(lineWords.length);
    } else if (options.length === 0) {
      stemLines.push(line);
      stemWords += lineWords.length;
    }
  }
  const stem = stemLines.join("\n");
  // Most patterns are matched on lower-case text: much faster than case-insensitive expressions.
  const lowerStem = stem.toLowerCase();
  const lowerOptions = options.map((option) => option.toLowerCase());
  const longestOption = Math.max(0, ...optionWords);
  const shortestOption = options.length > 0 ? Math.min(...optionWords) : 0;
  const meanOptionWords =
    options.length > 0 ? optionWords.reduce((sum, value) => sum + value, 0) / options.length : 0;
  const share = (matching: (option: string) => boolean) =>
    options.length > 0 ? lowerOptions.filter(matching).length / options.length : 0;

  let letters = 0;
  let longWords = 0;
  let content = 0;
  let rare = 0;
  let idfSum = 0;
  let idfMax = 0;
  for (const word of words) {
    letters += word.length;
    if (word.length >= 10) longWords++;
    if (stopwords.has(word) || isNumber(word)) continue;
    content++;
    let idf = vocabulary.idf.get(word);
    if (idf === undefined) {
      rare++;
      idf = vocabulary.unseenIdf;
    }
    idfSum += idf;
    if (idf > idfMax) idfMax = idf;
  }
  const perContent = (value: number) => (content > 0 ? value / content : 0);

  return [
    Math.log1p(prompt.length),
    Math.log1p(words.length),
    Math.log1p(lines.length),
    options.length,
    prompt.length > 0 ? stem.length / prompt.length : 0,
    Math.log1p(stemWords),
    Math.log1p(meanOptionWords),
    longestOption > 0 ? (longestOption - shortestOption) / longestOption : 0,
    share((option) => pairedOption.test(option)),
    flag(statementPair.test(lowerStem)),
    flag(lowerOptions.some((option) => aboveOption.test(option))),
    flag(romanNumerals.test(prompt)),
    flag(whichOfTheFollowing.test(lowerStem)),
    flag(negativeStem.test(stem)),
    flag(asksCalculation.test(lowerStem)),
    flag(asksReason.test(lowerStem)),
    flag(asksDefinition.test(lowerStem)),
    flag(asksWhoWhenWhere.test(lowerStem)),
    flag(fillBlank.test(lowerStem)),
    flag(passage.test(lowerStem)),
    flag(vignette.test(lowerStem)),
    flag(firstPerson.test(stem)),
    words.length > 0 ? letters / words.length : 0,
    words.length > 0 ? longWords / words.length : 0,
    words.length > 0 ? count(prompt, capitalisedMidSentence) / words.length : 0,
    perContent(rare),
    perContent(idfSum),
    idfMax,
  ];
}

/** Document frequencies over `prompts`, keeping the `maxWords` most frequent words seen in at least `minDocuments`. */
export function buildPromptVocabulary(
  prompts: readonly string[],
  { minDocuments = 3, maxWords = 2000 }: { minDocuments?: number; maxWords?: number } = {},
): PromptVocabulary {
  const frequencies = new Map<string, number>();
  for (const prompt of prompts) {
    for (const word of new Set(tokens(prompt))) {
      if (stopwords.has(word) || isNumber(word)) continue;
      frequencies.set(word, (frequencies.get(word) ?? 0) + 1);
    }
  }
  const kept = [...frequencies.entries()]
    .filter(([, frequency]) => frequency >= minDocuments)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, maxWords);
  return promptVocabulary(prompts.length, new Map(kept));
}

/** A vocabulary from its counts (as stored with the weights), with the inverse document frequencies worked out. */
export function promptVocabulary(
  documents: number,
  frequencies: ReadonlyMap<string, number>,
): PromptVocabulary {
  const idf = new Map<string, number>();
  for (const [word, frequency] of frequencies) idf.set(word, Math.log((documents + 1) / (frequency + 1)));
  return { documents, frequencies, idf, unseenIdf: Math.log(documents + 1) };
}
