// The verifier compares words by their Porter stems; a lexicon widens what counts as the same word.
// A source word is held under its own stem and its dictionary forms' ("bought" → "bui", the stem of
// "buy"), so the irregular forms the stemmer leaves apart meet. A claim word may be found under any
// stem of its equivalents (synonyms, derived forms); its opposites are WordNet's antonyms and the few pairs it lacks.
import { remembered } from "../../core/remembered.js";
import { stem } from "../../core/terms.js";
import type { Lexicon } from "./lexicon/lexicon.js";
import { supplementaryOpposites } from "./lexicon/supplementary-opposites.js";

export interface WordForms {
  /** Its Porter stem, remembered. */
  stemOf(word: string): string;
  /** Stems a source word is held under: its own and its dictionary forms'. */
  heldAs(word: string): readonly string[];
  /** Stems under which a claim word may be found in a source: its own and its equivalents'. */
  foundAs(word: string): readonly string[];
  /** Stems of the words that state its opposite. */
  oppositesOf(word: string): readonly string[];
  /**
   * How much the word tells about what a sentence claims, 0–1: 1 for a rare word or a name, less the
   * commoner the word (1 / log2(2 + its frequency)), so "known" or "use" missing from a source counts
   * for less than "supermassive" missing.
   */
  weightOf(word: string): number;
}

// Shorter equivalents ("md", "el") are abbreviations that match unrelated words too often.
const minEquivalentLength = 3;

export function createWordForms(lexicon: Lexicon, maxRemembered = 20_000): WordForms {
  const distinct = (compute: (word: string) => string[]) =>
    remembered((word: string): readonly string[] => [...new Set(compute(word))], maxRemembered);
  return {
    weightOf: remembered((word: string) => 1 / Math.log2(2 + lexicon.frequency(word)), maxRemembered),
    stemOf: remembered(stem, maxRemembered),
    heldAs: distinct((word) => [stem(word), ...lexicon.baseForms(word).map(stem)]),
    foundAs: distinct((word) => [
      stem(word),
      ...lexicon
        .equivalents(word)
        .filter((other) => other.length >= minEquivalentLength)
        .map(stem),
    ]),
    oppositesOf: distinct((word) => [
      ...lexicon.opposites(word).map(stem),
      ...[word, ...lexicon.baseForms(word)].flatMap((form) => supplementaryOpposites.get(stem(form)) ?? []),
    ]),
  };
}
