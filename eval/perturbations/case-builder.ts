// The recipe of the hallucination set: seeded choice of passages and of claim-like sentences in them,
// then every hallucination that applies to each sentence and a few of the faithful rewordings that
// apply, so both labels come from the same sentences. Kinds that rarely apply (dates) are topped up
// from further passages until each has enough cases to be measured.
import { createRandom } from "../../bench/vectors-engines/dataset.js";
import { sentenceSpans } from "../../src/core/sentences.js";
import type { CorpusPassage } from "../corpus-passages.js";
import type { PerturbationCase } from "./cases.js";
import { type EntityPool, entityPool } from "./entities.js";
import { type HallucinationKind, hallucinationKinds, perturbations } from "./hallucinations.js";
import { type ParaphraseKind, paraphraseKinds, paraphrases } from "./paraphrases.js";
import { pick, type Random, sample } from "./text-edits.js";

export interface BuildOptions {
  seed: number;
  /** Source sentences taken in the main pass. */
  sentences: number;
  /** Sentences taken from each chosen passage, at most. */
  perPassage: number;
  /** Faithful rewordings made per sentence (besides the verbatim copy of every `verbatimEvery`-th). */
  paraphrasesPerSentence: number;
  verbatimEvery: number;
  /** Least cases of each kind; rarer kinds are topped up from further passages. */
  minPerKind: number;
}

export const defaultBuildOptions: BuildOptions = {
  seed: 4,
  sentences: 180,
  perPassage: 2,
  paraphrasesPerSentence: 3,
  verbatimEvery: 3,
  minPerKind: 50,
};

// Structured-abstract headings that open a sentence in SciFact ("RESULTS We found …"); a model
// quoting the sentence would leave them out.
const sectionLabels = new Set(
  "BACKGROUND OBJECTIVE OBJECTIVES AIM AIMS PURPOSE CONTEXT IMPORTANCE INTRODUCTION RATIONALE METHODS METHOD METHODOLOGY MATERIALS AND DESIGN SETTING SETTINGS PARTICIPANTS PATIENTS SUBJECTS INTERVENTION INTERVENTIONS EXPOSURE EXPOSURES MEASUREMENTS MAIN OUTCOME OUTCOMES MEASURES RESULTS RESULT FINDINGS PRINCIPAL CONCLUSION CONCLUSIONS SIGNIFICANCE INTERPRETATION LIMITATIONS FUNDING UNLABELLED".split(
    " ",
  ),
);

/** The sentence without a leading structured-abstract heading. */
export function stripSectionLabel(sentence: string): string {
  const words = sentence.split(" ");
  let first = 0;
  while (
    first < words.length - 1 &&
    (words[first] as string).split("/").every((part) => sectionLabels.has(part.replace(/[:,]$/u, "")))
  ) {
    first++;
  }
  return first > 0 && /^[\p{L}\p{N}]/u.test(words[first] as string) ? words.slice(first).join(" ") : sentence;
}

/** A sentence that states something checkable: a whole, plain sentence of a reasonable length. */
export function isClaimLike(sentence: string): boolean {
  const words = sentence.split(/\s+/u).length;
  const balanced = (open: string, close: string) =>
    sentence.split(open).length === sentence.split(close).length;
  return (
    sentence.length >= 60 &&
    sentence.length <= 350 &&
    words >= 8 &&
    /^[\p{L}\p{N}]/u.test(sentence) &&
    sentence.endsWith(".") &&
    !/https?:|www\.|@/u.test(sentence) &&
    balanced("(", ")") &&
    balanced("[", "]")
  );
}

interface SourceSentence {
  passage: CorpusPassage;
  index: number;
  /** As in the passage. */
  raw: string;
  /** Without its section heading: what cases are made from. */
  base: string;
  /** The following sentence, when it is claim-like too (for merging). */
  next: { raw: string; base: string } | undefined;
}

function sourceSentences(passage: CorpusPassage): SourceSentence[] {
  const raws = sentenceSpans(passage.text).map((span) => passage.text.slice(span.start, span.end));
  const bases = raws.map(stripSectionLabel);
  const sentences: SourceSentence[] = [];
  raws.forEach((raw, index) => {
    const base = bases[index] as string;
    if (!isClaimLike(base)) return;
    const nextBase = bases[index + 1];
    const next =
      nextBase !== undefined && isClaimLike(nextBase)
        ? { raw: raws[index + 1] as string, base: nextBase }
        : undefined;
    sentences.push({ passage, index, raw, base, next });
  });
  return sentences;
}

type Kind = HallucinationKind | ParaphraseKind;

function makeCase(
  sentence: SourceSentence,
  kind: Kind,
  random: Random,
  entities: EntityPool,
): PerturbationCase | undefined {
  const hallucination = (hallucinationKinds as readonly string[]).includes(kind);
  const edit = hallucination
    ? perturbations[kind as HallucinationKind](sentence.base, random, {
        passage: sentence.passage.text,
        entities,
      })
    : paraphrases[kind as ParaphraseKind](sentence.base, random, {
        next: sentence.next?.base,
        isName: (word) => entities.name.includes(word),
      });
  if (!edit || (kind !== "verbatim" && edit.claim === sentence.base)) return undefined;
  const { passage } = sentence;
  return {
    id: `${passage.docId}#${passage.ordinal}.${sentence.index}:${kind}`,
    label: hallucination ? "hallucinated" : "faithful",
    kind,
    claim: edit.claim,
    change: edit.change,
    source: { docId: passage.docId, title: passage.title, text: passage.text },
    original: kind === "merge" && sentence.next ? `${sentence.raw} ${sentence.next.raw}` : sentence.raw,
  };
}

/** The whole set, from the corpus's documents (each a list of passages), the same for the same seed. */
export function buildCases(
  documents: readonly (readonly CorpusPassage[])[],
  options: BuildOptions = defaultBuildOptions,
): PerturbationCase[] {
  const random = createRandom(options.seed).uniform;
  const entities = entityPool(
    documents.map((passages) => passages.map((passage) => passage.text).join("\n")),
  );
  const order = sample(
    documents.filter((passages) => passages.length > 0),
    documents.length,
    random,
  );
  const cases: PerturbationCase[] = [];
  const count = new Map<Kind, number>();
  const add = (made: PerturbationCase | undefined) => {
    if (!made) return;
    cases.push(made);
    count.set(made.kind, (count.get(made.kind) ?? 0) + 1);
  };
  const paraphraseRules = paraphraseKinds.filter((kind) => kind !== "verbatim");

  let taken = 0;
  let next = 0;
  for (; next < order.length && taken < options.sentences; next++) {
    const passage = pick(order[next] as readonly CorpusPassage[], random);
    for (const sentence of sample(sourceSentences(passage), options.perPassage, random)) {
      for (const kind of hallucinationKinds) add(makeCase(sentence, kind, random, entities));
      const applicable = paraphraseRules.filter((kind) => makeCase(sentence, kind, random, entities));
      for (const kind of sample(applicable, options.paraphrasesPerSentence, random)) {
        add(makeCase(sentence, kind, random, entities));
      }
      if (taken % options.verbatimEvery === 0) add(makeCase(sentence, "verbatim", random, entities));
      taken++;
    }
  }
  // Top-up: further passages, each kind on its own, until it has its least number of cases.
  for (const kind of [...hallucinationKinds, ...paraphraseRules]) {
    for (let at = next; at < order.length && (count.get(kind) ?? 0) < options.minPerKind; at++) {
      const passage = pick(order[at] as readonly CorpusPassage[], random);
      for (const sentence of sourceSentences(passage)) {
        if ((count.get(kind) ?? 0) >= options.minPerKind) break;
        add(makeCase(sentence, kind, random, entities));
      }
    }
  }
  return cases;
}
