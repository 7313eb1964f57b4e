// `verity reindex` and `verity spaces`: build embedding spaces in the background, then switch.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { defaultCollection } from "../core/defaults.js";
import { VerityError } from "../core/errors.js";
import type { Verity } from "../engine.js";
import type { ComparisonQuery, SpaceComparison } from "../retrieve/compare-spaces.js";
import type { EmbeddingSpace, Quantization } from "../store/vectors.js";
import { positiveInteger } from "./arguments.js";
import type { CliIo } from "./cli-io.js";
import { terminalLine } from "./terminal-text.js";

interface SpaceCommandContext {
  open(): Promise<Verity>;
  write(line: string): void;
  io: CliIo;
}

const quantizations: readonly Quantization[] = ["float32", "int8", "binary"];

function quantization(value: string): Quantization {
  if (!(quantizations as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${quantizations.join(", ")}`);
  }
  return value as Quantization;
}

function formatSpace(space: EmbeddingSpace): string {
  const share = space.totalChunks > 0 ? Math.round((100 * space.embeddedChunks) / space.totalChunks) : 100;
  return `${space.active ? "*" : " "} ${terminalLine(space.name)}  ${terminalLine(`${space.provider}:${space.model}`)}  ${space.dimensions}d ${space.quantization}  ${space.embeddedChunks}/${space.totalChunks} chunks (${share}%)`;
}

function formatEta(ms: number | undefined): string {
  if (ms === undefined) return "…";
  const seconds = Math.round(ms / 1000);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, "0")}s`;
}

export function addSpaceCommands(program: Command, context: SpaceCommandContext): void {
  program
    .command("reindex")
    .description(
      "embed a collection into a new embedding space in the background (resumable); queries keep using the active space",
    )
    .option("-c, --collection <name>", "collection to embed", defaultCollection)
    .option("--space <name>", "space name (default <provider>:<model>:<version>)")
    .option("--space-version <version>", "bump when the same model's vectors change", "1")
    .option(
      "--quantization <kind>",
      "float32, int8 or binary (binary and int8 rescore with float32)",
      quantization,
      "float32",
    )
    .option("--batch-size <n>", "chunks per embedding request", positiveInteger)
    .option("--activate", "switch queries to the new space once it is complete")
    .option(
      "--compare <queries>",
      "before switching, compare retrieval now and with the new space on these questions (.jsonl {_id,text} or .txt, one per line)",
    )
    .option("--qrels <tsv>", "judgements for --compare (query-id, corpus-id, score): adds nDCG@10 old vs new")
    .option("--json", "print one JSON summary line")
    .action(async (options) => {
      const verity = await context.open();
      const interactive = Boolean(context.io.stderr.isTTY) && !options.json;
      const bar = interactive
        ? new (await import("cli-progress")).SingleBar({
            format: "embedding [{bar}] {percentage}% | {value}/{total} chunks | ETA {eta_text}",
            stream: context.io.stderr,
          })
        : undefined;
      let started = false;
      const result = await verity.reindex({
        collection: options.collection,
        ...(options.space ? { space: options.space } : {}),
        version: options.spaceVersion,
        quantization: options.quantization,
        ...(options.batchSize ? { batchSize: options.batchSize } : {}),
        onProgress: (progress) => {
          if (!bar) return;
          if (!started) {
            bar.start(progress.total, progress.embedded, { eta_text: formatEta(progress.etaMs) });
            started = true;
          }
          bar.update(progress.embedded, { eta_text: formatEta(progress.etaMs) });
        },
      });
      bar?.stop();
      const complete = result.space.embeddedChunks === result.space.totalChunks;
      const comparison = options.compare
        ? await verity.compareSpace({
            collection: options.collection,
            space: result.space.name,
            queries: readQueries(resolve(context.io.cwd, options.compare)),
            ...(options.qrels ? { judgements: readJudgements(resolve(context.io.cwd, options.qrels)) } : {}),
          })
        : undefined;
      const forPeople = !options.json && Boolean(context.io.stdout.isTTY);
      if (comparison && forPeople) context.write(formatComparison(comparison));
      if (options.activate) {
        if (!complete) {
          throw new VerityError(
            "E_INVALID_INPUT",
            `space ${result.space.name} is incomplete (${result.space.embeddedChunks}/${result.space.totalChunks}); run reindex again before activating`,
          );
        }
        await verity.store.activateSpace(options.collection, result.space.name);
      }
      const space = (await verity.store.getSpace(options.collection, result.space.name)) as EmbeddingSpace;
      if (!forPeople) {
        context.write(JSON.stringify({ ...result, space, ...(comparison ? { comparison } : {}) }));
      } else {
        context.write(
          `${terminalLine(space.name)}: ${space.embeddedChunks}/${space.totalChunks} chunks embedded (${result.embeddedNow} this run, ${(result.durationMs / 1000).toFixed(1)} s)${space.active ? ", active" : options.activate ? "" : `; switch with: verity spaces activate ${terminalLine(space.name)} --collection ${terminalLine(options.collection)}`}`,
        );
      }
    });

  const spaces = program.command("spaces").description("list, activate or remove embedding spaces");
  spaces
    .command("list", { isDefault: true })
    .description("list a collection's embedding spaces (* marks the active one)")
    .option("-c, --collection <name>", "only this collection")
    .option("--json", "print JSON")
    .action(async (options) => {
      const list = await (await context.open()).store.listSpaces(options.collection);
      if (options.json) context.write(JSON.stringify(list));
      else
        context.write(
          list.length > 0
            ? list.map(formatSpace).join("\n")
            : "No embedding spaces yet. Build one with: verity reindex --embedder <spec>",
        );
    });
  spaces
    .command("activate")
    .argument("<name>", "space to switch queries to")
    .option("-c, --collection <name>", "collection", defaultCollection)
    .action(async (name: string, options) => {
      await (await context.open()).store.activateSpace(options.collection, name);
      context.write(`queries in "${terminalLine(options.collection)}" now use ${terminalLine(name)}`);
    });
  spaces
    .command("remove")
    .argument("<name>", "space to drop with its vectors (not the active one)")
    .option("-c, --collection <name>", "collection", defaultCollection)
    .action(async (name: string, options) => {
      await (await context.open()).store.removeSpace(options.collection, name);
      context.write(`removed ${terminalLine(name)} from "${terminalLine(options.collection)}"`);
    });
}

/** Questions for --compare: BEIR-style JSONL (`{_id|id, text}`) or plain text, one per line. */
function readQueries(path: string): ComparisonQuery[] {
  const lines = readLines(path);
  if (!path.endsWith(".jsonl")) return lines.map((text, index) => ({ id: String(index + 1), text }));
  return lines.map((line, index) => {
    try {
      const record = JSON.parse(line) as { _id?: unknown; id?: unknown; text?: unknown };
      if (typeof record.text !== "string") throw new Error("no text field");
      return { id: String(record._id ?? record.id ?? index + 1), text: record.text };
    } catch (error) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `${path}:${index + 1} is not a {"_id","text"} record: ${(error as Error).message}`,
      );
    }
  });
}

/** TREC/BEIR qrels: `query-id corpus-id score` per line, tab or space separated, header optional. */
function readJudgements(path: string): Map<string, Map<string, number>> {
  const judgements = new Map<string, Map<string, number>>();
  for (const [index, line] of readLines(path).entries()) {
    const cells = line.split(/\s+/);
    if (index === 0 && /query/i.test(cells[0] ?? "")) continue;
    const [query, document, score] = cells.length >= 4 ? [cells[0], cells[2], cells[3]] : cells;
    if (!query || !document || score === undefined || Number.isNaN(Number(score))) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `${path}:${index + 1} needs query-id, corpus-id and a numeric score`,
      );
    }
    const forQuery = judgements.get(query) ?? new Map<string, number>();
    forQuery.set(document, Number(score));
    judgements.set(query, forQuery);
  }
  return judgements;
}

function readLines(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VerityError("E_NOT_FOUND", `cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return text.split(/\r?\n/).filter((line) => line.trim() !== "");
}

function formatComparison(comparison: SpaceComparison): string {
  const lines = [
    `compared on ${comparison.queries} questions: ${terminalLine(comparison.current)} → ${terminalLine(comparison.candidate)}`,
    `  overlap@10 of retrieved documents: ${(comparison.overlapAt10 * 100).toFixed(1)}%`,
  ];
  if (comparison.ndcgAt10) {
    lines.push(
      `  nDCG@10 on ${comparison.ndcgAt10.judgedQueries} judged questions: ${comparison.ndcgAt10.current.toFixed(3)} → ${comparison.ndcgAt10.candidate.toFixed(3)}`,
    );
  }
  return lines.join("\n");
}
