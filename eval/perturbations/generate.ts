// Writes the hallucination set (eval/perturbations/cases.jsonl) from a BEIR-format corpus: true
// sentences perturbed into hallucinations and reworded faithfully. Seeded, so the same corpus and seed
// always give the same file; the committed file is the set, this script its recipe.
//   npm run eval:perturbations:generate -- [--corpus ../shared/data/beir-scifact/corpus.jsonl]
//     [--seed 4] [--sentences 180] [--out eval/perturbations/cases.jsonl]
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { exitCodeFor, VerityError } from "../../src/core/errors.js";
import { corpusPassages } from "../corpus-passages.js";
import { buildCases, defaultBuildOptions } from "./case-builder.js";
import { defaultCasesPath } from "./cases.js";

const { values } = parseArgs({
  options: {
    corpus: {
      type: "string",
      default: fileURLToPath(new URL("../../../shared/data/beir-scifact/corpus.jsonl", import.meta.url)),
    },
    seed: { type: "string", default: String(defaultBuildOptions.seed) },
    sentences: { type: "string", default: String(defaultBuildOptions.sentences) },
    out: { type: "string", default: defaultCasesPath },
  },
});

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new VerityError("E_INVALID_INPUT", `--${name} must be a whole number ≥ 0, not "${text}"`);
  }
  return value;
}

try {
  const documents = await corpusPassages(values.corpus as string);
  const cases = buildCases(documents, {
    ...defaultBuildOptions,
    seed: positiveInteger("seed", values.seed as string),
    sentences: positiveInteger("sentences", values.sentences as string),
  });
  const text = `${cases.map((entry) => JSON.stringify(entry)).join("\n")}\n`;
  writeFileSync(values.out as string, text);
  const byKind = new Map<string, number>();
  for (const entry of cases)
    byKind.set(`${entry.label} ${entry.kind}`, (byKind.get(`${entry.label} ${entry.kind}`) ?? 0) + 1);
  console.log(`${cases.length} cases (${(text.length / 1024).toFixed(0)} KiB) written to ${values.out}`);
  for (const [kind, count] of [...byKind].sort()) console.log(`  ${kind}: ${count}`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(exitCodeFor(error));
}
