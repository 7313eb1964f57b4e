// Small string surgery shared by the perturbation and paraphrase rules: a seeded choice, an edit with
// a note of what changed, case-preserving replacement and tidying of the spaces an edit leaves.

/** A uniform number in [0, 1); the generator passes a seeded one so every run makes the same set. */
export type Random = () => number;

/** A rewritten claim and a short note of what was changed, for reading the set. */
export interface Edit {
  claim: string;
  change: string;
}

export function pick<T>(values: readonly T[], random: Random): T {
  if (values.length === 0) throw new RangeError("pick needs at least one value");
  return values[Math.floor(random() * values.length)] as T;
}

/** `count` distinct values in random order (all of them when there are fewer). */
export function sample<T>(values: readonly T[], count: number, random: Random): T[] {
  const pool = [...values];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) {
    chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  }
  return chosen;
}

/** Every match of a global pattern, with its position. */
export function matchesOf(text: string, pattern: RegExp): RegExpExecArray[] {
  if (!pattern.global) throw new TypeError("matchesOf needs a global pattern");
  return [...text.matchAll(pattern)] as RegExpExecArray[];
}

export function replaceAt(text: string, start: number, length: number, replacement: string): string {
  return text.slice(0, start) + replacement + text.slice(start + length);
}

/** `word` written in the case of `model`: "Decrease" for "Increase", "LOW" for "HIGH". */
export function matchCase(model: string, word: string): string {
  if (model.length > 1 && model === model.toUpperCase() && model !== model.toLowerCase())
    return word.toUpperCase();
  if (/^\p{Lu}/u.test(model)) return word.charAt(0).toUpperCase() + word.slice(1);
  return word;
}

/** Upper-cases the first letter of an ordinary lower-case first word ("interleukin-17A", "a"), not "mRNA" or "p53". */
export function capitaliseFirst(text: string): string {
  const first = /^\p{L}+/u.exec(text)?.[0] ?? "";
  const rest = text.slice(first.length);
  if (!/^\p{Ll}+$/u.test(first) || /^\p{N}/u.test(rest) || (first.length === 1 && !/^\s/u.test(rest)))
    return text;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Lower-cases a capitalised first word ("The", "Mutations") unless it is a name ("Plasmodium"). */
export function lowerFirst(text: string, isName: (word: string) => boolean): string {
  const first = /^\p{L}+/u.exec(text)?.[0] ?? "";
  if (!/^\p{Lu}\p{Ll}*$/u.test(first) || /^[\p{L}\p{N}-]/u.test(text.slice(first.length)) || isName(first))
    return text;
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** Spaces and punctuation left tidy after words were removed. */
export function tidy(text: string): string {
  return text
    .replace(/\s{2,}/gu, " ")
    .replace(/\s+([.,;:!?)\]])/gu, "$1")
    .replace(/([([])\s+/gu, "$1")
    .replace(/,\s*([.;:])/gu, "$1")
    .replace(/^[\s,;:]+/u, "")
    .trim();
}

/** The sentence with a final full stop (a clause cut from a longer sentence has none). */
export function withFullStop(text: string): string {
  const trimmed = text.trim().replace(/[\s,;:]+$/u, "");
  return /[.!?]$/u.test(trimmed) ? trimmed : `${trimmed}.`;
}
