// The `verity` command line, thin over the engine. Testable in-process: streams and env are injected.
// Start-up matters (people script against it): `--help` loads only commander, and the engine, the
// progress bar and pino are imported by the commands that use them.

import { existsSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { answerPolicies } from "../answer/verify/answer-policy.js";
import { defaultCollection, defaultDataDir } from "../core/defaults.js";
import { exitCodeFor, isVerityError, VerityError } from "../core/errors.js";
import type { Verity } from "../engine.js";
import type { FileProgress } from "../ingest/extracted.js";
import type { IngestProgress, IngestSummary } from "../ingest/pipeline.js";
import { collect, nonNegativeInteger, positiveInteger, positiveNumber } from "./arguments.js";
import type { CliIo } from "./cli-io.js";
import { createCliLogger } from "./cli-logger.js";
import { displayPath, formatAnswer, formatDocuments, formatIngestSummary, formatStats } from "./format.js";
import type { GlobalOptions } from "./global-options.js";
import { addKeyCommands, collectGroupRule } from "./key-commands.js";
import { addMcpCommand } from "./mcp-command.js";
import { addMigrateCommand } from "./migrate-command.js";
import { addServeCommand } from "./serve-command.js";
import { addSpaceCommands } from "./space-commands.js";
import { stopSignal } from "./stop-signal.js";
import { terminalName, terminalText } from "./terminal-text.js";
import { addWorkerCommand } from "./worker-command.js";

export type { CliIo };

const defaultIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
};

/** How to set, on the command line, the library option an error names. */
const flagFor: Record<string, string> = {
  embedder: "--embedder <spec>",
  transcriber: "--transcriber <spec>",
  models: "--models <file>",
  dataDir: "--data-dir <dir>",
  databaseUrl: "--database-url <url>",
  collection: "--collection <name>",
  limit: "--limit <n>",
  tokenizer: "--tokenizer <name>",
  followSymlinks: "--follow-symlinks",
  groups: "--group <group>",
  groupRules: "--group-rule <glob=groups>",
  scopes: "--scope <scope>",
  expires: "--expires <when>",
  apiKey: "set the variable it names in the environment",
};

/** `1:05:09`, `4:12`, `0:07`: minutes and seconds, hours when needed. */
function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts = [Math.floor(seconds / 3600), Math.floor((seconds % 3600) / 60), seconds % 60];
  const [hours, minutes, rest] = parts as [number, number, number];
  const pad = (value: number) => String(value).padStart(2, "0");
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(rest)}` : `${minutes}:${pad(rest)}`;
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const write = (line: string) => io.stdout.write(`${line}\n`);
  let verity: Verity | undefined;
  let exitCode = 0;
  const open = async (options: GlobalOptions): Promise<Verity> => {
    const [{ resolveVerityOptions }, { createVerity }] = await Promise.all([
      import("../resolve-options.js"),
      import("../engine.js"),
    ]);
    verity = createVerity(
      await resolveVerityOptions({
        ...options,
        env: io.env,
        cwd: io.cwd,
        logger: createCliLogger(options.verbose ? "debug" : "warn"),
      }),
    );
    return verity;
  };

  const program = new Command("verity")
    .description(
      'Grounded answers from your own documents: every sentence cites its source, or "I don\'t know".',
    )
    .option("--data-dir <dir>", `where the database lives (env VERITY_DATA_DIR; default ./${defaultDataDir})`)
    .option(
      "--database-url <url>",
      "keep everything in PostgreSQL instead, e.g. postgres://verity@db:5432/verity (env VERITY_DATABASE_URL; password in PGPASSWORD)",
    )
    .option("--verbose", "log debug details to stderr")
    .option(
      "--embedder <spec>",
      "embedding model for hybrid search and reindex, e.g. ollama:nomic-embed-text (env VERITY_EMBEDDER)",
    )
    .option(
      "--models <file>",
      "model catalogue (JSON; env VERITY_MODELS; default <data-dir>/models.json when it exists)",
    )
    .option(
      "--transcriber <spec>",
      "speech-to-text for recordings: pocketsphinx (default, offline, low accuracy), openai-compatible:<model>@<url>, openai:<model> (env VERITY_TRANSCRIBER)",
    )
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      // Commander quotes what was typed, which may hold escape sequences: never print them raw.
      writeErr: (text) => io.stderr.write(terminalText(text)),
    });

  program
    .command("ingest")
    .description(
      "add files and folders (txt, md, html, pdf, docx, jsonl, and recordings: wav, flac, mp3, m4a, ogg, opus, mp4, webm) to a collection",
    )
    .argument("<paths...>", "files or folders (walked recursively)")
    .option("-c, --collection <name>", "collection to add to", defaultCollection)
    .option("--include <glob>", "only files matching this glob inside folders (repeatable)", collect)
    .option("--exclude <glob>", "skip files or folders matching this glob (repeatable)", collect)
    .option("--group <group>", "access group of every document ingested (repeatable)", collect)
    .option(
      "--group-rule <glob=groups>",
      "more groups for files matching a glob, e.g. 'hr/**=hr' (repeatable)",
      collectGroupRule,
    )
    .option("--max-file-mb <mb>", "largest file accepted, in MB", positiveNumber, 100)
    .option("--chunk-size <chars>", "target chunk size in characters", positiveInteger, 800)
    .option(
      "--chunk-overlap <chars>",
      "characters repeated between neighbouring chunks",
      nonNegativeInteger,
      150,
    )
    .option(
      "--follow-symlinks",
      "follow symbolic links that lead outside the folders named (links inside them are always followed)",
    )
    .addOption(
      new Option(
        "--tokenizer <name>",
        "how a new collection's text is indexed: default, or cjk for Chinese, Japanese and Korean",
      ).choices(["default", "cjk"]),
    )
    .option("--prune", "remove what was stored from files that no longer exist under the paths given")
    .option(
      "--watch",
      "after ingesting, keep the collection in sync with the paths (new, changed and deleted files) until stopped (Ctrl-C)",
    )
    .option("--json", "print one JSON summary line (the default when stdout is not a terminal)")
    .action(async (paths: string[], options) => {
      const engine = await open(program.opts());
      const printSummary = (summary: IngestSummary) =>
        write(
          io.stdout.isTTY && !options.json ? formatIngestSummary(summary, io.cwd) : JSON.stringify(summary),
        );
      const ingestOptions = {
        collection: options.collection,
        include: options.include,
        exclude: options.exclude,
        ...(options.followSymlinks ? { followSymlinks: true } : {}),
        ...(options.tokenizer ? { tokenizer: options.tokenizer } : {}),
        ...(options.prune ? { prune: true } : {}),
        ...(options.group || options.groupRule
          ? { groups: options.group, groupRules: options.groupRule }
          : {}),
        limits: { maxFileBytes: Math.round(options.maxFileMb * 1024 * 1024) },
        chunker: {
          targetChars: options.chunkSize,
          maxChars: Math.max(options.chunkSize * 2, options.chunkSize),
          overlapChars: Math.min(options.chunkOverlap, Math.floor(options.chunkSize / 2)),
        },
      };
      if (options.watch) {
        // One summary per sync (the first ingest, then each burst of changes) until a signal stops it.
        const { signal: stop } = stopSignal(io);
        const watcher = await engine.watch(
          paths.map((path) => resolve(io.cwd, path)),
          {
            ...ingestOptions,
            onSync: printSummary,
            onError: (error) => io.stderr.write(`verity: ${terminalText(error.message)}\n`),
          },
        );
        if (!stop.aborted)
          await new Promise((stopped) => stop.addEventListener("abort", stopped, { once: true }));
        await watcher.close();
        return;
      }
      const interactive = Boolean(io.stderr.isTTY) && !options.json;
      const bar = interactive
        ? new (await import("cli-progress")).SingleBar({
            format: "ingesting [{bar}] {percentage}% | {value}/{total} files | {file}",
            stream: io.stderr,
            hideCursor: true,
          })
        : undefined;
      let started = false;
      const reported = new Map<string, number>();
      const summary = await engine.ingest(
        paths.map((path) => resolve(io.cwd, path)),
        {
          ...ingestOptions,
          onProgress: (progress: IngestProgress) => {
            if (!bar) return;
            if (!started) {
              bar.start(progress.filesTotal, 0, { file: "" });
              started = true;
            }
            bar.update(progress.filesDone, { file: displayPath(progress.last.path, io.cwd).slice(-40) });
          },
          onFileProgress: (progress: FileProgress) => {
            // Long recordings: percentage and time left, on the bar or (not a terminal) every tenth.
            const percent = progress.total > 0 ? Math.floor((100 * progress.done) / progress.total) : 0;
            const eta = progress.etaMs !== undefined ? `, ${formatDuration(progress.etaMs)} left` : "";
            const line = `${terminalName(basename(progress.path))} ${progress.phase} ${percent}%${eta}`;
            if (bar) {
              if (started) bar.update({ file: line });
              return;
            }
            const key = `${progress.path}|${progress.phase}`;
            const tenth = Math.floor(percent / 10);
            if ((reported.get(key) ?? -1) >= tenth) return;
            reported.set(key, tenth);
            io.stderr.write(`${line}\n`);
          },
        },
      );
      bar?.stop();
      printSummary(summary);
      if (summary.failed > 0 || summary.partial > 0) exitCode = 1;
    });

  program
    .command("ask")
    .description('answer a question from a collection, with citations, or say "I don\'t know"')
    .argument("<question>", "the question, in quotes")
    .option("-c, --collection <name>", "collection to ask", defaultCollection)
    .option("--limit <n>", "passages to retrieve", positiveInteger, 8)
    .option("--model <id>", "answer with this model from the catalogue (default: its default model)")
    .addOption(
      new Option("--policy <policy>", "what happens to sentences the sources do not back").choices([
        ...answerPolicies,
      ]),
    )
    .option("--json", "print the answer as one JSON object")
    .action(async (question: string, options) => {
      const answer = await (await open(program.opts())).ask(question, {
        collection: options.collection,
        limit: options.limit,
        ...(options.model ? { model: options.model } : {}),
        ...(options.policy ? { policy: options.policy } : {}),
      });
      write(options.json ? JSON.stringify(answer) : formatAnswer(answer, io.cwd));
    });

  program
    .command("list")
    .description("list stored documents")
    .option("-c, --collection <name>", "only this collection")
    .option("--json", "print JSON")
    .action(async (options) => {
      const documents = await (await open(program.opts())).listDocuments(options.collection);
      write(options.json ? JSON.stringify(documents) : formatDocuments(documents, io.cwd));
    });

  program
    .command("remove")
    .description(
      "remove files, folders or documents (by path, id or source) and everything derived from them",
    )
    .argument("<targets...>", "file or folder paths, document ids or sources")
    .option("-c, --collection <name>", "collection to remove from", defaultCollection)
    .action(async (targets: string[], options) => {
      const engine = await open(program.opts());
      for (const target of targets) {
        // A target that is not an existing path is a document id or source, passed as given.
        const path = resolve(io.cwd, target);
        const result = await engine.remove(existsSync(path) ? path : target, options.collection);
        write(
          `removed ${displayPath(result.target, io.cwd)} (${result.documents} document${result.documents === 1 ? "" : "s"})`,
        );
      }
    });

  program
    .command("stats")
    .description(
      "counts, sizes, recent jobs, and answers: cost, abstention and escalation rates, latency per model",
    )
    .option("--json", "print JSON")
    .option("--since <date>", "answers from this date or time on (ISO 8601, e.g. 2026-11-01)")
    .option("--collection <name>", "answers in this collection only")
    .action(async (options) => {
      if (options.since !== undefined && Number.isNaN(Date.parse(options.since))) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `--since "${options.since}" is not a date; use ISO 8601, e.g. 2026-11-01`,
        );
      }
      const since = options.since === undefined ? undefined : new Date(options.since).toISOString();
      const stats = await (await open(program.opts())).stats({
        ...(since ? { since } : {}),
        ...(options.collection ? { collection: options.collection } : {}),
      });
      write(options.json ? JSON.stringify(stats) : formatStats(stats));
    });

  addSpaceCommands(program, { open: () => open(program.opts()), write, io });
  addKeyCommands(program, { open: () => open(program.opts()), write, io });
  addServeCommand(program, { io });
  addWorkerCommand(program, { io });
  addMigrateCommand(program, { io });
  addMcpCommand(program, { open: () => open(program.opts()), io });

  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (isVerityError(error)) {
      const flag = error.option === undefined ? undefined : flagFor[error.option];
      // Messages quote file names and what was typed: escaped, but their own line breaks kept.
      io.stderr.write(
        `verity: ${error.code}: ${terminalText(error.message)}${flag ? ` (command line: ${flag})` : ""}\n`,
      );
      exitCode = exitCodeFor(error);
    } else {
      io.stderr.write(`verity: unexpected error: ${terminalText((error as Error).stack ?? String(error))}\n`);
      exitCode = 1;
    }
  } finally {
    await verity?.close();
  }
  return exitCode;
}
