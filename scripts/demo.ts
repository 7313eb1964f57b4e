// The README's first command: writes the Lumen Notes help centre (Markdown, HTML, PDF, DOCX), ingests
// it with the embedded defaults (no model, no key, no server) and asks four questions: three the
// corpus answers, with citations, and one it cannot, which gets "I don't know".
//   npm run demo [-- --out <folder>]
import { rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { formatAnswer, formatIngestSummary } from "../src/cli/format.js";
import type { Answer } from "../src/core/answer.js";
import { createVerity } from "../src/engine.js";
import { demoQuestions, writeDemoCorpus } from "./demo-corpus.js";

export interface DemoResult {
  question: (typeof demoQuestions)[number];
  answer: Answer;
  /** Whether Verity did what the question expects: cite the right source, or abstain. */
  asExpected: boolean;
}

export async function runDemo(
  outDir: string,
  print: (text: string) => void = () => {},
): Promise<DemoResult[]> {
  rmSync(outDir, { recursive: true, force: true });
  const corpusDir = join(outDir, "help-centre");
  const files = await writeDemoCorpus(corpusDir);
  print(`Wrote ${files.length} help-centre documents to ${corpusDir}`);
  const verity = createVerity({ dataDir: join(outDir, ".verity") });
  try {
    const summary = await verity.ingest([corpusDir], { collection: "help-centre" });
    print(formatIngestSummary(summary, process.cwd()));
    const results: DemoResult[] = [];
    for (const question of demoQuestions) {
      const answer = await verity.ask(question.question, { collection: "help-centre" });
      const asExpected = question.answerable
        ? answer.status === "answered" &&
          answer.sentences.some(
            (sentence) =>
              sentence.text.includes(question.expectedPhrase ?? "") &&
              sentence.citations.some((citation) => basename(citation.source) === question.expectedSource),
          )
        : answer.status === "abstained";
      results.push({ question, answer, asExpected });
      print(`\nQ: ${question.question}\n${formatAnswer(answer, process.cwd())}`);
    }
    return results;
  } finally {
    await verity.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { out: { type: "string", default: "demo-out" } } });
  const results = await runDemo(resolve(values.out as string), (text) => console.log(text));
  const misses = results.filter((result) => !result.asExpected);
  if (misses.length > 0) {
    console.error(
      `\n${misses.length} demo question(s) did not behave as expected: ${misses.map((m) => m.question.question).join(" | ")}`,
    );
    process.exitCode = 1;
  } else {
    console.log(
      `\nAll ${results.length} demo questions behaved as expected. Try: npm run verity -- ask "How do I export my notes?" --collection help-centre --data-dir ${values.out}/.verity`,
    );
  }
}
