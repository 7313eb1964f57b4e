// The Verity facade: wires store, ingestion, retrieval and answering from options. The library's API.
// Only what every command needs is imported here; ingestion, re-embedding, routing (the AI SDK) and
// recordings are loaded on first use, so a BM25 question starts in tens of milliseconds.
//
// Every read takes the caller's `Access` (default: everything, as for the library and the CLI on
// their own data) and hands it to the store, which applies it inside its queries. A collection the
// caller may not read is "not found", exactly like one that does not exist.
import { realpathSync } from "node:fs";
import { join, resolve, sep } from "node:path";
import type { AnswerDraft, Answerer } from "./answer/answerer.js";
import { type ConversationTurn, standaloneQuestion } from "./answer/conversation/standalone-question.js";
import type { AnswerPolicy } from "./answer/verify/answer-policy.js";
import { type Access, fullAccess, mayReadCollection } from "./core/access.js";
import type { Answer } from "./core/answer.js";
import type { Environment } from "./core/api-key.js";
import { defaultCollection, defaultDataDir } from "./core/defaults.js";
import { type Chunk, type Collection, type DocumentRecord, validateCollection } from "./core/document.js";
import { isVerityError, VerityError } from "./core/errors.js";
import type { LedgerQuery, LedgerSummary, StoredAnswer } from "./core/ledger.js";
import type { Location } from "./core/location.js";
import { type Logger, noopLogger } from "./core/logger.js";
import type { Embedder } from "./embed/embedder.js";
import type { ReindexOptions, ReindexResult } from "./embed/reindex.js";
import type { FileLoader } from "./ingest/extracted.js";
import type { IngestOptions, IngestSummary } from "./ingest/pipeline.js";
import type { Watcher, WatchOptions } from "./ingest/watch.js";
import type { ModelCatalogue } from "./models/catalogue.js";
import { questionTermWeights, rankDocuments } from "./retrieve/bm25-retriever.js";
import type { ComparisonQuery, SpaceComparison } from "./retrieve/compare-spaces.js";
import { retrieveHybrid } from "./retrieve/hybrid-retriever.js";
import type { RoutedAnswer } from "./route/routing.js";
import type { NewApiKeyInput } from "./store/api-key-input.js";
import type { ApiKey, ApiKeyVerification, CreatedApiKey } from "./store/api-keys.js";
import { lazyStore } from "./store/lazy-store.js";
import { type AnnOptions, createSqliteStore } from "./store/sqlite/sqlite-store.js";
import type { CollectionSettings, CollectionTokenizer, Job, Store, StoreStats } from "./store/store.js";
import type { Transcriber } from "./transcribe/transcriber.js";

export { defaultCollection, defaultDataDir };

export interface VerityOptions {
  /** Folder holding the embedded database; default `./.verity`. Ignored when `store` is given. */
  dataDir?: string;
  /**
   * A PostgreSQL database to keep everything in instead of the embedded one (`postgres://user@host/db`,
   * any managed Postgres; pgvector for vector search). The password may come from PGPASSWORD. Opened on
   * first use; ignored when `store` is given.
   */
  databaseUrl?: string;
  store?: Store;
  /**
   * HNSW indexes of large embedding spaces in the embedded store (ignored when `store` is given):
   * from how many vectors (`threshold`, default 50 000; Infinity: never) and their search width.
   */
  vectorIndex?: AnnOptions;
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
  env?: Environment;
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
  /**
   * Called once with each sentence of the answer, in order: a model's sentences as each passes
   * verification (or, on a route that may escalate, once the answer is accepted); an extractive
   * answer's when it is ready. Never called for an abstention.
   */
  onSentence?: (sentence: Answer["sentences"][number]) => void;
  /** The id of the API key the question came with: its budget applies, and the ledger records it. */
  apiKey?: string;
  /**
   * What the caller may read (default everything). Retrieval, the answer, its citations and closest
   * sources come only from what it may read, inside the store's queries; a collection it may not read
   * is E_NOT_FOUND, as one that does not exist. (Words are weighed by counts over the whole index,
   * never by text: see Store.termStatistics.)
   */
  access?: Access;
  /**
   * Aborting it stops retrieval (the embedding request) and the model call under way: `ask` then
   * rejects with the signal's reason (a DOMException named AbortError, unless the caller aborted with
   * a reason of its own, e.g. AbortSignal.timeout's TimeoutError), never with a fallback answer, and
   * records nothing in the ledger (nor does a budget keep holding what the answer had reserved).
   */
  signal?: AbortSignal;
  /**
   * The conversation before this question, oldest first (the question itself not in it). A
   * follow-up that leans on it ("and for part-timers?") is retrieved and answered as a question that
   * stands alone; the answer's `question` stays what was asked, and its trace holds the question
   * used (`retrievalQuestion`) when it differs.
   */
  history?: readonly ConversationTurn[];
}

export interface SearchOptions {
  collection?: string;
  /** Passages to return (1-1000; default the engine's retrievalLimit). */
  limit?: number;
  /** What the caller may read (default everything); see AskOptions. */
  access?: Access;
  /** Aborting it stops the search, which rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** One retrieved passage, best first. */
export interface SearchPassage {
  documentId: string;
  source: string;
  title: string;
  chunkId: string;
  location: Location;
  text: string;
  /** Higher is better; comparable only within one search (BM25, or fused ranks when hybrid). */
  score: number;
}

export interface SearchResult {
  passages: SearchPassage[];
  /** `hybrid` when an embedding space was searched as well as BM25. */
  mode: "bm25" | "hybrid";
  /** The embedding space searched, when hybrid. */
  space?: string;
  /** How that space was searched: `ann` through its HNSW index (approximate), or an `exact` scan. */
  vectorSearch?: "ann" | "exact";
  /** Why vectors were not used when they could have been. */
  warnings: string[];
}

export interface StatsOptions extends LedgerQuery {}

export interface VerityStats {
  store: StoreStats;
  collections: Collection[];
  jobs: Job[];
  answers: LedgerSummary;
}

export interface RemoveCollectionResult {
  collection: string;
  files: number;
  documents: number;
}

/** API keys for the HTTP API and MCP, kept in the store. */
export interface VerityKeys {
  /**
   * Creates a key. The result's `secret` (`vty_<id>_<secret>`) is the only time the key is shown:
   * only its hash is stored. E_INVALID_INPUT (with `option`) for an empty name, an unknown scope, a bad
   * collection or group name, or an expiry that cannot be read or has passed.
   */
  create(input: NewApiKeyInput): Promise<CreatedApiKey>;
  /**
   * Checks a presented key: `valid` with the key and the Access it implies, or why not (`malformed`,
   * `unknown` for no such key or a wrong secret, `revoked`, `expired`).
   */
  verify(presented: string): Promise<ApiKeyVerification>;
  /** Every key, newest first, without secrets or hashes. */
  list(): Promise<ApiKey[]>;
  /** Revokes a key by id and returns it; E_NOT_FOUND when there is no such key. */
  revoke(id: string): Promise<ApiKey>;
  /** Whether any key was ever created (revoked and expired ones count: keys stay required). */
  exists(): Promise<boolean>;
}

/** What `ingest` takes: the pipeline's options, and the settings of a collection it creates. */
export type VerityIngestOptions = Partial<IngestOptions> & {
  /**
   * How the collection's text is indexed, fixed when this ingest creates it: `default` (words), or
   * `cjk` to make Chinese, Japanese and Korean text searchable. An existing collection keeps its own;
   * naming another is E_INVALID_INPUT.
   */
  tokenizer?: CollectionTokenizer;
};

export type VerityWatchOptions = VerityIngestOptions &
  Pick<WatchOptions, "debounceMs" | "onSync" | "onError">;

export interface RemoveResult {
  target: string;
  documents: number;
}

export interface Verity {
  readonly store: Store;
  /**
   * Ingests files and folders. `groups` and `groupRules` give the documents access groups; an
   * unchanged file ingested again under other groups gets them without being chunked again.
   */
  ingest(paths: readonly string[], options?: VerityIngestOptions): Promise<IngestSummary>;
  /**
   * Keeps a collection in sync with files and folders until closed: a full ingest that prunes files
   * that are gone (reported to `onSync`), then each burst of additions, changes and deletions.
   */
  watch(paths: readonly string[], options?: VerityWatchOptions): Promise<Watcher>;
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** The passages a question retrieves, best first, without an answer. E_NOT_FOUND as for `ask`. */
  search(question: string, options?: SearchOptions): Promise<SearchResult>;
  /** Collections the caller may read, counting the documents and chunks it may read. */
  listCollections(access?: Access): Promise<Collection[]>;
  /** Documents the caller may read (with their `groups`), of one collection or all. */
  listDocuments(collection?: string, access?: Access): Promise<DocumentRecord[]>;
  /**
   * A document by id or source, with its stored file path (`file`); undefined alike when there is
   * none and when the caller may not read it.
   */
  getDocument(
    idOrSource: string,
    options?: { collection?: string; access?: Access },
  ): Promise<DocumentRecord | undefined>;
  /** A document's full extracted text, when the caller may read it. */
  getDocumentText(documentId: string, options?: { access?: Access }): Promise<string | undefined>;
  /** A document's chunks in order (with their locations); none when the caller may not read it. */
  getChunks(documentId: string, options?: { access?: Access }): Promise<Chunk[]>;
  /**
   * Creates an empty collection (the defaults for settings not given), or returns an existing one's
   * settings; E_INVALID_INPUT for a bad name or settings that differ from an existing collection's.
   */
  createCollection(name: string, settings?: Partial<CollectionSettings>): Promise<CollectionSettings>;
  /**
   * Removes a collection and everything derived from it (files, documents, chunks, embedding spaces);
   * the ledger keeps its answers. E_NOT_FOUND when there is no such collection or `access` may not
   * read it; E_FORBIDDEN when `access` may not read every group (it would remove documents it cannot see).
   */
  removeCollection(name: string, options?: { access?: Access }): Promise<RemoveCollectionResult>;
  /**
   * Removes a file (by path), a folder's files (by folder path) or a document (by id or source).
   * With `access`, only what the caller may read: anything else is E_NOT_FOUND, as if absent.
   */
  remove(target: string, collection?: string, access?: Access): Promise<RemoveResult>;
  /**
   * Counts, recent jobs and the ledger's summary, over what `access` may read: its collections'
   * answers are summed; jobs (which name files of every group) only when it may read every group.
   */
  stats(options?: StatsOptions): Promise<VerityStats>;
  /**
   * Recorded answers, newest first (default 50). A caller that may not read everything sees only
   * the answers asked with its own key (`apiKey`), in collections it may read.
   */
  listAnswers(options?: LedgerQuery & { apiKey?: string; limit?: number }): Promise<StoredAnswer[]>;
  /** API keys: create (the secret shown once), verify, list, revoke. */
  readonly keys: VerityKeys;
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
  close(): Promise<void>;
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

/** How a follow-up was made to stand alone: as asked, by carrying words over, or by a model. */
interface FollowUpRewrite {
  question: string;
  by: "asked" | "words" | "model";
  model?: string;
  costUsd: number;
  warning?: string;
}

/** The model-free rewrite: the earlier question's words carried over when the follow-up leans on it. */
function standaloneRewrite(question: string, history: readonly ConversationTurn[]): FollowUpRewrite {
  const rewritten = standaloneQuestion(question, history);
  return { question: rewritten, by: rewritten === question ? "asked" : "words", costUsd: 0 };
}

/** `load()` runs once, on first use; a failure is not remembered, so the next call tries again. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}

export function createVerity(options: VerityOptions = {}): Verity {
  const logger = options.logger ?? noopLogger;
  const databaseUrl = options.databaseUrl;
  const store =
    options.store ??
    (databaseUrl !== undefined
      ? lazyStore(async () =>
          (await import("./store/postgres/index.js")).createPostgresStore({ url: databaseUrl, logger }),
        )
      : undefined) ??
    createSqliteStore({
      path: join(resolve(options.dataDir ?? defaultDataDir), "verity.db"),
      logger,
      ...(options.vectorIndex ? { vectorIndex: options.vectorIndex } : {}),
    });
  const env = options.env ?? process.env;
  const extractive = once(async () =>
    (await import("./answer/extractive-answerer.js")).createExtractiveAnswerer(),
  );
  const audioLoader = once(async (): Promise<FileLoader> => {
    const { createAudioLoader } = await import("./ingest/loaders/audio-loader.js");
    const transcriber =
      options.transcriber ?? (await import("./transcribe/pocketsphinx.js")).createPocketsphinxTranscriber();
    return createAudioLoader(transcriber);
  });
  // Model answers go through the router: route, budgets, fallbacks, escalation, ledger. Its settings
  // are checked on the first question that needs it.
  const models = options.models;
  const routing = models
    ? once(async () =>
        (await import("./route/routing.js")).createRouting({
          catalogue: models,
          ledger: store,
          env,
          policy: options.policy,
        }),
      )
    : undefined;
  const reindexCollection = async (
    ...args: Parameters<typeof import("./embed/reindex.js").reindexCollection>
  ) => (await import("./embed/reindex.js")).reindexCollection(...args);
  const retrievalLimit = options.retrievalLimit ?? 8;

  /** E_NOT_FOUND, alike, when the collection does not exist and when `access` may not read it. */
  async function requireReadableCollection(collection: string, access: Access): Promise<void> {
    if (!mayReadCollection(access, collection) || !(await store.hasCollection(collection))) {
      throw new VerityError(
        "E_NOT_FOUND",
        `collection "${collection}" does not exist; ingest documents into it first`,
        { option: "collection" },
      );
    }
  }

  /** Checks an ingest's paths and options, creates a collection with its tokenizer, adds the recordings loader. */
  async function prepareIngest(
    paths: readonly string[],
    ingestOptions: VerityIngestOptions,
  ): Promise<IngestOptions> {
    if (paths.length === 0)
      throw new VerityError("E_INVALID_INPUT", "no paths given; name files or folders to ingest");
    const { tokenizer, ...pipelineOptions } = ingestOptions;
    if (tokenizer !== undefined) {
      const collection = pipelineOptions.collection ?? defaultCollection;
      validateCollection(collection);
      await store.createCollection(collection, { tokenizer });
    }
    return { collection: defaultCollection, fileLoaders: [await audioLoader()], ...pipelineOptions };
  }

  /** `question` made to stand alone from the conversation before it (see AskOptions.history). */
  async function rewriteFollowUp(
    question: string,
    history: readonly ConversationTurn[],
    collection: string,
    signal: AbortSignal | undefined,
  ): Promise<FollowUpRewrite> {
    if (!models) return standaloneRewrite(question, history);
    const [conversation, settings] = await Promise.all([
      import("./answer/conversation/rewrite-with-model.js"),
      import("./route/settings.js"),
    ]);
    // The history holds answers drawn from the collection: an on-premise-only one keeps it local.
    const localOnly = settings.routeFor(settings.parseRoutingSettings(models), collection).onPremiseOnly;
    const model = conversation.chooseRewriteModel(models.models, { localOnly });
    return conversation.rewriteFollowUp(question, history, model, { env, ...(signal ? { signal } : {}) });
  }

  /** Every answer goes in the ledger; a ledger that cannot be written costs a warning, not the answer. */
  async function recordAnswer(
    answer: Answer,
    routed: RoutedAnswer | undefined,
    apiKey: string | undefined,
  ): Promise<void> {
    if (store.readOnly) {
      // A shipped or shared index on read-only storage answers, but cannot keep the answer.
      const warnings = Array.isArray(answer.trace.warnings) ? (answer.trace.warnings as string[]) : [];
      answer.trace.warnings = [...warnings, "not recorded in the ledger: the store is read-only"];
      routed?.release();
      return;
    }
    try {
      await store.recordAnswer({
        at: new Date().toISOString(),
        collection: answer.trace.collection,
        ...(apiKey !== undefined ? { apiKey } : {}),
        status: answer.status,
        answerer: answer.trace.answerer,
        escalated: routed?.escalated ?? false,
        costUsd: typeof answer.trace.costUsd === "number" ? answer.trace.costUsd : 0,
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
    const space = (await store.listSpaces(collection)).find((candidate) => candidate.active);
    if (!embedder || !space || space.embeddedChunks === space.totalChunks) return;
    if (space.provider !== embedder.provider || space.model !== embedder.model) return;
    try {
      await reindexCollection(store, { collection, embedder, space: space.name });
    } catch (error) {
      logger.warn(
        { collection, space: space.name, error: (error as Error).message },
        "new chunks were stored but not embedded; reindex the collection to embed them",
      );
    }
  }

  return {
    store,

    async ingest(paths, ingestOptions = {}) {
      const [{ ingestPaths }, pipelineOptions] = await Promise.all([
        import("./ingest/pipeline.js"),
        prepareIngest(paths, ingestOptions),
      ]);
      const summary = await ingestPaths(store, paths, pipelineOptions);
      logger.info({ ...summary, errors: summary.errors.length }, "ingest finished");
      await embedNewChunks(summary.collection);
      return summary;
    },

    async watch(paths, watchOptions = {}) {
      const { debounceMs, onSync, onError, ...ingestOptions } = watchOptions;
      const [{ watchPaths }, pipelineOptions] = await Promise.all([
        import("./ingest/watch.js"),
        prepareIngest(paths, ingestOptions),
      ]);
      let synced = Promise.resolve();
      return watchPaths(store, paths, {
        ...pipelineOptions,
        ...(debounceMs !== undefined ? { debounceMs } : {}),
        onSync(summary, phase) {
          logger.info({ ...summary, errors: summary.errors.length, phase }, "watch synced");
          // New chunks join the active embedding space after each burst, one burst at a time.
          synced = synced.then(() => embedNewChunks(summary.collection));
          onSync?.(summary, phase);
        },
        onError(error) {
          logger.warn(
            { error: error.message },
            "watch could not store a change; it will retry on the next one",
          );
          onError?.(error);
        },
      });
    },

    async ask(question, askOptions = {}) {
      const collection = askOptions.collection ?? defaultCollection;
      const access = askOptions.access ?? fullAccess;
      const { signal } = askOptions;
      const trimmed = checkedQuestion(question);
      await requireReadableCollection(collection, access);
      signal?.throwIfAborted();
      // A follow-up is retrieved as a question that stands alone: rewritten by the cheapest model when
      // a catalogue is configured, else given the earlier question's words. The answerer reads the
      // question as asked unless a model rewrote it: carried words find the passages, but would pull
      // the chosen sentence towards the earlier question.
      const rewrite: FollowUpRewrite = askOptions.history?.length
        ? await rewriteFollowUp(trimmed, askOptions.history, collection, signal)
        : { question: trimmed, by: "asked", costUsd: 0 };
      const asked = rewrite.question;
      const answerQuestion = rewrite.by === "model" ? rewrite.question : trimmed;
      const started = performance.now();
      const retrieval = await retrieveHybrid(store, asked, {
        collection,
        limit: askOptions.limit ?? retrievalLimit,
        embedder: options.embedder,
        fusion: options.fusion,
        access,
        ...(signal ? { signal } : {}),
      });
      const { passages } = retrieval;
      for (const warning of retrieval.warnings) logger.warn({ collection }, warning);
      const termWeights = await questionTermWeights(store, answerQuestion, access);
      const retrieved = performance.now();
      const request = { question: answerQuestion, passages, termWeights, ...(signal ? { signal } : {}) };
      if (askOptions.model !== undefined && !routing) {
        throw new VerityError(
          "E_CONFIG",
          `no model catalogue is configured, so there is no model "${askOptions.model}"; pass 'models' (see loadModelCatalogue and "Models" in the README)`,
          { option: "models" },
        );
      }
      let answererId: string;
      let draft: AnswerDraft;
      let routed: RoutedAnswer | undefined;
      let streamed = 0;
      const onSentence = askOptions.onSentence
        ? (sentence: Answer["sentences"][number]) => {
            streamed++;
            askOptions.onSentence?.(sentence);
          }
        : undefined;
      if (routing && (askOptions.model !== undefined || !options.answerer)) {
        routed = await (await routing()).answer({
          ...request,
          collection,
          apiKey: askOptions.apiKey,
          model: askOptions.model,
          policy: askOptions.policy,
          onSentence,
        });
        draft = routed.draft;
        answererId = routed.answerer;
      } else {
        const answerer = options.answerer ?? (await extractive());
        answererId = answerer.id;
        try {
          draft = await answerer.doAnswer(request);
        } catch (error) {
          // A caller that gave up gets the reason it gave, not a fallback answer.
          if (signal?.aborted) throw signal.reason;
          // A failing provider degrades to the extractive answer, which needs no model, with a note.
          if (!isVerityError(error) || !error.code.startsWith("E_PROVIDER_")) throw error;
          logger.warn(
            { answerer: answerer.id, code: error.code, error: error.message },
            "model failed; answering extractively",
          );
          const extractiveAnswerer = await extractive();
          answererId = extractiveAnswerer.id;
          const fallback = await extractiveAnswerer.doAnswer(request);
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
          ...(asked !== trimmed ? { retrievalQuestion: asked } : {}),
          retrievalMs: round(retrieved - started),
          answerMs: round(finished - retrieved),
          totalMs: round(finished - started),
          passages: passages.length,
          retrieval: retrieval.mode,
          ...(retrieval.space ? { space: retrieval.space } : {}),
          ...(retrieval.vectorSearch ? { vectorSearch: retrieval.vectorSearch } : {}),
          ...(rewrite.by !== "asked"
            ? {
                rewrite: {
                  by: rewrite.by,
                  ...(rewrite.model ? { model: rewrite.model } : {}),
                  costUsd: rewrite.costUsd,
                },
              }
            : {}),
          ...draft.details,
          ...(routed ? { route: routed.route } : {}),
          ...(routed || rewrite.costUsd > 0 ? { costUsd: (routed?.costUsd ?? 0) + rewrite.costUsd } : {}),
          ...(warningsOf(
            [...retrieval.warnings, ...(rewrite.warning ? [rewrite.warning] : [])],
            draft.details,
          ) ?? {}),
        },
      };
      await recordAnswer(answer, routed, askOptions.apiKey);
      // Sentences not streamed (extractive, or held back until a cascade accepted the answer) now.
      if (draft.status === "answered")
        for (const sentence of draft.sentences.slice(streamed)) onSentence?.(sentence);
      logger.debug({ status: answer.status, trace: answer.trace }, "answered");
      return answer;
    },

    async search(question, searchOptions = {}) {
      const collection = searchOptions.collection ?? defaultCollection;
      const access = searchOptions.access ?? fullAccess;
      const { signal } = searchOptions;
      const trimmed = checkedQuestion(question);
      await requireReadableCollection(collection, access);
      signal?.throwIfAborted();
      const retrieval = await retrieveHybrid(store, trimmed, {
        collection,
        limit: searchOptions.limit ?? retrievalLimit,
        embedder: options.embedder,
        fusion: options.fusion,
        access,
        ...(signal ? { signal } : {}),
      });
      return {
        passages: retrieval.passages.map((passage) => ({
          documentId: passage.document.id,
          source: passage.document.source,
          title: passage.document.title,
          chunkId: passage.chunk.id,
          location: passage.chunk.location,
          text: passage.chunk.text,
          score: passage.score,
        })),
        mode: retrieval.mode,
        ...(retrieval.space ? { space: retrieval.space } : {}),
        ...(retrieval.vectorSearch ? { vectorSearch: retrieval.vectorSearch } : {}),
        warnings: retrieval.warnings,
      };
    },

    listCollections: (access) => store.listCollections(access),
    listDocuments: (collection, access) => store.listDocuments(collection, access),
    getDocument: (idOrSource, lookup = {}) => store.getDocument(idOrSource, lookup.collection, lookup.access),
    getDocumentText: (documentId, lookup = {}) => store.getDocumentText(documentId, lookup.access),
    getChunks: (documentId, lookup = {}) => store.getChunks(documentId, lookup.access),

    async createCollection(name, settings) {
      validateCollection(name);
      return store.createCollection(name, settings);
    },

    async removeCollection(name, removal = {}) {
      const access = removal.access ?? fullAccess;
      const missing = () =>
        new VerityError(
          "E_NOT_FOUND",
          `collection "${name}" does not exist; list the collections to see their names`,
          { option: "collection" },
        );
      if (!(await store.hasCollection(name)) || !mayReadCollection(access, name)) throw missing();
      if (access.groups !== "*") {
        throw new VerityError(
          "E_FORBIDDEN",
          `removing collection "${name}" removes documents of every access group, and this caller may not read every group; use a key whose groups are "*"`,
        );
      }
      const removed = await store.removeCollection(name);
      if (!removed) throw missing();
      logger.info({ collection: name, ...removed }, "collection removed");
      return { collection: name, ...removed };
    },

    async remove(target, collection = defaultCollection, access = fullAccess) {
      const path = canonicalPath(target);
      const readable = mayReadCollection(access, collection);
      const removedFile = readable ? await store.removeFile(collection, path, access) : 0;
      if (removedFile > 0) return { target: path, documents: removedFile };
      const underFolder = readable
        ? (await store.listFiles(collection, access))
            .map((file) => file.path)
            .filter((file) => file.startsWith(path + sep))
        : [];
      if (underFolder.length > 0) {
        let documents = 0;
        for (const file of underFolder) documents += await store.removeFile(collection, file, access);
        return { target: path, documents };
      }
      if (
        readable &&
        ((await store.removeDocument(collection, target, access)) ||
          (await store.removeDocument(collection, path, access)))
      ) {
        return { target, documents: 1 };
      }
      throw new VerityError(
        "E_NOT_FOUND",
        `nothing named ${target} in collection "${collection}"; list the collection's documents to see their paths and ids`,
      );
    },

    stats: async (statsOptions = {}) => ({
      store: await store.stats(statsOptions.access),
      collections: await store.listCollections(statsOptions.access),
      jobs: await store.listJobs(10, statsOptions.access),
      answers: await store.ledgerSummary(statsOptions),
    }),

    listAnswers: (listing) => store.listAnswers(listing),

    keys: {
      async create(input) {
        // zod is loaded only when a key is made.
        const { parseNewApiKey } = await import("./store/api-key-input.js");
        const created = await store.createApiKey(parseNewApiKey(input));
        logger.info({ keyId: created.key.id, name: created.key.name }, "API key created");
        return created;
      },
      verify: (presented) => store.verifyApiKey(presented),
      list: () => store.listApiKeys(),
      async revoke(id) {
        const key = await store.revokeApiKey(id);
        if (!key) {
          throw new VerityError(
            "E_NOT_FOUND",
            `there is no API key with id ${JSON.stringify(id)}; list the keys to see their ids`,
          );
        }
        logger.info({ keyId: key.id }, "API key revoked");
        return key;
      },
      exists: () => store.hasApiKeys(),
    },

    async compareSpace(compareOptions) {
      const newEmbedder = compareOptions.embedder ?? options.embedder;
      if (!newEmbedder)
        throw new VerityError(
          "E_INVALID_INPUT",
          "comparing spaces needs the new space's embedder; pass 'embedder'",
          {
            option: "embedder",
          },
        );
      const { compareSpaces } = await import("./retrieve/compare-spaces.js");
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
          "re-embedding needs an embedder; pass 'embedder' (e.g. createEmbedderFromSpec(\"ollama:nomic-embed-text\"))",
          { option: "embedder" },
        );
      }
      return reindexCollection(store, { ...reindexOptions, embedder });
    },

    close: () => store.close(),
  };
}

/** The question trimmed, or E_INVALID_INPUT when it is empty or too long. */
function checkedQuestion(question: string): string {
  const trimmed = typeof question === "string" ? question.trim() : "";
  if (!trimmed) throw new VerityError("E_INVALID_INPUT", "the question is empty; ask something");
  if (trimmed.length > 4000) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `the question is ${trimmed.length} characters; keep it under 4000`,
    );
  }
  return trimmed;
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
