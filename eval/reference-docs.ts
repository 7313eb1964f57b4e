// Questions about a fictional tool's Markdown reference documentation (test/fixtures/reference-docs):
// defaults as list items under a setting's heading, flags as headings, environment variables in a
// table, how-to guides as steps, a glossary of definition lines, and questions the docs do not answer.
// Compares the extractive answerer as it was (sentences, no gate), with the answer gate, and with the
// gate and structure-aware units.
//   npm run eval:reference -- [--write]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markdownTable, writeSection } from "../bench/report.js";
import {
  createExtractiveAnswerer,
  type ExtractiveAnswererOptions,
} from "../src/answer/extractive-answerer.js";
import type { Answer } from "../src/core/answer.js";
import { createVerity } from "../src/engine.js";

export const referenceDocs = fileURLToPath(new URL("../test/fixtures/reference-docs/", import.meta.url));

export interface ReferenceQuestion {
  question: string;
  /** Text the answer must hold, or the heading it must cite; null when the docs do not answer. */
  answer: string | null;
}

export function readReferenceQuestions(): ReferenceQuestion[] {
  return JSON.parse(readFileSync(join(referenceDocs, "questions.json"), "utf8")) as ReferenceQuestion[];
}

/** Right when it holds the expected text, or cites it as the heading its quote sits under. */
export function answersRight(answer: Answer, expected: string): boolean {
  if (answer.status !== "answered") return false;
  return answer.sentences.some(
    (sentence) =>
      sentence.text.includes(expected) ||
      sentence.citations.some((citation) => citation.location.headingPath?.at(-1) === expected),
  );
}

export interface ReferenceRow {
  answerer: string;
  answerable: number;
  right: number;
  unanswerable: number;
  declined: number;
}

export const referenceAnswerers: readonly { name: string; options: ExtractiveAnswererOptions }[] = [
  { name: "sentences, no gate (before)", options: { gate: false, structure: false } },
  { name: "sentences with the answer gate", options: { structure: false } },
  { name: "gate and structure-aware units (after)", options: {} },
];

/** Ingests the fixture once and asks every question with each answerer. */
export async function evaluateReferenceDocs(): Promise<ReferenceRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "verity-reference-docs-"));
  const questions = readReferenceQuestions();
  try {
    const ingesting = createVerity({ dataDir });
    await ingesting.ingest([join(referenceDocs, "docs")], { collection: "reference" });
    await ingesting.close();
    const rows: ReferenceRow[] = [];
    for (const { name, options } of referenceAnswerers) {
      const verity = createVerity({ dataDir, answerer: createExtractiveAnswerer(options) });
      const row = { answerer: name, answerable: 0, right: 0, unanswerable: 0, declined: 0 };
      for (const { question, answer: expected } of questions) {
        const answer = await verity.ask(question, { collection: "reference" });
        if (expected === null) {
          row.unanswerable++;
          if (answer.status === "abstained") row.declined++;
        } else {
          row.answerable++;
          if (answersRight(answer, expected)) row.right++;
        }
      }
      await verity.close();
      rows.push(row);
    }
    return rows;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { write: { type: "boolean", default: false } } });
  const rows = await evaluateReferenceDocs();
  const table = markdownTable(
    ["answerer", "answered right", "declined (docs do not answer)"],
    rows.map((row) => [
      row.answerer,
      `${row.right} of ${row.answerable}`,
      `${row.declined} of ${row.unanswerable}`,
    ]),
  );
  console.log(table);
  if (values.write) {
    writeSection(
      "reference-docs",
      "Reference docs: structure-aware extractive answers (no model)",
      "npm run eval:reference -- --write",
      `${table}\n\nQuestions about the Markdown reference of a fictional backup tool written for this project (\`test/fixtures/reference-docs\`): defaults given as list items under a setting's heading, flags as headings, environment variables in a table, how-to guides as numbered steps or a command, a glossary of definition lines, and ${rows[0]?.unanswerable ?? 0} questions the docs do not answer. An answer is right when its text holds the expected value, or when it cites the expected flag as the heading its quote sits under (a quote is a span of the document's text, and chunks do not carry their headings' spans, so a heading is cited rather than quoted). A small set written by the same hands as the answerer's rules: it shows what the structure-aware units do, not how well they generalise.`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`eval:reference: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
