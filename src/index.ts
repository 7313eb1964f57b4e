// Verity's public library API.

export type { AnswerDraft, Answerer, AnswerRequest } from "./answer/answerer.js";
export { createExtractiveAnswerer, type ExtractiveAnswererOptions } from "./answer/extractive-answerer.js";
export * from "./core/index.js";
export {
  type AskOptions,
  createVerity,
  defaultCollection,
  type Verity,
  type VerityOptions,
} from "./engine.js";
export type { ExtractedDocument, Loader, LoaderLimits, TextBlock } from "./ingest/extracted.js";
export type { FileOutcome, IngestOptions, IngestProgress, IngestSummary } from "./ingest/pipeline.js";
export type { RetrievedPassage } from "./retrieve/bm25-retriever.js";
export { createSqliteStore, type SqliteStoreOptions } from "./store/sqlite/sqlite-store.js";
export type * from "./store/store.js";
