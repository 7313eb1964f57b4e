// Runs the answer gate over scored candidates, best first: the first that passes becomes the best of a
// field without the ones turned down, and what the gate decided goes into the trace.
import type { RetrievedPassage } from "../../retrieve/bm25-retriever.js";
import type { AnswerGate, GateVerdict } from "./answer-gate.js";
import type { AnswerType } from "./answer-types.js";
import type { AnswerUnit } from "./answer-unit.js";
import { gateDetail } from "./gate-detail.js";
import { type Disagreement, mayRestate, sourceConflict } from "./source-conflict.js";

export interface GateCandidate {
  text: string;
  probability: number;
  passage: RetrievedPassage;
  /** Set for a structure unit (a list item, the paragraph under a heading): its heading belongs to it. */
  structure?: string;
}

export interface GateTrace {
  expected: AnswerType;
  typeNoun?: string;
  constraints: { numbers: string[]; names: string[]; quoted: string[]; codes: string[]; focus: string[] };
  /** Whether wink-nlp's model read the question or a candidate. */
  languageModel: boolean;
  /** `best`: the best-scored candidate passed; `lower-ranked`: a later one did; `none`: none did. */
  decision: "best" | "lower-ranked" | "none";
  /** 0-based rank, among the scored candidates, of the one that passed. */
  chosenRank?: number;
  /** Candidates turned down before it (at most five), with what each lacked. */
  rejected: { rank: number; missing: string[] }[];
  /** Set when another document makes the chosen unit's statement with a different answer. */
  conflict?: Disagreement & { rank: number };
}

export interface GatedField<T extends GateCandidate> {
  /** The candidates left, best first: the first one passed the gate. Empty when none did. */
  field: T[];
  /** The trigger's probability for `field`. */
  answerProbability: number;
  trace: GateTrace;
  /** Why no candidate can answer, when none passed. */
  detail?: string;
  /** A candidate from another document that passed too and gives another answer to the same statement. */
  conflict?: Disagreement & { chosen: T; other: T };
}

export interface GateOptions<T> {
  /** The trigger's probability that the first of `field` answers the question. */
  probabilityOf(field: readonly T[]): number;
  /** Candidates below the chosen one are checked too while their probability is at least this share of its. */
  relativeCutoff?: number;
}

const listedRejections = 5;

export async function gateCandidates<T extends GateCandidate>(
  gate: AnswerGate,
  request: { question: string; passages: readonly RetrievedPassage[] },
  candidates: readonly T[],
  options: GateOptions<T>,
): Promise<GatedField<T>> {
  const question = await gate.prepare(request.question);
  const cutoffShare = options.relativeCutoff ?? 0.75;
  const verdicts = new Map<number, GateVerdict>();
  let chosen = -1;
  for (const [rank, candidate] of candidates.entries()) {
    const verdict = await question.check(unitOf(candidate));
    verdicts.set(rank, verdict);
    if (verdict.passes) {
      chosen = rank;
      break;
    }
  }
  if (chosen >= 0) {
    const cutoff = (candidates[chosen] as T).probability * cutoffShare;
    for (const [offset, candidate] of candidates.slice(chosen + 1).entries()) {
      if (candidate.probability >= cutoff)
        verdicts.set(chosen + 1 + offset, await question.check(unitOf(candidate)));
    }
  }
  if (chosen >= 0) {
    // Another document may make the same statement with another answer further down the field
    // (passage rank lowers its score): read those too, so a disagreement is seen.
    const best = candidates[chosen] as T;
    const restates = mayRestate(best.text);
    for (const [rank, candidate] of candidates.entries()) {
      if (rank <= chosen || verdicts.has(rank)) continue;
      if (candidate.passage.document.id === best.passage.document.id) continue;
      if (restates(candidate.text)) verdicts.set(rank, await question.check(unitOf(candidate)));
    }
  }
  const { field } = gatedField(candidates, (rank) => verdicts.get(rank)?.passes, cutoffShare);
  const conflict = chosen >= 0 ? firstConflict(candidates, verdicts, chosen) : undefined;
  const rejected = [...verdicts.entries()]
    .filter(([rank, verdict]) => rank < Math.max(chosen, 0) || (chosen < 0 && !verdict.passes))
    .map(([rank, verdict]) => ({ rank, verdict }));
  const { needs } = question;
  const trace: GateTrace = {
    expected: needs.expected,
    ...(needs.typeNoun ? { typeNoun: needs.typeNoun } : {}),
    constraints: {
      numbers: needs.numbers.map((number) => number.value),
      names: needs.names.map((name) => name.join(" ")),
      quoted: needs.quoted,
      codes: needs.codes,
      focus: needs.focus.map((term) => term.word),
    },
    languageModel: question.usedLanguageModel,
    decision: chosen === 0 ? "best" : chosen > 0 ? "lower-ranked" : "none",
    ...(chosen >= 0 ? { chosenRank: chosen } : {}),
    rejected: rejected.slice(0, listedRejections).map(({ rank, verdict }) => ({
      rank,
      missing: [
        ...(verdict.holdsAnswer ? [] : [`no ${needs.expected}`]),
        ...verdict.unmet.map((unmet) => ("value" in unmet ? `${unmet.kind}: ${unmet.value}` : unmet.kind)),
      ],
    })),
  };
  const result: GatedField<T> = { field, answerProbability: options.probabilityOf(field), trace };
  if (conflict) {
    const { rank, chosenGives, otherGives } = conflict;
    trace.conflict = { rank, chosenGives, otherGives };
    result.conflict = {
      chosenGives,
      otherGives,
      chosen: candidates[chosen] as T,
      other: candidates[rank] as T,
    };
  }
  if (chosen < 0 && candidates.length > 0) {
    result.detail = gateDetail(
      request.question,
      needs,
      rejected.slice(0, listedRejections).map(({ verdict }) => verdict),
      request.passages.map((passage) => passage.chunk.text),
    );
  }
  return result;
}

/** The first candidate below the chosen one that passed the gate and disagrees with it (see `sourceConflict`). */
function firstConflict<T extends GateCandidate>(
  candidates: readonly T[],
  verdicts: ReadonlyMap<number, GateVerdict>,
  chosen: number,
): (Disagreement & { rank: number }) | undefined {
  const side = (rank: number) => ({
    text: (candidates[rank] as T).text,
    documentId: (candidates[rank] as T).passage.document.id,
    values: verdicts.get(rank)?.values ?? new Set<string>(),
  });
  for (const [rank, verdict] of verdicts) {
    if (rank <= chosen || !verdict.passes) continue;
    const found = sourceConflict(side(chosen), side(rank));
    if (found) return { ...found, rank };
  }
  return undefined;
}

/**
 * The field the trigger judges once the gate has spoken: the first candidate that passes, then the
 * candidates below it, less those within `relativeCutoff` of it that failed (only those are checked;
 * the rest stay as competitors). Shared by the answerer and by the fitting script.
 */
export function gatedField<T extends { probability: number }>(
  candidates: readonly T[],
  passes: (rank: number) => boolean | undefined,
  relativeCutoff: number,
): { field: T[]; chosen: number } {
  const chosen = candidates.findIndex((_, rank) => passes(rank) === true);
  if (chosen < 0) return { field: [], chosen };
  const cutoff = (candidates[chosen] as T).probability * relativeCutoff;
  const field = candidates.filter(
    (candidate, rank) =>
      rank === chosen || (rank > chosen && (candidate.probability < cutoff || passes(rank) !== false)),
  );
  return { field, chosen };
}

/** A candidate sentence as the gate sees it: with its passage, headings and document title. */
export function unitOf(candidate: Pick<GateCandidate, "text" | "passage" | "structure">): AnswerUnit {
  const { chunk, document } = candidate.passage;
  const headings = chunk.location.headingPath ?? [];
  const unit: AnswerUnit = {
    text: candidate.text,
    passage: chunk.text,
    context: [...headings, document.title].join("\n"),
  };
  const heading = headings.at(-1);
  if (candidate.structure && heading) unit.heading = heading;
  return unit;
}
