// Turns the paths a user named into the list of files to ingest: folders walked recursively,
// include/exclude globs applied, unreadable paths reported rather than thrown. Every folder is walked
// once however many links lead to it, so link loops end; special files are never opened.
import type { Stats } from "node:fs";
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import picomatch from "picomatch";
import { type ErrorCode, VerityError } from "../core/errors.js";

export interface DiscoverOptions {
  /** Globs (relative to each named folder) a file must match; default: every file. */
  include?: string[];
  /** Globs (relative to each named folder) that skip a file or folder. */
  exclude?: string[];
  /** File extensions walked folders keep (lower case, with the dot); others are counted as skipped. */
  extensions: readonly string[];
  /**
   * Follow symbolic links inside walked folders that lead outside every folder named (default false:
   * they are skipped and counted). Links that stay inside are always followed. Either way each folder
   * is walked once, so a link to a parent folder cannot loop.
   */
  followSymlinks?: boolean;
}

export interface DiscoveredFile {
  path: string;
  size: number;
}

export interface DiscoveryProblem {
  path: string;
  code: ErrorCode;
  message: string;
}

/** Why a walked folder's entry was left out. */
export type SkipReason =
  /** A file no loader reads. */
  | "unsupportedType"
  /** A FIFO, socket or device: reading it could block forever or never end. */
  | "specialFile"
  /** A symbolic link leading outside the folders named, left alone without `followSymlinks`. */
  | "outsideFolder"
  /** A symbolic link to a folder already walked (a loop, or a second way into one folder). */
  | "alreadyWalked";

export interface SkippedPath {
  path: string;
  reason: SkipReason;
}

export interface Discovery {
  files: DiscoveredFile[];
  problems: DiscoveryProblem[];
  /** Entries of walked folders left out, and why. */
  skipped: SkippedPath[];
}

export const defaultExcludes = ["**/node_modules/**", "**/.git/**", "**/.verity/**", "**/.DS_Store"];

/** The include/exclude globs as matchers of paths relative to a named folder. */
function globMatchers(options: Pick<DiscoverOptions, "include" | "exclude">) {
  const exclude = picomatch([...defaultExcludes, ...(options.exclude ?? [])], { dot: true });
  const include = options.include?.length ? picomatch(options.include, { dot: true }) : () => true;
  return { exclude, include };
}

/**
 * What a walk of the folders `roots` would keep, decided for one path at a time (a watcher's events):
 * `excluded(path)` says a file or folder is left out by the globs; `keeps(path)` says a file is one
 * the walk would ingest (matched by the globs, a regular file of a supported type, and not reached
 * through a link leading outside every root unless `followSymlinks`).
 */
export function createPathFilter(roots: readonly string[], options: DiscoverOptions) {
  const { exclude, include } = globMatchers(options);
  const rootOf = (path: string) => roots.find((root) => isInside(path, root));
  const excluded = (path: string): boolean => {
    const root = rootOf(path);
    if (root === undefined || root === path) return false;
    const relativePath = relative(root, path);
    return exclude(relativePath) || exclude(`${relativePath}/`);
  };
  const keeps = async (path: string): Promise<boolean> => {
    const root = rootOf(path);
    if (root === undefined || excluded(path) || !include(relative(root, path))) return false;
    if (!options.extensions.includes(extensionOf(path))) return false;
    try {
      const [info, real] = await Promise.all([stat(path), realpath(path)]);
      return (
        info.isFile() && (options.followSymlinks === true || roots.some((folder) => isInside(real, folder)))
      );
    } catch {
      return false;
    }
  };
  return { excluded, keeps };
}

export async function discoverFiles(paths: readonly string[], options: DiscoverOptions): Promise<Discovery> {
  const discovery: Discovery = { files: [], problems: [], skipped: [] };
  const seen = new Set<string>();
  /** Folders walked, by device and inode: the same folder, by whatever path, is walked once. */
  const walked = new Set<string>();
  const { exclude, include } = globMatchers(options);

  const addFile = (path: string, size: number) => {
    if (seen.has(path)) return;
    seen.add(path);
    discovery.files.push({ path, size });
  };
  const skip = (path: string, reason: SkipReason) => discovery.skipped.push({ path, reason });
  /** Marks a folder as walked; false when it already was. */
  const firstVisit = (info: Stats) => {
    const key = `${info.dev}:${info.ino}`;
    if (walked.has(key)) return false;
    walked.add(key);
    return true;
  };

  /** Real paths of the folders named: links that lead out of all of them are followed only on request. */
  const named: string[] = [];
  const leadsOutside = (target: string) => named.every((folder) => !isInside(target, folder));

  /** Walks `folder`, inside the named folder `root`, which globs are relative to. */
  const walk = async (root: string, folder: string): Promise<void> => {
    let names: string[];
    try {
      names = await readdir(folder);
    } catch (error) {
      discovery.problems.push(problemFor(folder, error));
      return;
    }
    names.sort((a, b) => a.localeCompare(b));
    for (const name of names) {
      const full = join(folder, name);
      const relativePath = relative(root, full);
      if (exclude(relativePath) || exclude(`${relativePath}/`)) continue;
      let info: Stats;
      try {
        // lstat, not stat: a link is judged by where it leads before anything follows it.
        info = await lstat(full);
        if (info.isSymbolicLink()) {
          const target = await realpath(full).catch((error: unknown) => {
            throw brokenLink(full, error);
          });
          if (!options.followSymlinks && leadsOutside(target)) {
            skip(full, "outsideFolder");
            continue;
          }
          info = await stat(full);
          if (info.isDirectory() && !firstVisit(info)) {
            skip(full, "alreadyWalked");
            continue;
          }
        } else if (info.isDirectory() && !firstVisit(info)) {
          // The same folder by another way that is not a link (a bind mount, or a named folder walked before).
          continue;
        }
      } catch (error) {
        discovery.problems.push(problemFor(full, error));
        continue;
      }
      if (info.isDirectory()) {
        await walk(root, full);
        continue;
      }
      if (!include(relativePath)) continue;
      if (!info.isFile()) skip(full, "specialFile");
      else if (!options.extensions.includes(extensionOf(full))) skip(full, "unsupportedType");
      else addFile(await realpath(full), info.size);
    }
  };

  const given: { path: string; real: string; info: Stats }[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    try {
      given.push({ path: absolute, info: await stat(absolute), real: await realpath(absolute) });
    } catch (error) {
      discovery.problems.push(problemFor(absolute, error));
    }
  }
  named.push(...given.filter((entry) => entry.info.isDirectory()).map((entry) => entry.real));
  for (const { path: absolute, info, real } of given) {
    if (info.isDirectory()) {
      if (firstVisit(info)) await walk(absolute, absolute);
    } else if (info.isFile()) addFile(real, info.size);
    else
      discovery.problems.push({
        path: absolute,
        code: "E_UNREADABLE",
        message: `${absolute} is not a regular file or folder (a pipe, socket or device); name a file or a folder`,
      });
  }
  return discovery;
}

/** True when the real path `target` is `folder` or lies under it. */
function isInside(target: string, folder: string): boolean {
  return target === folder || target.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

/** A link that leads nowhere: to a missing path, or round a loop of links. */
function brokenLink(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    return new VerityError(
      "E_NOT_FOUND",
      `${path} is a symbolic link to a path that does not exist; fix the link or remove it`,
      { cause: error },
    );
  }
  if (code === "ELOOP") {
    return new VerityError(
      "E_UNREADABLE",
      `${path} is a symbolic link that leads back to itself; fix the link, remove it, or exclude it`,
      { cause: error },
    );
  }
  return error;
}

function problemFor(path: string, error: unknown): DiscoveryProblem {
  if (error instanceof VerityError) return { path, code: error.code, message: error.message };
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") {
    return { path, code: "E_NOT_FOUND", message: `${path} does not exist; check the path` };
  }
  if (code === "EACCES" || code === "EPERM") {
    return {
      path,
      code: "E_UNREADABLE",
      message: `${path} cannot be read (permission denied); check its permissions`,
    };
  }
  const wrapped = new VerityError("E_UNREADABLE", `${path} cannot be read: ${(error as Error).message}`, {
    cause: error,
  });
  return { path, code: wrapped.code, message: wrapped.message };
}
