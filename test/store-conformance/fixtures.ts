// Small inputs the conformance cases share: documents and files built from chunk texts, accesses,
// vectors whose nearness is known, ledger entries and embedding spaces.
import { expect } from "vitest";
import type { Access } from "../../src/core/access.js";
import type { AnswerRecord } from "../../src/core/ledger.js";
import type { Location } from "../../src/core/location.js";
import type { NewDocument, PutFileInput } from "../../src/store/store.js";
import type { NewEmbeddingSpace, Quantization } from "../../src/store/vectors.js";

/** Reads documents without groups, in every collection. */
export const publicOnly: Access = { collections: "*", groups: [] };
/** Reads the `hr` group's documents and those without groups, in every collection. */
export const hr: Access = { collections: "*", groups: ["hr"] };
/** Reads everything of the collection `other`, nothing else. */
export const otherOnly: Access = { collections: ["other"], groups: "*" };

/** A document whose chunks are `texts`, joined by newlines into its text, with their offsets. */
export function documentOf(
  source: string,
  texts: readonly string[],
  extra: { title?: string; metadata?: Record<string, unknown>; locations?: Partial<Location>[] } = {},
): NewDocument {
  const text = texts.join("\n");
  let offset = 0;
  const chunks = texts.map((chunk, ordinal) => {
    const location: Location = {
      charStart: offset,
      charEnd: offset + chunk.length,
      ...extra.locations?.[ordinal],
    };
    offset += chunk.length + 1;
    return { ordinal, text: chunk, location };
  });
  return {
    source,
    title: extra.title ?? source,
    mediaType: "text/plain",
    text,
    size: Buffer.byteLength(text),
    ...(extra.metadata ? { metadata: extra.metadata } : {}),
    chunks,
  };
}

/**
 * A file of one document (the file's path as its source) in `collection` (default `c`), its content
 * hash derived from its texts so that other texts are other bytes.
 */
export function fileOf(
  path: string,
  texts: readonly string[],
  options: { groups?: readonly string[]; collection?: string } = {},
): PutFileInput {
  return filesDocuments(path, [documentOf(path, texts)], options);
}

/** A file holding `documents` (a JSONL file, say). */
export function filesDocuments(
  path: string,
  documents: readonly NewDocument[],
  options: { groups?: readonly string[]; collection?: string } = {},
): PutFileInput {
  const content = documents.map((document) => `${document.source}:${document.text}`).join("|");
  return {
    collection: options.collection ?? "c",
    path,
    contentHash: `hash of ${content}`,
    size: Buffer.byteLength(content),
    mediaType: "text/plain",
    documents: [...documents],
    ...(options.groups ? { groups: options.groups } : {}),
  };
}

export const sources = (hits: readonly { document: { source: string } }[]) =>
  hits.map((hit) => hit.document.source);

export const dimensions = 8;

/** A unit vector in the plane of the first two axes at `angle` from the first: smaller is nearer it. */
export function tilted(angle: number): Float32Array {
  const vector = new Float32Array(dimensions);
  vector[0] = Math.cos(angle);
  vector[1] = Math.sin(angle);
  return vector;
}

export function spaceOf(
  name: string,
  quantization: Quantization = "float32",
  collection = "c",
): NewEmbeddingSpace {
  return {
    collection,
    name,
    provider: "test",
    model: "axis",
    dimensions,
    normalised: true,
    version: "1",
    quantization,
  };
}

export function answerOf(overrides: Partial<AnswerRecord> = {}): AnswerRecord {
  return {
    at: "2026-12-01T10:00:00.000Z",
    collection: "c",
    status: "answered",
    answerer: "generative:m",
    escalated: false,
    costUsd: 0.5,
    latencyMs: 10,
    trace: { question: "what?" },
    calls: [{ model: "m", outcome: "grounded", costUsd: 0.5, latencyMs: 10 }],
    ...overrides,
  };
}

/** A time as the stores write them: ISO 8601 in UTC, to the millisecond (`Date.toISOString`). */
export const isoTime = expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/u);

/** Waits a few milliseconds, so two records get different times (never to assert on time). */
export const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
