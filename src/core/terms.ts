// Word-level text handling shared by retrieval and answering: tokens, stopwords and stems.
import { stemmer } from "stemmer";

// Function words that carry no topic; a question made only of them still searches with them.
const stopwordList =
  "a about above after again against all am an and any are as at be because been before being below between both but by can could did do does doing down during each few for from further had has have having he her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not of off on once only or other our ours ourselves out over own same she should so some such than that the their theirs them themselves then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours yourself yourselves also may might must shall can't cannot won't don't doesn't didn't isn't aren't wasn't weren't i'm it's let's there's what's";

export const stopwords: ReadonlySet<string> = new Set(stopwordList.split(" "));

const tokenPattern = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;

/** Lower-cased word tokens of a text, NFKC-normalised, possessives dropped. */
export function tokens(text: string): string[] {
  const found = text.normalize("NFKC").toLowerCase().match(tokenPattern) ?? [];
  // A possessive is the word itself ("Quillfern's" → "quillfern"), as the index sees it.
  return found.map((token) => token.replace(/['’]s$/u, ""));
}

/** Tokens that carry content: stopwords removed (kept when nothing else is left). */
export function contentTokens(text: string): string[] {
  const all = tokens(text);
  const content = all.filter((token) => !stopwords.has(token));
  return content.length > 0 ? content : all;
}

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
