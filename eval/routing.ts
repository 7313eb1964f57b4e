// The learned router on any pair of RouteLLM-format folders: fitted on the training folder's CSVs
// (the same code as fit:router), scored on the test folder's, with and without deferring unfamiliar
// prompts to the cascade, beside a random router and an oracle. With one folder for both, the split
// is by subject: the test subjects are never seen in training; the default split is then repeated
// on its two rotations and on seeded random splits, each fitted on its own training subjects.
//   npm run eval:routing -- --train <folder> --test <folder> [--train-subjects a,b] [--test-subjects c,d]
//     [--folds 4] [--seed 1] [--splits 20] [--held-out 10] [--steps 10] [--price-weak 0.24]
//     [--price-strong 24.7] [--write]
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { median, quantile, sharedData, writeSection } from "../bench/report.js";
import { exitCodeFor, isVerityError, VerityError } from "../src/core/errors.js";
import { committedLearnedRouterWeights } from "../src/route/learned/learned-router.js";
import { promptFeatureNames } from "../src/route/learned/prompt-features.js";
import {
  type RoutingData,
  type RoutingExample,
  readRoutingData,
  routingSubjects,
  splitDescription,
  subjectList,
  subjectSplit,
} from "./routellm-data.js";
import {
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  oracleEscalation,
  qualityCostCurve,
} from "./routing-metrics.js";
import { routingReport, type SubjectRow } from "./routing-report.js";
import { otherSplits, rankingOf, scoreSplit, scoreSplits, summariseSplit } from "./routing-splits.js";

const usage =
  "usage: npm run eval:routing -- [--train <folder>] [--test <folder>] (default ../shared/data/routellm/mmlu for both) [--train-subjects a,b] [--test-subjects c,d] [--folds 4] [--seed 1] [--splits 20] [--held-out 10] [--steps 10] [--price-weak 0.24] [--price-strong 24.7] [--write]";
const warmUpCalls = 200;

function run(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      train: { type: "string", default: sharedData("routellm/mmlu") },
      test: { type: "string", default: sharedData("routellm/mmlu") },
      "train-subjects": { type: "string" },
      "test-subjects": { type: "string" },
      folds: { type: "string", default: "4" },
      seed: { type: "string", default: "1" },
      splits: { type: "string", default: "20" },
      "held-out": { type: "string", default: "10" },
      steps: { type: "string", default: "10" },
      "price-weak": { type: "string", default: "0.24" },
      "price-strong": { type: "string", default: "24.7" },
      write: { type: "boolean", default: false },
    },
  });
  const folds = Number(values.folds);
  const seed = Number(values.seed);
  const randomSplits = Number(values.splits);
  const heldOut = Number(values["held-out"]);
  const stepPercent = Number(values.steps);
  const prices = { weak: Number(values["price-weak"]), strong: Number(values["price-strong"]) };
  if (!values.train || !values.test)
    throw new VerityError("E_INVALID_INPUT", `--train and --test are required. ${usage}`);
  if (!Number.isInteger(folds) || folds < 2 || !Number.isInteger(seed)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `--folds must be an integer ≥ 2 and --seed an integer. ${usage}`,
    );
  }
  if (!Number.isInteger(randomSplits) || randomSplits < 0 || !Number.isInteger(heldOut) || heldOut < 1) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `--splits must be an integer ≥ 0 and --held-out an integer ≥ 1. ${usage}`,
    );
  }
  if (!(stepPercent > 0 && stepPercent <= 50 && Number.isInteger(100 / stepPercent))) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `--steps must divide 100 (1, 2, 5, 10, 20, 25 or 50), got ${values.steps}`,
    );
  }
  if (!(prices.weak >= 0 && prices.strong > 0)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      "--price-weak must be ≥ 0 and --price-strong > 0 (US dollars per million tokens)",
    );
  }

  const { train, test, split, rotatable } = chooseData(
    values.train,
    values.test,
    values["train-subjects"],
    values["test-subjects"],
  );
  const notes: string[] = [];
  if (train.weakModel !== test.weakModel || train.strongModel !== test.strongModel) {
    notes.push(
      `trained on ${train.weakModel} vs ${train.strongModel}, tested on ${test.weakModel} vs ${test.strongModel}: the router carries over a notion of prompt difficulty, not knowledge of the test models.`,
    );
  }
  const trainPrompts = new Set(train.examples.map((example) => example.prompt));
  const repeated = test.examples.filter((example) => trainPrompts.has(example.prompt)).length;
  if (repeated > 0) notes.push(`${repeated} test prompts also appear, word for word, in the training data.`);
  for (const note of notes) console.warn(`note: ${note}`);

  const scored = scoreSplit(train, test, folds, seed);
  const { router, escalation, deferred } = scored;
  const provenance = committedWeightsProvenance(train);

  // Overhead of what a route plan asks (probability and familiarity): each call timed on its own
  // after untimed calls that let the JIT settle.
  for (const example of test.examples.slice(0, warmUpCalls)) router.assess(example.prompt);
  const latencies = test.examples.map((example) => {
    const started = performance.now();
    router.assess(example.prompt);
    return (performance.now() - started) * 1000;
  });

  const learned = scored.curves.learned;
  if (learned.weakAccuracy === learned.strongAccuracy) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${test.weakModel} and ${test.strongModel} are equally accurate on the test prompts (${(100 * learned.weakAccuracy).toFixed(1)}%): PGR, APGR and CPT are undefined. Test on other subjects.`,
    );
  }
  const splits = [
    summariseSplit(rotatable ? "reported: the 3rd, 6th, 9th… subjects held out" : "reported", scored),
    ...(rotatable
      ? scoreSplits(
          values.test,
          otherSplits(routingSubjects(values.test), randomSplits, heldOut),
          folds,
          seed,
        )
      : []),
  ];
  const curves = {
    learned,
    deferring: scored.curves.deferring,
    random: scored.curves.random,
    oracle: qualityCostCurve(test.examples, oracleEscalation(test.examples)),
  };
  if (learned.strongAccuracy < learned.weakAccuracy) {
    notes.push(
      `the "strong" model (column 3) is less accurate than the "weak" one on the test prompts; PGR counts the gap in reverse.`,
    );
  }

  const report = routingReport({
    train: side(train),
    test: side(test),
    split,
    weakModel: test.weakModel,
    strongModel: test.strongModel,
    curves,
    crossValidation: scored.crossValidation,
    familiarity: {
      threshold: scored.model.familiarity?.threshold ?? 0,
      percentile: scored.model.familiarity?.percentile ?? 0,
      deferred: deferred.filter(Boolean).length / deferred.length,
    },
    splits: rotatable ? splits : [],
    prices,
    stepPercent,
    overhead: { p50: median(latencies), p95: quantile(latencies, 0.95), calls: latencies.length },
    subjects: subjectRows(test, escalation, deferred, callPerformanceThreshold(learned, 0.5)),
    notes,
    provenance,
    features: promptFeatureNames.length,
    ranking: rankingOf(scored),
  });
  console.log(report);
  if (values.write) {
    const options = [
      values["train-subjects"] ? ` --train-subjects ${values["train-subjects"]}` : "",
      values["test-subjects"] ? ` --test-subjects ${values["test-subjects"]}` : "",
      folds !== 4 ? ` --folds ${folds}` : "",
      seed !== 1 ? ` --seed ${seed}` : "",
      randomSplits !== 20 ? ` --splits ${randomSplits}` : "",
      heldOut !== 10 ? ` --held-out ${heldOut}` : "",
      stepPercent !== 10 ? ` --steps ${stepPercent}` : "",
      prices.weak !== 0.24 ? ` --price-weak ${prices.weak}` : "",
      prices.strong !== 24.7 ? ` --price-strong ${prices.strong}` : "",
    ].join("");
    writeSection(
      "routing",
      "Routing: learned router on RouteLLM data",
      `npm run eval:routing -- --train ${shared(values.train)} --test ${shared(values.test)}${options} --write`,
      report,
    );
  }
}

/** Which subjects train and which test; one folder for both is split by subject, never by prompt. */
function chooseData(
  trainFolder: string,
  testFolder: string,
  trainOption: string | undefined,
  testOption: string | undefined,
): { train: RoutingData; test: RoutingData; split: string; rotatable: boolean } {
  const trainSubjects = trainOption === undefined ? undefined : subjectList(trainOption);
  const testSubjects = testOption === undefined ? undefined : subjectList(testOption);
  if (resolve(trainFolder) !== resolve(testFolder)) {
    return {
      train: readRoutingData(trainFolder, trainSubjects),
      test: readRoutingData(testFolder, testSubjects),
      split: "separate folders",
      rotatable: false,
    };
  }
  const all = routingSubjects(trainFolder);
  let chosen: { train: string[]; test: string[] };
  let split: string;
  if (trainSubjects && testSubjects) {
    chosen = { train: trainSubjects, test: testSubjects };
    split = "subjects chosen with --train-subjects and --test-subjects";
  } else if (trainSubjects || testSubjects) {
    const given = (trainSubjects ?? testSubjects) as string[];
    const rest = all.filter((subject) => !given.includes(subject));
    chosen = trainSubjects ? { train: given, test: rest } : { train: rest, test: given };
    split = `subjects given with --${trainSubjects ? "train" : "test"}-subjects, the rest of the folder for ${trainSubjects ? "testing" : "training"}`;
  } else {
    chosen = subjectSplit(all);
    split = `one folder split by subject: ${splitDescription}`;
  }
  const shared = chosen.test.filter((subject) => chosen.train.includes(subject));
  if (shared.length > 0) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `subjects ${shared.join(", ")} are both in training and in testing; the evaluation must be on subjects the router never saw`,
    );
  }
  if (chosen.train.length === 0 || chosen.test.length === 0) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${trainFolder} has ${all.length} subject(s); splitting by subject needs at least one for training and one for testing`,
    );
  }
  return {
    train: readRoutingData(trainFolder, chosen.train),
    test: readRoutingData(testFolder, chosen.test),
    split,
    rotatable: trainSubjects === undefined && testSubjects === undefined,
  };
}

/** Whether the committed weights are the fit evaluated here, so the figures describe what ships. */
function committedWeightsProvenance(train: RoutingData): string {
  try {
    const committed = committedLearnedRouterWeights().training;
    return shared(train.folder) === committed.data &&
      committed.subjects.join(",") === train.subjects.join(",")
      ? `The committed weights (src/route/learned/weights.json, made ${committed.date} by \`${committed.command}\`) are this same fit, on the same training subjects.`
      : `This run fits its own router; the committed weights (src/route/learned/weights.json) were fitted on ${committed.subjects.length} subjects of ${committed.data}.`;
  } catch (error) {
    return `The committed weights could not be read: ${(error as Error).message}`;
  }
}

function side(data: RoutingData) {
  return { folder: shared(data.folder), subjects: data.subjects, prompts: data.examples.length };
}

function subjectRows(
  test: RoutingData,
  escalation: readonly number[],
  deferred: readonly boolean[],
  share: number,
): SubjectRow[] {
  // The escalation score above which the top `share` of test prompts lies.
  const sorted = [...escalation].sort((a, b) => b - a);
  const cut = sorted[Math.max(0, Math.round(share * sorted.length) - 1)] as number;
  return test.subjects.map((subject) => {
    const indexes = test.examples.flatMap((example, index) => (example.subject === subject ? [index] : []));
    const rate = (holds: (index: number) => boolean) => indexes.filter(holds).length / indexes.length;
    return {
      subject,
      prompts: indexes.length,
      weakAccuracy: rate((index) => test.examples[index]?.weakCorrect === true),
      strongAccuracy: rate((index) => test.examples[index]?.strongCorrect === true),
      escalated: share === 0 ? 0 : rate((index) => (escalation[index] as number) >= cut),
      deferred: rate((index) => deferred[index] === true),
      apgrWithin: averagePerformanceGapRecovered(
        qualityCostCurve(
          indexes.map((index) => test.examples[index] as RoutingExample),
          indexes.map((index) => escalation[index] as number),
        ),
      ),
    };
  });
}

function shared(path: string): string {
  return resolve(path).replace(/^.*\/shared\//u, "../shared/");
}

try {
  run(process.argv.slice(2));
} catch (error) {
  if (isVerityError(error)) {
    console.error(`eval:routing: ${error.code}: ${error.message}`);
  } else if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`eval:routing: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  } else {
    throw error;
  }
  process.exit(exitCodeFor(error));
}
