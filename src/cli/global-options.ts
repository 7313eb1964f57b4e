import type { OptionSources } from "../resolve-options.js";
// The options every `verity` command takes before its name (`verity --data-dir d ask …`), as
// commander hands them to each command's action through `program.opts()`.
export interface GlobalOptions {
  dataDir?: string;
  databaseUrl?: string;
  verbose?: boolean;
  embedder?: string;
  models?: string;
  transcriber?: string;
}

/**
 * What a command that opens the store itself (`serve`, `worker`) resolves its options from: the global
 * options, with its own `--data-dir` and `--config` over them.
 */
export function commandOptionSources(
  global: GlobalOptions,
  own: { dataDir?: string; config?: string },
  io: { env: OptionSources["env"]; cwd: string },
): OptionSources {
  return {
    ...global,
    ...(own.dataDir ? { dataDir: own.dataDir } : {}),
    ...(own.config ? { config: own.config } : {}),
    env: io.env,
    cwd: io.cwd,
  };
}
