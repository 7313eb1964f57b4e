// Fits the learned router on RouteLLM-format CSVs and writes its weights (src/route/learned/weights.json
// by default), with how they were made: data, subjects, date, command and cross-validated figures,
// what it ranks prompts by (the weak model's failures, or the gain of a strong call) with its L2, and
// the familiarity threshold below which the router defers to the cascade, all chosen by
// cross-validation by subject.
// The committed weights are fitted on the training subjects of eval:routing's split (--split), so the
// evaluation on the held-out subjects stays honest.
//   npm run fit:router -- --train <folder> [--split | --subjects a,b,c] [--out <weights.json>] [--folds 4] [--seed 1]
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { sharedData } from "../bench/report.js";
import {
  readRoutingData,
  routingSubjects,
  splitDescription,
  subjectList,
  subjectSplit,
} from "../eval/routellm-data.js";
import { exitCodeFor, isVerityError, VerityError } from "../src/core/errors.js";
import {
  type LearnedRouterWeights,
  parseLearnedRouterWeights,
  weightsFormat,
} from "../src/route/learned/learned-router.js";
import { fitRouter, type RouterCandidate, routerCandidates } from "./router-training.js";

const usage =
  "usage: npm run fit:router -- [--train <folder>] (default ../shared/data/routellm/mmlu) [--split | --subjects a,b,c] [--out src/route/learned/weights.json] [--folds 4] [--seed 1]";
const defaultOut = fileURLToPath(new URL("../src/route/learned/weights.json", import.meta.url));

function run(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      train: { type: "string", default: sharedData("routellm/mmlu") },
      subjects: { type: "string" },
      split: { type: "boolean", default: false },
      out: { type: "string", default: defaultOut },
      folds: { type: "string", default: "4" },
      seed: { type: "string", default: "1" },
    },
  });
  const folds = Number(values.folds);
  const seed = Number(values.seed);
  if (!values.train || !Number.isInteger(folds) || folds < 2 || !Number.isInteger(seed)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `--train is required, --folds an integer ≥ 2, --seed an integer. ${usage}`,
    );
  }
  if (values.split && values.subjects) {
    throw new VerityError("E_INVALID_INPUT", `give --split or --subjects, not both. ${usage}`);
  }
  const all = routingSubjects(values.train);
  const subjects = values.split
    ? subjectSplit(all).train
    : values.subjects
      ? subjectList(values.subjects)
      : all;
  const data = readRoutingData(values.train, subjects);
  const heldOut = all.filter((subject) => !data.subjects.includes(subject));
  const started = performance.now();
  const { model, crossValidation } = fitRouter(data, folds, seed);
  const shared = (path: string) => path.replace(/^.*\/shared\//u, "../shared/");
  const out = relative(process.cwd(), resolve(values.out));
  const selection = values.split
    ? " --split"
    : values.subjects
      ? ` --subjects ${data.subjects.join(",")}`
      : "";
  const weights: LearnedRouterWeights = {
    format: weightsFormat,
    model: "logistic",
    predicts: `probability that ${data.weakModel} answers the prompt correctly`,
    ...model,
    training: {
      data: shared(resolve(values.train)),
      weakModel: data.weakModel,
      strongModel: data.strongModel,
      subjects: data.subjects,
      heldOutSubjects: heldOut,
      split: values.split
        ? splitDescription
        : values.subjects
          ? "subjects listed with --subjects"
          : "every subject",
      prompts: data.examples.length,
      weakAccuracy: accuracy(data.examples.map((example) => example.weakCorrect)),
      strongAccuracy: accuracy(data.examples.map((example) => example.strongCorrect)),
      l2: crossValidation?.selection.chosen.l2 ?? (routerCandidates[0] as RouterCandidate).l2,
      date: new Date().toISOString().slice(0, 10),
      command: `npm run fit:router -- --train ${shared(resolve(values.train))}${selection}${out === relative(process.cwd(), defaultOut) ? "" : ` --out ${out}`}`,
      crossValidation,
    },
  };
  // The file must load as it will be loaded.
  parseLearnedRouterWeights(weights, "the fitted weights");
  writeFileSync(values.out, `${JSON.stringify(weights, null, 2)}\n`);
  execFileSync(
    fileURLToPath(new URL("../node_modules/.bin/biome", import.meta.url)),
    ["format", "--write", values.out],
    {
      stdio: "ignore",
    },
  );
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `fitted on ${data.examples.length} prompts of ${data.subjects.length} subjects (${data.weakModel} right on ${(100 * weights.training.weakAccuracy).toFixed(1)}%, ${data.strongModel} on ${(100 * weights.training.strongAccuracy).toFixed(1)}%) in ${seconds} s`,
  );
  const percent = (share: number) => `${(100 * share).toFixed(1)}%`;
  if (crossValidation) {
    const { deferral } = crossValidation;
    console.log(
      `cross-validated by subject (${crossValidation.folds} folds, seed ${seed}): APGR ${crossValidation.apgr.toFixed(3)}, CPT(50%) ${percent(crossValidation.cpt50)}, CPT(80%) ${percent(crossValidation.cpt80)} (random: 0.500, 50%, 80%); deferring the prompts less familiar than ${percent(deferral.percentile)} of the training prompts (${percent(deferral.deferred)} of the held-out ones): APGR ${deferral.apgr.toFixed(3)}, CPT(50%) ${percent(deferral.cpt50)}, CPT(80%) ${percent(deferral.cpt80)}`,
    );
  }
  if (crossValidation) {
    const { selection } = crossValidation;
    console.log(
      `ranks by ${selection.chosen.target} with L2 ${selection.chosen.l2}, chosen by mean APGR over held-out folds (${selection.repeats} deals of the subjects): ${selection.candidates.map((candidate) => `${candidate.target} ${candidate.l2} → ${candidate.apgr.toFixed(3)}`).join(", ")}`,
    );
  }
  const { familiarity } = model;
  if (familiarity) {
    console.log(
      `defers to the cascade below familiarity ${familiarity.threshold} (${percent(familiarity.percentile)} of the training prompts are less familiar)`,
    );
  }
  if (heldOut.length > 0) console.log(`held out: ${heldOut.join(", ")}`);
  console.log(`wrote ${out} (${model.vocabulary.words.length} vocabulary words)`);
}

function accuracy(values: readonly boolean[]): number {
  return Number((values.filter(Boolean).length / values.length).toPrecision(6));
}

try {
  run(process.argv.slice(2));
} catch (error) {
  if (isVerityError(error)) {
    console.error(`fit:router: ${error.code}: ${error.message}`);
  } else if ((error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    console.error(`fit:router: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  } else {
    throw error;
  }
  process.exit(exitCodeFor(error));
}
