// Faithful rewordings that change a sentence's structure: two coordinated nouns swapped, the voice
// changed, a shorter clause the sentence entails, two adjacent sentences merged.
import { stopwords } from "../../src/core/terms.js";
import { dropLeadIn, type Paraphrase, wordCount } from "./rewordings.js";
import {
  capitaliseFirst,
  type Edit,
  lowerFirst,
  matchesOf,
  pick,
  replaceAt,
  withFullStop,
} from "./text-edits.js";

// Words that may stand just before or just after a pair of coordinated nouns. Anything else there (a
// verb, an adverb, a determiner opening an object) means "and" may join clauses, and nothing moves.
const beforePhrase = new Set(
  "the its their his her our these those this both between of in on at for from with by to into among during within across through via".split(
    " ",
  ),
);
// Not a preposition: "change during follow-up and change in …" would move "in …" to the other noun.
const afterPhrase = new Set("than is are was were has have had that which".split(" "));
// Numbers, verb-like forms and connectives are never a phrase that may be swapped.
const notInPhrase =
  /^(?:.*\p{N}.*|.*(?:ed|ing|ly|izes|ises|ates|ifies|-)|and|or|thus|therefore|however|also|then|hence|moreover|furthermore|although|though|whereas|respectively|still|even|only|yet|further|thereby|including|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)$/iu;

/**
 * "X and Y" → "Y and X" for two single nouns with a function word or list comma before and a
 * preposition, auxiliary or punctuation after, so the swap cannot cut across a verb or split a shared
 * head ("physiological and pathological processes"); never in a sentence that says "respectively",
 * where order carries meaning.
 */
export const reorderConjuncts: Paraphrase = (sentence, random) => {
  if (/\brespectively\b/iu.test(sentence)) return undefined;
  const words = matchesOf(sentence, /[\p{L}\p{N}][\p{L}\p{N}'’/-]*/gu);
  const gap = (left: RegExpExecArray, right: RegExpExecArray) =>
    sentence.slice(left.index + left[0].length, right.index);
  const inPhrase = (word: RegExpExecArray) =>
    !stopwords.has(word[0].toLowerCase()) && !notInPhrase.test(word[0]);
  const candidates: { start: number; end: number; left: string; right: string; comma: string }[] = [];
  words.forEach((word, index) => {
    const previous = words[index - 1];
    if (word[0] !== "and" || previous === undefined) return;
    const comma = gap(previous, word) === ", " ? "," : "";
    if (!comma && gap(previous, word) !== " ") return;
    let first = index;
    while (first > 0 && inPhrase(words[first - 1] as RegExpExecArray)) {
      if (first < index && gap(words[first - 1] as RegExpExecArray, words[first] as RegExpExecArray) !== " ")
        break;
      first--;
    }
    let last = index;
    while (last + 1 < words.length && inPhrase(words[last + 1] as RegExpExecArray)) {
      if (gap(words[last] as RegExpExecArray, words[last + 1] as RegExpExecArray) !== " ") break;
      last++;
    }
    const length = index - first;
    if (length !== 1 || last - index !== 1) return;
    const firstWord = words[first] as RegExpExecArray;
    const lastWord = words[last] as RegExpExecArray;
    const before = words[first - 1];
    if (before === undefined) return;
    const beforeGap = gap(before, firstWord);
    if (!(beforeGap === ", " || (beforeGap === " " && beforePhrase.has(before[0].toLowerCase())))) return;
    const after = words[last + 1];
    const afterGap = after ? gap(lastWord, after) : sentence.slice(lastWord.index + lastWord[0].length);
    if (!(/^[,.;:]/u.test(afterGap) || (afterGap === " " && after && afterPhrase.has(after[0])))) return;
    const leftEnd = previous.index + previous[0].length;
    candidates.push({
      start: firstWord.index,
      end: lastWord.index + lastWord[0].length,
      left: sentence.slice(firstWord.index, leftEnd),
      right: sentence.slice((words[index + 1] as RegExpExecArray).index, lastWord.index + lastWord[0].length),
      comma,
    });
  });
  if (candidates.length === 0) return undefined;
  const chosen = pick(candidates, random);
  return {
    claim: replaceAt(
      sentence,
      chosen.start,
      chosen.end - chosen.start,
      `${chosen.right}${chosen.comma} and ${chosen.left}`,
    ),
    change: `"${chosen.left} and ${chosen.right}" → "${chosen.right} and ${chosen.left}"`,
  };
};

const irregularPlurals = new Set(
  "mice data children people men women criteria phenomena bacteria".split(" "),
);
// In a passive made from "We <verb>ed X with Y", the verb goes before the phrase that belongs to it
// ("Prasugrel was compared with clopidogrel"), unless a relative clause comes first.
const verbPhraseStart = /\s(?:with|as|in|into|to|among|from|using|at|on|for|during|across|within|by)\s/u;
const headEnds = /\s(?:of|between|in|with|from|among|for|on|at|to|by|as|that|which|who|using|during)\s/u;
// Verbs whose "by" phrase names what did it (a method, a cause), so the active voice says the same.
const agentVerbs = new Set(
  "determined measured assessed evaluated quantified calculated analyzed analysed confirmed detected established identified estimated caused mediated induced inhibited blocked prevented abolished reduced increased activated suppressed demonstrated revealed recognized encoded produced".split(
    " ",
  ),
);
const nounPhraseGoesOn = /\s(?:that|which|who|whose|between)\s/u;

/**
 * Active "We <verb>ed <object>." → passive "<Object> was/were <verb>ed."; passive "<Subject>
 * was/were <verb>ed by <agent>." → active "<Agent> <verb>ed <subject>." Only for short sentences of
 * exactly that shape, with no commas, so nothing else moves.
 */
export const changeVoice: Paraphrase = (sentence, _random, context) => {
  const active =
    /^We (\p{Ll}+ed) (?!that\b|whether\b|how\b|if\b|to\b|out\b|up\b|off\b|on\b|down\b)([^,;:]+?)\.$/u.exec(
      sentence,
    );
  // "We elucidated X and characterized Y": two verbs share the subject.
  if (active && wordCount(active[2] as string) <= 16 && !/\band \p{Ll}+ed\b/u.test(active[2] as string)) {
    const object = active[2] as string;
    const split = verbPhraseStart.exec(object);
    const goesOn = nounPhraseGoesOn.exec(object);
    const at = split && (!goesOn || goesOn.index > split.index) ? split.index : object.length;
    const phrase = object.slice(0, at);
    // "We investigated the in situ levels…", "We recruited women based on…": no clean subject.
    if (wordCount(phrase) < 2 || /ed$/u.test(phrase)) return undefined;
    const head = (phrase.split(headEnds)[0]?.split(/\s+/u).pop() ?? "").toLowerCase();
    const plural = irregularPlurals.has(head) || /[^siu]s$/u.test(head) || /^\p{Lu}+s$/u.test(head);
    const claim = `${phrase} ${plural ? "were" : "was"} ${active[1]}${object.slice(at)}.`;
    return { claim: capitaliseFirst(claim), change: "active → passive" };
  }
  const passive = /^([^,;:]+?) (?:was|were) (\p{Ll}+ed) by ([^,;:()]+?)\.$/u.exec(sentence);
  if (!passive || !agentVerbs.has(passive[2] as string)) return undefined;
  const subject = passive[1] as string;
  const agent = passive[3] as string;
  if (wordCount(subject) > 8 || /\b(?:that|which|who|whether|when|if)\b/iu.test(subject)) return undefined;
  // An agent, not a measure ("by 37%") or a phrase that carries its own setting ("by ELISA in serum").
  if (
    wordCount(agent) > 6 ||
    /^\d|%|\b(?:by|in|at|during|after|for|compared|when|where|while|if|because|that|which)\b/u.test(agent)
  )
    return undefined;
  return {
    claim: capitaliseFirst(`${agent} ${passive[2]} ${lowerFirst(subject, context.isName)}.`),
    change: "passive → active",
  };
};

const concessive = /^(?:although|though|whereas|while)\s[^,()]+,\s+/iu;
const clauseBreaks =
  /;\s+|,\s+(?:whereas|while|but|although|which|suggesting|indicating|thereby|thus|and thereby)\s/gu;

/** The first clause break outside parentheses ("(OR, 2.52; 95% CI …)" is not a clause). */
function firstClauseBreak(sentence: string): RegExpExecArray | undefined {
  return matchesOf(sentence, clauseBreaks).find((match) => {
    const before = sentence.slice(0, match.index);
    const depth = (open: string, close: string) => before.split(open).length - before.split(close).length;
    return depth("(", ")") <= 0 && depth("[", "]") <= 0;
  });
}

/** A shorter claim the sentence entails: its main clause, or one of two clauses joined by ";". */
export const keepClause: Paraphrase = (sentence, random, context) => {
  const options: Edit[] = [];
  const concession = concessive.exec(sentence);
  if (concession) {
    options.push({
      claim: capitaliseFirst(sentence.slice(concession[0].length)),
      change: `dropped "${concession[0].trim()}"`,
    });
  }
  const cut = firstClauseBreak(sentence);
  if (cut) {
    options.push({
      claim: withFullStop(sentence.slice(0, cut.index)),
      change: `kept the clause before "${cut[0].trim()}"`,
    });
    if (cut[0].startsWith(";")) {
      const second = sentence.slice(cut.index + cut[0].length).replace(/^(?:and|but)\s+/iu, "");
      const withoutLeadIn = dropLeadIn(second, random, context)?.claim ?? capitaliseFirst(second);
      options.push({ claim: withFullStop(withoutLeadIn), change: 'kept the clause after ";"' });
    }
  }
  const usable = options.filter(
    (option) => wordCount(option.claim) >= 6 && option.claim.length <= sentence.length * 0.8,
  );
  return usable.length > 0 ? pick(usable, random) : undefined;
};

/** Two adjacent sentences as one: "<first>, and <second>." */
export const mergeWithNext: Paraphrase = (sentence, random, context) => {
  if (context.next === undefined) return undefined;
  const next = dropLeadIn(context.next, random, context)?.claim ?? context.next;
  const claim = `${sentence.replace(/[.!?]\s*$/u, "")}, and ${lowerFirst(next, context.isName)}`;
  if (claim.length > 400) return undefined;
  return { claim, change: "merged with the next sentence" };
};
