// Faithful rewordings of a true sentence, as a model writing a grounded answer produces them: the same
// claim without its parentheticals or lead-in, a shorter clause it entails, exact synonyms, numbers
// written another way, coordinated phrases reordered, the voice changed, two adjacent sentences
// merged, or several of these at once. No rule changes what is claimed.
import { changeVoice, keepClause, mergeWithNext, reorderConjuncts } from "./restructurings.js";
import { dropLeadIn, dropParentheticals, type Paraphrase, rewriteNumber, swapSynonym } from "./rewordings.js";
import { sample } from "./text-edits.js";

export type { Paraphrase, ParaphraseContext } from "./rewordings.js";

export const paraphraseKinds = [
  "verbatim",
  "drop-parenthetical",
  "drop-lead-in",
  "synonym",
  "number-format",
  "reorder",
  "voice",
  "sub-clause",
  "merge",
  "composite",
] as const;
export type ParaphraseKind = (typeof paraphraseKinds)[number];

const composable: Paraphrase[] = [
  dropLeadIn,
  dropParentheticals,
  keepClause,
  changeVoice,
  reorderConjuncts,
  swapSynonym,
  rewriteNumber,
];

/** Two or three of the single rules applied one after another, as a model rewrites a sentence. */
export const combineRules: Paraphrase = (sentence, random, context) => {
  const applicable = composable.filter((rule) => rule(sentence, random, context) !== undefined);
  if (applicable.length < 2) return undefined;
  const chosen = new Set(sample(applicable, random() < 0.5 ? 2 : 3, random));
  let claim = sentence;
  const changes: string[] = [];
  for (const rule of composable) {
    if (!chosen.has(rule)) continue;
    const edit = rule(claim, random, context);
    if (!edit) continue;
    claim = edit.claim;
    changes.push(edit.change);
  }
  return changes.length >= 2 ? { claim, change: changes.join("; ") } : undefined;
};

export const paraphrases: Record<ParaphraseKind, Paraphrase> = {
  verbatim: (sentence) => ({ claim: sentence, change: "none" }),
  "drop-parenthetical": dropParentheticals,
  "drop-lead-in": dropLeadIn,
  synonym: swapSynonym,
  "number-format": rewriteNumber,
  reorder: reorderConjuncts,
  voice: changeVoice,
  "sub-clause": keepClause,
  merge: mergeWithNext,
  composite: combineRules,
};
