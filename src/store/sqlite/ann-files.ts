// Where an embedding space's HNSW index lives beside the database, and the stamp that says what it
// covers. Index files are never rewritten: each save writes a new file under a unique name, then
// replaces the stamp (`space-<id>.json`) that names it, by rename. A reader that follows the stamp
// therefore never sees half a file, and a process that still maps an older file keeps a whole one.
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";

/** The graph settings an index file was built with: a file built otherwise is rebuilt. */
export interface AnnSettings {
  connectivity: number;
  expansionAdd: number;
}

/** Which space an index belongs to: ids are reused when a space is removed and another made. */
export interface AnnSpaceIdentity {
  id: number;
  name: string;
  createdAt: string;
  dimensions: number;
}

export interface AnnStamp {
  format: 1;
  space: AnnSpaceIdentity;
  settings: AnnSettings;
  /** File name of the index, in the same folder. */
  file: string;
  /** The last `vector_changes` seq the index reflects. */
  seq: number;
  vectors: number;
  bytes: number;
  sha256: string;
  savedAt: string;
}

/** The folder of index files of the database at `databasePath`. */
export function annDirectory(databasePath: string): string {
  return join(dirname(databasePath), "vector-indexes");
}

export function stampPath(directory: string, spaceId: number): string {
  return join(directory, `space-${spaceId}.json`);
}

/** The stamp of a space's index, or why there is no usable one. */
export function readStamp(
  directory: string,
  space: AnnSpaceIdentity,
  settings: AnnSettings,
): { stamp: AnnStamp } | { problem: string; missing: boolean } {
  const path = stampPath(directory, space.id);
  if (!existsSync(path)) return { problem: "no index file yet", missing: true };
  let stamp: AnnStamp;
  try {
    stamp = JSON.parse(readFileSync(path, "utf8")) as AnnStamp;
  } catch (error) {
    return { problem: `its stamp ${path} is unreadable (${(error as Error).message})`, missing: false };
  }
  const same =
    stamp.format === 1 &&
    stamp.space?.id === space.id &&
    stamp.space.name === space.name &&
    stamp.space.createdAt === space.createdAt &&
    stamp.space.dimensions === space.dimensions;
  if (!same) return { problem: "it belongs to an earlier space of that id", missing: true };
  if (
    stamp.settings?.connectivity !== settings.connectivity ||
    stamp.settings.expansionAdd !== settings.expansionAdd
  ) {
    return { problem: "it was built with other graph settings", missing: true };
  }
  if (typeof stamp.file !== "string" || stamp.file.includes("/") || !Number.isInteger(stamp.seq)) {
    return { problem: `its stamp ${path} is malformed`, missing: false };
  }
  return { stamp };
}

/** Whether the file a stamp names is whole: its size and SHA-256 are the ones saved. */
export function checkIndexFile(directory: string, stamp: AnnStamp): string | undefined {
  const path = join(directory, stamp.file);
  if (!existsSync(path)) return `its index file ${path} is missing`;
  const size = statSync(path).size;
  if (size !== stamp.bytes) return `its index file ${path} has ${size} bytes, not the ${stamp.bytes} saved`;
  if (sha256Of(path) !== stamp.sha256) return `its index file ${path} does not match its checksum`;
  return undefined;
}

/** A fresh, unique name for the next index file of a space. */
export function newIndexFile(directory: string, spaceId: number): string {
  mkdirSync(directory, { recursive: true });
  const unique = `${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  return `space-${spaceId}-${unique}.usearch`;
}

/**
 * Makes `file` (already written in `directory`) the space's index: writes its stamp beside, by
 * rename, unless a stamp of a later seq has appeared meanwhile (another process saved a newer
 * index). Then removes the space's other index files. Returns whether this file won.
 */
export function publishIndexFile(
  directory: string,
  stamp: Omit<AnnStamp, "bytes" | "sha256" | "savedAt">,
): AnnStamp | undefined {
  const path = join(directory, stamp.file);
  const full: AnnStamp = {
    ...stamp,
    bytes: statSync(path).size,
    sha256: sha256Of(path),
    savedAt: new Date().toISOString(),
  };
  const target = stampPath(directory, stamp.space.id);
  const current = readStamp(directory, stamp.space, stamp.settings);
  if ("stamp" in current && current.stamp.seq > stamp.seq && !checkIndexFile(directory, current.stamp)) {
    rmSync(path, { force: true });
    return undefined;
  }
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(full, null, 2)}\n`);
  renameSync(temporary, target);
  removeOtherFiles(directory, stamp.space.id, stamp.file);
  return full;
}

/** Deletes a space's index files and stamp (the space was removed). */
export function removeIndexFiles(directory: string, spaceId: number): void {
  removeOtherFiles(directory, spaceId, undefined);
  rmSync(stampPath(directory, spaceId), { force: true });
}

/**
 * Index files of the space other than `keep`. A process mapping one keeps reading it after the
 * unlink; one still being written (its build under way in another process) is younger than a minute
 * and left alone.
 */
function removeOtherFiles(directory: string, spaceId: number, keep: string | undefined): void {
  if (!existsSync(directory)) return;
  const prefix = `space-${spaceId}-`;
  for (const name of readdirSync(directory)) {
    if (!name.startsWith(prefix) || name === keep) continue;
    const path = join(directory, name);
    try {
      if (keep !== undefined && Date.now() - statSync(path).mtimeMs < 60_000) continue;
      rmSync(path, { force: true });
    } catch {
      // Gone already: another process cleaned up.
    }
  }
}

function sha256Of(path: string): string {
  const hash = createHash("sha256");
  const buffer = Buffer.alloc(1 << 20);
  const file = openSync(path, "r");
  try {
    for (;;) {
      const read = readSync(file, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(file);
  }
  return hash.digest("hex");
}
