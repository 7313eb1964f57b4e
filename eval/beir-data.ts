// A BEIR-format folder: corpus.jsonl ({_id,title,text}), queries.jsonl ({_id,text}), qrels/<split>.tsv.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { VerityError } from "../src/core/errors.js";
import type { Judgements } from "../src/retrieve/ranking-metrics.js";

export interface BeirQuery {
  id: string;
  text: string;
}

export interface BeirSet {
  corpusPath: string;
  /** Queries that have judgements, in file order. */
  queries: BeirQuery[];
  qrels: Map<string, Judgements>;
}

export function readBeir(folder: string, split = "test"): BeirSet {
  const corpusPath = join(folder, "corpus.jsonl");
  const queriesPath = join(folder, "queries.jsonl");
  const qrelsPath = join(folder, "qrels", `${split}.tsv`);
  for (const path of [corpusPath, queriesPath, qrelsPath]) {
    if (!existsSync(path)) {
      throw new VerityError(
        "E_NOT_FOUND",
        `${path} is missing; a BEIR folder holds corpus.jsonl, queries.jsonl and qrels/${split}.tsv`,
      );
    }
  }
  const qrels = new Map<string, Map<string, number>>();
  for (const [index, line] of readFileSync(qrelsPath, "utf8").split(/\r?\n/).entries()) {
    if (!line.trim() || (index === 0 && /query-id/i.test(line))) continue;
    const [queryId, documentId, score] = line.split("\t");
    if (queryId === undefined || documentId === undefined || score === undefined) {
      throw new VerityError("E_INVALID_INPUT", `${qrelsPath}:${index + 1} needs three tab-separated columns`);
    }
    let judgements = qrels.get(queryId);
    if (!judgements) {
      judgements = new Map();
      qrels.set(queryId, judgements);
    }
    judgements.set(documentId, Number(score));
  }
  const queries: BeirQuery[] = [];
  for (const line of readFileSync(queriesPath, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as { _id: string | number; text: string };
    const id = String(record._id);
    if (qrels.has(id)) queries.push({ id, text: record.text });
  }
  return { corpusPath, queries, qrels };
}

/** The corpus id of a document Verity stored from a JSONL record (`<path>#<id>`). */
export function recordIdOf(source: string): string {
  return source.slice(source.lastIndexOf("#") + 1);
}
