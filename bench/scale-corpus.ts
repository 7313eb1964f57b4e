// Synthetic scientific corpora of any size for the scale benchmark: each document stitches 2–4 sentences
// from different BEIR SciFact abstracts under a SciFact title and swaps a few words for other corpus
// words, so vocabulary and term statistics look like real abstracts. Deterministic for a seed, and
// streamed to disk in JSONL files, so a million documents never sit in memory at once.
import { createHash } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { stopwords } from "../src/core/terms.js";
import { sharedData } from "./report.js";

export const sciFactCorpusPath = sharedData("beir-scifact/corpus.jsonl");

/** Longest `text` of a synthetic document: under the default chunker's 800-character target, so one document is one chunk. */
export const maxScaleTextChars = 700;

export interface ScaleCorpusOptions {
  /** The BEIR corpus sentences, titles and words are drawn from; default SciFact. */
  sourcePath?: string;
  /**
   * Records per JSONL file; default 10,000 (about 6 MB). One file is one ingestion transaction, and
   * the loader caps a file at 100 MB, so a million documents cannot be one file.
   */
  documentsPerFile?: number;
  /** Called after each file is written, with the documents written so far. */
  onProgress?: (documentsWritten: number) => void;
}

export interface ScaleCorpus {
  /** The JSONL files written, in order. */
  files: string[];
  documents: number;
  bytes: number;
}

interface SourcePool {
  titles: string[];
  sentences: string[];
  /** The abstract each sentence came from, so a document never takes two sentences of one abstract. */
  abstractOf: number[];
  /** Swappable words with repetition: drawing one uniformly follows their corpus frequency. */
  words: string[];
}

// A plain rule rather than Intl.Segmenter, so the bytes do not depend on the ICU version of the Node build.
const sentenceBreak = /(?<=[.!?])\s+(?=[A-Z0-9(])/;
// Lower-case words only: names, acronyms and numbers stay as they are.
const swappableWord = /\b[a-z]{4,}\b/g;
const minSentenceChars = 40;
const maxSentenceChars = 320;
const maxTitleChars = 200;
const flushChars = 1 << 20;

/** Writes `count` synthetic documents as `part-00000.jsonl`, `part-00001.jsonl`, … into `folder`. */
export function writeScaleCorpus(
  folder: string,
  count: number,
  seed: number,
  options: ScaleCorpusOptions = {},
): ScaleCorpus {
  const perFile = options.documentsPerFile ?? 10_000;
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be a whole number, got ${count}`);
  if (!Number.isInteger(perFile) || perFile < 1) throw new RangeError("documentsPerFile must be at least 1");
  const pool = readSourcePool(options.sourcePath ?? sciFactCorpusPath);
  const random = mulberry32(seed);
  // Hashes of every text written (48 bits each, a few tens of MB at a million): a repeat is drawn again.
  const seen = new Set<number>();
  mkdirSync(folder, { recursive: true });
  const corpus: ScaleCorpus = { files: [], documents: 0, bytes: 0 };
  while (corpus.documents < count) {
    const path = join(folder, `part-${String(corpus.files.length).padStart(5, "0")}.jsonl`);
    const descriptor = openSync(path, "w");
    try {
      let buffered = "";
      const last = Math.min(count, corpus.documents + perFile);
      while (corpus.documents < last) {
        const document = composeDocument(pool, random);
        if (!document) continue;
        const hash = createHash("sha1").update(document.text).digest().readUIntBE(0, 6);
        if (seen.has(hash)) continue;
        seen.add(hash);
        buffered += `${JSON.stringify({ _id: String(corpus.documents), ...document })}\n`;
        corpus.documents++;
        if (buffered.length >= flushChars) {
          corpus.bytes += writeSync(descriptor, buffered);
          buffered = "";
        }
      }
      corpus.bytes += writeSync(descriptor, buffered);
    } finally {
      closeSync(descriptor);
    }
    corpus.files.push(path);
    options.onProgress?.(corpus.documents);
  }
  return corpus;
}

function readSourcePool(path: string): SourcePool {
  const pool: SourcePool = { titles: [], sentences: [], abstractOf: [], words: [] };
  let abstract = 0;
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { title?: string | null; text: string };
    const title = (record.title ?? "").trim();
    if (title && title.length <= maxTitleChars) pool.titles.push(title);
    for (const sentence of record.text.split(sentenceBreak)) {
      const trimmed = sentence.trim();
      if (trimmed.length < minSentenceChars || trimmed.length > maxSentenceChars) continue;
      pool.sentences.push(trimmed);
      pool.abstractOf.push(abstract);
      for (const [word] of trimmed.matchAll(swappableWord)) if (!stopwords.has(word)) pool.words.push(word);
    }
    abstract++;
  }
  if (pool.titles.length === 0 || new Set(pool.abstractOf).size < 4) {
    throw new Error(`${path} has too few titled records with sentences to build a synthetic corpus from`);
  }
  return pool;
}

/** One document, or undefined when the draw went over the length bound (the caller draws again). */
function composeDocument(
  pool: SourcePool,
  random: () => number,
): { title: string; text: string } | undefined {
  const wanted = 2 + Math.floor(random() * 3);
  const abstracts = new Set<number>();
  const picked: string[] = [];
  let length = -1;
  for (let attempt = 0; attempt < 20 && picked.length < wanted; attempt++) {
    const index = Math.floor(random() * pool.sentences.length);
    const sentence = pool.sentences[index] as string;
    const abstract = pool.abstractOf[index] as number;
    if (abstracts.has(abstract) || length + 1 + sentence.length > maxScaleTextChars) continue;
    abstracts.add(abstract);
    picked.push(sentence);
    length += 1 + sentence.length;
  }
  if (picked.length < 2) return undefined;
  const text = swapWords(picked.join(" "), 2 + Math.floor(random() * 3), pool, random);
  if (text.length > maxScaleTextChars) return undefined;
  return { title: swapWords(pickOne(pool.titles, random), 1, pool, random), text };
}

/** Replaces `count` distinct swappable words of `text` with words drawn from the corpus. */
function swapWords(text: string, count: number, pool: SourcePool, random: () => number): string {
  const candidates = [...text.matchAll(swappableWord)].filter(([word]) => !stopwords.has(word));
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, candidates.length))
    chosen.add(Math.floor(random() * candidates.length));
  let result = text;
  // From the end backwards, so earlier offsets stay valid.
  for (const position of [...chosen].sort((a, b) => b - a)) {
    const match = candidates[position] as RegExpExecArray;
    result =
      result.slice(0, match.index) +
      pickOne(pool.words, random) +
      result.slice(match.index + match[0].length);
  }
  return result;
}

function pickOne<T>(values: readonly T[], random: () => number): T {
  return values[Math.floor(random() * values.length)] as T;
}

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed gives the same sequence on every platform. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
