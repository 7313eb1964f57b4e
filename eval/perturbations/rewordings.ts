// Faithful rewordings that keep a sentence's structure: parentheticals or a lead-in dropped, an exact
// synonym, a number written another way. Also the shape every faithful rule has.
import { stopwords } from "../../src/core/terms.js";
import { isQuantity, numberWords, numeral } from "./numbers.js";
import {
  capitaliseFirst,
  type Edit,
  matchCase,
  matchesOf,
  pick,
  type Random,
  replaceAt,
  tidy,
} from "./text-edits.js";

export interface ParaphraseContext {
  /** The sentence that follows in the passage, for merging; undefined at the end. */
  next: string | undefined;
  /** Whether a capitalised word is a name, which keeps its capital when it no longer opens the sentence. */
  isName: (word: string) => boolean;
}

export type Paraphrase = (sentence: string, random: Random, context: ParaphraseContext) => Edit | undefined;

export const wordCount = (text: string) => text.split(/\s+/u).filter(Boolean).length;

export const dropParentheticals: Paraphrase = (sentence) => {
  const dropped: string[] = [];
  let claim = sentence;
  // Innermost first, so "(OR, 2.52; 95% CI, 1.04-6.11)" and "[25(OH)D]" go whole; "25(OH)D" stays.
  for (let previous = ""; previous !== claim; ) {
    previous = claim;
    claim = claim.replace(/\s+(\([^()]*\)|\[[^[\]]*\])/gu, (_whole, group: string) => {
      dropped.push(group);
      return "";
    });
  }
  if (dropped.length === 0 || wordCount(claim) < 5) return undefined;
  return { claim: tidy(claim), change: `dropped ${dropped.join(" ")}` };
};

const leadIns =
  /^(?:here|herein|in this (?:study|report|paper|work)|in the present study|furthermore|moreover|in addition|additionally|interestingly|importantly|notably|finally|however|thus|therefore|hence|consequently|overall|taken together|collectively|in conclusion|in summary|specifically|surprisingly|strikingly|remarkably|indeed|in contrast|by contrast|conversely|nonetheless|nevertheless)\b,?\s+/iu;
// Frames that assert what follows; hedges ("suggest", "imply") are left alone because dropping them
// would make the claim stronger than its source.
const reportingFrames =
  /^(?:here\s+)?(?:we|our (?:results|data|findings)|these (?:results|data|findings)|this study|the results)\s+(?:show|shows|showed|demonstrate|demonstrates|demonstrated|reveal|reveals|revealed|find|found|report|reported|observed|confirm|confirmed|establish|established)\s+that\s+/iu;

export const dropLeadIn: Paraphrase = (sentence) => {
  let claim = sentence;
  const dropped: string[] = [];
  for (const pattern of [leadIns, reportingFrames]) {
    const match = pattern.exec(claim);
    if (match) {
      dropped.push(match[0].trim());
      claim = claim.slice(match[0].length);
    }
  }
  if (dropped.length === 0 || wordCount(claim) < 5) return undefined;
  return { claim: capitaliseFirst(claim), change: `dropped "${dropped.join(" ")}"` };
};

// Exact synonyms only: each side can replace the other without changing the claim.
const synonyms: [string, string][] = [
  ["demonstrated", "showed"],
  ["demonstrates", "shows"],
  ["demonstrate", "show"],
  ["showed", "demonstrated"],
  ["exhibited", "showed"],
  ["exhibits", "shows"],
  ["utilized", "used"],
  ["utilizing", "using"],
  ["approximately", "about"],
  ["roughly", "about"],
  ["numerous", "many"],
  ["novel", "new"],
  ["frequently", "often"],
  ["often", "frequently"],
  ["commonly", "often"],
  ["rapidly", "quickly"],
  ["assessed", "evaluated"],
  ["evaluated", "assessed"],
  ["examined", "investigated"],
  ["investigated", "examined"],
  ["individuals", "people"],
  ["required", "needed"],
  ["requires", "needs"],
  ["decreased", "reduced"],
  ["reduced", "decreased"],
  ["elevated", "increased"],
  ["whereas", "while"],
  ["due to", "because of"],
  ["in order to", "to"],
  ["prior to", "before"],
  ["the majority of", "most"],
  ["compared with", "compared to"],
  ["compared to", "compared with"],
  ["is associated with", "is linked to"],
  ["are associated with", "are linked to"],
  ["was associated with", "was linked to"],
  ["were associated with", "were linked to"],
  ["was observed", "was seen"],
  ["were observed", "were seen"],
  ["possesses", "has"],
  ["regarding", "about"],
  ["additionally", "also"],
  ["moreover", "furthermore"],
  ["furthermore", "moreover"],
  ["nevertheless", "nonetheless"],
  ["therefore", "thus"],
  ["ability", "capacity"],
];

export const swapSynonym: Paraphrase = (sentence, random) => {
  const candidates: { index: number; text: string; replacement: string }[] = [];
  for (const [word, synonym] of synonyms) {
    for (const match of matchesOf(sentence, new RegExp(`(?<![\\p{L}-])${word}(?![\\p{L}-])`, "giu"))) {
      candidates.push({ index: match.index, text: match[0], replacement: matchCase(match[0], synonym) });
    }
  }
  if (candidates.length === 0) return undefined;
  const chosen = pick(candidates, random);
  return {
    claim: replaceAt(sentence, chosen.index, chosen.text.length, chosen.replacement),
    change: `"${chosen.text}" → "${chosen.replacement}"`,
  };
};

const smallNumbers = ["zero", "one", ...numberWords];

export const rewriteNumber: Paraphrase = (sentence, random) => {
  const candidates: { index: number; text: string; replacement: string }[] = [];
  for (const match of matchesOf(sentence, /(\d+(?:\.\d+)?)%|(\d+(?:\.\d+)?) percent\b/gu)) {
    candidates.push({
      index: match.index,
      text: match[0],
      replacement: match[1] !== undefined ? `${match[1]} percent` : `${match[2]}%`,
    });
  }
  for (const match of matchesOf(sentence, numeral)) {
    if (!isQuantity(sentence, match)) continue;
    const before = sentence.slice(0, match.index);
    const after = sentence.slice(match.index + match[0].length);
    const value = Number(match[0].replaceAll(",", ""));
    // "in 7 days" → "in seven days", but not "lysine 4", "n = 7" or "P < 0.05".
    const previousWord = /(\p{L}+)\s+$/u.exec(before)?.[1]?.toLowerCase();
    const afterFunctionWord =
      before.trim() === "" || (previousWord !== undefined && stopwords.has(previousWord));
    if (
      /^\d+$/u.test(match[0]) &&
      value >= 2 &&
      value <= 12 &&
      afterFunctionWord &&
      /^ \p{Ll}/u.test(after)
    ) {
      const word = smallNumbers[value] as string;
      candidates.push({
        index: match.index,
        text: match[0],
        replacement: before.trim() === "" ? capitaliseFirst(word) : word,
      });
    } else if (match[0].includes(",")) {
      candidates.push({ index: match.index, text: match[0], replacement: match[0].replaceAll(",", "") });
    } else if (/^\d{4,}$/u.test(match[0])) {
      candidates.push({ index: match.index, text: match[0], replacement: value.toLocaleString("en-US") });
    }
  }
  for (const match of matchesOf(sentence, new RegExp(`\\b(?:${numberWords.join("|")})\\b`, "giu"))) {
    if (
      /-$/u.test(sentence.slice(0, match.index)) ||
      /^-/u.test(sentence.slice(match.index + match[0].length))
    )
      continue;
    // A sentence does not open with digits.
    if (match.index === 0) continue;
    candidates.push({
      index: match.index,
      text: match[0],
      replacement: String(smallNumbers.indexOf(match[0].toLowerCase())),
    });
  }
  if (candidates.length === 0) return undefined;
  const chosen = pick(candidates, random);
  return {
    claim: replaceAt(sentence, chosen.index, chosen.text.length, chosen.replacement),
    change: `"${chosen.text}" → "${chosen.replacement}"`,
  };
};
