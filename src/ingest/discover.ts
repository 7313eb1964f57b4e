// Turns the paths a user named into the list of files to ingest: folders walked recursively,
// include/exclude globs applied, unreadable paths reported rather than thrown.
import { readdir, realpath, stat } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import picomatch from "picomatch";
import { type ErrorCode, VerityError } from "../core/errors.js";

export interface DiscoverOptions {
  /** Globs (relative to each named folder) a file must match; default: every file. */
  include?: string[];
  /** Globs (relative to each named folder) that skip a file or folder. */
  exclude?: string[];
  /** File extensions walked folders keep (lower case, with the dot); others are counted as skipped. */
  extensions: readonly string[];
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

export interface Discovery {
  files: DiscoveredFile[];
  problems: DiscoveryProblem[];
  /** Files inside walked folders left out because their type is not supported. */
  skipped: string[];
}

export const defaultExcludes = ["**/node_modules/**", "**/.git/**", "**/.verity/**", "**/.DS_Store"];

export async function discoverFiles(paths: readonly string[], options: DiscoverOptions): Promise<Discovery> {
  const discovery: Discovery = { files: [], problems: [], skipped: [] };
  const seen = new Set<string>();
  const exclude = picomatch([...defaultExcludes, ...(options.exclude ?? [])], { dot: true });
  const include = options.include?.length ? picomatch(options.include, { dot: true }) : () => true;

  const addFile = (path: string, size: number) => {
    if (seen.has(path)) return;
    seen.add(path);
    discovery.files.push({ path, size });
  };

  const walk = async (root: string, folder: string): Promise<void> => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      discovery.problems.push(problemFor(folder, error));
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = join(folder, entry.name);
      const relativePath = relative(root, full);
      if (exclude(relativePath) || exclude(`${relativePath}/`)) continue;
      let info: import("node:fs").Stats;
      try {
        info = await stat(full);
      } catch (error) {
        discovery.problems.push(problemFor(full, error));
        continue;
      }
      if (info.isDirectory()) {
        await walk(root, full);
      } else if (info.isFile() && include(relativePath)) {
        const extension = extensionOf(full);
        if (options.extensions.includes(extension)) addFile(await realpath(full), info.size);
        else discovery.skipped.push(full);
      }
    }
  };

  for (const given of paths) {
    const absolute = resolve(given);
    let info: import("node:fs").Stats;
    try {
      info = await stat(absolute);
    } catch (error) {
      discovery.problems.push(problemFor(absolute, error));
      continue;
    }
    if (info.isDirectory()) await walk(absolute, absolute);
    else if (info.isFile()) addFile(await realpath(absolute), info.size);
    else
      discovery.problems.push({
        path: absolute,
        code: "E_UNREADABLE",
        message: `${absolute} is not a regular file or folder`,
      });
  }
  return discovery;
}

export function extensionOf(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

function problemFor(path: string, error: unknown): DiscoveryProblem {
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
