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
