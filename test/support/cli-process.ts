// The `verity` command from source in a process of its own, for tests that need real processes
// (several writers on one data dir, another user's permissions, signals).
import { type SpawnOptions, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root, where `src/cli/main.ts` is run from. */
export const repositoryRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args` until it exits; `as` sets the user (e.g. nobody) the process runs as. */
export function runCliProcess(
  args: readonly string[],
  options: Pick<SpawnOptions, "uid" | "gid"> = {},
): Promise<CliRun> {
  return runTsProcess(["src/cli/main.ts", ...args], options);
}

/** Runs Node with TypeScript support (tsx) and `args` from the repository root until it exits. */
export function runTsProcess(
  args: readonly string[],
  options: Pick<SpawnOptions, "uid" | "gid"> = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      cwd: repositoryRoot,
      stdio: ["ignore", "pipe", "pipe"],
      ...options,
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (data: Buffer) => {
      stdout += data;
    });
    child.stderr?.on("data", (data: Buffer) => {
      stderr += data;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
