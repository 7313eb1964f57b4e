// The model-free sentence verifier on any SciFact-format claims file: each claim checked against the
// abstracts it cites, scored as supported / unsupported (NOT ENOUGH INFO) / contradicted. Reports the
// verifier as shipped, and calibrations fitted on its own signals, cross-validated by claim id.
//   npm run eval:verifier -- --data <claims.jsonl> --corpus <corpus.jsonl> [--folds 5] [--seed 1] [--write]
import { parseArgs } from "node:util";
import { median, quantile, sharedData, writeSection } from "../bench/report.js";
import {
  defaultMinCoverage,
  type Verdict,
  type VerificationSignals,
  verificationFrom,
  verificationSignals,
  verifySentence,
} from "../src/answer/verify/verifier.js";
import { exitCodeFor, isVerityError, VerityError } from "../src/core/errors.js";
import { classificationScores } from "./classification-metrics.js";
import { foldsById } from "./folds.js";
import { readScifactClaims, readScifactCorpus, verifierCases } from "./scifact-claims-data.js";
import {
  calibratedVerdict,
  calibrationFeatures,
  fitMinCoverage,
  fitVerdictCalibration,
  type VerdictCalibration,
  verdicts,
} from "./verifier-calibration.js";
import { verifierReport, warmUpCalls } from "./verifier-report.js";

const usage =
  "usage: npm run eval:verifier -- [--data <claims.jsonl>] [--corpus <corpus.jsonl>] (default ../shared/data/scifact-claims/claims_train.jsonl and corpus.jsonl) [--folds 5] [--seed 1] [--write]";

function run(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: "string", default: sharedData("scifact-claims/claims_train.jsonl") },
      corpus: { type: "string", default: sharedData("scifact-claims/corpus.jsonl") },
      folds: { type: "string", default: "5" },
      seed: { type: "string", default: "1" },
      write: { type: "boolean", default: false },
    },
  });
  const folds = Number(values.folds);
  const seed = Number(values.seed);
  if (!values.data || !values.corpus || !Number.isInteger(folds) || folds < 2 || !Number.isInteger(seed)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `--data and --corpus are required, --folds an integer ≥ 2, --seed an integer. ${usage}`,
    );
  }
  const corpus = readScifactCorpus(values.corpus);
  const claims = readScifactClaims(values.data);
  const { cases, mixedLabels, missingDocuments } = verifierCases(claims, corpus);
  if (missingDocuments.length > 0) {
    const shown = missingDocuments
      .slice(0, 5)
      .map((entry) => `claim ${entry.claim}: ${entry.documents.join(", ")}`)
      .join("; ");
    console.warn(
      `warning: skipped ${missingDocuments.length} claims citing documents absent from ${values.corpus} (${shown}${missingDocuments.length > 5 ? "; …" : ""}). Pass the corpus.jsonl that goes with ${values.data}.`,
    );
  }
  if (mixedLabels.length > 0) {
    console.warn(
      `note: skipped ${mixedLabels.length} claims whose evidence both supports and contradicts them (ids ${mixedLabels.slice(0, 10).join(", ")}): no single gold verdict.`,
    );
  }
  if (cases.length < folds) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${values.data}: only ${cases.length} claims can be scored, fewer than the ${folds} cross-validation folds; pass a larger claims file or a smaller --folds`,
    );
  }

  // The verifier as shipped, timed per claim after a few untimed calls (the JIT warms up on them).
  for (const each of cases.slice(0, warmUpCalls)) verifySentence(each.claim, each.sources);
  const latencies: number[] = [];
  const shipped: Verdict[] = [];
  for (const each of cases) {
    const started = performance.now();
    shipped.push(verifySentence(each.claim, each.sources).verdict);
    latencies.push(performance.now() - started);
  }
  const gold = cases.map((each) => each.gold);
  const signals = cases.map((each) => verificationSignals(each.claim, each.sources));
  const vectors = signals.map(calibrationFeatures);

  const counts = verdicts.map((verdict) => gold.filter((label) => label === verdict).length);
  const majority = verdicts[counts.indexOf(Math.max(...counts))] as Verdict;

  // Cross-validation: every calibration refitted on the other folds, scored on the held-out one.
  const foldOf = foldsById(
    cases.map((each) => each.id),
    folds,
    seed,
  );
  const fold = cases.map((each) => foldOf.get(each.id) as number);
  const outOfFold = { minCoverage: [...shipped], logistic: [...shipped] };
  const perFold = { minCoverage: [] as number[], logistic: [] as number[] };
  const foldMinCoverage: number[] = [];
  for (let held = 0; held < folds; held++) {
    const train = cases.map((_, index) => index).filter((index) => fold[index] !== held);
    const test = cases.map((_, index) => index).filter((index) => fold[index] === held);
    const minCoverage = fitMinCoverage(pick(signals, train), pick(gold, train));
    foldMinCoverage.push(minCoverage);
    const calibration = fitVerdictCalibration(pick(vectors, train), pick(gold, train));
    for (const index of test) {
      outOfFold.minCoverage[index] = verificationFrom(signals[index] as VerificationSignals, {
        minCoverage,
      }).verdict;
      outOfFold.logistic[index] = calibratedVerdict(calibration, vectors[index] as number[]);
    }
    const testGold = pick(gold, test);
    perFold.minCoverage.push(
      classificationScores(verdicts, testGold, pick(outOfFold.minCoverage, test)).macroF1,
    );
    perFold.logistic.push(classificationScores(verdicts, testGold, pick(outOfFold.logistic, test)).macroF1);
  }
  // What one would ship: the same procedures fitted on every claim.
  const finalMinCoverage = fitMinCoverage(signals, gold);
  const finalCalibration: VerdictCalibration = fitVerdictCalibration(vectors, gold);

  // SciFact derives several claims from one citing sentence, so folds share cited abstracts.
  const foldsOfDocument = new Map<string, Set<number>>();
  cases.forEach((each, index) => {
    for (const document of each.documents) {
      foldsOfDocument.set(document, (foldsOfDocument.get(document) ?? new Set()).add(fold[index] as number));
    }
  });
  const sharedDocuments = [...foldsOfDocument.values()].filter((set) => set.size > 1).length;

  // Where the shipped verdicts go wrong, for the explanation under the tables.
  const supportedIndexes = cases.map((_, index) => index).filter((index) => gold[index] === "supported");
  const onlyNegation = (each: VerificationSignals) =>
    each.negationMismatch !== null &&
    each.antonyms.length + each.numberConflicts.length + each.dateConflicts.length === 0;
  const diagnostics = {
    supportedBelowCoverage: supportedIndexes.filter(
      (index) => (signals[index] as VerificationSignals).coverage < defaultMinCoverage,
    ).length,
    contradictedByNegationOnly: supportedIndexes.filter(
      (index) => shipped[index] === "contradicted" && onlyNegation(signals[index] as VerificationSignals),
    ).length,
  };

  const report = verifierReport({
    diagnostics,
    claims: claims.length,
    cases: cases.length,
    mixedLabels: mixedLabels.length,
    missingDocuments: missingDocuments.length,
    documents: foldsOfDocument.size,
    sharedDocuments,
    folds,
    seed,
    majority: {
      label: majority,
      scores: classificationScores(
        verdicts,
        gold,
        gold.map(() => majority),
      ),
    },
    shipped: classificationScores(verdicts, gold, shipped),
    crossValidated: [
      {
        name: "shipped rules, minCoverage fitted",
        scores: classificationScores(verdicts, gold, outOfFold.minCoverage),
        perFoldMacroF1: perFold.minCoverage,
      },
      {
        name: "logistic calibration over verifier signals",
        scores: classificationScores(verdicts, gold, outOfFold.logistic),
        perFoldMacroF1: perFold.logistic,
      },
    ],
    foldMinCoverage,
    finalMinCoverage,
    finalCalibration,
    latency: { p50: median(latencies), p95: quantile(latencies, 0.95) },
    sourcesPerClaim: cases.reduce((sum, each) => sum + each.sources.length, 0) / cases.length,
  });
  console.log(report);
  if (values.write) {
    const relative = (path: string) => path.replace(/^.*\/shared\//, "../shared/");
    const options = `${folds !== 5 ? ` --folds ${folds}` : ""}${seed !== 1 ? ` --seed ${seed}` : ""}`;
    writeSection(
      "verifier",
      "Sentence verifier on SciFact claims",
      `npm run eval:verifier -- --data ${relative(values.data)} --corpus ${relative(values.corpus)}${options} --write`,
      report,
    );
  }
}

function pick<T>(values: readonly T[], indexes: readonly number[]): T[] {
  return indexes.map((index) => values[index] as T);
}

try {
  run(process.argv.slice(2));
} catch (error) {
  if (isVerityError(error)) {
    console.error(`eval:verifier: ${error.code}: ${error.message}`);
  } else if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`eval:verifier: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  } else {
    throw error;
  }
  process.exit(exitCodeFor(error));
}
