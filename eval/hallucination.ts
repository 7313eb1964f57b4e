// Hallucination catch rate and false-alarm rate of the model-free verifier on the committed perturbation
// set (eval/perturbations/cases.jsonl): each claim checked against its whole source passage; a
// hallucination is caught, and a faithful rewording falsely alarmed, when the verdict is not
// "supported". Also sweeps the verifier's coverage threshold.
//   npm run eval:hallucination -- [--cases eval/perturbations/cases.jsonl] [--write]
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markdownTable, writeSection } from "../bench/report.js";
import { defaultMinCoverage, type Verification, verifySentence } from "../src/answer/verify/verifier.js";
import { exitCodeFor } from "../src/core/errors.js";
import {
  defaultCasesPath,
  heldOutCasesPath,
  type PerturbationCase,
  readCases,
} from "./perturbations/cases.js";
import { hallucinationKinds } from "./perturbations/hallucinations.js";
import { paraphraseKinds } from "./perturbations/paraphrases.js";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: defaultCasesPath },
    heldout: { type: "string", default: heldOutCasesPath },
    write: { type: "boolean", default: false },
  },
});
const root = fileURLToPath(new URL("..", import.meta.url));
const sweep = [...new Set([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, defaultMinCoverage, 0.8, 0.85, 0.9])].sort(
  (a, b) => a - b,
);
// As documented on VerifyOptions.minCoverage; checked below against a run without the option.
const documentedDefault = defaultMinCoverage;
const examplesPerKind = 2;

interface Outcome {
  entry: PerturbationCase;
  check: Verification;
}

const flagged = (outcome: Outcome) => outcome.check.verdict !== "supported";
const percent = (part: number, whole: number) =>
  whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`;

/** Wilson score interval at 95%, as "a–b%": the set is a sample, and some kinds have 50 cases. */
function interval(part: number, whole: number): string {
  if (whole === 0) return "–";
  const z = 1.96;
  const p = part / whole;
  const centre = (p + (z * z) / (2 * whole)) / (1 + (z * z) / whole);
  const half = (z * Math.sqrt((p * (1 - p)) / whole + (z * z) / (4 * whole * whole))) / (1 + (z * z) / whole);
  return `${(100 * Math.max(0, centre - half)).toFixed(0)}–${(100 * Math.min(1, centre + half)).toFixed(0)}%`;
}

function run(cases: readonly PerturbationCase[], minCoverage?: number): Outcome[] {
  const options = minCoverage === undefined ? {} : { minCoverage };
  return cases.map((entry) => ({ entry, check: verifySentence(entry.claim, [entry.source.text], options) }));
}

interface Rates {
  caught: number;
  hallucinated: number;
  alarms: number;
  paraphrases: number;
  alarmsWithVerbatim: number;
  faithful: number;
}

function rates(outcomes: readonly Outcome[]): Rates {
  const hallucinated = outcomes.filter((outcome) => outcome.entry.label === "hallucinated");
  const faithful = outcomes.filter((outcome) => outcome.entry.label === "faithful");
  const paraphrases = faithful.filter((outcome) => outcome.entry.kind !== "verbatim");
  return {
    caught: hallucinated.filter(flagged).length,
    hallucinated: hallucinated.length,
    alarms: paraphrases.filter(flagged).length,
    paraphrases: paraphrases.length,
    alarmsWithVerbatim: faithful.filter(flagged).length,
    faithful: faithful.length,
  };
}

function kindTableOf(outcomes: readonly Outcome[]): string {
  const kindRows: (string | number)[][] = [];
  for (const [label, kinds] of [
    ["hallucinated", hallucinationKinds],
    ["faithful", paraphraseKinds],
  ] as const) {
    for (const kind of kinds) {
      const ofKind = outcomes.filter(
        (outcome) => outcome.entry.label === label && outcome.entry.kind === kind,
      );
      if (ofKind.length === 0) continue;
      const contradicted = ofKind.filter((outcome) => outcome.check.verdict === "contradicted").length;
      const unsupported = ofKind.filter((outcome) => outcome.check.verdict === "unsupported").length;
      const flaggedCount = contradicted + unsupported;
      kindRows.push([
        label,
        kind,
        ofKind.length,
        label === "hallucinated" ? percent(flaggedCount, ofKind.length) : "",
        label === "faithful" ? percent(flaggedCount, ofKind.length) : "",
        interval(flaggedCount, ofKind.length),
        contradicted,
        unsupported,
      ]);
    }
  }
  return markdownTable(
    ["label", "kind", "cases", "caught", "false alarms", "95% interval", "contradicted", "unsupported"],
    kindRows,
  );
}

const shorten = (text: string, length = 160) =>
  text.length > length ? `${text.slice(0, length - 1)}…` : text;
const cell = (text: string) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

try {
  const path = values.cases as string;
  const cases = readCases(path);
  const outcomes = run(cases);

  const kindTable = kindTableOf(outcomes);

  const overall = rates(outcomes);
  const summary = [
    `Catch rate: ${percent(overall.caught, overall.hallucinated)} (${overall.caught}/${overall.hallucinated}, 95% ${interval(overall.caught, overall.hallucinated)})`,
    `False alarms on rewordings: ${percent(overall.alarms, overall.paraphrases)} (${overall.alarms}/${overall.paraphrases}, 95% ${interval(overall.alarms, overall.paraphrases)})`,
    `False alarms with verbatim copies: ${percent(overall.alarmsWithVerbatim, overall.faithful)} (${overall.alarmsWithVerbatim}/${overall.faithful})`,
  ];

  const heldOutPath = values.heldout as string;
  const heldOut = run(readCases(heldOutPath));
  const heldOutRates = rates(heldOut);
  const heldOutSummary = `Held-out set (${relative(root, heldOutPath)}): catch rate ${percent(heldOutRates.caught, heldOutRates.hallucinated)} (${heldOutRates.caught}/${heldOutRates.hallucinated}, 95% ${interval(heldOutRates.caught, heldOutRates.hallucinated)}), false alarms on rewordings ${percent(heldOutRates.alarms, heldOutRates.paraphrases)} (${heldOutRates.alarms}/${heldOutRates.paraphrases}, 95% ${interval(heldOutRates.alarms, heldOutRates.paraphrases)})`;
  const heldOutTable = kindTableOf(heldOut);

  const defaultVerdicts = outcomes.map((outcome) => outcome.check.verdict).join();
  const sweepRows = sweep.map((minCoverage) => {
    const swept = run(cases, minCoverage);
    const isDefault = minCoverage === documentedDefault;
    if (isDefault && swept.map((outcome) => outcome.check.verdict).join() !== defaultVerdicts) {
      console.warn(
        `warning: the verifier's default minCoverage is no longer ${documentedDefault}; update this script`,
      );
    }
    const result = rates(swept);
    return [
      `${minCoverage.toFixed(2)}${isDefault ? " (default)" : ""}`,
      percent(result.caught, result.hallucinated),
      percent(result.alarms, result.paraphrases),
      percent(result.alarmsWithVerbatim, result.faithful),
    ];
  });
  const sweepTable = markdownTable(
    ["minCoverage", "caught", "false alarms (rewordings)", "false alarms (with verbatim)"],
    sweepRows,
  );

  const examples = (label: "hallucinated" | "faithful", wanted: (outcome: Outcome) => boolean) =>
    (label === "hallucinated" ? hallucinationKinds : paraphraseKinds).flatMap((kind) =>
      outcomes
        .filter((outcome) => outcome.entry.label === label && outcome.entry.kind === kind && wanted(outcome))
        .slice(0, examplesPerKind),
    );
  const misses = examples("hallucinated", (outcome) => !flagged(outcome));
  const alarms = examples("faithful", flagged);
  const exampleTable = (rows: Outcome[], withReason: boolean) =>
    markdownTable(
      ["kind", "change", "claim", ...(withReason ? ["verifier's reason"] : [])],
      rows.map((outcome) => [
        outcome.entry.kind,
        cell(shorten(outcome.entry.change, 70)),
        cell(shorten(outcome.entry.claim)),
        ...(withReason ? [cell(shorten(outcome.check.reasons.join("; "), 120))] : []),
      ]),
    );

  console.log(kindTable);
  console.log();
  for (const line of summary) console.log(line);
  console.log();
  console.log(heldOutSummary);
  console.log();
  console.log(sweepTable);
  console.log("\nMissed hallucinations (verdict supported):");
  console.log(exampleTable(misses, false));
  console.log("\nFalse alarms on faithful claims:");
  console.log(exampleTable(alarms, true));

  if (values.write) {
    const casesPath = relative(root, path);
    const counts = `${cases.length} cases: ${overall.hallucinated} hallucinated, ${overall.faithful} faithful (${overall.faithful - overall.paraphrases} verbatim)`;
    writeSection(
      "hallucination",
      "Hallucination catch rate on a generated perturbation set",
      `npm run eval:hallucination -- --cases ${casesPath} --heldout ${relative(root, heldOutPath)} --write`,
      [
        `Set: \`${casesPath}\`, ${counts}, generated from SciFact abstracts (BEIR corpus) by \`npm run eval:perturbations:generate\` (seeded; the rules were written from the definitions below and not tuned to the verifier). Each claim is made from one sentence of a passage as Verity's default chunker cuts it (800-character target) and is verified against that whole passage with \`verifySentence(claim, [passage])\`, as the generative answerer checks a sentence against the passage it cites. A hallucination is *caught* and a faithful claim *falsely alarmed* when the verdict is \`unsupported\` or \`contradicted\`.`,
        "",
        'Hallucinations change one thing: a quantity (another plausible value, same unit and format), a name (a gene symbol, acronym or capitalised name swapped for one of the same shape found in at least three other abstracts and absent from the passage), a negation (added or removed), a year or month, or a direction (antonym). Faithful claims reword the sentence without changing what it claims: parentheticals dropped, a lead-in or asserting frame dropped ("Here, we show that"; hedges kept), an exact synonym, a number written another way, two coordinated nouns swapped, active↔passive for simple sentences, a shorter clause the sentence entails, two adjacent sentences merged, or two or three of these at once (composite); verbatim copies are counted apart.',
        "",
        `**${heldOutSummary}.** Aim (issue 4): catch ≥ 90% at a false-alarm rate < 10%.`,
        "",
        `Development set: ${summary[0]}; ${summary[1]}; ${summary[2]}. The verifier was improved after reading its misses and false alarms on the development set (opposite words that are stop words, numbers found only in unrelated sentences, gene symbols, negation read clause by clause), so its figure flatters; the held-out set, generated by the same recipe with another seed and never inspected, is the one to quote. Before those changes (commit 651f064) the held-out figures were: catch rate 85.2%, false alarms on rewordings 2.7%.`,
        "",
        "The faithful rules keep most of the source's own words, as answers that cite their sources mostly do; a model that rewords a whole sentence in new words is not represented, so for such models read the false-alarm rate as a lower bound. The 95% intervals are Wilson intervals over the cases of each row.",
        "",
        "Held-out set, by kind:",
        "",
        heldOutTable,
        "",
        "Development set, by kind:",
        "",
        kindTable,
        "",
        "Coverage threshold sweep on the development set (share of the claim's content words, each weighted by how rare it is, that the best one-to-three-sentence stretch of the passage must hold):",
        "",
        sweepTable,
        "",
        `Missed hallucinations (development set, first ${examplesPerKind} of each kind):`,
        "",
        exampleTable(misses, false),
        "",
        `False alarms (development set, first ${examplesPerKind} of each kind):`,
        "",
        exampleTable(alarms, true),
      ].join("\n"),
    );
  }
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(exitCodeFor(error));
}
