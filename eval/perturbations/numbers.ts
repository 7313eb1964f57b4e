// Numbers in running text that state a quantity, as opposed to digits inside a name ("IL-6", "TRPV1",
// "25-hydroxyvitamin D") or a year; shared by the number perturbation and the number rewording.

/** Numerals: "17", "0.53", "2·9" (Lancet decimal point), "520,000". */
export const numeral = /(?:\d{1,3}(?:,\d{3})+|\d+)(?:[.·]\d+)?/gu;

const year = /^(?:19\d\d|20[0-2]\d)$/u;

export const numberWords = "two three four five six seven eight nine ten eleven twelve".split(" ");

const unitsAfterHyphen = new Set(
  "fold year years day days week weeks month months hour hours minute min mg kg mm cm point item times dose cycle bp kb".split(
    " ",
  ),
);

/** Whether a numeral match in `sentence` is a quantity: not part of a name and not a year. */
export function isQuantity(sentence: string, match: RegExpExecArray): boolean {
  const before = sentence.slice(Math.max(0, match.index - 2), match.index);
  const after = sentence.slice(match.index + match[0].length);
  if (/[\p{L}\p{N}.,·/_]$/u.test(before)) return false;
  if (/\p{L}[-–]$/u.test(before)) return false;
  if (/^(?:[\p{L}(]|,\d)/u.test(after)) return false;
  // "10-fold" is a quantity; "25-hydroxyvitamin" and "5-fluorouracil" are names.
  const joined = /^-(\p{L}+)/u.exec(after)?.[1];
  if (joined !== undefined && !unitsAfterHyphen.has(joined.toLowerCase())) return false;
  return !year.test(match[0]);
}
