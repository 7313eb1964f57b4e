// What every store does alike while it writes one file's documents: refuse a file that names a document
// twice, and count what happened to each document (added, replaced, unchanged, regrouped).
import { VerityError } from "../core/errors.js";
import type { PutFileResult } from "./store.js";

/** What writing one document did. */
export interface WrittenDocument {
  status: "added" | "replaced" | "unchanged";
  chunks: number;
  /** An unchanged document whose access groups changed. */
  regrouped: boolean;
}

export interface PutFileTally {
  /** E_INVALID_INPUT when the file already named a document `source`; call before writing it. */
  claim(source: string): void;
  count(written: WrittenDocument): void;
  /** Whether the file still holds a document named `source` (the others are removed). */
  keeps(source: string): boolean;
  result: PutFileResult;
}

export function putFileTally(path: string): PutFileTally {
  const kept = new Set<string>();
  const result: PutFileResult = { added: 0, replaced: 0, unchanged: 0, removed: 0, chunks: 0, regrouped: 0 };
  return {
    claim(source) {
      if (kept.has(source))
        throw new VerityError("E_INVALID_INPUT", `${path} holds two documents named ${source}`);
      kept.add(source);
    },
    count(written) {
      result[written.status]++;
      result.chunks += written.chunks;
      if (written.regrouped) result.regrouped++;
    },
    keeps: (source) => kept.has(source),
    result,
  };
}
