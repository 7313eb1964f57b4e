// RGB (Chen et al. 2023) in Verity's terms: each question is asked of a set of passages built from its
// `positive` (hold the answer), `negative` (about the topic, without it) and `positive_wrong` (the
// answer replaced by a false one) lists, each set stored as a collection of its own.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { mulberry32 } from "../bench/scale-corpus.js";
import { VerityError } from "../src/core/errors.js";
import { storeDocuments } from "../src/ingest/store-documents.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";

/** An answer: one string, alternatives, or (RGB's multi-part answers) a list whose every part must appear. */
const answerSchema = z.union([z.string(), z.array(z.union([z.string(), z.array(z.string())]))]);

const questionSchema = z.object({
  id: z.union([z.number(), z.string()]),
  query: z.string().min(1),
  answer: answerSchema,
  fakeanswer: answerSchema.optional(),
  positive: z.array(z.string()),
  negative: z.array(z.string()),
  positive_wrong: z.array(z.string()).optional(),
});

export interface RgbQuestion {
  id: string;
  query: string;
  /** Every part must appear; each part is a list of alternatives. */
  answer: string[][];
  fakeAnswer: string[][];
  positive: string[];
  negative: string[];
  positiveWrong: string[];
}

/** Reads an RGB JSON-lines file; any malformed line is an error naming it (an evaluation must not skip data). */
export function readRgb(path: string): RgbQuestion[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VerityError("E_NOT_FOUND", `cannot read ${path}; pass --data <RGB .json lines file>`, {
      cause: error,
    });
  }
  const questions: RgbQuestion[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new VerityError("E_CORRUPT", `${path} line ${index + 1} is not JSON`, { cause: error });
    }
    const result = questionSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new VerityError(
        "E_CORRUPT",
        `${path} line ${index + 1} is not an RGB record: ${issue?.path.join(".") || "(record)"}: ${issue?.message}. Each line needs id, query, answer, positive and negative.`,
      );
    }
    const record = result.data;
    questions.push({
      id: String(record.id),
      query: record.query,
      answer: parts(record.answer),
      fakeAnswer: record.fakeanswer === undefined ? [] : parts(record.fakeanswer),
      positive: record.positive,
      negative: record.negative,
      positiveWrong: record.positive_wrong ?? [],
    });
  }
  if (questions.length === 0) throw new VerityError("E_EMPTY", `${path} holds no questions`);
  return questions;
}

function parts(answer: z.output<typeof answerSchema>): string[][] {
  if (typeof answer === "string") return [[answer]];
  // A flat list of strings is alternatives; a list holding lists is parts, each with alternatives.
  if (answer.every((entry) => typeof entry === "string")) return [answer as string[]];
  return answer.map((entry) => (typeof entry === "string" ? [entry] : entry));
}

/** Passages per question, as in RGB. */
export const passagesPerQuestion = 5;

export type RgbSetting =
  | { kind: "noise"; rate: number }
  | { kind: "negative-only" }
  | { kind: "counterfactual"; withTrue: boolean };

export function settingName(setting: RgbSetting): string {
  if (setting.kind === "noise") return `noise ${setting.rate.toFixed(1)}`;
  if (setting.kind === "negative-only") return "negative only (answer absent)";
  return setting.withTrue ? "counterfactual + true passages" : "counterfactual only";
}

/**
 * The passages a question is asked of in `setting`, chosen with a seeded shuffle: noise rate r takes
 * round(5r) negatives and the rest positives (fewer when the question has fewer); negative-only takes
 * 5 negatives; counterfactual takes the positive_wrong passages, with the positives or alone.
 */
export function passagesFor(question: RgbQuestion, setting: RgbSetting, seed: number): string[] {
  const random = mulberry32(seed ^ idHash(question.id));
  const take = (list: readonly string[], count: number) => shuffled(list, random).slice(0, count);
  switch (setting.kind) {
    case "negative-only":
      return take(question.negative, passagesPerQuestion);
    case "noise": {
      const noise = Math.round(passagesPerQuestion * setting.rate);
      return shuffled(
        [...take(question.negative, noise), ...take(question.positive, passagesPerQuestion - noise)],
        random,
      );
    }
    case "counterfactual":
      return shuffled([...question.positiveWrong, ...(setting.withTrue ? question.positive : [])], random);
  }
}

/** FNV-1a of the id, so each question draws its own passages, the same on every run. */
function idHash(id: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < id.length; index++) {
    hash ^= id.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const copy = [...list];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/** An in-memory store with one collection per question and setting, each passage a document. */
export async function buildRgbStore(
  cases: readonly { collection: string; passages: readonly string[] }[],
): Promise<Store> {
  const store = createSqliteStore({ path: ":memory:" });
  for (const { collection, passages } of cases) {
    for (const [index, text] of passages.entries()) {
      if (!text.trim()) continue;
      await storeDocuments(store, {
        collection,
        path: `rgb/${collection}/${index}`,
        contentHash: `${collection}/${index}`,
        size: text.length,
        mediaType: "text/plain",
        documents: [
          {
            title: `passage ${index + 1}`,
            text,
            blocks: [{ kind: "text", charStart: 0, charEnd: text.length }],
          },
        ],
      });
    }
  }
  return store;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .normalize("NFKC")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** RGB's accuracy rule: every part of the answer appears (as one of its alternatives) in the text. */
export function containsAnswer(text: string, answer: readonly (readonly string[])[]): boolean {
  if (answer.length === 0) return false;
  const haystack = ` ${normalise(text)} `;
  return answer.every((alternatives) =>
    alternatives.some((alternative) => {
      const needle = normalise(alternative);
      return needle !== "" && haystack.includes(` ${needle} `);
    }),
  );
}
