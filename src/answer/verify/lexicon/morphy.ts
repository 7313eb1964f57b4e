// Candidate dictionary forms of an inflected word, as WordNet's morphy finds them: the irregular
// forms first, then the word with each regular ending taken off ("purchased" → "purchase",
// "purchas"). Candidates are guesses; the lexicon keeps those WordNet lists.
import { irregularForms } from "./irregular-forms.js";
import type { PartOfSpeech } from "./wordnet-files.js";

// WordNet's rules of detachment (morphy(7WN)): ending, then its replacement.
const detachments: Record<PartOfSpeech, readonly (readonly [string, string])[]> = {
  noun: [
    ["s", ""],
    ["ses", "s"],
    ["xes", "x"],
    ["zes", "z"],
    ["ches", "ch"],
    ["shes", "sh"],
    ["men", "man"],
    ["ies", "y"],
  ],
  verb: [
    ["s", ""],
    ["ies", "y"],
    ["es", "e"],
    ["es", ""],
    ["ed", "e"],
    ["ed", ""],
    ["ing", "e"],
    ["ing", ""],
  ],
  adj: [
    ["er", ""],
    ["est", ""],
    ["er", "e"],
    ["est", "e"],
  ],
  adv: [],
};

/** The word itself, its irregular dictionary forms, and the word with each regular ending detached. */
export function baseFormCandidates(word: string, pos: PartOfSpeech): string[] {
  const candidates = [word, ...(irregularForms[pos].get(word) ?? [])];
  for (const [ending, replacement] of detachments[pos]) {
    if (word.length <= ending.length + 1 || !word.endsWith(ending)) continue;
    const base = word.slice(0, -ending.length) + replacement;
    candidates.push(base);
    // A doubled final consonant ("stopped", "bigger"), which WordNet lists in its exception files.
    if (replacement === "" && /([b-df-hj-np-tv-z])\1$/u.test(base)) candidates.push(base.slice(0, -1));
  }
  return [...new Set(candidates)];
}
