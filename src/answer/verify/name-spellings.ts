// One name, several spellings: "U.S." and "US", "O’Connor" and "O'Connor", "NIH" and "National
// Institutes of Health". The verifier checks that every name a sentence states is in its sources; these
// helpers make a name count when the source writes it another way, never when the source lacks it.
import { stopwords, tokens } from "../../core/terms.js";

// "U.S.", "U.S.A.", "e.g." is lower case and no name.
const plainWord = /^\p{L}\p{Ll}*$/u;
const dottedAbbreviation = /(?<![\p{L}\p{N}])((?:\p{Lu}\.){2,})/gu;
const curlyApostrophe = /[’‘ʼ]/gu;

/** The text with names in one spelling: straight apostrophes, dotted abbreviations without dots ("U.S." → "US"). */
export function nameText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(curlyApostrophe, "'")
    .replace(dottedAbbreviation, (abbreviation) => abbreviation.replaceAll(".", ""));
}

// Small words a spelled-out name may hold without a letter in its acronym ("Institutes of Health").
const acronymGaps = new Set(["of", "and", "for", "the", "in", "on", "de", "&"]);
const longestSpelledName = 6;
// An acronym matched against any run of words needs three letters: two-letter initials of some two
// neighbouring words are too likely by chance.
const shortestLowerCaseAcronym = 3;

/**
 * Acronyms a text spells out: the initials of each run of 2–6 neighbouring words, small words such as
 * "of" skipped ("National Institutes of Health" → "nih"). Runs of capitalised words give acronyms of any
 * length; other runs ("natural language processing" → "nlp") only of three letters or more.
 */
export function spelledAcronyms(text: string): Set<string> {
  const found = new Set<string>();
  const words = [...nameText(text).matchAll(/[\p{L}][\p{L}\p{N}'-]*/gu)].map((match) => match[0]);
  for (let first = 0; first < words.length; first++) {
    if (acronymGaps.has((words[first] as string).toLowerCase())) continue;
    let initials = "";
    let capitalised = true;
    let counted = 0;
    for (let last = first; last < words.length && counted < longestSpelledName; last++) {
      const word = words[last] as string;
      const lower = word.toLowerCase();
      if (acronymGaps.has(lower)) continue;
      // Symbols ("Stat1", "CD4") and acronyms are no words of a name written out.
      if (!plainWord.test(word)) break;
      initials += lower[0];
      counted++;
      capitalised &&= /^\p{Lu}/u.test(word);
      if (counted >= 2 && (capitalised || counted >= shortestLowerCaseAcronym)) found.add(initials);
    }
  }
  return found;
}

/**
 * Runs of two or more capitalised words in a sentence, lower case ("the United States Supreme Court" →
 * united, states, supreme, court), small words inside a run allowed and left out: the words of a name
 * written out, which a source may give as its acronym.
 */
export function capitalisedRuns(text: string): string[][] {
  const runs: string[][] = [];
  let run: string[] = [];
  const close = () => {
    if (run.length >= 2) runs.push(run);
    run = [];
  };
  for (const match of nameText(text).matchAll(/[\p{L}][\p{L}\p{N}'-]*/gu)) {
    const word = match[0];
    const lower = word.toLowerCase();
    if (/^\p{Lu}\p{Ll}+$/u.test(word) && !stopwords.has(lower)) run.push(lower);
    else if (!(run.length > 0 && acronymGaps.has(lower))) close();
  }
  close();
  return runs;
}

/** What a source holds of names: its words as written, and the acronyms it spells out. */
export interface SourceNames {
  words: ReadonlySet<string>;
  acronyms: ReadonlySet<string>;
}

/**
 * Is the name in the source: as written, as an acronym the source spells out ("NIH"), or as one word
 * of a name the claim writes out whose acronym the source writes ("United States" for "U.S.")?
 */
export function nameHeld(name: string, source: SourceNames, runs: readonly (readonly string[])[]): boolean {
  // A hyphenated name ("PD-1") is held when each of its parts is, as the tokenizer splits it; a
  // plural acronym ("ILCs") when its singular is.
  const held = (word: string) => tokens(word).every((part) => source.words.has(part));
  if (held(name) || (name.endsWith("s") && held(name.slice(0, -1)))) return true;
  if (source.acronyms.has(name) || (name.endsWith("s") && source.acronyms.has(name.slice(0, -1))))
    return true;
  // Any part of the run around the name: "United States" in "United States Supreme Court" is "US".
  return runs.some((run) => {
    const at = run.indexOf(name);
    if (at < 0) return false;
    for (let first = 0; first <= at; first++) {
      for (let last = Math.max(at, first + 1); last < run.length; last++) {
        const initials = run.slice(first, last + 1).map((word) => word[0]);
        if (source.words.has(initials.join(""))) return true;
      }
    }
    return false;
  });
}
