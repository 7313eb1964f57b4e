// What the CLI reads and writes, injected so tests run it in-process.

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Stops long-running commands (`ingest --watch`); default: SIGINT or SIGTERM. */
  signal?: AbortSignal;
}
