// `migrateToPostgres`: copies everything an embedded data dir holds into a Postgres database, then
// verifies the copy by counts and checksums. Resumable: every batch is one transaction and the target
// itself says what is done, so a run killed at any point, run again, continues and ends as an
// uninterrupted run would. The source is only read.
import type { PGlite } from "@electric-sql/pglite";
import { VerityError } from "../../core/errors.js";
import { sql } from "../postgres/sql.js";
import { storeError } from "../postgres/store-errors.js";
import { batchesOf, copyCollection, copyFileBatch, filesToCopy, removeTargetFiles } from "./copy-files.js";
import { copyApiKeys, copyJobs, copyLedger, sourceAnswerCount } from "./copy-records.js";
import { copySpace, spaceKey } from "./copy-vectors.js";
import { differences, type Inventory } from "./inventory.js";
import {
  openSource,
  type SourceDatabase,
  sourceCollections,
  sourceSpaces,
  sourceVectorCount,
} from "./source.js";
import { sourceInventory } from "./source-inventory.js";
import {
  claimTarget,
  openTarget,
  recordFinished,
  resetVectorProgress,
  type SourceIdentity,
  type Target,
} from "./target.js";
import { targetInventory, targetSpaces } from "./target-inventory.js";

export interface MigrateOptions {
  /** The embedded store's data dir (holding verity.db); only read. */
  dataDir: string;
  /** postgres://… URL of the target database. */
  url?: string;
  /** Or an in-process PGlite (tests; the caller closes it). */
  pglite?: PGlite;
  /** Schema of the target (default "verity", the Postgres store's default). */
  schema?: string;
  /** How the target keeps float32 vectors (the Postgres store's vectorType; default float32). */
  vectorType?: "float32" | "halfvec" | "binary";
  /** Only compare source and target, copying nothing. */
  verifyOnly?: boolean;
  /** Files per transaction (default 50; a batch also stops at about 2000 chunks). */
  batchFiles?: number;
  /** Called after every batch; a rejection stops the migration there (it resumes on the next run). */
  onProgress?: (progress: MigrationProgress) => void | Promise<void>;
}

export type MigrationPhase = "files" | "vectors" | "ledger" | "verify";

export interface MigrationProgress {
  phase: MigrationPhase;
  files: { done: number; total: number };
  chunks: { done: number; total: number };
  vectors: { done: number; total: number };
  answers: { done: number; total: number };
}

export interface SpaceNotCopied {
  collection: string;
  space: string;
  vectors: number;
  reason: string;
}

export interface MigrationSummary {
  source: string;
  /** The target, without its password. */
  target: string;
  schema: string;
  /** Whether this run continued an earlier one. */
  resumed: boolean;
  /** What this run copied (less than the totals when it resumed). */
  copied: { files: number; chunks: number; vectors: number; answers: number };
  /** What the target holds now, counted per table (equal to the source's: verified). */
  counts: Record<string, number>;
  /** Embedding spaces whose vectors were not copied, and why (the target has no pgvector). */
  spacesNotCopied: SpaceNotCopied[];
  verified: true;
  startedAt: string;
  finishedAt: string;
}

export async function migrateToPostgres(options: MigrateOptions): Promise<MigrationSummary> {
  if ((options.url === undefined) === (options.pglite === undefined)) {
    throw new VerityError("E_CONFIG", "pass the target as exactly one of url (postgres://…) or pglite", {
      option: "url",
    });
  }
  const batchFiles = options.batchFiles ?? 50;
  if (!Number.isInteger(batchFiles) || batchFiles < 1) {
    throw new VerityError("E_CONFIG", `batchFiles must be a whole number of at least 1, not ${batchFiles}`, {
      option: "batchFiles",
    });
  }
  const source = openSource(options.dataDir);
  try {
    const target = await openTarget(options);
    try {
      return await run(source, target, { ...options, batchFiles });
    } catch (error) {
      throw storeError(error, target.errorContext);
    } finally {
      await target.close();
    }
  } finally {
    source.close();
  }
}

async function run(
  source: SourceDatabase,
  target: Target,
  options: MigrateOptions & { batchFiles: number },
): Promise<MigrationSummary> {
  const { db } = source;
  const collections = sourceCollections(db);
  const spaces = sourceSpaces(db);
  const identity = {
    dataDir: source.dataDir,
    collections: collections.map((collection) => ({
      name: collection.name,
      createdAt: collection.created_at,
    })),
  };
  const progress: MigrationProgress = {
    phase: "files",
    files: { done: 0, total: 0 },
    chunks: { done: 0, total: 0 },
    vectors: { done: 0, total: 0 },
    answers: { done: 0, total: sourceAnswerCount(db) },
  };
  const report = async (phase: MigrationPhase) => {
    progress.phase = phase;
    await options.onProgress?.(structuredClone(progress));
  };
  const copied = { files: 0, chunks: 0, vectors: 0, answers: 0 };
  const spacesNotCopied: SpaceNotCopied[] = target.vectorsMissing
    ? spaces.map((space) => ({
        collection: space.collection,
        space: space.name,
        vectors: sourceVectorCount(db, space),
        reason: target.vectorsMissing as string,
      }))
    : [];

  let resumed = false;
  let startedAt: string;
  if (options.verifyOnly) {
    const [found] = await target.client
      .query<{ started_at: string }>(sql`SELECT started_at FROM ${target.migration} WHERE id = 1`)
      .catch(() => []);
    if (!found) {
      throw new VerityError(
        "E_NOT_FOUND",
        `${target.errorContext.where} (schema "${target.schema}") holds no migration to verify; run verity migrate without --verify-only first`,
        { option: "to" },
      );
    }
    startedAt = found.started_at;
    resumed = true;
  } else {
    ({ startedAt, resumed } = await copyEverything(
      source,
      target,
      identity,
      options,
      progress,
      report,
      copied,
    ));
  }

  await report("verify");
  const inventories = await verify(source, target);
  const found = differences(inventories.source, inventories.target);
  if (found.length > 0) {
    throw new VerityError(
      "E_STORE",
      `the copy in ${target.errorContext.where} (schema "${target.schema}") differs from ${source.dataDir}: ${found.slice(0, 10).join("; ")}${found.length > 10 ? `; and ${found.length - 10} more` : ""}. If either was written to during the migration, run verity migrate again to bring the copy up to date`,
    );
  }
  const finishedAt = await recordFinished(target);
  return {
    source: source.dataDir,
    target: target.errorContext.where,
    schema: target.schema,
    resumed,
    copied,
    counts: inventories.source.counts,
    spacesNotCopied,
    verified: true,
    startedAt,
    finishedAt,
  };
}

/**
 * Copies what the target does not hold yet, in order: files (with documents and chunks), vectors,
 * jobs, API keys, the ledger. Returns when the migration began and whether this run continued it.
 */
async function copyEverything(
  source: SourceDatabase,
  target: Target,
  identity: SourceIdentity,
  options: MigrateOptions & { batchFiles: number },
  progress: MigrationProgress,
  report: (phase: MigrationPhase) => Promise<void>,
  copied: MigrationSummary["copied"],
): Promise<{ startedAt: string; resumed: boolean }> {
  const { db } = source;
  const collections = sourceCollections(db);
  const spaces = sourceSpaces(db);
  const state = await claimTarget(target, identity);
  const [answered] = await target.client.query<{ n: string | number }>(
    sql`SELECT count(*) AS n FROM ${target.t.answers}`,
  );
  progress.answers.done = Number(answered?.n ?? 0);
  // Counted before copying, so totals include what an earlier run did.
  const plans = [];
  for (const collection of collections) {
    const row = await copyCollection(target, collection);
    const plan = await filesToCopy(target, db, collection, row);
    plans.push({ row, ...plan });
    progress.files.total += plan.all.length;
    progress.files.done += plan.all.length - plan.pending.length;
    progress.chunks.total += sumChunks(plan.all);
    progress.chunks.done += sumChunks(plan.all) - sumChunks(plan.pending);
  }
  const resumed = progress.files.done > 0 || Object.keys(state.vectors).length > 0;
  // Vectors go with their chunks: where files are copied again or removed (the source changed
  // since an earlier run), or after a finished run (vectors may have been re-embedded), every vector
  // of the collection's spaces is put again (putVectors overwrites). Recorded before any file is
  // touched, so a run killed in between still puts them.
  const changed = new Set(
    plans.filter((plan) => plan.stale > 0 || plan.gone.length > 0).map((plan) => plan.row.name),
  );
  const restart = spaces
    .filter((space) => state.finishedAt !== null || changed.has(space.collection))
    .map(spaceKey)
    .filter((key) => state.vectors[key] !== undefined);
  if (restart.length > 0) {
    await resetVectorProgress(target, restart);
    for (const key of restart) delete state.vectors[key];
  }
  await report("files");
  for (const plan of plans) {
    for (const batch of batchesOf(plan.pending, { files: options.batchFiles, chunks: 2000 })) {
      const chunks = await copyFileBatch(target, db, plan.row, batch);
      copied.files += batch.length;
      copied.chunks += chunks;
      progress.files.done += batch.length;
      progress.chunks.done += chunks;
      await report("files");
    }
    await removeTargetFiles(target, plan.row, plan.gone);
  }

  if (target.vectorsMissing === undefined) {
    for (const space of spaces) {
      progress.vectors.total += sourceVectorCount(db, space);
      const after = state.vectors[spaceKey(space)];
      if (after !== undefined) progress.vectors.done += sourceVectorCount(db, space, after);
    }
    if (spaces.length > 0) await report("vectors");
    for (const space of spaces) {
      copied.vectors += await copySpace(target, db, space, state, 1000, async (vectors) => {
        progress.vectors.done += vectors;
        await report("vectors");
      });
    }
  }

  await copyJobs(target, db);
  await copyApiKeys(target, db);
  await report("ledger");
  copied.answers = await copyLedger(target, db, 500, async (count) => {
    progress.answers.done += count;
    await report("ledger");
  });
  return { startedAt: state.startedAt, resumed };
}

function sumChunks(files: readonly { chunks: number }[]): number {
  return files.reduce((total, file) => total + file.chunks, 0);
}

/** Both inventories, comparing the spaces the target can hold (all of them where it has pgvector). */
async function verify(
  source: SourceDatabase,
  target: Target,
): Promise<{ source: Inventory; target: Inventory }> {
  const inTarget = target.vectorsMissing === undefined ? await targetSpaces(target) : [];
  const storage = new Map(inTarget.map((space) => [spaceKey(space), space.storage]));
  const compared =
    target.vectorsMissing === undefined
      ? sourceSpaces(source.db).map((space) => ({
          space,
          storage: storage.get(spaceKey(space)) ?? "float32",
        }))
      : [];
  const targetSide = await targetInventory(target);
  return { source: sourceInventory(source.db, compared), target: targetSide };
}
