// Where uploaded files live: `<dataDir>/uploads/<collection>/<sha256 prefix>/<safe name>`. A request's
// files stream to a staging folder first (never whole in memory) and move to their places only once
// every part has arrived, so a failed, refused or cut-off upload leaves nothing behind. Each request
// stages in a folder named after its host and process; at start a server deletes the folders of
// processes of its host that are gone (and any untouched for a day), never a running replica's.
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, rmdir, stat } from "node:fs/promises";
import { hostname } from "node:os";
import { join, relative, sep } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Multipart } from "@fastify/multipart";
import { VerityError } from "../../core/errors.js";
import { safeFileName } from "./safe-file-name.js";

export interface UploadedFile {
  /** The name as sent by the client. */
  originalName: string;
  /** The name as stored. */
  name: string;
  /** Where it is stored, once the upload is complete. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface ReceivedUpload {
  files: UploadedFile[];
  /** Form fields other than files, by name (the last value of a repeated field wins). */
  fields: Record<string, string>;
}

export interface UploadArea {
  readonly root: string;
  /** Deletes the staging leftovers of servers that are gone (one killed mid-upload), not a running replica's. */
  cleanStaging(): Promise<void>;
  /**
   * Streams a request's parts to staging, checks the form fields (`checkFields` throws to refuse),
   * then moves every file to its place. On any failure (a limit, a client that hangs up, a full disk,
   * a refused field) everything received is deleted and the error thrown.
   */
  receive(
    collection: string,
    parts: AsyncIterable<Multipart>,
    checkFields?: (fields: Record<string, string>) => void,
  ): Promise<ReceivedUpload>;
  /** Whether `path` is a stored upload (inside the area, outside staging). */
  holds(path: string): boolean;
  /** Deletes an uploaded file and its folder (after its documents were removed or failed). */
  discard(path: string): Promise<void>;
  /** Deletes a collection's uploads. */
  discardCollection(collection: string): Promise<void>;
}

/** `maxFileBytes` is the multipart parser's own limit, named again here for the error message. */
export function createUploadArea(dataDir: string, maxFileBytes: number): UploadArea {
  const root = join(dataDir, "uploads");
  const staging = join(root, ".staging");

  return {
    root,

    async cleanStaging() {
      let folders: string[];
      try {
        folders = await readdir(staging);
      } catch {
        return; // no staging folder yet
      }
      for (const folder of folders) {
        if (await abandoned(join(staging, folder), folder)) {
          await rm(join(staging, folder), { recursive: true, force: true });
        }
      }
    },

    async receive(collection, parts, checkFields) {
      const folder = join(staging, `${hostname()}~${process.pid}~${randomUUID()}`);
      const staged: (UploadedFile & { stagedAt: string })[] = [];
      const fields: Record<string, string> = {};
      try {
        await mkdir(folder, { recursive: true });
        for await (const part of parts) {
          if (part.type === "field") {
            fields[part.fieldname] = String(part.value);
            continue;
          }
          const name = safeFileName(part.filename);
          const stagedAt = join(folder, String(staged.length));
          const hash = createHash("sha256");
          let bytes = 0;
          const tap = new Transform({
            transform(chunk: Buffer, _encoding, done) {
              hash.update(chunk);
              bytes += chunk.length;
              done(null, chunk);
            },
          });
          await pipeline(part.file, tap, createWriteStream(stagedAt, { flags: "wx" }));
          if (part.file.truncated) {
            throw new VerityError(
              "E_TOO_LARGE",
              `${JSON.stringify(name)} is larger than ${maxFileBytes} bytes; nothing from this request was stored. Split it, or raise server.limits.uploadBytes`,
            );
          }
          const sha256 = hash.digest("hex");
          const path = join(root, collection, sha256.slice(0, 32), name);
          staged.push({ originalName: part.filename, name, path, bytes, sha256, stagedAt });
        }
        if (staged.length === 0) {
          throw new VerityError(
            "E_INVALID_INPUT",
            "the upload holds no file; send files as multipart form parts",
          );
        }
        checkFields?.(fields);
        // Every part arrived: move each file to its place. The same bytes under the same name are
        // already there (an upload repeated), and are kept as they are.
        for (const file of staged) {
          await mkdir(join(file.path, ".."), { recursive: true });
          if (await exists(file.path)) continue;
          await rename(file.stagedAt, file.path);
        }
        return { files: staged.map(({ stagedAt: _staged, ...file }) => file), fields };
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    },

    holds(path) {
      const inside = relative(root, path);
      return inside !== "" && !inside.startsWith("..") && !inside.startsWith(`.staging${sep}`);
    },

    async discard(path) {
      if (!this.holds(path)) return;
      await rm(path, { force: true });
      // The hash folder, and the collection's folder when it is left empty.
      await rmdir(join(path, "..")).catch(() => undefined);
      await rmdir(join(path, "..", "..")).catch(() => undefined);
    },

    async discardCollection(collection) {
      await rm(join(root, collection), { recursive: true, force: true });
    },
  };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Every stored upload of a collection, for sweeping files no document refers to. */
export async function storedUploads(area: UploadArea, collection: string): Promise<string[]> {
  const folder = join(area.root, collection);
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Staging folders older than this are deleted at start even when their server's liveness is unknown. */
const staleStagingMs = 24 * 60 * 60 * 1000;

/**
 * Whether a staging folder was left by a server that is gone: one of this host whose process no longer
 * runs, or (another host's, or named before folders carried their owner) one untouched for a day.
 * Replicas sharing the uploads folder keep each other's uploads in progress.
 */
async function abandoned(path: string, name: string): Promise<boolean> {
  const [host, pid] = name.split("~");
  if (host === hostname() && pid !== undefined && /^\d+$/.test(pid)) return !processRuns(Number(pid));
  try {
    return Date.now() - (await stat(path)).mtimeMs > staleStagingMs;
  } catch {
    return false;
  }
}

function processRuns(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
