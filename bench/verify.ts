// Verification overhead per answer: answers of 3–8 sentences composed from SciFact passages (lightly
// reworded source sentences with [n] citations, some uncited, plus one or two unsupported sentences),
// each sentence checked as the generative answerer checks it (`checkSentence`: against what it cites,
// or every passage when it cites none, then a supported sentence against the other passages for
// conflicts). Layer one only: no judge model. Median of several runs after a warm-up.
//   npm run bench:verify -- [--data ../shared/data/beir-scifact] [--answers 360] [--runs 3] [--write]
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type CorpusPassage, corpusPassages } from "../eval/corpus-passages.js";
import { isClaimLike, stripSectionLabel } from "../eval/perturbations/case-builder.js";
import { entityPool } from "../eval/perturbations/entities.js";
import { hallucinationKinds, perturbations } from "../eval/perturbations/hallucinations.js";
import { type ParaphraseKind, paraphrases } from "../eval/perturbations/paraphrases.js";
import { pick, type Random, sample } from "../eval/perturbations/text-edits.js";
import { answerSentences } from "../src/answer/generative/citations.js";
import { checkSentence } from "../src/answer/generative/sentence-check.js";
import { sentenceSpans } from "../src/core/sentences.js";
import type { RetrievedPassage } from "../src/retrieve/bm25-retriever.js";
import { markdownTable, median, quantile, sharedData, writeSection } from "./report.js";
import { createRandom } from "./vectors-engines/dataset.js";

const { values } = parseArgs({
  options: {
    data: {
      type: "string",
      default: sharedData("beir-scifact"),
    },
    answers: { type: "string", default: "360" },
    runs: { type: "string", default: "3" },
    seed: { type: "string", default: "8" },
    write: { type: "boolean", default: false },
  },
});
const answerCount = Number(values.answers);
const runs = Number(values.runs);
const sourcesPerAnswer = 8;
const lengths = [3, 4, 5, 6, 7, 8];
// How a model rewords what it cites; most sentences stay close to their source.
const rewordings: ParaphraseKind[] = [
  "verbatim",
  "drop-parenthetical",
  "drop-lead-in",
  "synonym",
  "sub-clause",
  "composite",
];

interface Answer {
  text: string;
  sentences: number;
  passages: RetrievedPassage[];
  /** What the answer was asked: about the first passage's abstract, by its title. */
  question: string;
}

function retrieved(passage: CorpusPassage, rank: number): RetrievedPassage {
  return {
    chunk: {
      id: `${passage.docId}:${passage.ordinal}`,
      documentId: passage.docId,
      ordinal: passage.ordinal,
      text: passage.text,
      location: { charStart: 0, charEnd: passage.text.length },
    },
    document: {
      id: passage.docId,
      source: `corpus.jsonl#${passage.docId}`,
      title: passage.title,
      mediaType: "application/x-ndjson",
    },
    score: sourcesPerAnswer - rank,
    rank,
  };
}

const claimSentences = (text: string) =>
  sentenceSpans(text)
    .map((span) => stripSectionLabel(text.slice(span.start, span.end)))
    .filter(isClaimLike);

/** "Sentence [2]." or "Sentence [2][5]." or, uncited, "Sentence." */
function cite(sentence: string, numbers: readonly number[]): string {
  const body = sentence.replace(/\.\s*$/u, "");
  return numbers.length === 0 ? `${body}.` : `${body} ${numbers.map((n) => `[${n}]`).join("")}.`;
}

function composeAnswers(documents: readonly CorpusPassage[][], random: Random): Answer[] {
  const entities = entityPool(
    documents.map((passages) => passages.map((passage) => passage.text).join("\n")),
  );
  const answers: Answer[] = [];
  while (answers.length < answerCount) {
    const length = lengths[answers.length % lengths.length] as number;
    // Eight passages of one document and the ones after it in the corpus, as a search might return.
    const first = Math.floor(random() * (documents.length - 20));
    const sources: CorpusPassage[] = [];
    for (let at = first; sources.length < sourcesPerAnswer; at++) sources.push(...(documents[at] ?? []));
    const passages = sources.slice(0, sourcesPerAnswer).map(retrieved);
    const claimable = passages
      .map((passage, index) => ({ number: index + 1, sentences: claimSentences(passage.chunk.text) }))
      .filter((entry) => entry.sentences.length > 0);
    if (claimable.length === 0) continue;
    const unsupported = length >= 5 ? 2 : 1;
    const sentences: string[] = [];
    for (let index = 0; index < length - unsupported; index++) {
      const source = pick(claimable, random);
      const sentence = pick(source.sentences, random);
      const kind = pick(rewordings, random);
      const claim =
        paraphrases[kind](sentence, random, { next: undefined, isName: () => false })?.claim ?? sentence;
      const others = passages.map((_, n) => n + 1).filter((n) => n !== source.number);
      const roll = random();
      const cited = roll < 0.15 ? [] : roll < 0.35 ? [source.number, pick(others, random)] : [source.number];
      sentences.push(cite(claim, cited));
    }
    // One hallucination made from a cited source sentence, and one sentence from elsewhere in the corpus.
    const source = pick(claimable, random);
    const original = pick(source.sentences, random);
    const perturbed = sample(hallucinationKinds, hallucinationKinds.length, random)
      .map((kind) =>
        perturbations[kind](original, random, {
          passage: passages[source.number - 1]?.chunk.text ?? "",
          entities,
        }),
      )
      .find((edit) => edit !== undefined);
    sentences.push(cite(perturbed?.claim ?? original, [source.number]));
    if (unsupported === 2) {
      const elsewhere = pick(documents, random);
      const foreign = elsewhere.flatMap((passage) => claimSentences(passage.text));
      if (foreign.length === 0) continue;
      const cited = random() < 0.5 ? [] : [1 + Math.floor(random() * sourcesPerAnswer)];
      sentences.push(cite(pick(foreign, random), cited));
    }
    const text = sample(sentences, sentences.length, random).join(" ");
    // Keep only answers the answerer splits into the sentences they were made of (a source sentence
    // that opens in lower case, "ticagrelor reduced…", would be read as part of the one before).
    if (answerSentences(text, passages.length).length !== sentences.length) continue;
    const title = passages[0]?.document.title ?? "";
    answers.push({ text, sentences: sentences.length, passages, question: `What is known about ${title}?` });
  }
  return answers;
}

interface Timing {
  sentences: number;
  ms: number;
}

interface SentenceTiming {
  cited: boolean;
  microseconds: number;
  verdict: string;
}

function verifyAll(answers: readonly Answer[]): { answers: Timing[]; sentences: SentenceTiming[] } {
  const perAnswer: Timing[] = [];
  const perSentence: SentenceTiming[] = [];
  for (const answer of answers) {
    const sentences = answerSentences(answer.text, answer.passages.length);
    const started = performance.now();
    for (const sentence of sentences) {
      const before = performance.now();
      const checked = checkSentence(sentence, answer.passages, undefined, answer.question);
      perSentence.push({
        cited: sentence.cited.length > 0,
        microseconds: (performance.now() - before) * 1000,
        verdict: checked.sentence.verification?.verdict ?? "none",
      });
    }
    perAnswer.push({ sentences: sentences.length, ms: performance.now() - started });
  }
  return { answers: perAnswer, sentences: perSentence };
}

const documents = await corpusPassages(join(values.data as string, "corpus.jsonl"));
const answers = composeAnswers(documents, createRandom(Number(values.seed)).uniform);
verifyAll(answers); // warm-up: JIT, regular expression caches
const measured = Array.from({ length: runs }, () => verifyAll(answers));

// Each figure is the median over runs of that run's statistic.
const overRuns = (statistic: (run: (typeof measured)[number]) => number) => median(measured.map(statistic));
const format = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "–");
const rows = [...lengths.map((length) => String(length)), "all"].map((label) => {
  const select = (run: (typeof measured)[number]) =>
    run.answers.filter((timing) => label === "all" || timing.sentences === Number(label));
  const count = select(measured[0] as (typeof measured)[number]).length;
  return [
    label,
    count,
    format(overRuns((run) => median(select(run).map((timing) => timing.ms)))),
    format(
      overRuns((run) =>
        quantile(
          select(run).map((timing) => timing.ms),
          0.95,
        ),
      ),
    ),
    format(
      overRuns((run) => median(select(run).map((timing) => (timing.ms * 1000) / timing.sentences))),
      0,
    ),
  ];
});
const table = markdownTable(
  ["sentences", "answers", "p50 ms / answer", "p95 ms / answer", "p50 µs / sentence"],
  rows,
);
const sentenceFigure = (cited: boolean) => {
  const select = (run: (typeof measured)[number]) =>
    run.sentences.filter((timing) => timing.cited === cited).map((timing) => timing.microseconds);
  return `${format(
    overRuns((run) => median(select(run))),
    0,
  )} µs p50, ${format(
    overRuns((run) => quantile(select(run), 0.95)),
    0,
  )} µs p95 (${select(measured[0] as (typeof measured)[number]).length} sentences)`;
};
const verdicts = new Map<string, number>();
for (const timing of (measured[0] as (typeof measured)[number]).sentences)
  verdicts.set(timing.verdict, (verdicts.get(timing.verdict) ?? 0) + 1);
const totalSentences = (measured[0] as (typeof measured)[number]).sentences.length;
const mix = [...verdicts]
  .map(([verdict, count]) => `${verdict} ${((100 * count) / totalSentences).toFixed(0)}%`)
  .join(", ");
const notes = [
  `Per sentence: cited ${sentenceFigure(true)}; uncited, checked against all ${sourcesPerAnswer} passages, ${sentenceFigure(false)}.`,
  `Verdicts: ${mix}.`,
];

console.log(table);
for (const note of notes) console.log(note);
if (values.write) {
  writeSection(
    "verify-overhead",
    "Verification overhead per answer",
    `npm run bench:verify -- --answers ${answerCount} --runs ${runs} --write`,
    [
      `${answerCount} answers (${answerCount / lengths.length} of each length, 3–8 sentences), each over ${sourcesPerAnswer} SciFact passages as Verity's chunker cuts them (one abstract and the next ones in the corpus). Sentences are source sentences, most reworded by the rules of the hallucination set (parenthetical or lead-in dropped, synonym, shorter clause, several at once), citing their passage as \`[n]\` (20% also cite a second passage, 15% cite none); each answer adds one hallucination made from a cited sentence and, from 5 sentences on, one sentence from an unrelated abstract. Timed: \`checkSentence\` for every sentence, as the generative answerer calls it, with a question about the first passage's abstract ("What is known about <its title>?"), so a supported sentence is also compared with the other passages' sentences for another name (layer one, no judge model; citation parsing excluded). One warm-up pass, then the median of ${runs} runs of each figure.`,
      "",
      table,
      "",
      ...notes,
    ].join("\n"),
  );
}
