// `verity migrate --from <data dir> --to postgres://…`: copies an embedded data dir into PostgreSQL
// (the library's migrateToPostgres), with progress on stderr and a summary on stdout (one JSON line
// with --json or when stdout is not a terminal). Killed or failed part-way, the same command continues.
import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { defaultDataDir } from "../core/defaults.js";
import { isVerityError, VerityError } from "../core/errors.js";
import type { MigrationProgress, MigrationSummary } from "../store/migrate/index.js";
import { positiveInteger } from "./arguments.js";
import type { CliIo } from "./cli-io.js";
import type { GlobalOptions } from "./global-options.js";
import { terminalLine } from "./terminal-text.js";

interface MigrateCommandContext {
  io: CliIo;
}

interface MigrateOptions {
  from?: string;
  to?: string;
  schema?: string;
  vectorType?: "float32" | "halfvec" | "binary";
  batchFiles?: number;
  verifyOnly?: boolean;
  json?: boolean;
}

/** The flag that sets each library option this command's errors can name. */
const flags: Record<string, string> = {
  from: "--from <dir>",
  dataDir: "--from <dir>",
  to: "--to <url>",
  url: "--to <url>",
  databaseUrl: "--to <url>",
  schema: "--schema <name>",
  vectorType: "--vector-type <type>",
  batchFiles: "--batch-files <n>",
};

export function addMigrateCommand(program: Command, context: MigrateCommandContext): void {
  program
    .command("migrate")
    .description(
      "copy everything a data dir holds (documents, chunks, vectors, ledger, API keys, jobs) into PostgreSQL, verified by counts and checksums; run it again to continue after an interruption",
    )
    .option(
      "--from <dir>",
      "the data dir to copy, only read (default --data-dir, VERITY_DATA_DIR or ./.verity)",
    )
    .option(
      "--to <url>",
      "the PostgreSQL database, empty or holding this migration's partial copy, e.g. postgres://verity@db:5432/verity (default --database-url or VERITY_DATABASE_URL; password in PGPASSWORD)",
    )
    .option("--schema <name>", "schema to keep Verity's tables in", "verity")
    .addOption(
      new Option("--vector-type <type>", "how float32 vectors are stored in pgvector").choices([
        "float32",
        "halfvec",
        "binary",
      ]),
    )
    .option("--batch-files <n>", "files copied per transaction", positiveInteger, 50)
    .option("--verify-only", "copy nothing: compare the source and the target by counts and checksums")
    .option("--json", "print one JSON summary line (the default when stdout is not a terminal)")
    .action(async (options: MigrateOptions) => {
      const { io } = context;
      const global = program.opts<GlobalOptions>();
      const from = resolve(
        io.cwd,
        options.from ?? global.dataDir ?? io.env.VERITY_DATA_DIR ?? defaultDataDir,
      );
      const url = options.to ?? global.databaseUrl ?? io.env.VERITY_DATABASE_URL;
      if (url === undefined || url === "") {
        throw new VerityError(
          "E_CONFIG",
          "migrate needs the PostgreSQL database to copy into: pass --to postgres://user@host:5432/database (the password in PGPASSWORD)",
        );
      }
      if (!/^postgres(ql)?:\/\//u.test(url)) {
        throw new VerityError(
          "E_INVALID_INPUT",
          "--to is not a postgres:// URL; give one like postgres://verity@db.example.com:5432/verity (the password in PGPASSWORD)",
        );
      }
      const { migrateToPostgres } = await import("../store/migrate/index.js");
      const progress = progressWriter(io);
      let summary: MigrationSummary;
      try {
        summary = await migrateToPostgres({
          dataDir: from,
          url,
          ...(options.schema ? { schema: options.schema } : {}),
          ...(options.vectorType ? { vectorType: options.vectorType } : {}),
          ...(options.batchFiles ? { batchFiles: options.batchFiles } : {}),
          ...(options.verifyOnly ? { verifyOnly: true } : {}),
          onProgress: progress.write,
        });
      } catch (error) {
        progress.end();
        throw inCommandLineWords(error);
      }
      progress.end();
      for (const space of summary.spacesNotCopied) {
        io.stderr.write(
          `verity: warning: ${space.vectors} vectors of embedding space ${terminalLine(space.space)} (collection ${terminalLine(space.collection)}) were not copied: ${terminalLine(space.reason)}. Install pgvector, then run verity migrate again to copy them, or run verity reindex against PostgreSQL\n`,
        );
      }
      io.stdout.write(
        `${io.stdout.isTTY && !options.json ? formatSummary(summary, Boolean(options.verifyOnly)) : JSON.stringify(summary)}\n`,
      );
    });
}

/** Progress lines on stderr: redrawn in place on a terminal, one per batch otherwise. */
function progressWriter(io: CliIo): { write(progress: MigrationProgress): void; end(): void } {
  const terminal = Boolean(io.stderr.isTTY);
  let drawn = false;
  return {
    write(progress) {
      const line = formatProgress(progress);
      io.stderr.write(terminal ? `\r\u001b[2K${line}` : `${line}\n`);
      drawn = true;
    },
    end() {
      if (terminal && drawn) io.stderr.write("\n");
      drawn = false;
    },
  };
}

function formatProgress(progress: MigrationProgress): string {
  if (progress.phase === "verify") return "migrate: verifying (counts and checksums of source and target)";
  const part = (name: string, value: { done: number; total: number }) =>
    `${name} ${value.done}/${value.total}`;
  const parts = [part("files", progress.files), part("chunks", progress.chunks)];
  if (progress.vectors.total > 0) parts.push(part("vectors", progress.vectors));
  parts.push(part("answers", progress.answers));
  const doing = { files: "copying files", vectors: "copying vectors", ledger: "copying the ledger" }[
    progress.phase
  ];
  return `migrate: ${doing}: ${parts.join(", ")}`;
}

function formatSummary(summary: MigrationSummary, verifyOnly: boolean): string {
  const count = (suffix: string) =>
    Object.entries(summary.counts)
      .filter(([name]) => name.endsWith(suffix))
      .reduce((total, [, value]) => total + value, 0);
  const totals = [
    `${summary.counts.collections ?? 0} collections`,
    `${count(": files")} files`,
    `${count(": documents")} documents`,
    `${count(": chunks")} chunks`,
    `${count(": vectors")} vectors`,
    `${summary.counts.answers ?? 0} answers`,
    `${summary.counts["api keys"] ?? 0} API keys`,
    `${summary.counts.jobs ?? 0} jobs`,
  ].join(", ");
  const verb = verifyOnly ? "verified" : summary.resumed ? "finished migrating" : "migrated";
  return `${verb} ${terminalLine(summary.source)} to ${terminalLine(summary.target)} (schema ${summary.schema}): ${totals}; counts and checksums equal`;
}

/** A library error whose option is one of this command's flags, said with the flag. */
function inCommandLineWords(error: unknown): unknown {
  if (!isVerityError(error) || error.option === undefined) return error;
  const flag = flags[error.option];
  if (flag === undefined) return error;
  return new VerityError(error.code, `${error.message} (command line: ${flag})`, { cause: error });
}
