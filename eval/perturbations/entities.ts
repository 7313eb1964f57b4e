// Names in scientific text, by shape: gene and protein symbols ("NOP2", "IL-6"), acronyms ("HCC",
// "mRNA") and capitalised names ("Martinique", "Candida"). An entity swap replaces one with another of
// the same shape found elsewhere in the corpus, so the result still reads like the field's prose.
import { stopwords } from "../../src/core/terms.js";

export type EntityShape = "symbol" | "acronym" | "name";

export type EntityPool = Record<EntityShape, readonly string[]>;

/** "PUFAs", "DALYs": an acronym in the plural, swapped only for another plural. */
export const isPluralAcronym = (word: string) => /\p{Lu}s$/u.test(word);

export interface EntityMention {
  text: string;
  index: number;
  shape: EntityShape;
}

// A word, optionally with a numeric suffix after a hyphen ("IL-6"); not a piece of a longer token.
const entityToken = /(?<![\p{L}\p{N}'’-])\p{L}[\p{L}\p{N}]*(?:-\p{N}+)?(?![\p{L}\p{N}])/gu;

// Statistics and numbering that look like acronyms but name nothing that could be swapped.
const notEntities = new Set("P OR ORS CI CIS HR HRS RR RRS SD SE SEM IQR VS AND OF".split(" "));
const monthNames = new Set(
  "january february march april may june july august september october november december".split(" "),
);

function atSentenceStart(text: string, index: number): boolean {
  const before = text.slice(0, index).trimEnd();
  return before === "" || /[.!?:]["'”’)]*$/u.test(before);
}

/** The shape of a word, or undefined when it is not a name. */
export function entityShape(word: string, sentenceInitial: boolean): EntityShape | undefined {
  if (notEntities.has(word.toUpperCase()) || /^[IVXL]+\p{Ll}?$/u.test(word)) return undefined;
  const capitals = (word.match(/\p{Lu}/gu) ?? []).length;
  if (/\p{N}/u.test(word)) return capitals >= 1 && word.length >= 3 ? "symbol" : undefined;
  if (capitals >= 2) return "acronym";
  if (sentenceInitial || !/^\p{Lu}\p{Ll}{2,}$/u.test(word)) return undefined;
  const lower = word.toLowerCase();
  if (stopwords.has(lower) || monthNames.has(lower)) return undefined;
  return "name";
}

/** Every name mentioned in a text, in order. */
export function entityMentions(text: string): EntityMention[] {
  const mentions: EntityMention[] = [];
  for (const match of text.matchAll(entityToken)) {
    const shape = entityShape(match[0], atSentenceStart(text, match.index));
    if (shape) mentions.push({ text: match[0], index: match.index, shape });
  }
  return mentions;
}

/**
 * Names that occur in at least `minDocuments` texts, by shape, sorted. A capitalised word also
 * written in lower case more often than capitalised ("Western" / "western") is an ordinary word.
 */
export function entityPool(texts: Iterable<string>, minDocuments = 3): EntityPool {
  const documents = new Map<string, { shape: EntityShape; count: number }>();
  const lowerCase = new Map<string, number>();
  for (const text of texts) {
    const seen = new Set<string>();
    for (const mention of entityMentions(text)) {
      if (seen.has(mention.text)) continue;
      seen.add(mention.text);
      const entry = documents.get(mention.text) ?? { shape: mention.shape, count: 0 };
      entry.count++;
      documents.set(mention.text, entry);
    }
    for (const word of new Set(text.match(/(?<![\p{L}\p{N}-])\p{Ll}+(?![\p{L}\p{N}-])/gu) ?? [])) {
      lowerCase.set(word, (lowerCase.get(word) ?? 0) + 1);
    }
  }
  const pool: Record<EntityShape, string[]> = { symbol: [], acronym: [], name: [] };
  for (const [word, { shape, count }] of documents) {
    if (count < minDocuments) continue;
    // "Western" / "western", "IMPLICATIONS" / "implications": ordinary words, capitalised.
    const lower = lowerCase.get(word.toLowerCase()) ?? 0;
    if (shape === "name" ? lower >= count : lower > 0) continue;
    pool[shape].push(word);
  }
  for (const words of Object.values(pool)) words.sort();
  return pool;
}
