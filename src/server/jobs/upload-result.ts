// What an upload job tells its client per file: the name it was sent under, what happened to it, and
// the ids of the documents it became (several for a JSONL file), or why it failed.
import type { ErrorCode } from "../../core/errors.js";
import type { Verity } from "../../engine.js";
import type { FileStatus, IngestSummary } from "../../ingest/pipeline.js";

export interface UploadedFileResult {
  name: string;
  /** Where it is stored (kept inside the server: the job result sent to clients leaves it out). */
  path: string;
  /** `stored` when the file was ingested but the job's counts do not tell added from updated or unchanged. */
  status: FileStatus | "stored";
  documents: string[];
  error?: { code: ErrorCode; message: string };
}

export async function uploadResult(
  verity: Verity,
  collection: string,
  paths: readonly string[],
  names: readonly string[],
  summary: IngestSummary,
): Promise<{
  files: UploadedFileResult[];
  added: number;
  updated: number;
  unchanged: number;
  chunks: number;
}> {
  const byFile = new Map<string, string[]>();
  for (const document of await verity.listDocuments(collection)) {
    const ids = byFile.get(document.file);
    if (ids) ids.push(document.id);
    else byFile.set(document.file, [document.id]);
  }
  const problems = new Map(summary.errors.map((outcome) => [outcome.path, outcome]));
  // The summary counts outcomes without naming files: when every stored file fared alike, say how.
  const stored = paths.length - problems.size;
  const alike =
    summary.added === stored
      ? "added"
      : summary.updated === stored
        ? "updated"
        : summary.unchanged === stored
          ? "unchanged"
          : "stored";
  const files = paths.map((path, index): UploadedFileResult => {
    const problem = problems.get(path);
    const documents = byFile.get(path) ?? [];
    return {
      name: names[index] ?? path,
      path,
      status: problem?.status ?? (documents.length > 0 ? alike : "failed"),
      documents: problem?.status === "failed" ? [] : documents,
      ...(problem?.error ? { error: problem.error } : {}),
    };
  });
  return {
    files,
    added: summary.added,
    updated: summary.updated,
    unchanged: summary.unchanged,
    chunks: summary.chunks,
  };
}
