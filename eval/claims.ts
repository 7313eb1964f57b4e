// The model-free verifier on sentences real models wrote, checked against evidence as a person would:
// any JSON-lines file of `{ id?, doc, claim, label }` (label 1: the evidence fully supports the claim),
// such as Factcheck-Bench's ChatGPT claims. Balanced accuracy as LLM-AggreFact reports it, the share of
// supported claims kept and of unsupported ones caught, and the same along the verifier's score.
//   npm run eval:claims -- [--data ../shared/data/factcheck-gpt/factcheck_gpt_claim_evidence.jsonl]
//     [--split eval/splits/factcheck-gpt.json | none] [--write]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { markdownTable, median, quantile, sharedData, writeSection } from "../bench/report.js";
import { defaultMinCoverage, verifySentence } from "../src/answer/verify/verifier.js";
import { VerityError } from "../src/core/errors.js";
import { readSplit } from "./splits.js";

const recordSchema = z.object({
  id: z.union([z.string(), z.number()]).optional(),
  doc: z.string().min(1),
  claim: z.string().min(1),
  label: z.union([z.literal(0), z.literal(1), z.boolean()]),
});

export interface ClaimCase {
  id: string;
  doc: string;
  claim: string;
  supported: boolean;
}

/** Reads a claims file; any malformed line is an error naming it (an evaluation must not skip data). */
export function readClaims(path: string): ClaimCase[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VerityError("E_NOT_FOUND", `cannot read ${path}; pass --data <claims .jsonl>`, {
      cause: error,
    });
  }
  const cases: ClaimCase[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new VerityError("E_CORRUPT", `${path} line ${index + 1} is not JSON`, { cause: error });
    }
    const result = recordSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new VerityError(
        "E_CORRUPT",
        `${path} line ${index + 1}: ${issue?.path.join(".") || "(record)"}: ${issue?.message}. Each line needs doc, claim and label (0 or 1).`,
      );
    }
    const record = result.data;
    cases.push({
      id: String(record.id ?? index + 1),
      doc: record.doc,
      claim: record.claim,
      supported: record.label === 1 || record.label === true,
    });
  }
  if (cases.length === 0) throw new VerityError("E_EMPTY", `${path} holds no claims`);
  const supported = cases.filter((entry) => entry.supported).length;
  if (supported === 0 || supported === cases.length) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${path} has only ${supported === 0 ? "unsupported" : "supported"} claims; balanced accuracy needs both`,
    );
  }
  return cases;
}

export interface ClaimOutcome {
  supported: boolean;
  /** The verifier's verdict was `supported`. */
  kept: boolean;
  score: number;
  contradicted: boolean;
  ms: number;
}

export function checkClaims(cases: readonly ClaimCase[]): ClaimOutcome[] {
  return cases.map((entry) => {
    const started = performance.now();
    const verification = verifySentence(entry.claim, [entry.doc]);
    return {
      supported: entry.supported,
      kept: verification.verdict === "supported",
      score: verification.score,
      contradicted: verification.verdict === "contradicted",
      ms: performance.now() - started,
    };
  });
}

export interface ClaimScores {
  claims: number;
  supported: number;
  /** Share of supported claims the verifier keeps (true positive rate). */
  keptOfSupported: number;
  /** Share of unsupported claims it rejects (true negative rate). */
  caughtOfUnsupported: number;
  balancedAccuracy: number;
}

export function claimScores(outcomes: readonly Pick<ClaimOutcome, "supported" | "kept">[]): ClaimScores {
  const supported = outcomes.filter((outcome) => outcome.supported);
  const unsupported = outcomes.filter((outcome) => !outcome.supported);
  const keptOfSupported = supported.filter((outcome) => outcome.kept).length / Math.max(1, supported.length);
  const caughtOfUnsupported =
    unsupported.filter((outcome) => !outcome.kept).length / Math.max(1, unsupported.length);
  return {
    claims: outcomes.length,
    supported: supported.length,
    keptOfSupported,
    caughtOfUnsupported,
    balancedAccuracy: (keptOfSupported + caughtOfUnsupported) / 2,
  };
}

/** Kept when not contradicted and the score reaches the threshold: the trade-off along the score. */
export function scoreCurve(outcomes: readonly ClaimOutcome[], thresholds: readonly number[]) {
  return thresholds.map((threshold) => ({
    threshold,
    ...claimScores(
      outcomes.map((outcome) => ({
        supported: outcome.supported,
        kept: !outcome.contradicted && outcome.score >= threshold,
      })),
    ),
  }));
}

const percent = (value: number) => (value * 100).toFixed(1);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: sharedData("factcheck-gpt/factcheck_gpt_claim_evidence.jsonl") },
      split: {
        type: "string",
        default: fileURLToPath(new URL("splits/factcheck-gpt.json", import.meta.url)),
      },
      write: { type: "boolean", default: false },
    },
  });
  const cases = readClaims(values.data as string);
  const parts: { part: string; cases: ClaimCase[] }[] = [];
  if (values.split === "none") parts.push({ part: "all", cases });
  else {
    const split = readSplit(
      values.split as string,
      cases.map((entry) => entry.id),
    );
    for (const part of ["dev", "test"] as const) {
      const ids = new Set(split[part]);
      parts.push({ part, cases: cases.filter((entry) => ids.has(entry.id)) });
    }
  }
  const rows: (string | number)[][] = [];
  const curves: string[] = [];
  const times: number[] = [];
  for (const { part, cases: partCases } of parts) {
    const outcomes = checkClaims(partCases);
    times.push(...outcomes.map((outcome) => outcome.ms));
    const scores = claimScores(outcomes);
    rows.push([
      part,
      scores.claims,
      scores.supported,
      percent(scores.keptOfSupported),
      percent(scores.caughtOfUnsupported),
      percent(scores.balancedAccuracy),
    ]);
    const curve = scoreCurve(outcomes, [0, 0.5, 0.6, 0.7, defaultMinCoverage, 0.8, 0.9, 0.95, 1]);
    curves.push(
      `${part}: ${curve
        .map(
          (point) =>
            `≥${point.threshold}: kept ${percent(point.keptOfSupported)} / caught ${percent(point.caughtOfUnsupported)} (BAcc ${percent(point.balancedAccuracy)})`,
        )
        .join("; ")}`,
    );
  }
  const table = markdownTable(
    ["part", "claims", "supported", "supported kept %", "unsupported caught %", "balanced accuracy"],
    rows,
  );
  const timing = `verifySentence per claim: p50 ${median(times).toFixed(2)} ms, p95 ${quantile(times, 0.95).toFixed(2)} ms`;
  console.log(table);
  console.log(curves.join("\n"));
  console.log(timing);
  if (values.write) {
    const data = (values.data as string).replace(/^.*\/shared\//u, "../shared/");
    writeSection(
      "claims",
      "Checking real model sentences against evidence (no model)",
      `npm run eval:claims -- --data ${data} --write`,
      `${table}\n\nAlong the verifier's score (kept when not contradicted and the score reaches the threshold):\n\n${curves.map((line) => `- ${line}`).join("\n")}\n\n${timing}. Each claim (written by ChatGPT in Factcheck-Bench) goes to \`verifySentence(claim, [evidence])\`; a claim counts as supported only when its label is 1 (the evidence supports it completely). The development/test split (\`eval/splits/factcheck-gpt.json\`) was committed before any tuning: quote the test part. The verifier's default threshold (\`minCoverage\` ${defaultMinCoverage}, a share of the claim's content words weighted by how rare each word is) was chosen on the development part alone, as the lowest that still rejects at least 90% of its unsupported claims. Published balanced accuracy on this data (LLM-AggreFact's FactCheck-GPT part): MiniCheck-Flan-T5-L 74.7, GPT-4o 77.5, HHEM-2.1 71.8, AlignScore 74.3; LLM-AggreFact averages over 11 parts: Bespoke-MiniCheck-7B 77.4, GPT-4o 75.9, MiniCheck-Flan-T5-L 75.0, HHEM-2.1 71.8, AlignScore 70.5 (\`../shared/ANCHORS.md\`). Those checkers are neural models; this one reads words (a WordNet synonym or another form of a word counts as the word; a common word such as "known" or "use" counts for less than a rare one or a name, by WordNet's sense-tagged word counts), numbers, names (also as acronyms: "U.S.", "NIH" for "National Institutes of Health") and negation.`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`eval:claims: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
