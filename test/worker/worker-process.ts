// `verity worker` in a process of its own, for the queue's tests: several at once, signals, kill -9.
import { type ChildProcess, spawn } from "node:child_process";
import { repositoryRoot } from "../support/cli-process.js";

export interface WorkerProcess {
  /** `host:pid`, as the queue names the worker. */
  name: string;
  child: ChildProcess;
  /** The JSON log (stdout) and stderr so far. */
  log(): string;
  stderr(): string;
  /** The log's lines as objects. */
  lines(): Record<string, unknown>[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `verity worker <args>` and resolves once it takes jobs (or rejects with its stderr if it exits). */
export function startWorkerProcess(args: readonly string[]): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: repositoryRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  let stderr = "";
  child.stdout?.on("data", (data: Buffer) => {
    log += data;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const lines = () =>
    log
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return new Promise((resolve, reject) => {
    child.stderr?.on("data", (data: Buffer) => {
      stderr += data;
      const name = /worker (\S+) taking jobs/u.exec(stderr)?.[1];
      if (name) resolve({ name, child, log: () => log, stderr: () => stderr, lines, exited });
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`verity worker exited (${code ?? signal}) before taking jobs:\n${stderr}`)),
    );
  });
}
