// Sources that disagree: two documents that say the same thing in nearly the same words but give a
// different answer ("contested by Spain and Argentina" beside "contested by Germany and Argentina"; an
// old policy's "within 14 days" beside a new one's "within 30 days"). Quoting either one would hide the
// disagreement, so the answerer reports it instead.
import { diffArrays } from "diff";
import { stem, tokens } from "../../core/terms.js";

export interface ConflictSide {
  text: string;
  documentId: string;
  /** The answers of the expected kind the side states (see `answerValues`). */
  values: ReadonlySet<string>;
  /** Its words (`tokens(text)`) and their stems, when already read (see `readSide`). */
  words?: readonly string[];
  stems?: readonly string[];
}

/** A side with its words and stems read, for comparing one text with many. */
export function readSide(text: string, documentId: string, values: ReadonlySet<string>): ConflictSide {
  const words = tokens(text);
  return { text, documentId, values, words, stems: words.map(stem) };
}

export interface Disagreement {
  /** What the chosen unit gives and the other lacks, and the other way round. */
  chosenGives: string[];
  otherGives: string[];
}

/**
 * Share of the shorter statement's other words (word stems, the answers left out) the longer one must
 * hold for the two to count as the same statement: a source sentence often says more than the
 * sentence it is compared with ("..., her first title"). A looser bar would read two true sentences
 * that name different things ("Germany beat Argentina", "Neuer kept goal for Germany") as a
 * disagreement.
 */
export const sameStatementShare = 0.8;

/** Fewest other words the shorter statement must have: "Ada won." restates almost anything. */
const minStatementWords = 3;

/**
 * A cheap first look, before the gate reads another text: whether it could make the same statement as
 * `chosen`, their answers aside (most of the shorter one's word stems in the other, answers counted).
 * `chosen` is read once for every text it is compared with.
 */
export function mayRestate(chosen: string): (other: string) => boolean {
  const own = stems(chosen);
  return (other) => overlap(own, stems(other)) >= 0.6;
}

/**
 * The names a text states (words written with a capital), lower-case: the answers of a sentence a
 * model wrote, whose question is not read. Numbers and dates are left to the verifier, which knows
 * their units; and "won in 2017" beside "won in 2018" may be two events, not a disagreement.
 */
export function surfaceNames(text: string): Set<string> {
  const values = new Set<string>();
  for (const match of text.matchAll(/\p{L}[\p{L}\p{N}'’.-]*/gu)) {
    if (/^\p{Lu}/u.test(match[0])) for (const word of tokens(match[0])) values.add(word);
  }
  return values;
}

/** Most words added or removed between two texts that still make one statement (see `replacesAnswer`). */
const maxRestatementEdits = 64;

/** Longest run of words that can stand in for one answer ("Angelique Kerber" for "Ashleigh Barty"). */
const maxSubstitution = 4;

/**
 * The disagreement between `chosen` and `other`, when they come from different documents, make the
 * same statement apart from their answers, and one puts an answer where the other puts another: a
 * short run of words, mostly answers, replaced by another such run. An answer one of them merely adds
 * ("the Tanzanian novelist") or words around it that differ ("Raiders honor" for "Juliana Urtubey, an
 * elementary teacher") are not a disagreement.
 */
export function sourceConflict(chosen: ConflictSide, other: ConflictSide): Disagreement | undefined {
  if (chosen.documentId === other.documentId) return undefined;
  const chosenGives = [...chosen.values].filter((value) => !other.values.has(value));
  const otherGives = [...other.values].filter((value) => !chosen.values.has(value));
  if (chosenGives.length === 0 || otherGives.length === 0) return undefined;
  const answers = new Set([...chosen.values, ...other.values]);
  const left = read(chosen);
  const right = read(other);
  const a = stemsLeaving(left, answers);
  const b = stemsLeaving(right, answers);
  if (Math.min(a.size, b.size) < minStatementWords || overlap(a, b) < sameStatementShare) return undefined;
  return replacesAnswer(left.words ?? [], right.words ?? [], chosen.values, other.values)
    ? { chosenGives, otherGives }
    : undefined;
}

/** True when a run of `from` replaced by a run of `to` is answers for answers (see `sourceConflict`). */
function replacesAnswer(
  from: readonly string[],
  to: readonly string[],
  fromValues: ReadonlySet<string>,
  toValues: ReadonlySet<string>,
): boolean {
  // Two restatements differ by a few words; a diff that needs more edits than this is not one, and
  // stopping there keeps two long, shuffled texts from costing their lengths multiplied.
  const changes = diffArrays([...from], [...to], { maxEditLength: maxRestatementEdits });
  if (!changes) return false;
  const answersIn = (run: readonly string[], own: ReadonlySet<string>, theirs: ReadonlySet<string>) =>
    run.filter((word) => own.has(word) && !theirs.has(word)).length;
  const isAnswerRun = (run: readonly string[], own: ReadonlySet<string>, theirs: ReadonlySet<string>) =>
    run.length > 0 && run.length <= maxSubstitution && answersIn(run, own, theirs) * 2 >= run.length;
  for (const [index, change] of changes.entries()) {
    const next = changes[index + 1];
    // A replacement is a removal and an addition side by side, in either order.
    const removed = change.removed ? change : next?.removed ? next : undefined;
    const added = change.added ? change : next?.added ? next : undefined;
    if (!removed || !added || !next || removed === added) continue;
    if (isAnswerRun(removed.value, fromValues, toValues) && isAnswerRun(added.value, toValues, fromValues))
      return true;
  }
  return false;
}

function stems(text: string): Set<string> {
  return new Set(tokens(text).map(stem));
}

const read = (side: ConflictSide) =>
  side.words && side.stems ? side : readSide(side.text, side.documentId, side.values);

/** The stems of a side's words, less the words in `leaveOut`. */
function stemsLeaving(side: ConflictSide, leaveOut: ReadonlySet<string>): Set<string> {
  const found = new Set<string>();
  const words = side.words ?? [];
  for (const [index, word] of words.entries())
    if (!leaveOut.has(word)) found.add(side.stems?.[index] ?? word);
  return found;
}

/** Overlap coefficient of two sets: what they share over the size of the smaller. */
function overlap(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const word of small) if (large.has(word)) shared++;
  return shared / small.size;
}
