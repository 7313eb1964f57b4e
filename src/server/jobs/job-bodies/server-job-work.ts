// What a server job does, wherever it runs: an upload's ingestion and a reindex, through the engine.
// The in-process job runner (`verity serve` on the embedded store) and the queue's workers (`verity
// worker`, and `serve` on Postgres) both run jobs through these two functions.
import type { Verity } from "../../../engine.js";
import type { UploadArea } from "../../documents/upload-area.js";
import type { PersistedJobSummary, ServerJob } from "../server-job.js";
import { uploadResult } from "../upload-result.js";

export type Quantization = "float32" | "int8" | "binary";

export interface ServerJobWork {
  verity: Verity;
  uploads: Pick<UploadArea, "discard">;
  collection: string;
  persisted: PersistedJobSummary;
  /** Stops a reindex between batches (an ingestion runs to its end). */
  signal: AbortSignal;
  onProgress(progress: ServerJob["progress"]): void;
  /** Each file ingested: its status and the bytes read since the last one (for metrics). */
  onFile?(status: string, bytes: number): void;
}

/** Ingests an upload's stored files; the result names each file's documents (`failed` when some failed). */
export async function runUploadWork(work: ServerJobWork): Promise<Record<string, unknown>> {
  const { verity, collection, persisted } = work;
  const paths = persisted.paths ?? [];
  let bytesBefore = 0;
  const summary = await verity.ingest(paths, {
    collection,
    groups: persisted.groups ?? [],
    onProgress(progress) {
      work.onProgress({ done: progress.filesDone, total: progress.filesTotal, unit: "files" });
      work.onFile?.(progress.last.status, progress.bytesDone - bytesBefore);
      bytesBefore = progress.bytesDone;
    },
  });
  const result = await uploadResult(verity, collection, paths, persisted.names ?? [], summary);
  // A file that could not be ingested is not kept: nothing refers to it.
  for (const file of result.files) if (file.documents.length === 0) await work.uploads.discard(file.path);
  return { ...result, failed: summary.failed, files: result.files.map(({ path: _path, ...file }) => file) };
}

/** Builds (or resumes) an embedding space, and activates it when asked and complete. */
export async function runReindexWork(work: ServerJobWork): Promise<Record<string, unknown>> {
  const { verity, collection } = work;
  const { space, version, quantization, activate } = work.persisted;
  const result = await verity.reindex({
    collection,
    ...(space ? { space } : {}),
    ...(version ? { version } : {}),
    ...(quantization ? { quantization: quantization as Quantization } : {}),
    signal: work.signal,
    onProgress(progress) {
      work.onProgress({
        done: progress.embedded,
        total: progress.total,
        unit: "chunks",
        ...(progress.etaMs !== undefined ? { etaMs: progress.etaMs } : {}),
      });
    },
  });
  const complete = result.space.embeddedChunks === result.space.totalChunks;
  if (activate && complete) await verity.store.activateSpace(collection, result.space.name);
  return {
    space: (await verity.store.getSpace(collection, result.space.name)) ?? result.space,
    embeddedNow: result.embeddedNow,
    activated: Boolean(activate && complete),
  };
}
