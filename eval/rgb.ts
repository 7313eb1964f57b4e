// RGB (Chen et al. 2023) on any file of its format: negative rejection (asked of passages that do not
// hold the answer, does Verity say "I don't know"?), noise robustness (accuracy as the share of noise
// passages grows) and counterfactual robustness (passages with the answer replaced by a false one).
// Reported on the committed development and test parts; quote the test part.
//   npm run eval:rgb -- [--data ../shared/data/rgb/en_fact.json] [--split eval/splits/rgb-en_fact.json | none] [--write]
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { markdownTable, sharedData, writeSection } from "../bench/report.js";
import { isVerityError } from "../src/core/errors.js";
import { createVerity } from "../src/engine.js";
import {
  buildRgbStore,
  containsAnswer,
  passagesFor,
  type RgbQuestion,
  type RgbSetting,
  readRgb,
  settingName,
} from "./rgb-data.js";
import { readSplit } from "./splits.js";

export const rgbSettings: readonly RgbSetting[] = [
  { kind: "negative-only" },
  ...[0, 0.2, 0.4, 0.6, 0.8].map((rate): RgbSetting => ({ kind: "noise", rate })),
  { kind: "counterfactual", withTrue: false },
  { kind: "counterfactual", withTrue: true },
];

export interface RgbRow {
  setting: string;
  questions: number;
  /** Answered (not "I don't know"). */
  answered: number;
  /** Answered with every part of the true answer in the answer's text. */
  correct: number;
  /** Answered with the false answer of a counterfactual passage. */
  fake: number;
  /** Declined because the sources disagree. */
  conflicting: number;
}

/** Asks every question in every setting; one row per setting. */
export async function evaluateRgb(questions: readonly RgbQuestion[], seed = 1): Promise<RgbRow[]> {
  const cases = rgbSettings.flatMap((setting, settingIndex) =>
    questions.map((question) => ({
      question,
      setting: settingIndex,
      collection: `rgb-${settingIndex}-${question.id}`,
      passages: passagesFor(question, setting, seed),
    })),
  );
  const verity = createVerity({ store: await buildRgbStore(cases) });
  const rows: RgbRow[] = rgbSettings.map((setting) => ({
    setting: settingName(setting),
    questions: 0,
    answered: 0,
    correct: 0,
    fake: 0,
    conflicting: 0,
  }));
  try {
    for (const entry of cases) {
      const row = rows[entry.setting] as RgbRow;
      row.questions++;
      if (entry.passages.every((passage) => !passage.trim())) continue;
      const answer = await verity
        .ask(entry.question.query, { collection: entry.collection })
        .catch((error) => {
          // A question with no searchable word at all gets no collection hit; that is an abstention.
          if (isVerityError(error) && error.code === "E_NOT_FOUND") return undefined;
          throw error;
        });
      if (!answer) continue;
      if (answer.abstention?.reason === "conflicting_sources") row.conflicting++;
      if (answer.status !== "answered") continue;
      row.answered++;
      const text = answer.sentences.map((sentence) => sentence.text).join(" ");
      if (containsAnswer(text, entry.question.answer)) row.correct++;
      if (containsAnswer(text, entry.question.fakeAnswer)) row.fake++;
    }
  } finally {
    await verity.close();
  }
  return rows;
}

const percent = (part: number, whole: number) =>
  whole === 0 ? "–" : `${((100 * part) / whole).toFixed(1)}%`;

export function rgbTable(parts: readonly { part: string; rows: readonly RgbRow[] }[]): string {
  return markdownTable(
    [
      "part",
      "setting",
      "questions",
      '"I don\'t know"',
      "answered",
      "accuracy (answer in text)",
      "false answer quoted",
      "conflict flagged",
    ],
    parts.flatMap(({ part, rows }) =>
      rows.map((row) => [
        part,
        row.setting,
        row.questions,
        percent(row.questions - row.answered, row.questions),
        row.answered,
        percent(row.correct, row.questions),
        row.setting.startsWith("counterfactual") ? percent(row.fake, row.questions) : "–",
        row.setting.startsWith("counterfactual") ? percent(row.conflicting, row.questions) : "–",
      ]),
    ),
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: "string", default: sharedData("rgb/en_fact.json") },
      split: { type: "string", default: fileURLToPath(new URL("splits/rgb-en_fact.json", import.meta.url)) },
      seed: { type: "string", default: "1" },
      write: { type: "boolean", default: false },
    },
  });
  const questions = readRgb(values.data as string);
  const seed = Number(values.seed);
  const parts: { part: string; rows: RgbRow[] }[] = [];
  if (values.split === "none") {
    parts.push({ part: "all", rows: await evaluateRgb(questions, seed) });
  } else {
    const split = readSplit(
      values.split as string,
      questions.map((question) => question.id),
    );
    for (const part of ["dev", "test"] as const) {
      const ids = new Set(split[part]);
      parts.push({
        part,
        rows: await evaluateRgb(
          questions.filter((question) => ids.has(question.id)),
          seed,
        ),
      });
    }
  }
  const table = rgbTable(parts);
  console.log(table);
  if (values.write) {
    const data = (values.data as string).replace(/^.*\/shared\//u, "../shared/");
    writeSection(
      "rgb",
      "RGB: negative rejection, noise and counterfactual robustness (no model)",
      `npm run eval:rgb -- --data ${data} --write`,
      `${table}\n\nEach question is asked of its own collection of ${"5"} passages: "negative only" holds 5 \`negative\` passages (the answer absent: the right response is "I don't know"); "noise r" holds round(5r) negatives and the rest \`positive\` passages (fewer when a question has fewer than 5); "counterfactual" holds the \`positive_wrong\` passages (the answer replaced by a false one), alone or with the true ones. Passages drawn by a seeded shuffle (seed ${seed}). Accuracy counts an answer whose text holds every part of the gold answer, RGB's rule, over all questions of the row. "Conflict flagged": Verity declined because two sources make the same statement with different answers (abstention reason \`conflicting_sources\`, both quoted), RGB's error detection; with only false passages the sources agree, so the false answer is quoted as they state it (telling a false fact from a true one needs knowledge the passages do not hold). The split into development and test parts (\`eval/splits/rgb-en_fact.json\`) was committed before anything was tuned on this set: quote the test part. Published (RGB paper, English): ChatGPT refuses 24.7% of negative-only questions (best model 31%); ChatGPT's accuracy goes from 96.3% at noise 0 to 76.0% at noise 0.8 (\`../shared/ANCHORS.md\`).`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`eval:rgb: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
