// The sentence a person reads when the gate turns every candidate down: what the passages do mention
// of the question, and what the candidates closest to answering it lack.
import { tokens } from "../../core/terms.js";
import type { GateVerdict } from "./answer-gate.js";
import { typeDescription } from "./answer-types.js";
import type { UnmetConstraint } from "./constraints.js";
import type { QuestionNeeds } from "./question-analysis.js";

/**
 * "The passages mention Wimbledon and 2018, but none says who won the women's singles in 2018: the
 * sentences closest to answering it do not mention 2018."
 */
export function gateDetail(
  question: string,
  needs: QuestionNeeds,
  verdicts: readonly Pick<GateVerdict, "holdsAnswer" | "unmet">[],
  passages: readonly string[],
): string {
  const mentioned = mentionedParts(question, needs, passages);
  const asked = asClause(question);
  const opening =
    mentioned.length > 0
      ? `The passages mention ${listOf(mentioned)}, but none says ${asked}`
      : `The passages do not say ${asked}`;
  const reasons = commonReasons(question, needs, verdicts);
  return reasons.length > 0
    ? `${opening}: the sentences closest to answering it ${listOf(reasons, "or")}.`
    : `${opening}.`;
}

/** The question as it would follow "none says": "who won the final in 2018". */
function asClause(question: string): string {
  const trimmed = question.trim().replace(/[?.!\s]+$/u, "");
  const [first = "", ...rest] = trimmed.split(/\s+/u);
  // Lower-case a question word, keep a name ("Tesla's revenue").
  const opening =
    /^(?:who|whom|whose|what|when|where|which|why|how|is|are|was|were|do|does|did|can|could|should|will|would|has|have|had)$/iu.test(
      first,
    )
      ? first.toLowerCase()
      : first;
  return [opening, ...rest].join(" ");
}

/** The names, numbers, quoted phrases and flags of the question that some passage does mention. */
function mentionedParts(question: string, needs: QuestionNeeds, passages: readonly string[]): string[] {
  const words = new Set(passages.flatMap((passage) => tokens(passage)));
  const parts = [
    ...needs.names
      .filter((name) => name.some((word) => words.has(word)))
      .map((name) => asWritten(question, name)),
    ...needs.quoted
      .filter((phrase) => tokens(phrase).every((word) => words.has(word)))
      .map((phrase) => `“${phrase}”`),
    ...needs.codes.filter((code) => passages.some((passage) => passage.includes(code))),
    ...needs.numbers
      .map((number) => number.value)
      .filter((number) => words.has(number))
      .map((number) => asWritten(question, [number])),
  ];
  return [...new Set(parts)];
}

/** A name as the question writes it ("World Cup", not "world cup"). */
function asWritten(question: string, words: readonly string[]): string {
  const pattern = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&")).join("\\W+(?:s\\W+)?");
  return new RegExp(pattern, "iu").exec(question)?.[0] ?? words.join(" ");
}

/** What the checked candidates lack, most common first (at most two reasons). */
function commonReasons(
  question: string,
  needs: QuestionNeeds,
  verdicts: readonly Pick<GateVerdict, "holdsAnswer" | "unmet">[],
): string[] {
  const counts = new Map<string, number>();
  const count = (reason: string) => counts.set(reason, (counts.get(reason) ?? 0) + 1);
  for (const verdict of verdicts) {
    const reasons = new Set<string>();
    if (!verdict.holdsAnswer) reasons.add(`hold no ${typeDescription(needs.expected).replace(/^an? /u, "")}`);
    const focus = verdict.unmet.filter((unmet) => unmet.kind === "focus").map((unmet) => `“${unmet.value}”`);
    if (focus.length > 0) reasons.add(`do not say ${listOf(focus, "or")}`);
    for (const unmet of verdict.unmet) {
      const reason = reasonOf(question, unmet);
      if (reason) reasons.add(reason);
    }
    for (const reason of reasons) count(reason);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 2)
    .map(([reason]) => reason);
}

function reasonOf(question: string, unmet: UnmetConstraint): string | undefined {
  switch (unmet.kind) {
    case "asks":
      return "are questions themselves";
    case "focus":
      return undefined;
    case "quoted":
      return `do not mention “${unmet.value}”`;
    case "code":
      return `do not mention ${unmet.value}`;
    default:
      return `do not mention ${asWritten(question, tokens(unmet.value))}`;
  }
}

function listOf(items: readonly string[], conjunction = "and"): string {
  if (items.length <= 1) return items[0] ?? "";
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1)}`;
}
