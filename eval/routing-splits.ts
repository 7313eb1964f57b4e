// Held-out splits of subjects for eval:routing. On each, the router is fitted on the training
// subjects alone (what it ranks by, its L2 and its deferral threshold too, by cross-validation
// within them) and scored on the held-out ones twice: as it ranks every prompt, and deferring the
// prompts unlike its training data to the cascade. A deferred prompt carries nothing from the router,
// so all of them get one tied score and the tie rule orders them at random among themselves. One
// split can flatter a router; the median and range over several say what a user with other subjects
// should expect.
import { markdownTable, median } from "../bench/report.js";
import { type CrossValidation, deferredEscalation, fitRouter } from "../scripts/router-training.js";
import {
  createLearnedRouter,
  type LearnedRouter,
  type LearnedRouterModel,
} from "../src/route/learned/learned-router.js";
import { type RoutingData, randomSubjectSplit, readRoutingData, subjectSplit } from "./routellm-data.js";
import {
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  type QualityCostCurve,
  qualityCostCurve,
  withDeferral,
} from "./routing-metrics.js";

export interface ScoredSplit {
  train: RoutingData;
  test: RoutingData;
  model: LearnedRouterModel;
  router: LearnedRouter;
  crossValidation: CrossValidation | null;
  /** Per test prompt: the router's escalation score (its expected gain from a strong call), and whether it defers the prompt. */
  escalation: number[];
  deferred: boolean[];
  curves: { learned: QualityCostCurve; deferring: QualityCostCurve; random: QualityCostCurve };
}

/** Fits on `train` (cross-validated by subject with `folds` and `seed`) and scores every test prompt. */
export function scoreSplit(train: RoutingData, test: RoutingData, folds: number, seed: number): ScoredSplit {
  const { model, crossValidation } = fitRouter(train, folds, seed);
  const router = createLearnedRouter(model);
  const assessments = test.examples.map((example) => router.assess(example.prompt));
  const escalation = assessments.map((assessment) => assessment.escalation);
  const deferred = assessments.map(
    ({ familiarity }) => familiarity !== undefined && familiarity.value < familiarity.threshold,
  );
  return {
    train,
    test,
    model,
    router,
    crossValidation,
    escalation,
    deferred,
    curves: {
      learned: qualityCostCurve(test.examples, escalation),
      deferring: qualityCostCurve(
        test.examples,
        withDeferral(
          escalation,
          deferred,
          deferredEscalation(train.examples, model.strong ? "gain" : "weak failure"),
        ),
      ),
      random: qualityCostCurve(
        test.examples,
        test.examples.map(() => 0),
      ),
    },
  };
}

export interface SplitDefinition {
  label: string;
  train: string[];
  test: string[];
}

/**
 * The splits of one folder beside the reported one (every third subject from the 3rd): the two
 * rotations of it, then `randomSplits` seeded random splits holding out `heldOut` subjects each.
 */
export function otherSplits(
  subjects: readonly string[],
  randomSplits: number,
  heldOut: number,
): SplitDefinition[] {
  const rotations = (["1st, 4th, 7th…", "2nd, 5th, 8th…"] as const).map((which, third) => ({
    label: `rotated: the ${which} subjects held out`,
    ...subjectSplit(subjects, third),
  }));
  const count = Math.min(heldOut, subjects.length - 1);
  const random = Array.from({ length: count >= 1 ? randomSplits : 0 }, (_, index) => ({
    label: `random, seed ${index + 1}: ${count} subject${count === 1 ? "" : "s"} held out`,
    ...randomSubjectSplit(subjects, count, index + 1),
  }));
  return [...rotations, ...random];
}

export interface SplitSummary {
  label: string;
  subjects: string[];
  prompts: number;
  learned: { apgr: number; cpt50: number };
  deferring: { apgr: number; cpt50: number };
  random: { apgr: number; cpt50: number };
  /** Share (0–1) of the test prompts deferred. */
  deferred: number;
  /** The familiarity threshold fitted on the training subjects, and the share of training prompts below it. */
  threshold: number;
  percentile: number;
  /** What cross-validation on the training subjects chose to rank by, and its L2 ("gain, L2 0.1"). */
  ranking: string;
}

export function summariseSplit(label: string, split: ScoredSplit): SplitSummary {
  const figures = (curve: QualityCostCurve) => ({
    apgr: averagePerformanceGapRecovered(curve),
    cpt50: callPerformanceThreshold(curve, 0.5),
  });
  return {
    label,
    subjects: split.test.subjects,
    prompts: split.test.examples.length,
    learned: figures(split.curves.learned),
    deferring: figures(split.curves.deferring),
    random: figures(split.curves.random),
    deferred: split.deferred.filter(Boolean).length / split.deferred.length,
    threshold: split.model.familiarity?.threshold ?? 0,
    percentile: split.model.familiarity?.percentile ?? 0,
    ranking: rankingOf(split),
  };
}

/** The chosen target and L2 in words, as the reports print them. */
export function rankingOf(split: Pick<ScoredSplit, "crossValidation" | "model">): string {
  const chosen = split.crossValidation?.selection.chosen;
  const target = split.model.strong ? "gain" : "weak failure";
  return chosen ? `${target}, L2 ${chosen.l2}` : target;
}

/** Scores each split of `folder`, every one fitted on its own training subjects. */
export function scoreSplits(
  folder: string,
  definitions: readonly SplitDefinition[],
  folds: number,
  seed: number,
): SplitSummary[] {
  return definitions.map((definition) =>
    summariseSplit(
      definition.label,
      scoreSplit(
        readRoutingData(folder, definition.train),
        readRoutingData(folder, definition.test),
        folds,
        seed,
      ),
    ),
  );
}

const percent = (value: number) => (Number.isNaN(value) ? "n/a" : `${(100 * value).toFixed(1)}%`);
const fixed = (value: number) => (Number.isNaN(value) ? "n/a" : value.toFixed(3));

/** The table of splits, their median and range, and how many fall below the random router. */
export function splitsReport(splits: readonly SplitSummary[]): string {
  const rows = splits.map((split) => [
    split.label,
    `${split.subjects.length} (${split.prompts} prompts)`,
    fixed(split.learned.apgr),
    fixed(split.deferring.apgr),
    percent(split.deferred),
    percent(split.learned.cpt50),
    percent(split.deferring.cpt50),
    `${fixed(split.random.apgr)}, ${percent(split.random.cpt50)}`,
    `${split.threshold.toFixed(3)} (${percent(split.percentile)})`,
    split.ranking,
  ]);
  const column = (pick: (split: SplitSummary) => number) =>
    splits.map(pick).filter((value) => !Number.isNaN(value));
  const spread = (values: number[], format: (value: number) => string) =>
    values.length === 0
      ? ["n/a", "n/a"]
      : [format(median(values)), `${format(Math.min(...values))}–${format(Math.max(...values))}`];
  const stats = [
    column((split) => split.learned.apgr),
    column((split) => split.deferring.apgr),
    column((split) => split.deferred),
    column((split) => split.learned.cpt50),
    column((split) => split.deferring.cpt50),
  ];
  const formats = [fixed, fixed, percent, percent, percent];
  const summaries = stats.map((values, index) => spread(values, formats[index] as (value: number) => string));
  for (const [which, name] of [
    [0, "median"],
    [1, "range"],
  ] as const) {
    rows.push([
      `**${name} over ${splits.length} splits**`,
      "",
      ...summaries.map((summary) => summary[which] as string),
      "",
      "",
      "",
    ]);
  }
  // Below as printed: a tie that sums to 0.49999… is the random router, not worse than it.
  const below = (pick: (split: SplitSummary) => number) =>
    splits.filter((split) => Number(pick(split).toFixed(3)) < 0.5).length;
  return [
    markdownTable(
      [
        "held-out split",
        "test subjects",
        "learned: APGR",
        "with deferral: APGR",
        "deferred",
        "learned: CPT(50%)",
        "with deferral: CPT(50%)",
        "random: APGR, CPT(50%)",
        "familiarity threshold (share of training prompts below)",
        "ranks by (chosen on the training subjects)",
      ],
      rows,
    ),
    "",
    `Below the random router (APGR < 0.500): ${below((split) => split.learned.apgr)} of ${splits.length} splits without deferral, ${below((split) => split.deferring.apgr)} with it.`,
  ].join("\n");
}
