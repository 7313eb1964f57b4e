// The Verity facade: wires store, ingestion, retrieval and answering from options. The library's API.
import { realpathSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { AnswerDraft, Answerer } from "./answer/answerer.js";
import { createExtractiveAnswerer } from "./answer/extractive-answerer.js";
import type { AnswerPolicy } from "./answer/verify/answer-policy.js";
import type { Answer } from "./core/answer.js";
import type { Collection, DocumentRecord } from "./core/document.js";
import { isVerityError, VerityError } from "./core/errors.js";
import type { LedgerSummary } from "./core/ledger.js";
import { type Logger, noopLogger } from "./core/logger.js";
import type { Embedder } from "./embed/embedder.js";
import { type ReindexOptions, type ReindexResult, reindexCollection } from "./embed/reindex.js";
import { createAudioLoader } from "./ingest/loaders/audio-loader.js";
import { type IngestOptions, type IngestSummary, ingestPaths } from "./ingest/pipeline.js";
import type { ModelCatalogue } from "./models/catalogue.js";
import { questionTermWeights, rankDocuments } from "./retrieve/bm25-retriever.js";
import { type ComparisonQuery, compareSpaces, type SpaceComparison } from "./retrieve/compare-spaces.js";
import { retrieveHybrid } from "./retrieve/hybrid-retriever.js";
import { createRouting, type RoutedAnswer } from "./route/routing.js";
import { createSqliteStore } from "./store/sqlite/sqlite-store.js";
import type { Job, Store, StoreStats } from "./store/store.js";
import { createPocketsphinxTranscriber } from "./transcribe/pocketsphinx.js";
import type { Transcriber } from "./transcribe/transcriber.js";

export const defaultCollection = "default";
export const defaultDataDir = ".verity";

export interface VerityOptions {
  /** Folder holding the embedded database; default `./.verity`. Ignored when `store` is given. */
  dataDir?: string;
  store?: Store;
  logger?: Logger;
  /**
   * The answerer used by `ask` when no model is chosen; default: extractive (no model needed), or the
   * catalogue's default model when `models` is given.
   */
  answerer?: Answerer;
  /** Language models `ask` may use (see `loadModelCatalogue`). */
  models?: ModelCatalogue;
  /** What happens to model sentences the sources do not back; default `balanced`. */
  policy?: AnswerPolicy;
  /** Where model API keys are read from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Passages retrieved per question. */
  retrievalLimit?: number;
  /** Embeds questions for hybrid retrieval when a collection has an active embedding space. */
  embedder?: Embedder;
  /** Hybrid fusion: RRF k and [BM25, vector] weights. */
  fusion?: { k?: number; weights?: readonly [number, number] };
  /**
   * Transcribes recordings at ingestion; default pocketsphinx, the offline fallback that needs nothing
   * configured (low accuracy; install it with apt-get install pocketsphinx pocketsphinx-en-us).
   */
  transcriber?: Transcriber;
}

export interface AskOptions {
  collection?: string;
  /** Passages retrieved for this question. */
  limit?: number;
  /** Catalogue id of the model to answer with; default the catalogue's default model. */
  model?: string;
  policy?: AnswerPolicy;
  /** Model answers: called with each verified sentence as it completes. */
  onSentence?: (sentence: Answer["sentences"][number]) => void;
  /** The HTTP API key the question came with: its budget applies, and the ledger records it. */
  apiKey?: string;
}

export interface RemoveResult {
  target: string;
  documents: number;
}

export interface Verity {
  readonly store: Store;
  ingest(paths: readonly string[], options?: Partial<IngestOptions>): Promise<IngestSummary>;
  ask(question: string, options?: AskOptions): Promise<Answer>;
  listCollections(): Collection[];
  listDocuments(collection?: string): DocumentRecord[];
  /** Removes a file (by path), a folder's files (by folder path) or a document (by id or source). */
  remove(target: string, collection?: string): RemoveResult;
  stats(options?: { since?: string; collection?: string }): {
    store: StoreStats;
    collections: Collection[];
    jobs: Job[];
    answers: LedgerSummary;
  };
  /**
   * Overlap@10 (and nDCG@10 with judgements) of the documents retrieved now and with `space`, before
   * switching to it. Judgements are keyed by query id, then by JSONL record id or file path.
   */
  compareSpace(options: {
    collection: string;
    space: string;
    embedder?: Embedder;
    queries: readonly ComparisonQuery[];
    judgements?: ReadonlyMap<string, ReadonlyMap<string, number>>;
  }): Promise<SpaceComparison>;
  /** Builds (or resumes building) an embedding space for a collection; queries keep running meanwhile. */
  reindex(options: Omit<ReindexOptions, "embedder"> & { embedder?: Embedder }): Promise<ReindexResult>;
  close(): void;
}

/** Retrieval and answerer warnings together, or nothing when there are none. */
function warningsOf(
  retrieval: readonly string[],
  details: Record<string, unknown>,
): { warnings: string[] } | undefined {
  const fallback = details.fallback as { from: string; reason: string } | undefined;
  const warnings = [
    ...retrieval,
    ...(Array.isArray(details.warnings) ? (details.warnings as string[]) : []),
    ...(fallback ? [`${fallback.from} failed (${fallback.reason}); answered extractively instead`] : []),
  ];
  return warnings.length > 0 ? { warnings } : undefined;
}

export function createVerity(options: VerityOptions = {}): Verity {
  const store =
    options.store ??
    createSqliteStore({ path: join(resolve(options.dataDir ?? defaultDataDir), "verity.db") });
  const logger = options.logger ?? noopLogger;
  const extractive = createExtractiveAnswerer();
  const audioLoader = createAudioLoader(options.transcriber ?? createPocketsphinxTranscriber());
  // Model answers go through the router: route, budgets, fallbacks, escalation, ledger.
  const routing = options.models
    ? createRouting({ catalogue: options.models, ledger: store, env: options.env, policy: options.policy })
    : undefined;
  const retrievalLimit = options.retrievalLimit ?? 8;

  /** Every answer goes in the ledger; a ledger that cannot be written costs a warning, not the answer. */
  function recordAnswer(answer: Answer, routed: RoutedAnswer | undefined, apiKey: string | undefined): void {
    try {
      store.recordAnswer({
        at: new Date().toISOString(),
        collection: answer.trace.collection,
        ...(apiKey !== undefined ? { apiKey } : {}),
        status: answer.status,
        answerer: answer.trace.answerer,
        escalated: routed?.escalated ?? false,
        costUsd: routed?.costUsd ?? 0,
        latencyMs: answer.trace.totalMs,
        ...(routed?.strongestCostUsd !== undefined ? { strongestCostUsd: routed.strongestCostUsd } : {}),
        trace: answer.trace,
        calls: routed?.calls ?? [],
      });
    } catch (error) {
      logger.warn({ error: (error as Error).message }, "could not record the answer in the ledger");
    } finally {
      routed?.release();
    }
  }

  /**
   * New chunks join the collection's active space when the configured embedder made it, so hybrid
   * search covers them at once; otherwise (or if the endpoint fails) `reindex` catches up later.
   */
  async function embedNewChunks(collection: string): Promise<void> {
    const embedder = options.embedder;
    const space = store.listSpaces(collection).find((candidate) => candidate.active);
    if (!embedder || !space || space.embeddedChunks === space.totalChunks) return;
    if (space.provider !== embedder.provider || space.model !== embedder.model) return;
    try {
      await reindexCollection(store, { collection, embedder, space: space.name });
    } catch (error) {
      logger.warn(
        { collection, space: space.name, error: (error as Error).message },
        "new chunks were stored but not embedded; run verity reindex to embed them",
      );
    }
  }

  return {
    store,

    async ingest(paths, ingestOptions = {}) {
      if (paths.length === 0)
        throw new VerityError("E_INVALID_INPUT", "no paths given; name files or folders to ingest");
      const summary = await ingestPaths(store, paths, {
        collection: defaultCollection,
        fileLoaders: [audioLoader],
        ...ingestOptions,
      });
      logger.info({ ...summary, errors: summary.errors.length }, "ingest finished");
      await embedNewChunks(summary.collection);
      return summary;
    },

    async ask(question, askOptions = {}) {
      const collection = askOptions.collection ?? defaultCollection;
      const trimmed = question.trim();
      if (!trimmed) throw new VerityError("E_INVALID_INPUT", "the question is empty; ask something");
      if (trimmed.length > 4000) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `the question is ${trimmed.length} characters; keep it under 4000`,
        );
      }
      if (!store.hasCollection(collection)) {
        throw new VerityError(
          "E_NOT_FOUND",
          `collection "${collection}" does not exist; ingest documents into it first (verity ingest <paths> --collection ${collection})`,
        );
      }
      const started = performance.now();
      const retrieval = await retrieveHybrid(store, trimmed, {
        collection,
        limit: askOptions.limit ?? retrievalLimit,
        embedder: options.embedder,
        fusion: options.fusion,
      });
      const { passages } = retrieval;
      for (const warning of retrieval.warnings) logger.warn({ collection }, warning);
      const termWeights = questionTermWeights(store, trimmed);
      const retrieved = performance.now();
      const request = { question: trimmed, passages, termWeights };
      if (askOptions.model !== undefined && !routing) {
        throw new VerityError(
          "E_CONFIG",
          `no model catalogue is configured, so there is no model "${askOptions.model}"; create one (see "Models" in the README) and pass --models <file>`,
        );
      }
      let answererId: string;
      let draft: AnswerDraft;
      let routed: RoutedAnswer | undefined;
      if (routing && (askOptions.model !== undefined || !options.answerer)) {
        routed = await routing.answer({
          ...request,
          collection,
          apiKey: askOptions.apiKey,
          model: askOptions.model,
          policy: askOptions.policy,
          onSentence: askOptions.onSentence,
        });
        draft = routed.draft;
        answererId = routed.answerer;
      } else {
        const answerer = options.answerer ?? extractive;
        answererId = answerer.id;
        try {
          draft = await answerer.doAnswer(request);
        } catch (error) {
          // A failing provider degrades to the extractive answer, which needs no model, with a note.
          if (!isVerityError(error) || !error.code.startsWith("E_PROVIDER_")) throw error;
          logger.warn(
            { answerer: answerer.id, code: error.code, error: error.message },
            "model failed; answering extractively",
          );
          answererId = extractive.id;
          const fallback = await extractive.doAnswer(request);
          draft = {
            ...fallback,
            details: {
              ...fallback.details,
              fallback: { from: answerer.id, code: error.code, reason: error.message },
            },
          };
        }
      }
      const finished = performance.now();
      const answer: Answer = {
        question: trimmed,
        status: draft.status,
        sentences: draft.sentences,
        abstention: draft.abstention,
        trace: {
          answerer: answererId,
          collection,
          retrievalMs: round(retrieved - started),
          answerMs: round(finished - retrieved),
          totalMs: round(finished - started),
          passages: passages.length,
          retrieval: retrieval.mode,
          ...(retrieval.space ? { space: retrieval.space } : {}),
          ...draft.details,
          ...(routed ? { route: routed.route, costUsd: routed.costUsd } : {}),
          ...(warningsOf(retrieval.warnings, draft.details) ?? {}),
        },
      };
      recordAnswer(answer, routed, askOptions.apiKey);
      logger.debug({ status: answer.status, trace: answer.trace }, "answered");
      return answer;
    },

    listCollections: () => store.listCollections(),
    listDocuments: (collection) => store.listDocuments(collection),

    remove(target, collection = defaultCollection) {
      const path = canonicalPath(target);
      const removedFile = store.removeFile(collection, path);
      if (removedFile > 0) return { target: path, documents: removedFile };
      const underFolder = store
        .listDocuments(collection)
        .filter((document) => document.file.startsWith(path + sep))
        .map((document) => document.file);
      if (underFolder.length > 0) {
        const documents = [...new Set(underFolder)].reduce(
          (sum, file) => sum + store.removeFile(collection, file),
          0,
        );
        return { target: path, documents };
      }
      if (store.removeDocument(collection, target) || store.removeDocument(collection, path)) {
        return { target, documents: 1 };
      }
      throw new VerityError(
        "E_NOT_FOUND",
        `nothing named ${target} in collection "${collection}"; see what is stored with: verity list --collection ${collection}`,
      );
    },

    stats: (statsOptions = {}) => ({
      store: store.stats(),
      collections: store.listCollections(),
      jobs: store.listJobs(10),
      answers: store.ledgerSummary(statsOptions),
    }),

    async compareSpace(compareOptions) {
      const newEmbedder = compareOptions.embedder ?? options.embedder;
      if (!newEmbedder)
        throw new VerityError("E_INVALID_INPUT", "comparing spaces needs the new space's embedder");
      return compareSpaces(store, {
        collection: compareOptions.collection,
        queries: compareOptions.queries,
        judgements: compareOptions.judgements,
        newSpace: compareOptions.space,
        newEmbedder,
        currentEmbedder: options.embedder,
        rank: async (question, space, embedder) => {
          const { passages } = await retrieveHybrid(store, question, {
            collection: compareOptions.collection,
            limit: 40,
            embedder,
            space: space ?? null,
          });
          // JSONL records are judged by record id (as in BEIR qrels), files by path.
          return rankDocuments(passages, 10).map(({ document }) =>
            document.source.includes("#")
              ? document.source.slice(document.source.lastIndexOf("#") + 1)
              : document.source,
          );
        },
      });
    },

    async reindex(reindexOptions) {
      const embedder = reindexOptions.embedder ?? options.embedder;
      if (!embedder) {
        throw new VerityError(
          "E_INVALID_INPUT",
          "re-embedding needs an embedder; pass --embedder <spec> (e.g. ollama:nomic-embed-text)",
        );
      }
      return reindexCollection(store, { ...reindexOptions, embedder });
    },

    close: () => store.close(),
  };
}

function canonicalPath(target: string): string {
  try {
    return realpathSync(resolve(target));
  } catch {
    return resolve(target);
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
