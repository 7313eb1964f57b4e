// The seam between the verifier and a lexical database: which words may stand for a word in a
// source, and which say its opposite. Words go in and come out lower case, one word each.

export interface Lexicon {
  /** Dictionary forms of a word ("bought" → buy, "higher" → high): itself when it is one; empty when unknown. */
  baseForms(word: string): readonly string[];
  /**
   * Words a source may use for it without changing what is claimed: its dictionary forms, its synonyms
   * in its commonest senses, and forms derived from the same word ("purchased" → buy, purchase, purchaser).
   */
  equivalents(word: string): readonly string[];
  /** Words that state its opposite ("increased" → decrease, "higher" → low). */
  opposites(word: string): readonly string[];
  /**
   * How common the word is in running text, as a count (0 when rare or unknown): a common word
   * ("use", "known", "cause") tells less about what a sentence claims than a rare one or a name.
   */
  frequency(word: string): number;
}

/** A lexicon that knows no word: the verifier then matches words by their stems alone. */
export const emptyLexicon: Lexicon = {
  baseForms: () => [],
  equivalents: () => [],
  opposites: () => [],
  frequency: () => 0,
};
