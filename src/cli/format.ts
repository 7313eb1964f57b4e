// Human-readable rendering of answers, lists and summaries for the terminal. Everything that comes from
// documents, file names or the store goes through terminal-text first (see there why).
import { relative, sep } from "node:path";
import type { Answer } from "../core/answer.js";
import type { Collection, DocumentRecord } from "../core/document.js";
import type { LedgerSummary } from "../core/ledger.js";
import type { Location } from "../core/location.js";
import type { IngestSummary } from "../ingest/pipeline.js";
import type { Job, StoreStats } from "../store/store.js";
import { terminalLine, terminalName, terminalText } from "./terminal-text.js";

/**
 * A path as a terminal shows it: relative to the working folder when it lies inside it, control
 * characters escaped, and quoted when it holds spaces or line breaks.
 */
export function displayPath(path: string, cwd: string): string {
  const hash = path.indexOf("#");
  const file = hash >= 0 ? path.slice(0, hash) : path;
  const rest = hash >= 0 ? path.slice(hash) : "";
  const shown = file.startsWith(cwd + sep) ? relative(cwd, file) : file;
  return terminalName(shown + rest);
}

export function formatTime(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${String(Math.floor(seconds / 60)).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

export function formatLocation(location: Location): string {
  const parts: string[] = [];
  if (location.startMs !== undefined && location.endMs !== undefined) {
    parts.push(`${formatTime(location.startMs)}–${formatTime(location.endMs)}`);
  }
  if (location.page !== undefined) parts.push(`page ${location.page}`);
  if (location.headingPath?.length) parts.push(location.headingPath.map(terminalLine).join(" › "));
  parts.push(`chars ${location.charStart}–${location.charEnd}`);
  return parts.join(", ");
}

export function formatAnswer(answer: Answer, cwd: string): string {
  const lines: string[] = [];
  if (answer.status === "answered") {
    const sources: string[] = [];
    for (const sentence of answer.sentences) {
      const marks = sentence.citations.map((citation) => {
        sources.push(
          `  [${sources.length + 1}] ${displayPath(citation.source, cwd)} (${formatLocation(citation.location)})`,
        );
        return `[${sources.length}]`;
      });
      lines.push(`${terminalText(sentence.text)} ${marks.join("")}`);
      const check = sentence.verification;
      if (check && check.verdict !== "supported")
        lines.push(`  ⚠ ${check.verdict}: ${terminalLine(check.reasons.join("; "))}`);
      for (const conflict of check?.conflicts ?? []) {
        lines.push(
          `  ⚠ disputed by ${displayPath(conflict.citation.source, cwd)} (${formatLocation(conflict.citation.location)}): ${terminalLine(conflict.reason)}`,
        );
      }
    }
    lines.push("", "Sources:", ...sources);
  } else if (answer.abstention) {
    lines.push(`I don't know. ${terminalText(answer.abstention.detail)}`);
    if (answer.abstention.closestSources.length > 0) {
      lines.push("", "Closest sources:");
      for (const source of answer.abstention.closestSources) {
        lines.push(`  - ${displayPath(source.source, cwd)} (${formatLocation(source.location)})`);
        lines.push(`    "${terminalLine(source.snippet)}"`);
      }
    }
  }
  const warnings = Array.isArray(answer.trace.warnings) ? (answer.trace.warnings as string[]) : [];
  if (warnings.length > 0) lines.push("", ...warnings.map((warning) => `Note: ${terminalText(warning)}`));
  return lines.join("\n");
}

const skipReasons: Record<keyof IngestSummary["skippedBy"], string> = {
  unsupportedType: "unsupported type",
  specialFile: "pipe, socket or device",
  outsideFolder: "link leading outside the folders",
  alreadyWalked: "link to a folder already walked",
};
/** Gone files listed by name; the rest are counted. */
const listedGone = 10;

export function formatIngestSummary(summary: IngestSummary, cwd: string): string {
  const skipped = Object.entries(summary.skippedBy)
    .filter(([, count]) => count > 0)
    .map(([reason, count]) => `${count} ${skipReasons[reason as keyof typeof skipReasons]}`);
  const lines = [
    `Ingested into "${terminalLine(summary.collection)}": ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.failed} failed` +
      (summary.partial > 0 ? `, ${summary.partial} partial` : "") +
      (summary.skipped > 0 ? `, ${summary.skipped} skipped (${skipped.join(", ")})` : "") +
      ` — ${summary.documents} documents, ${summary.chunks} chunks in ${(summary.durationMs / 1000).toFixed(1)} s`,
  ];
  for (const outcome of summary.errors) {
    const where = displayPath(outcome.path, cwd);
    if (outcome.status !== "partial") {
      lines.push(`  ✗ ${where}: ${outcome.error?.code} ${terminalText(`${outcome.error?.message}`)}`);
      continue;
    }
    const count = outcome.problemCount ?? outcome.problems?.length ?? 0;
    lines.push(`  ! ${where}: stored without ${count} unusable part${count === 1 ? "" : "s"}:`);
    for (const problem of outcome.problems ?? [])
      lines.push(`      ${problem.code} ${terminalText(problem.message)}`);
    if (count > (outcome.problems?.length ?? 0))
      lines.push(`      … and ${count - (outcome.problems?.length ?? 0)} more`);
  }
  for (const outcome of summary.warnings ?? []) {
    for (const warning of outcome.warnings ?? []) {
      lines.push(`  ! ${displayPath(outcome.path, cwd)}: ${terminalText(warning)}`);
    }
  }
  if (summary.gone.length > 0) {
    lines.push(
      summary.pruned > 0
        ? `Removed ${summary.pruned} documents of ${summary.gone.length} files that no longer exist:`
        : `${summary.gone.length} files stored earlier no longer exist; they are kept until you ingest again with --prune:`,
    );
    for (const path of summary.gone.slice(0, listedGone)) lines.push(`  - ${displayPath(path, cwd)}`);
    if (summary.gone.length > listedGone) lines.push(`  … and ${summary.gone.length - listedGone} more`);
  }
  return lines.join("\n");
}

export function formatDocuments(documents: DocumentRecord[], cwd: string): string {
  if (documents.length === 0) return "No documents stored yet. Add some with: verity ingest <paths>";
  return documents
    .map(
      (document) =>
        `${terminalLine(document.id)}  ${terminalName(document.collection)}  ${displayPath(document.source, cwd)}  ${terminalLine(document.mediaType)}  ${document.chunkCount} chunks` +
        (document.groups.length > 0 ? `  groups ${document.groups.map(terminalLine).join(",")}` : ""),
    )
    .join("\n");
}

const usd = (value: number) => `$${value.toFixed(value !== 0 && value < 0.01 ? 6 : 4)}`;
const share = (part: number, whole: number) => (whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`);

/** The ledger in lines: cost per answered question, abstention and escalation rates, latency per model. */
export function formatAnswerStats(answers: LedgerSummary): string[] {
  if (answers.answers === 0) return ["answers: none recorded yet"];
  const lines = [
    `answers ${answers.answers}: answered ${share(answers.answered, answers.answers)}, abstained ${share(answers.abstained, answers.answers)}, escalated ${share(answers.escalated, answers.answers)}`,
    `cost ${usd(answers.costUsd)} in all, ${answers.answered > 0 ? usd(answers.costUsd / answers.answered) : "–"} per answered question`,
  ];
  const { modelAnswers } = answers;
  if (modelAnswers.count > 0 && modelAnswers.strongestCostUsd > 0) {
    const saved = 1 - modelAnswers.costUsd / modelAnswers.strongestCostUsd;
    lines.push(
      `model answers ${modelAnswers.count}: ${usd(modelAnswers.costUsd)}, against ${usd(modelAnswers.strongestCostUsd)} had the strongest model written them (${saved >= 0 ? `${(saved * 100).toFixed(1)}% saved` : `${(-saved * 100).toFixed(1)}% more`})`,
    );
  }
  if (answers.perModel.length > 0) {
    lines.push("per model:");
    for (const model of answers.perModel) {
      lines.push(
        `  ${terminalLine(model.model)}: ${model.calls} calls, ${model.failed} failed, ${usd(model.costUsd)}, latency p50 ${Math.round(model.p50Ms)} ms, p95 ${Math.round(model.p95Ms)} ms`,
      );
    }
  }
  return lines;
}

export function formatStats(stats: {
  store: StoreStats;
  collections: Collection[];
  jobs: Job[];
  answers?: LedgerSummary;
}): string {
  const { store } = stats;
  const lines = [
    `collections ${store.collections}, files ${store.files}, documents ${store.documents}, chunks ${store.chunks}`,
    `extracted text ${(store.textBytes / 1024 / 1024).toFixed(2)} MB, database ${(store.databaseBytes / 1024 / 1024).toFixed(2)} MB`,
    store.bm25Ranking === "bm25"
      ? "BM25 ranking: FTS5 bm25() (slower on large indexes; npm run build:native compiles Verity's verity_bm25)"
      : `BM25 ranking: ${store.bm25Ranking}`,
  ];
  for (const collection of stats.collections) {
    lines.push(
      `  ${terminalLine(collection.name)}: ${collection.documentCount} documents, ${collection.chunkCount} chunks`,
    );
  }
  if (stats.jobs.length > 0) {
    lines.push("recent jobs:");
    for (const job of stats.jobs.slice(0, 5)) {
      lines.push(`  ${job.startedAt}  ${job.kind}  ${terminalName(job.collection)}  ${job.status}`);
    }
  }
  if (stats.answers) lines.push(...formatAnswerStats(stats.answers));
  return lines.join("\n");
}
