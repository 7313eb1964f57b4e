// One case of the hallucination set: a claim, whether it is faithful to its source or a hallucination
// made from it, how it was made, and the passage it is checked against. Read back with a schema, since
// the committed file may be edited by hand or regenerated from another corpus.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { VerityError } from "../../src/core/errors.js";
import { type HallucinationKind, hallucinationKinds } from "./hallucinations.js";
import { type ParaphraseKind, paraphraseKinds } from "./paraphrases.js";

export const defaultCasesPath = fileURLToPath(new URL("./cases.jsonl", import.meta.url));
/**
 * A second set from another seed (`--seed 11 --out eval/perturbations/cases-heldout.jsonl`), never
 * looked at while the verifier was changed: its figures are the honest ones.
 */
export const heldOutCasesPath = fileURLToPath(new URL("./cases-heldout.jsonl", import.meta.url));

export type CaseLabel = "hallucinated" | "faithful";

export interface PerturbationCase {
  id: string;
  label: CaseLabel;
  kind: HallucinationKind | ParaphraseKind;
  /** The sentence to verify. */
  claim: string;
  /** What was changed, in a few words ("0.53 → 0.71", "dropped (n = 17)"). */
  change: string;
  /** The passage the claim is checked against, whole, as retrieval would hand it to an answerer. */
  source: { docId: string; title: string; text: string };
  /** The source sentence (two, for a merge) the claim was made from. */
  original: string;
}

const caseSchema = z
  .discriminatedUnion("label", [
    z.object({ label: z.literal("hallucinated"), kind: z.enum(hallucinationKinds) }),
    z.object({ label: z.literal("faithful"), kind: z.enum(paraphraseKinds) }),
  ])
  .and(
    z.object({
      id: z.string().min(1),
      claim: z.string().min(1),
      change: z.string().default(""),
      source: z.object({ docId: z.string(), title: z.string(), text: z.string().min(1) }),
      original: z.string(),
    }),
  );

export function readCases(path: string): PerturbationCase[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VerityError(
      "E_NOT_FOUND",
      `cannot read ${path}; run npm run eval:perturbations:generate to make the set, or pass --cases <file>`,
      { cause: error },
    );
  }
  const cases: PerturbationCase[] = [];
  for (const [index, line] of text.split("\n").entries()) {
    if (!line.trim()) continue;
    let parsed: ReturnType<typeof caseSchema.safeParse>;
    try {
      parsed = caseSchema.safeParse(JSON.parse(line));
    } catch (error) {
      throw new VerityError("E_INVALID_INPUT", `${path}:${index + 1} is not valid JSON`, { cause: error });
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new VerityError(
        "E_INVALID_INPUT",
        `${path}:${index + 1}: ${issue?.path.join(".") || "case"}: ${issue?.message ?? "not a case"}`,
      );
    }
    cases.push(parsed.data as PerturbationCase);
  }
  if (cases.length === 0) throw new VerityError("E_INVALID_INPUT", `${path} holds no cases`);
  return cases;
}
