// `verity serve` in a process of its own, for what needs a real process: signals, kill -9, restarts.
import { type ChildProcess, spawn } from "node:child_process";
import { repositoryRoot } from "../support/cli-process.js";

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The JSON log (stdout) and stderr so far. */
  log(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `verity serve <args>` and resolves once it listens (or rejects with its stderr if it exits). */
export function startServerProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "serve", ...args], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let log = "";
  let stderr = "";
  child.stdout?.on("data", (data: Buffer) => {
    log += data;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (data: Buffer) => {
      stderr += data;
      const url = /serving on (http:\/\/\S+)/u.exec(stderr)?.[1];
      if (url) resolve({ url, child, log: () => log, stderr: () => stderr, exited });
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`verity serve exited (${code ?? signal}) before listening:\n${stderr}`)),
    );
  });
}
