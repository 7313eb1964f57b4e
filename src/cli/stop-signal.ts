// Long-running commands (ingest --watch, serve, mcp) stop on the first SIGINT or SIGTERM, or on the
// signal a test injects through CliIo, and then exit 0.
import type { CliIo } from "./cli-io.js";

export interface StopSignal {
  signal: AbortSignal;
  /** Stops listening for the process signals (a command that ended another way calls it). */
  release(): void;
}

/** Aborts on the first SIGINT or SIGTERM; follows the injected `io.signal` instead when there is one. */
export function stopSignal(io: Pick<CliIo, "signal">): StopSignal {
  if (io.signal) return { signal: io.signal, release: () => undefined };
  const controller = new AbortController();
  const stop = () => controller.abort();
  const release = () => {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  controller.signal.addEventListener("abort", release, { once: true });
  return { signal: controller.signal, release };
}
