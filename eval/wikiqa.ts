// Answer triggering on any WikiQA-format file: does the extractive answerer return a correct sentence
// when one exists, and abstain when none does? Question level, as in Yang et al. (2015).
//   npm run eval:wikiqa -- --data ../shared/data/wikiqa/WikiQA-dev.tsv [--write]
import { parseArgs } from "node:util";
import { markdownTable, median, quantile, sharedData, writeSection } from "../bench/report.js";
import { createVerity } from "../src/engine.js";
import { buildWikiQaStore, collectionOf, isCorrect, readWikiQa, triggeringScores } from "./wikiqa-data.js";

const { values } = parseArgs({
  options: {
    data: {
      type: "string",
      default: sharedData("wikiqa/WikiQA-dev.tsv"),
    },
    write: { type: "boolean", default: false },
  },
});
const path = values.data as string;
const questions = readWikiQa(path);
const verity = createVerity({ store: await buildWikiQaStore(questions) });
const outcomes: { hasAnswer: boolean; answered: boolean; correct: boolean; anyCorrect: boolean }[] = [];
const latencies: number[] = [];
for (const question of questions) {
  const answer = await verity.ask(question.question, { collection: collectionOf(question) });
  latencies.push(answer.trace.totalMs);
  const first = answer.sentences[0]?.text ?? "";
  outcomes.push({
    hasAnswer: question.correct.length > 0,
    answered: answer.status === "answered",
    correct: isCorrect(question, first),
    anyCorrect: answer.sentences.some((sentence) => isCorrect(question, sentence.text)),
  });
}
await verity.close();

const strict = triggeringScores(outcomes);
const lenient = triggeringScores(outcomes.map((outcome) => ({ ...outcome, correct: outcome.anyCorrect })));
const percent = (value: number) => (value * 100).toFixed(1);
const table = markdownTable(
  ["judged on", "questions", "with answer", "answered", "correct", "precision", "recall", "F1"],
  [
    [
      "first sentence",
      strict.questions,
      strict.withAnswer,
      strict.answered,
      strict.correct,
      percent(strict.precision),
      percent(strict.recall),
      percent(strict.f1),
    ],
    [
      "any returned sentence",
      lenient.questions,
      lenient.withAnswer,
      lenient.answered,
      lenient.correct,
      percent(lenient.precision),
      percent(lenient.recall),
      percent(lenient.f1),
    ],
  ],
);
console.log(table);
console.log(
  `ask latency in-process: p50 ${median(latencies).toFixed(2)} ms, p95 ${quantile(latencies, 0.95).toFixed(2)} ms`,
);
if (values.write) {
  writeSection(
    "wikiqa",
    "Answer triggering on WikiQA (extractive answerer, no model)",
    `npm run eval:wikiqa -- --data ${path.replace(/^.*\/shared\//, "../shared/")} --write`,
    `${table}\n\nQuestion level (Yang et al. 2015): a question with a correct sentence counts only if a correct sentence is returned; a question without one must get an abstention. "First sentence" judges only the top sentence (the stricter reading); "any returned sentence" is the definition as written. Scorer weights and threshold fitted on WikiQA train by \`npm run fit:extractive\`. Reference: published neural baseline F1 31.6 on WikiQA test (Yang et al. 2015), best later systems about 42–43.`,
  );
}
