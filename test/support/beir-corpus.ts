// A BEIR-shaped corpus made on the spot: JSONL records `{_id, title, text}` that read like short
// scientific abstracts, different for every record and the same on every run. Stands in for BEIR
// SciFact (../shared/data/beir-scifact) in tests, which must not depend on data outside the repository.
import { writeFileSync } from "node:fs";

export interface BeirRecord {
  _id: string;
  title: string;
  text: string;
}

const subjects = [
  "vitamin D supplementation",
  "regulatory T cells",
  "hepatic insulin resistance",
  "microglial activation",
  "telomerase expression",
  "mitochondrial fission",
  "tumour necrosis factor",
  "gut microbiota diversity",
  "cortical bone density",
  "influenza vaccination",
  "autophagy in neurons",
  "statin therapy",
];
const outcomes = [
  "mortality",
  "cell proliferation",
  "glucose tolerance",
  "inflammatory signalling",
  "fracture risk",
  "cognitive decline",
  "viral clearance",
  "tumour growth",
];
const designs = [
  "a randomised controlled trial",
  "a prospective cohort",
  "a knockout mouse model",
  "a meta-analysis of observational studies",
  "single-cell sequencing",
];
const findings = [
  "was associated with lower",
  "had no measurable effect on",
  "markedly increased",
  "modestly reduced",
];

/** Record `index` (0-based): its id is the index as a string, its words drawn from the lists above. */
export function beirRecord(index: number): BeirRecord {
  const pick = <T>(values: readonly T[], salt: number) =>
    values[(index * 7 + salt * 13 + Math.floor(index / values.length)) % values.length] as T;
  const subject = pick(subjects, 1);
  const outcome = pick(outcomes, 2);
  const participants = 40 + ((index * 37) % 960);
  const months = 3 + (index % 21);
  return {
    _id: String(index),
    title: `The effect of ${subject} on ${outcome}: study ${index + 1}`,
    text: [
      `We examined whether ${subject} changes ${outcome} in ${designs[index % designs.length]} of ${participants} participants.`,
      `Over ${months} months of follow-up, ${subject} ${pick(findings, 3)} ${outcome} compared with controls.`,
      `Secondary analyses of ${pick(outcomes, 4)} pointed in the same direction but did not reach significance.`,
      `These results suggest that ${subject} deserves further study as a modifier of ${outcome}.`,
    ].join(" "),
  };
}

/** `count` records, one JSON object per line, ending with a newline. */
export function beirCorpusJsonl(count: number): string {
  return Array.from({ length: count }, (_, index) => `${JSON.stringify(beirRecord(index))}\n`).join("");
}

/** Writes `beirCorpusJsonl(count)` to `path` and returns `path`. */
export function writeBeirCorpus(path: string, count: number): string {
  writeFileSync(path, beirCorpusJsonl(count));
  return path;
}
