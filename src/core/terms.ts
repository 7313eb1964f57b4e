// Word-level text handling shared by retrieval and answering: tokens, stopwords and stems.
import { stemmer } from "stemmer";

// Function words that carry no topic; a question made only of them still searches with them.
const stopwordList =
  "a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves also may might must shall can't cannot won't don't doesn't didn't isn't aren't wasn't weren't i'm it's let's there's what's";

export const stopwords: ReadonlySet<string> = new Set(stopwordList.split(" "));

const tokenPattern = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

// Chinese, Japanese and Korean letters (with the Japanese prolonged-sound and iteration marks, which
// Unicode files under no script). These languages do not put spaces between words.
const cjkLetters = "\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}ー々〆";
const cjkLetter = new RegExp(`[${cjkLetters}]`, "u");
const cjkRuns = new RegExp(`[${cjkLetters}]+`, "gu");
const cjkOrOtherRuns = new RegExp(`[${cjkLetters}]+|[^${cjkLetters}]+`, "gu");

/** True when the text holds a Chinese, Japanese or Korean letter. */
export function hasCjk(text: string): boolean {
  return cjkLetter.test(text);
}

/**
 * A run of CJK letters as overlapping pairs ("北京大学" → 北京 京大 大学), a lone letter as itself.
 * Bigrams stand in for words, as in Lucene's and Elasticsearch's `cjk` analysers: they need no
 * dictionary, cost linear time, and a question's pairs are exactly the pairs of the same words in a
 * document, however a segmenter would have cut either (so recall does not hang on segmentation).
 */
export function cjkBigrams(run: string): string[] {
  const letters = Array.from(run);
  if (letters.length < 2) return letters;
  return letters.slice(1).map((letter, index) => `${letters[index]}${letter}`);
}

/**
 * Text as a CJK-aware index sees it: NFKC-normalised, each run of CJK letters replaced by its bigrams
 * separated by spaces, everything else unchanged. FTS5's unicode61 tokenizer then makes each bigram
 * one token, so BM25 counts bigrams as it counts words.
 */
export function cjkIndexText(text: string): string {
  const normalised = text.normalize("NFKC");
  if (!hasCjk(normalised)) return normalised;
  return normalised.replace(cjkRuns, (run) => ` ${cjkBigrams(run).join(" ")} `);
}

/** Lower-cased word tokens of a text, NFKC-normalised, possessives dropped; CJK runs as bigrams. */
export function tokens(text: string): string[] {
  const found = text.normalize("NFKC").toLowerCase().match(tokenPattern) ?? [];
  // A possessive is the word itself ("Quillfern's" → "quillfern"), as the index sees it.
  const words = found.map((token) => token.replace(/['’]s$/u, ""));
  return hasCjk(text) ? words.flatMap(splitCjk) : words;
}

/** A token that mixes CJK runs with other letters or digits ("3776メートル"): each part on its own. */
function splitCjk(token: string): string[] {
  if (!hasCjk(token)) return [token];
  return (token.match(cjkOrOtherRuns) ?? []).flatMap((part) => (hasCjk(part) ? cjkBigrams(part) : [part]));
}

/** Tokens that carry content: stopwords removed (kept when nothing else is left). */
export function contentTokens(text: string): string[] {
  const all = tokens(text);
  const content = all.filter((token) => !stopwords.has(token) && !cjkGrammar.test(token));
  return content.length > 0 ? content : all;
}

// CJK's stopwords: a bigram holding a character that marks grammar rather than topic (Japanese
// hiragana, which writes particles and endings; Chinese particles, the copula, "at", and question
// words) straddles a word boundary ("学在", "山の") or is itself a function word ("哪里", "ですか").
const cjkGrammar = /[\p{Script=Hiragana}的了吗呢吧啊哪什么谁怎是在何]/u;

/** Porter stem of a lower-case token (numbers unchanged). */
export function stem(token: string): string {
  return /^\p{N}+$/u.test(token) ? token : stemmer(token.replace(/['’]s$/u, ""));
}

// "How long", "how much", ...: the word after "how" names the kind of answer, not its topic.
const howPhrase = /\bhow\s+(much|many|long|often|far|old|big|large|soon|fast)\b/giu;

// Verbs that frame a question rather than name its topic ("what makes...", "do I need...").
const questionFraming = new Set([
  "make",
  "makes",
  "made",
  "get",
  "gets",
  "got",
  "want",
  "wants",
  "need",
  "needs",
]);

/** Content tokens of a question: stopwords and question-phrasing words ("how long", "makes me") removed. */
export function questionTokens(question: string): string[] {
  const content = contentTokens(question.replace(howPhrase, "how"));
  const topical = content.filter((token) => !questionFraming.has(token));
  return topical.length > 0 ? topical : content;
}
