// SQuAD 2.0-style answerability on any file of its format: each article becomes a collection (its
// paragraphs the documents), each question is asked of its article, and the answer is judged as a
// person reading Verity's output would: a question with an answer is handled right when a returned
// sentence holds a gold answer, one without (is_impossible) when Verity says "I don't know". Reported
// beside always saying "I don't know".
//   npm run eval:squad2 -- --data <SQuAD v2 .json> [--split <split file> | none] [--write]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { markdownTable, writeSection } from "../bench/report.js";
import { VerityError } from "../src/core/errors.js";
import { createVerity } from "../src/engine.js";
import { storeDocuments } from "../src/ingest/store-documents.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import { containsAnswer } from "./rgb-data.js";
import { readSplit } from "./splits.js";

const squadSchema = z.object({
  data: z
    .array(
      z.object({
        title: z.string(),
        paragraphs: z.array(
          z.object({
            context: z.string(),
            qas: z.array(
              z.object({
                id: z.string(),
                question: z.string(),
                answers: z.array(z.object({ text: z.string() })),
                is_impossible: z.boolean().optional(),
              }),
            ),
          }),
        ),
      }),
    )
    .min(1),
});

export interface SquadQuestion {
  id: string;
  article: string;
  question: string;
  answers: string[];
}

export interface SquadArticle {
  title: string;
  paragraphs: string[];
  questions: SquadQuestion[];
}

export function readSquad(path: string): SquadArticle[] {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new VerityError(
      "E_CORRUPT",
      `cannot read ${path} as JSON (${(error as Error).message}); pass --data <SQuAD v2 .json>`,
      { cause: error },
    );
  }
  const parsed = squadSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VerityError(
      "E_CORRUPT",
      `${path} is not SQuAD v2: ${issue?.path.join(".") || "(top level)"}: ${issue?.message}`,
    );
  }
  return parsed.data.data.map((article) => ({
    title: article.title,
    paragraphs: article.paragraphs.map((paragraph) => paragraph.context),
    questions: article.paragraphs.flatMap((paragraph) =>
      paragraph.qas.map((qa) => ({
        id: qa.id,
        article: article.title,
        question: qa.question,
        answers: qa.is_impossible ? [] : qa.answers.map((answer) => answer.text),
      })),
    ),
  }));
}

export interface SquadScores {
  questions: number;
  hasAnswer: number;
  /** Questions with an answer where a returned sentence holds a gold answer. */
  hasAnswerRight: number;
  /** Questions without an answer that got "I don't know". */
  noAnswerRight: number;
  /** Abstentions, in all. */
  abstained: number;
  /** F1 of "I don't know" as a prediction of "no answer". */
  noAnswerF1: number;
  /** Share of all questions handled right. */
  overall: number;
}

export function squadScores(
  outcomes: readonly { hasAnswer: boolean; abstained: boolean; holdsAnswer: boolean }[],
): SquadScores {
  const hasAnswer = outcomes.filter((outcome) => outcome.hasAnswer).length;
  const hasAnswerRight = outcomes.filter((o) => o.hasAnswer && !o.abstained && o.holdsAnswer).length;
  const noAnswerRight = outcomes.filter((o) => !o.hasAnswer && o.abstained).length;
  const abstained = outcomes.filter((o) => o.abstained).length;
  const noAnswer = outcomes.length - hasAnswer;
  const precision = abstained > 0 ? noAnswerRight / abstained : 0;
  const recall = noAnswer > 0 ? noAnswerRight / noAnswer : 0;
  return {
    questions: outcomes.length,
    hasAnswer,
    hasAnswerRight,
    noAnswerRight,
    abstained,
    noAnswerF1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    overall: outcomes.length > 0 ? (hasAnswerRight + noAnswerRight) / outcomes.length : 0,
  };
}

/** Asks every question of its own article's collection. */
export async function evaluateSquad(articles: readonly SquadArticle[]): Promise<SquadScores> {
  const store = createSqliteStore({ path: ":memory:" });
  const collectionOf = (index: number) => `squad-${index}`;
  for (const [index, article] of articles.entries()) {
    for (const [paragraph, text] of article.paragraphs.entries()) {
      if (!text.trim()) continue;
      await storeDocuments(store, {
        collection: collectionOf(index),
        path: `squad/${index}/${paragraph}`,
        contentHash: `${index}/${paragraph}`,
        size: text.length,
        mediaType: "text/plain",
        documents: [
          { title: article.title, text, blocks: [{ kind: "text", charStart: 0, charEnd: text.length }] },
        ],
      });
    }
  }
  const verity = createVerity({ store });
  const outcomes: { hasAnswer: boolean; abstained: boolean; holdsAnswer: boolean }[] = [];
  try {
    for (const [index, article] of articles.entries()) {
      if (!(await store.hasCollection(collectionOf(index)))) continue;
      for (const question of article.questions) {
        const answer = await verity.ask(question.question, { collection: collectionOf(index) });
        const text = answer.sentences.map((sentence) => sentence.text).join(" ");
        outcomes.push({
          hasAnswer: question.answers.length > 0,
          abstained: answer.status === "abstained",
          holdsAnswer: question.answers.some((gold) => containsAnswer(text, [[gold]])),
        });
      }
    }
  } finally {
    await verity.close();
  }
  return squadScores(outcomes);
}

const percent = (value: number) => (value * 100).toFixed(1);

export function squadRows(part: string, scores: SquadScores): (string | number)[][] {
  const always = squadScores(
    Array.from({ length: scores.questions }, (_, index) => ({
      hasAnswer: index < scores.hasAnswer,
      abstained: true,
      holdsAnswer: false,
    })),
  );
  const row = (who: string, value: SquadScores) => [
    part,
    who,
    value.questions,
    `${value.hasAnswerRight}/${value.hasAnswer}`,
    `${value.noAnswerRight}/${value.questions - value.hasAnswer}`,
    percent(value.noAnswerF1),
    percent(value.overall),
  ];
  return [row("Verity (extractive)", scores), row('always "I don\'t know"', always)];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      data: { type: "string" },
      split: { type: "string", default: "none" },
      write: { type: "boolean", default: false },
    },
  });
  if (!values.data)
    throw new VerityError("E_INVALID_INPUT", "pass --data <SQuAD v2 .json> (e.g. dev-v2.0.json)");
  const articles = readSquad(values.data);
  const rows: (string | number)[][] = [];
  if (values.split === "none") rows.push(...squadRows("all", await evaluateSquad(articles)));
  else {
    // Split by article: a held-out article's questions are never seen while tuning.
    const split = readSplit(
      values.split as string,
      articles.map((article) => article.title),
    );
    for (const part of ["dev", "test"] as const) {
      const titles = new Set(split[part]);
      rows.push(
        ...squadRows(part, await evaluateSquad(articles.filter((article) => titles.has(article.title)))),
      );
    }
  }
  const table = markdownTable(
    [
      "part",
      "who",
      "questions",
      "with answer: answered with it",
      'without: "I don\'t know"',
      "no-answer F1",
      "handled right %",
    ],
    rows,
  );
  console.log(table);
  if (values.write) {
    writeSection(
      "squad2",
      "SQuAD 2.0-style answerability (no model)",
      `npm run eval:squad2 -- --data ${values.data} --split ${values.split} --write`,
      `${table}\n\nEach article is a collection of its paragraphs; a question with an answer is handled right when a returned sentence holds a gold answer, one without when Verity says "I don't know". Published (dev, SQuAD 2.0 leaderboard): always "no answer" F1 50.1; BERT-large 83.1 (span answers, trained on SQuAD).`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`eval:squad2: ${(error as Error).message}`);
    process.exitCode = 2;
  });
}
