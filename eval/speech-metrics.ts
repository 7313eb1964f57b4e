// Word error rate for speech recognition: both texts normalised by the same rules, then aligned word by
// word (Levenshtein) and the edits counted as substitutions, deletions and insertions.
//
// Normalisation, applied identically to reference and hypothesis (close to Whisper's
// EnglishTextNormalizer, without its spelling table):
//  1. Unicode NFKC, lower case, curly apostrophes made straight.
//  2. Text in [brackets] or (parentheses) removed: annotations such as "[noise]", not speech.
//  3. Contractions expanded: "won't" → "will not", "can't" → "can not", "let's" → "let us",
//     "n't" → "not", "'re" → "are", "'s" → "is" (possessives too, on both sides alike), "'d" → "would",
//     "'ll" → "will", "'ve" → "have", "'m" → "am"; any other apostrophe is dropped ("o'clock" → "oclock").
//  4. Numbers written as spoken (`spellOutNumbers`): "1,200" → "one thousand two hundred", "3rd" →
//     "third", "3.5" → "three point five", "$5" → "five dollars", "10%" → "ten percent", and four bare
//     digits from 1100 to 2099 read as a year: "1961" → "nineteen sixty one".
//  5. Accents removed ("café" → "cafe"); hyphens and every other symbol become spaces.
//  6. Hesitations dropped: hmm, mm, mhm, mmm, uh, um.
import { spellOutNumbers } from "./spoken-numbers.js";

export interface WordErrors {
  referenceWords: number;
  hypothesisWords: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** substitutions + deletions + insertions */
  errors: number;
  /** errors / referenceWords; 0 for two empty texts, Infinity for words heard where none were said. */
  wer: number;
}

const contractions: [RegExp, string][] = [
  [/\bwon't\b/g, "will not"],
  [/\bcan't\b/g, "can not"],
  [/\blet's\b/g, "let us"],
  [/\bain't\b/g, "aint"],
  [/\by'all\b/g, "you all"],
  [/\bma'am\b/g, "madam"],
  [/n't\b/g, " not"],
  [/'re\b/g, " are"],
  [/'s\b/g, " is"],
  [/'d\b/g, " would"],
  [/'ll\b/g, " will"],
  [/'ve\b/g, " have"],
  [/'m\b/g, " am"],
];
const hesitations = new Set(["hmm", "mm", "mhm", "mmm", "uh", "um"]);

/** The words of `text` after the normalisation described at the top of this file. */
export function normaliseTranscript(text: string): string[] {
  let normal = text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`]/g, "'");
  normal = normal.replace(/\[[^\]]*\]|\([^)]*\)/g, " ");
  for (const [pattern, replacement] of contractions) normal = normal.replace(pattern, replacement);
  normal = spellOutNumbers(normal).replaceAll("'", "");
  normal = normal
    .normalize("NFKD")
    .replace(/\p{Mn}/gu, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ");
  return normal.split(" ").filter((word) => word !== "" && !hesitations.has(word));
}

/** Minimum edits turning `reference` into `hypothesis`; on ties a substitution is preferred, then a deletion. */
export function alignWords(reference: readonly string[], hypothesis: readonly string[]): WordErrors {
  type Cell = { cost: number; substitutions: number; deletions: number; insertions: number };
  let previous: Cell[] = Array.from({ length: hypothesis.length + 1 }, (_, column) => ({
    cost: column,
    substitutions: 0,
    deletions: 0,
    insertions: column,
  }));
  for (let row = 1; row <= reference.length; row++) {
    const current: Cell[] = [{ cost: row, substitutions: 0, deletions: row, insertions: 0 }];
    for (let column = 1; column <= hypothesis.length; column++) {
      const diagonal = previous[column - 1] as Cell;
      const up = previous[column] as Cell;
      const left = current[column - 1] as Cell;
      const same = reference[row - 1] === hypothesis[column - 1];
      const substitute = diagonal.cost + (same ? 0 : 1);
      if (substitute <= up.cost + 1 && substitute <= left.cost + 1) {
        current.push({
          ...diagonal,
          cost: substitute,
          substitutions: diagonal.substitutions + (same ? 0 : 1),
        });
      } else if (up.cost <= left.cost) {
        current.push({ ...up, cost: up.cost + 1, deletions: up.deletions + 1 });
      } else {
        current.push({ ...left, cost: left.cost + 1, insertions: left.insertions + 1 });
      }
    }
    previous = current;
  }
  const last = previous[hypothesis.length] as Cell;
  return withRate({
    referenceWords: reference.length,
    hypothesisWords: hypothesis.length,
    substitutions: last.substitutions,
    deletions: last.deletions,
    insertions: last.insertions,
  });
}

/** Word errors of a transcript against its reference, both normalised. */
export function wordErrors(reference: string, hypothesis: string): WordErrors {
  return alignWords(normaliseTranscript(reference), normaliseTranscript(hypothesis));
}

/** Errors summed over several files: the corpus WER weights each file by its reference length. */
export function sumWordErrors(all: readonly WordErrors[]): WordErrors {
  const total = (key: "referenceWords" | "hypothesisWords" | "substitutions" | "deletions" | "insertions") =>
    all.reduce((sum, errors) => sum + errors[key], 0);
  return withRate({
    referenceWords: total("referenceWords"),
    hypothesisWords: total("hypothesisWords"),
    substitutions: total("substitutions"),
    deletions: total("deletions"),
    insertions: total("insertions"),
  });
}

function withRate(counts: Omit<WordErrors, "errors" | "wer">): WordErrors {
  const errors = counts.substitutions + counts.deletions + counts.insertions;
  const wer =
    counts.referenceWords > 0 ? errors / counts.referenceWords : errors === 0 ? 0 : Number.POSITIVE_INFINITY;
  return { ...counts, errors, wer };
}
