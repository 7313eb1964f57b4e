// WikiQA in Verity's terms: each question's Wikipedia summary becomes a document in a collection of
// its own (the task gives each question its candidate set), ingested through the real chunker and store.
import { readFileSync } from "node:fs";
import { VerityError } from "../src/core/errors.js";
import { storeDocuments } from "../src/ingest/store-documents.js";
import { createSqliteStore } from "../src/store/sqlite/sqlite-store.js";
import type { Store } from "../src/store/store.js";

export interface WikiQaQuestion {
  id: string;
  question: string;
  title: string;
  sentences: string[];
  /** Indexes into `sentences` of the correct answers (empty: the question has no answer). */
  correct: number[];
}

/** Parses a WikiQA TSV (`QuestionID Question DocumentID DocumentTitle SentenceID Sentence Label`). */
export function readWikiQa(path: string): WikiQaQuestion[] {
  const lines = readFileSync(path, "utf8").split(/\r?\n/);
  const header = lines.shift()?.split("\t") ?? [];
  const expected = [
    "QuestionID",
    "Question",
    "DocumentID",
    "DocumentTitle",
    "SentenceID",
    "Sentence",
    "Label",
  ];
  if (expected.some((name, index) => header[index] !== name)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${path} is not a WikiQA TSV: expected the header ${expected.join(" ")}`,
    );
  }
  const questions = new Map<string, WikiQaQuestion>();
  for (const [index, line] of lines.entries()) {
    if (!line.trim()) continue;
    const cells = line.split("\t");
    if (cells.length < 7)
      throw new VerityError(
        "E_INVALID_INPUT",
        `${path}:${index + 2} has ${cells.length} columns, expected 7`,
      );
    const [id, question, , title, , sentence, label] = cells as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    let entry = questions.get(id);
    if (!entry) {
      entry = { id, question, title, sentences: [], correct: [] };
      questions.set(id, entry);
    }
    if (label.trim() === "1") entry.correct.push(entry.sentences.length);
    entry.sentences.push(sentence);
  }
  return [...questions.values()];
}

export const collectionOf = (question: WikiQaQuestion) => `wikiqa-${question.id}`;

/** An in-memory store holding each question's document in its own collection. */
export async function buildWikiQaStore(questions: readonly WikiQaQuestion[]): Promise<Store> {
  const store = createSqliteStore({ path: ":memory:" });
  for (const question of questions) {
    const text = question.sentences.join(" ");
    await storeDocuments(store, {
      collection: collectionOf(question),
      path: `wikiqa/${question.id}`,
      contentHash: question.id,
      size: text.length,
      mediaType: "text/plain",
      documents: [
        { title: question.title, text, blocks: [{ kind: "text", charStart: 0, charEnd: text.length }] },
      ],
    });
  }
  return store;
}

const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();

/** Whether a sentence Verity returned is one of the question's correct sentences. */
export function isCorrect(question: WikiQaQuestion, returned: string): boolean {
  const got = normalise(returned);
  if (!got) return false;
  return question.correct.some((index) => {
    const want = normalise(question.sentences[index] as string);
    if (want === got) return true;
    // Sentence splitting can differ from WikiQA's: accept a substantial containment either way.
    const shorter = Math.min(want.length, got.length);
    const longer = Math.max(want.length, got.length);
    return shorter / longer >= 0.6 && (want.includes(got) || got.includes(want));
  });
}

export interface TriggeringScores {
  questions: number;
  withAnswer: number;
  answered: number;
  correct: number;
  precision: number;
  recall: number;
  f1: number;
}

/** Question-level answer triggering (Yang et al. 2015). */
export function triggeringScores(
  outcomes: readonly { hasAnswer: boolean; answered: boolean; correct: boolean }[],
): TriggeringScores {
  const answered = outcomes.filter((outcome) => outcome.answered).length;
  const correct = outcomes.filter((outcome) => outcome.answered && outcome.correct).length;
  const withAnswer = outcomes.filter((outcome) => outcome.hasAnswer).length;
  const precision = answered > 0 ? correct / answered : 0;
  const recall = withAnswer > 0 ? correct / withAnswer : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { questions: outcomes.length, withAnswer, answered, correct, precision, recall, f1 };
}
