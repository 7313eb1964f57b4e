// Verity's public library API: `createVerity`, and everything its options and results are made of.
// (The CLI does not import this file: it loads each part only when a command needs it.)

// Answering: the seam, the extractive (no model) and generative answerers, policies, judges.
export {
  type AnswerDraft,
  type Answerer,
  type AnswerRequest,
  noPassagesDraft,
} from "./answer/answerer.js";
export { type ConversationTurn, standaloneQuestion } from "./answer/conversation/standalone-question.js";
export { createExtractiveAnswerer, type ExtractiveAnswererOptions } from "./answer/extractive-answerer.js";
export {
  createGenerativeAnswerer,
  type GenerativeAnswererOptions,
} from "./answer/generative/generative-answerer.js";
export { type AnswerPolicy, answerPolicies } from "./answer/verify/answer-policy.js";
export { createModelJudge, createNliJudge, type Judge, type Judgement } from "./answer/verify/judge.js";
export {
  createSentenceVerifier,
  type SentenceVerifier,
  type VerifyOptions,
  verifySentence,
} from "./answer/verify/verifier.js";
// Domain types, errors and their codes, the logger port, defaults, API keys.
export type { Environment } from "./core/api-key.js";
export { defaultCollection, defaultDataDir } from "./core/defaults.js";
export { accessGroups, collectionNamePattern, validateCollection } from "./core/document.js";
export * from "./core/index.js";
// Embedders (from a spec string or directly) and re-embedding.
export * from "./embed/index.js";
export {
  defaultSpaceName,
  type ReindexOptions,
  type ReindexProgress,
  type ReindexResult,
} from "./embed/reindex.js";
// The engine.
export {
  type AskOptions,
  createVerity,
  type RemoveCollectionResult,
  type RemoveResult,
  type SearchOptions,
  type SearchPassage,
  type SearchResult,
  type StatsOptions,
  type Verity,
  type VerityIngestOptions,
  type VerityKeys,
  type VerityOptions,
  type VerityStats,
  type VerityWatchOptions,
} from "./engine.js";
// Ingestion.
export type {
  ExtractedDocument,
  FileLoader,
  FileProgress,
  Loader,
  LoaderLimits,
  LoadProblem,
  PartialLoad,
  TextBlock,
} from "./ingest/extracted.js";
export type { GroupRule } from "./ingest/group-rules.js";
export type {
  FileOutcome,
  FileStatus,
  IngestOptions,
  IngestProgress,
  IngestSummary,
} from "./ingest/pipeline.js";
export type { Watcher } from "./ingest/watch.js";
// Models: the catalogue (file or object) and its entries.
export {
  costOf,
  findModel,
  type JudgeScope,
  type JudgeSettings,
  judgeScopes,
  loadModelCatalogue,
  type ModelCatalogue,
  type ModelEntry,
  parseModelCatalogue,
} from "./models/catalogue.js";
export {
  type OptionSources,
  type ResolvedOptions,
  resolveVerityOptions,
} from "./resolve-options.js";
// Retrieval.
export type { RetrievedPassage } from "./retrieve/bm25-retriever.js";
export type { ComparisonQuery, SpaceComparison } from "./retrieve/compare-spaces.js";
// Routing and budgets: the `routing` section of a catalogue.
export {
  type BudgetSettings,
  parseRoutingSettings,
  type RoutePolicy,
  type RouteRule,
  type RouteSettings,
  type RoutingSettings,
  routePolicies,
} from "./route/settings.js";
// The store: the contract and the embedded SQLite implementation, and API keys.
export { type NewApiKeyInput, parseNewApiKey } from "./store/api-key-input.js";
export {
  type ApiKey,
  type ApiKeyScope,
  type ApiKeyVerification,
  apiKeyPrefix,
  apiKeyScopes,
  type CreatedApiKey,
  keyAccess,
  type NewApiKey,
} from "./store/api-keys.js";
export * from "./store/index.js";
// Transcribers (from a spec string or directly) and the ffmpeg audio tools.
export * from "./transcribe/index.js";
export type { TranscriberFromSpecOptions } from "./transcribe/transcriber-spec.js";
