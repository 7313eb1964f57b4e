// The eval:routing report, printed and written to BENCHMARKS.md: the quality-versus-cost curve on
// the test prompts, APGR and CPT with and without deferral beside the random router, the oracle and
// RouteLLM's published figures, the same over several held-out splits, what the share of strong calls
// costs, and the router's own overhead.
import { markdownTable } from "../bench/report.js";
import type { CrossValidation } from "../scripts/router-training.js";
import {
  accuracyAt,
  averagePerformanceGapRecovered,
  callPerformanceThreshold,
  costRelativeToStrong,
  performanceGapRecovered,
  type QualityCostCurve,
} from "./routing-metrics.js";
import { type SplitSummary, splitsReport } from "./routing-splits.js";

export interface RoutingSide {
  folder: string;
  subjects: string[];
  prompts: number;
}

export interface SubjectRow {
  subject: string;
  prompts: number;
  weakAccuracy: number;
  strongAccuracy: number;
  /** Share of the subject's prompts the learned router escalates at its CPT(50%) operating point. */
  escalated: number;
  /** Share of the subject's prompts deferred to the cascade as unlike the training data. */
  deferred: number;
  /** APGR of the learned router's ranking within this subject alone (NaN when both models tie on it). */
  apgrWithin: number;
}

export interface RoutingReportInput {
  train: RoutingSide;
  test: RoutingSide;
  split: string;
  weakModel: string;
  strongModel: string;
  curves: {
    learned: QualityCostCurve;
    /** The same router deferring unfamiliar prompts: they share one score, at random among themselves. */
    deferring: QualityCostCurve;
    random: QualityCostCurve;
    oracle: QualityCostCurve;
  };
  crossValidation: CrossValidation | null;
  /** The deferral threshold fitted on the training subjects, and the share of test prompts below it. */
  familiarity: { threshold: number; percentile: number; deferred: number };
  /** The reported split first, then its two rotations and the random splits (empty when not one folder split by default). */
  splits: SplitSummary[];
  prices: { weak: number; strong: number };
  stepPercent: number;
  overhead: { p50: number; p95: number; calls: number };
  subjects: SubjectRow[];
  notes: string[];
  /** Where the committed weights come from, beside the fit evaluated here. */
  provenance: string;
  features: number;
  /** What the router ranks by and its L2, as chosen on the training subjects ("gain, L2 0.1"). */
  ranking: string;
}

/** RouteLLM (Ong et al. 2024) tables 1, 2 and 6: GPT-4-1106 as the strong model, Mixtral-8x7B as the weak one. */
const published = [
  {
    router: "RouteLLM best, matrix factorisation (Arena + GPT-4-judge data), published",
    on: "MT-Bench",
    apgr: 0.802,
    cpt50: 0.134,
    cpt80: 0.313,
    saving: 3.66,
  },
  {
    router: "RouteLLM random, published",
    on: "MT-Bench",
    apgr: 0.5,
    cpt50: 0.4903,
    cpt80: 0.7808,
    saving: 1,
  },
  {
    router: "RouteLLM best on MMLU, SW ranking (Arena + MMLU golden labels), published",
    on: "MMLU, all subjects",
    apgr: 0.603,
    cpt50: 0.354,
    cpt80: 0.7155,
    saving: 1.41,
  },
  {
    router: "RouteLLM best Arena-only, matrix factorisation, published",
    on: "MMLU, all subjects",
    apgr: 0.524,
    cpt50: 0.45,
    cpt80: 0.7686,
    saving: 1.11,
  },
] as const;

export const targetApgr = 0.7;

const percent = (value: number, digits = 1) =>
  Number.isNaN(value) ? "n/a" : `${(100 * value).toFixed(digits)}%`;
const fixed = (value: number) => (Number.isNaN(value) ? "n/a" : value.toFixed(3));

export function routingReport(input: RoutingReportInput): string {
  const { learned, deferring, random, oracle } = input.curves;
  const { prices } = input;
  const cost = (share: number) => costRelativeToStrong(share, prices.weak, prices.strong);
  const randomCpt50 = callPerformanceThreshold(random, 0.5);
  const summaryRow = (router: string, on: string, curve: QualityCostCurve) => {
    const cpt50 = callPerformanceThreshold(curve, 0.5);
    return [
      router,
      on,
      fixed(averagePerformanceGapRecovered(curve)),
      percent(cpt50),
      percent(callPerformanceThreshold(curve, 0.8)),
      `${(randomCpt50 / cpt50).toFixed(2)}x`,
      percent(cost(cpt50)),
    ];
  };
  const testLabel = `${input.test.subjects.length} test subjects, ${input.test.prompts} prompts`;
  const rows: (string | number)[][] = [
    summaryRow(
      `learned: logistic regression over ${input.features} prompt features, ranking by ${input.ranking} (ours)`,
      testLabel,
      learned,
    ),
    summaryRow(
      `learned, deferring prompts unlike its training data to the cascade (${percent(input.familiarity.deferred)} of them)`,
      testLabel,
      deferring,
    ),
    summaryRow("random router, expected value (ours)", testLabel, random),
    summaryRow(
      "oracle: escalates only what the weak model gets wrong and the strong right",
      testLabel,
      oracle,
    ),
  ];
  if (input.crossValidation) {
    const cv = input.crossValidation;
    const on = `${input.train.subjects.length} training subjects, ${input.train.prompts} prompts`;
    const crossValidated = (router: string, figures: { apgr: number; cpt50: number; cpt80: number }) => [
      router,
      on,
      fixed(figures.apgr),
      percent(figures.cpt50),
      percent(figures.cpt80),
      `${(0.5 / figures.cpt50).toFixed(2)}x`,
      percent(cost(figures.cpt50)),
    ];
    rows.push(
      crossValidated(`learned, cross-validated by subject on the training side (${cv.folds} folds)`, cv),
    );
    rows.push(
      crossValidated(
        `learned with deferral, cross-validated the same way (${percent(cv.deferral.deferred)} of held-out prompts deferred)`,
        cv.deferral,
      ),
    );
  }
  for (const entry of published) {
    rows.push([
      entry.router,
      entry.on,
      fixed(entry.apgr),
      percent(entry.cpt50),
      percent(entry.cpt80),
      `${entry.saving.toFixed(2)}x`,
      percent(cost(entry.cpt50)),
    ]);
  }
  const summary = markdownTable(
    [
      "router",
      "evaluated on",
      "APGR",
      "CPT(50%)",
      "CPT(80%)",
      "strong calls saved vs random at CPT(50%)",
      "cost vs always-strong at CPT(50%)",
    ],
    rows,
  );

  const steps = Math.round(100 / input.stepPercent);
  const curveRows = Array.from({ length: steps + 1 }, (_, step) => {
    const share = Math.min(1, (step * input.stepPercent) / 100);
    return [
      percent(share, 0),
      percent(cost(share)),
      percent(accuracyAt(random, share)),
      fixed(performanceGapRecovered(random, accuracyAt(random, share))),
      percent(accuracyAt(learned, share)),
      fixed(performanceGapRecovered(learned, accuracyAt(learned, share))),
      fixed(performanceGapRecovered(deferring, accuracyAt(deferring, share))),
      percent(accuracyAt(oracle, share)),
    ];
  });
  const curveTable = markdownTable(
    [
      "strong calls",
      "cost vs always-strong",
      "random: accuracy",
      "random: PGR",
      "learned: accuracy",
      "learned: PGR",
      "with deferral: PGR",
      "oracle: accuracy",
    ],
    curveRows,
  );

  const subjectTable = markdownTable(
    [
      "test subject",
      "prompts",
      "weak right",
      "strong right",
      "escalated at CPT(50%)",
      "deferred",
      "APGR within the subject",
    ],
    input.subjects.map((row) => [
      row.subject,
      row.prompts,
      percent(row.weakAccuracy),
      percent(row.strongAccuracy),
      percent(row.escalated),
      percent(row.deferred),
      fixed(row.apgrWithin),
    ]),
  );
  const [most, ...rest] = [...input.subjects].sort((a, b) => b.escalated - a.escalated);
  const concentration =
    most && rest.length > 0
      ? ` At CPT(50%) it sends ${percent(most.escalated)} of ${most.subject} to the strong model and at most ${percent(Math.max(...rest.map((row) => row.escalated)))} of any other test subject.`
      : "";
  // Weighted by each subject's gap in prompts: a subject where the models nearly tie says little.
  const scored = input.subjects.filter((row) => !Number.isNaN(row.apgrWithin));
  const gapOf = (row: SubjectRow) => row.prompts * Math.abs(row.strongAccuracy - row.weakAccuracy);
  const withinAverage =
    scored.reduce((sum, row) => sum + row.apgrWithin * gapOf(row), 0) /
    scored.reduce((sum, row) => sum + gapOf(row), 0);

  const apgr = averagePerformanceGapRecovered(learned);
  const oracleBest = Math.max(...oracle.accuracies);
  const thirds = input.splits.slice(0, 3).map((split) => split.learned.apgr);
  const meanOfThirds = thirds.reduce((sum, value) => sum + value, 0) / thirds.length;
  const gap = (value: number) => (value >= targetApgr ? "reached" : `gap ${(targetApgr - value).toFixed(3)}`);
  const verdict =
    `The aim, APGR ≥ ${targetApgr.toFixed(2)} on subjects the router never saw: ${fixed(apgr)} on the reported split (${gap(apgr)})` +
    (thirds.length === 3
      ? `; held out in turn, the three thirds of the subjects give ${thirds.map(fixed).join(", ")}, mean ${fixed(meanOfThirds)} (${gap(meanOfThirds)})${apgr === Math.max(...thirds) ? ", so the reported split is the most favourable of the three" : ""}.`
      : ".");
  const { familiarity: fitted } = input;
  const cv = input.crossValidation;
  const deferral = [
    `Familiarity (0–1) is the share of a prompt's content words the training vocabulary holds, divided by e for each feature scale (standard deviation) by which its features lie outside the range the training prompts spanned; the router defers a prompt less familiar than a threshold to the cascade (cheapest model first, verified, escalated when not grounded) instead of guessing. The threshold is a percentile of the training prompts' own familiarity, chosen on the training subjects alone by cross-validation by subject: ${cv ? cv.candidates.map((candidate) => `${percent(candidate.percentile)} → APGR ${fixed(candidate.apgr)} (${percent(candidate.deferred)} deferred)`).join(", ") : "no cross-validation (fewer than two training subjects), so the smallest candidate"}; the highest wins, the smaller percentile on a tie. Here: ${percent(fitted.percentile)} of the training prompts, familiarity ${fitted.threshold.toFixed(3)}, which defers ${percent(fitted.deferred)} of the test prompts.`,
    "",
    "A deferred prompt carries no information from the learned model, so every deferred prompt gets the same score, what a router knowing nothing of the prompt would estimate from the training prompts (their strong-minus-weak accuracy for the gain target, their rate of weak-model failures otherwise), and the tie rule sends them to the strong model at random among themselves. In Verity a deferred question starts with the cheapest model, as the cascade does, so deferral never makes a route worse than the cascade's.",
  ].join("\n");
  const selection = cv?.selection;
  const ranking = [
    `What the router ranks prompts by, and its L2 penalty, are chosen the same way, on the training subjects alone. A router's risk on unseen subjects is a wrong guess about a whole subject: ranked by the weak model's failures, a subject both models often fail is sent to the strong model first and gains almost nothing. So two targets compete: "weak failure" (1 − the weak model's predicted chance, one logistic regression) and "gain" (the strong model's predicted chance minus the weak one's, two logistic regressions on the same features: what a strong call is expected to buy), each at L2 ${[...new Set(selection?.candidates.map((candidate) => candidate.l2) ?? [])].join(", ")}. Each candidate is judged as the held-out splits judge the router: one model ranking one fold of subjects it never saw, APGR per fold, averaged over ${selection ? `${selection.repeats} deals of the training subjects into ${cv?.folds} folds` : "the folds"}; the best mean wins, the earlier candidate (weak failure, light L2) on a difference under 0.0005.`,
    "",
    selection
      ? `On this split's training subjects: ${selection.candidates.map((candidate) => `${candidate.target}, L2 ${candidate.l2} → ${fixed(candidate.apgr)} (worst fold ${fixed(candidate.worstFold)})`).join("; ")}. Chosen: ${input.ranking}.`
      : `No cross-validation (fewer than two training subjects): ${input.ranking}.`,
  ].join("\n");
  return [
    `Weak model (column 2): ${input.weakModel}; strong model (column 3): ${input.strongModel}.`,
    "",
    `Training: ${input.train.folder}, ${input.train.subjects.length} subjects, ${input.train.prompts} prompts. Test: ${input.test.folder}, ${input.test.subjects.length} subjects, ${input.test.prompts} prompts (${input.split}). Test subjects: ${input.test.subjects.join(", ")}.`,
    "",
    `On the test prompts the weak model is right on ${percent(learned.weakAccuracy)}, the strong one on ${percent(learned.strongAccuracy)}; an oracle reaches ${percent(oracleBest)}. PGR = (router − weak) / (strong − weak) at a share of strong calls; APGR = the area under PGR against that share, integrated exactly over every whole number of strong calls (RouteLLM's code samples 11 points, the deciles: ${fixed(averagePerformanceGapRecovered(learned, 10))} for ours); CPT(x%) = the smallest share of strong calls whose PGR reaches x%. Ties in the router's scores share the calls evenly, so the random router is its exact expected value.`,
    "",
    `Prices assumed: ${input.strongModel} $${prices.strong} and ${input.weakModel} $${prices.weak} per million tokens (RouteLLM's appendix D: GPT-4-1106 at $10 input / $30 output blended over 95 prompt and 264 answer tokens; Mixtral-8x7B at $0.24), with the same number of tokens per call for both models: cost vs always-strong = share + (1 − share) × ${(prices.weak / prices.strong).toPrecision(3)}. Override with --price-weak and --price-strong.`,
    "",
    summary,
    "",
    ranking,
    "",
    deferral,
    "",
    `RouteLLM's rows are its published figures (Ong et al. 2024, tables 1, 2 and 6; a public copy of the paper): routers trained on Chatbot Arena preferences, evaluated on all of MT-Bench or 5-shot MMLU, not on held-out subjects; the MMLU router's golden labels come from MMLU's own validation split. Its "saved vs random" is random's CPT(50%) over the router's, as in its table 6. ${verdict}`,
    "",
    ...(input.splits.length > 0
      ? [
          `Across held-out splits, each fitted on its own training subjects (what it ranks by, its L2 and its deferral threshold too), never on its test subjects: the reported split, its two rotations, and seeded random splits of subjects as a user with other subjects would meet them. The random router's figures are computed on each split like the others (its expected value).`,
          "",
          splitsReport(input.splits),
          "",
        ]
      : []),
    `Quality against cost on the test subjects (${input.stepPercent}% steps):`,
    "",
    curveTable,
    "",
    `Per test subject: how often the learned router escalates at the share of strong calls where it reaches CPT(50%), and how well it ranks the subject's own prompts (APGR within the subject; ${fixed(withinAverage)} on average, weighted by the subject's gap between the models in prompts). APGR over all test prompts mixes that with telling subjects apart.${concentration}`,
    "",
    subjectTable,
    "",
    `Router overhead per request, feature extraction and prediction, excluding model time: p50 ${input.overhead.p50.toFixed(1)} µs, p95 ${input.overhead.p95.toFixed(1)} µs (${input.overhead.calls} test prompts, one thread, after a warm-up). ${input.provenance}`,
    ...(input.notes.length > 0 ? ["", ...input.notes.map((note) => `Note: ${note}`)] : []),
  ].join("\n");
}
