// The system tools some tests need (ffmpeg, pocketsphinx, espeak-ng, chromium, postgresql), found the way
// Verity finds them: VERITY_FFMPEG / VERITY_FFPROBE / VERITY_POCKETSPHINX, else the PATH, and pocketsphinx's
// Debian model; the browser tests' Chromium from VERITY_CHROMIUM, else `chromium` on the PATH (Debian's
// package); PostgreSQL's server programs from VERITY_POSTGRES_BIN, else Debian's newest
// /usr/lib/postgresql/<version>/bin (not on the PATH), else the PATH.
// vitest.config.ts turns each into a test tag that skips when the tool is missing, unless CI=true or
// VERITY_REQUIRE_SYSTEM_TOOLS=1 says every tool is required; then those tests run and fail.
import { accessSync, constants, readdirSync, statSync } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";
import type { TestTagDefinition } from "vitest/config";
import { pocketsphinxBinary, pocketsphinxDefaults } from "../../src/transcribe/pocketsphinx.js";
import { binaryOf } from "../../src/transcribe/run-tool.js";

export const systemToolNames = ["ffmpeg", "pocketsphinx", "espeak-ng", "chromium", "postgresql"] as const;
export type SystemToolName = (typeof systemToolNames)[number];

declare module "vitest" {
  interface TestTags {
    tags: SystemToolName;
  }
}

interface SystemTool {
  /** Shown by `vitest --list-tags` and in Vitest's error for an unknown tag. */
  description: string;
  /** Debian/Ubuntu packages that install it. */
  packages: string[];
  /** Executables that must be found, by name on the PATH or by path. */
  binaries: () => string[];
  /** Files that must exist (pocketsphinx's model). */
  files: string[];
}

const tools: Record<SystemToolName, SystemTool> = {
  ffmpeg: {
    description: "decodes recordings: ffmpeg and ffprobe (or VERITY_FFMPEG and VERITY_FFPROBE)",
    packages: ["ffmpeg"],
    binaries: () => [binaryOf("ffmpeg", {}), binaryOf("ffprobe", {})],
    files: [],
  },
  pocketsphinx: {
    description: `the offline transcriber: ${pocketsphinxDefaults.binary} (or VERITY_POCKETSPHINX) and its US English model`,
    packages: ["pocketsphinx", "pocketsphinx-en-us"],
    binaries: () => [pocketsphinxBinary()],
    files: [pocketsphinxDefaults.hmm, pocketsphinxDefaults.lm, pocketsphinxDefaults.dict],
  },
  "espeak-ng": {
    description: "speaks the sentences the speech tests transcribe",
    packages: ["espeak-ng"],
    binaries: () => ["espeak-ng"],
    files: [],
  },
  chromium: {
    description:
      "the browser the web app's tests drive: Debian's chromium (or VERITY_CHROMIUM), never a downloaded one",
    packages: ["chromium"],
    binaries: () => [chromiumBinary()],
    files: [],
  },
  postgresql: {
    description:
      "a throwaway PostgreSQL server for the Postgres store's tests: initdb, pg_ctl and postgres (or VERITY_POSTGRES_BIN)",
    packages: ["postgresql-15"],
    binaries: () => postgresPrograms.map(postgresBinary),
    files: [],
  },
};

const postgresPrograms = ["initdb", "pg_ctl", "postgres"] as const;

/**
 * One of PostgreSQL's server programs: from the folder VERITY_POSTGRES_BIN, else Debian's newest
 * /usr/lib/postgresql/<version>/bin, else by name from the PATH.
 */
export function postgresBinary(name: (typeof postgresPrograms)[number]): string {
  const folder = process.env.VERITY_POSTGRES_BIN || debianPostgresFolder();
  return folder ? join(folder, name) : name;
}

function debianPostgresFolder(root = "/usr/lib/postgresql"): string | undefined {
  let versions: string[];
  try {
    versions = readdirSync(root);
  } catch {
    return undefined;
  }
  const newest = versions
    .filter((version) => /^\d+$/u.test(version) && isExecutableFile(join(root, version, "bin", "initdb")))
    .sort((a, b) => Number(b) - Number(a))[0];
  return newest === undefined ? undefined : join(root, newest, "bin");
}

/** The Chromium the browser tests launch: VERITY_CHROMIUM, else `chromium` as found on the PATH. */
export function chromiumBinary(): string {
  return process.env.VERITY_CHROMIUM || "chromium";
}

/** `binary` as spawn would run it: a path as it is, a bare name from the PATH; undefined when not there. */
export function resolveExecutable(binary: string): string | undefined {
  if (binary.includes("/")) return isExecutableFile(binary) ? binary : undefined;
  const folders = (process.env.PATH ?? "").split(delimiter).filter((folder) => isAbsolute(folder));
  return folders.map((folder) => join(folder, binary)).find(isExecutableFile);
}

export interface SystemToolsCheck {
  /** Tools not installed here, in `systemToolNames` order. */
  missing: SystemToolName[];
  /** Why a missing tool fails the run instead of skipping its tests (`CI=true`…), if it does. */
  requiredBecause: string | undefined;
}

/** Looks for every tool now, with this process's environment (as Verity, in the test workers, will). */
export function checkSystemTools(): SystemToolsCheck {
  const missing = systemToolNames.filter((name) => {
    const tool = tools[name];
    return !tool.binaries().every(isExecutable) || !tool.files.every(exists);
  });
  return { missing, requiredBecause: requiredBecause() };
}

/** VERITY_REQUIRE_SYSTEM_TOOLS when set (1 or 0), else CI. */
function requiredBecause(): string | undefined {
  const truthy = (value: string) => !["0", "false", "no"].includes(value.toLowerCase());
  const explicit = process.env.VERITY_REQUIRE_SYSTEM_TOOLS;
  if (explicit) return truthy(explicit) ? `VERITY_REQUIRE_SYSTEM_TOOLS=${explicit}` : undefined;
  const ci = process.env.CI;
  return ci && truthy(ci) ? `CI=${ci}` : undefined;
}

/** As spawn finds it: a path is taken as it is, a bare name is looked up in the PATH. */
function isExecutable(binary: string): boolean {
  return resolveExecutable(binary) !== undefined;
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    accessSync(path);
    return true;
  } catch {
    return false;
  }
}

/** One tag per tool; a missing tool's tag skips its tests, unless tools are required. */
export function systemToolTags(check: SystemToolsCheck): TestTagDefinition[] {
  return systemToolNames.map((name) => {
    const skip = check.missing.includes(name) && check.requiredBecause === undefined;
    return { name, description: `needs ${name}: ${tools[name].description}`, ...(skip ? { skip } : {}) };
  });
}

/** `apt-get install …` for the given tools. */
export function installCommand(names: readonly SystemToolName[]): string {
  return `apt-get install ${names.flatMap((name) => tools[name].packages).join(" ")}`;
}
