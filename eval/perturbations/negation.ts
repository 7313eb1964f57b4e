// Negation flipped: a negated sentence loses its negation ("did not observe" → "did observe", "without"
// → "with", "No defects were found" → "Defects were found"); an affirmative one gains one ("is" → "is
// not", "increases" → "does not increase", "reduced" → "did not reduce").
import { capitaliseFirst, type Edit, matchesOf, pick, type Random, replaceAt } from "./text-edits.js";

const negationCue = /\b(?:not|no|never|without|cannot|nor|neither|none)\b|n't\b/iu;

export function isNegated(sentence: string): boolean {
  return negationCue.test(sentence);
}

const contractions: Record<string, string> = {
  "can't": "can",
  "won't": "will",
  "isn't": "is",
  "aren't": "are",
  "wasn't": "was",
  "weren't": "were",
  "doesn't": "does",
  "don't": "do",
  "didn't": "did",
  "hasn't": "has",
  "haven't": "have",
  "hadn't": "had",
  "couldn't": "could",
  "shouldn't": "should",
  "wouldn't": "would",
};

function removals(sentence: string): Edit[] {
  const edits: Edit[] = [];
  for (const match of matchesOf(sentence, /\b(?:not|never)\s+(?!only\b)/giu)) {
    const before = sentence.slice(0, match.index);
    if (/\bor\s+$/iu.test(before)) continue; // "whether or not"
    edits.push({
      claim: capitaliseFirst(replaceAt(sentence, match.index, match[0].length, "")),
      change: `removed "${match[0].trim()}"`,
    });
  }
  for (const match of matchesOf(sentence, /\bcannot\b/giu)) {
    edits.push({
      claim: replaceAt(sentence, match.index, match[0].length, "can"),
      change: '"cannot" → "can"',
    });
  }
  for (const match of matchesOf(sentence, /\b\p{L}+n['’]t\b/giu)) {
    const plain = contractions[match[0].toLowerCase().replace("’", "'")];
    if (plain) {
      edits.push({
        claim: replaceAt(sentence, match.index, match[0].length, plain),
        change: `"${match[0]}" → "${plain}"`,
      });
    }
  }
  for (const match of matchesOf(sentence, /\bwithout\b/giu)) {
    edits.push({
      claim: replaceAt(sentence, match.index, match[0].length, match[0][0] === "W" ? "With" : "with"),
      change: '"without" → "with"',
    });
  }
  for (const match of matchesOf(sentence, /\bno\s+(?!longer\b|more\b)(?=\p{L})/giu)) {
    // "there was no case of" → "there was a case of"; "showed no effect" → "showed effect".
    const after = sentence.slice(match.index + match[0].length);
    const article = /\b(?:is|was)\s+$/iu.test(sentence.slice(0, match.index))
      ? /^[aeiou]/iu.test(after)
        ? "an "
        : "a "
      : "";
    edits.push({
      claim: capitaliseFirst(replaceAt(sentence, match.index, match[0].length, article)),
      change: `"no" → "${article.trim()}"`,
    });
  }
  return edits;
}

// Verbs of findings, with the forms that differ from the regular ones.
const verbs = new Map<string, { third?: string; past?: string }>(
  (
    [
      ["increase"],
      ["decrease"],
      ["reduce"],
      ["improve"],
      ["promote"],
      ["inhibit"],
      ["induce"],
      ["cause"],
      ["prevent"],
      ["activate"],
      ["suppress", { third: "suppresses" }],
      ["regulate"],
      ["enhance"],
      ["require"],
      ["affect"],
      ["predict"],
      ["protect"],
      ["mediate"],
      ["contribute"],
      ["block"],
      ["bind", { past: "bound" }],
      ["express", { third: "expresses" }],
      ["show"],
      ["demonstrate"],
      ["reveal"],
      ["identify", { third: "identifies", past: "identified" }],
      ["observe"],
      ["correlate"],
      ["impair"],
      ["stimulate"],
      ["trigger"],
      ["extend"],
      ["limit"],
      ["attenuate"],
      ["abolish", { third: "abolishes" }],
      ["restore"],
      ["confer", { past: "conferred" }],
      ["drive", { past: "drove" }],
      ["alter"],
      ["influence"],
      ["modulate"],
      ["facilitate"],
      ["lead", { past: "led" }],
      ["result"],
      ["occur", { past: "occurred" }],
      ["remain"],
      ["exhibit"],
      ["display"],
      ["elevate"],
      ["rescue"],
      ["accelerate"],
      ["delay"],
      ["find", { past: "found" }],
      ["develop"],
      ["depend"],
      ["interact"],
      ["target"],
      ["support"],
      ["suggest"],
      ["indicate"],
      ["explain"],
      ["confirm"],
    ] as [string, { third?: string; past?: string }?][]
  ).map(([base, forms]) => [base, forms ?? {}]),
);

const thirdPerson = (base: string, forms: { third?: string }) => forms.third ?? `${base}s`;
const pastTense = (base: string, forms: { past?: string }) =>
  forms.past ?? (base.endsWith("e") ? `${base}d` : `${base}ed`);

const verbForm = new Map<string, { base: string; form: "third" | "past" | "base" }>();
for (const [base, forms] of verbs) {
  verbForm.set(base, { base, form: "base" });
  verbForm.set(thirdPerson(base, forms), { base, form: "third" });
  verbForm.set(pastTense(base, forms), { base, form: "past" });
}

// Words after which a verb form is a noun or an adjective ("the increase", "was increased", "to show").
const notBeforeVerb = new Set(
  "a an the of with by in to for and or than its their his her this these those be been being is are was were has have had not more less most very no on at from into as".split(
    " ",
  ),
);

function additions(sentence: string): Edit[] {
  const edits: Edit[] = [];
  for (const match of matchesOf(
    sentence,
    /\b(is|are|was|were|can|could|may|might|will|would|should|must)\s+(?=\p{L})/gu,
  )) {
    const auxiliary = match[1] as string;
    const negated = auxiliary === "can" ? "cannot " : `${auxiliary} not `;
    edits.push({
      claim: replaceAt(sentence, match.index, match[0].length, negated),
      change: `"${auxiliary}" → "${negated.trim()}"`,
    });
  }
  for (const match of matchesOf(sentence, /\b(has|have|had)\s+(?=(?:been|\p{L}+(?:ed|en|wn))\b)/gu)) {
    const auxiliary = match[1] as string;
    edits.push({
      claim: replaceAt(sentence, match.index, match[0].length, `${auxiliary} not `),
      change: `"${auxiliary}" → "${auxiliary} not"`,
    });
  }
  for (const match of matchesOf(sentence, /(?<![\p{L}-])\p{Ll}+(?![\p{L}-])/gu)) {
    const verb = verbForm.get(match[0]);
    if (!verb) continue;
    const previous = /([\p{L}\p{N}]+)[^\p{L}\p{N}]*$/u
      .exec(sentence.slice(0, match.index))?.[1]
      ?.toLowerCase();
    if (previous === undefined || notBeforeVerb.has(previous)) continue;
    if (!/^\s+\S/u.test(sentence.slice(match.index + match[0].length))) continue;
    // A bare form is a verb only after a plural subject ("cells contribute").
    if (verb.form === "base" && !/[^s]s$/u.test(previous)) continue;
    const auxiliary = verb.form === "third" ? "does" : verb.form === "past" ? "did" : "do";
    const negated = `${auxiliary} not ${verb.base}`;
    edits.push({
      claim: replaceAt(sentence, match.index, match[0].length, negated),
      change: `"${match[0]}" → "${negated}"`,
    });
  }
  return edits;
}

/** The sentence with its negation removed, or with one added when it has none. */
export function flipNegation(sentence: string, random: Random): Edit | undefined {
  const edits = isNegated(sentence) ? removals(sentence) : additions(sentence);
  const distinct = edits.filter((edit) => edit.claim !== sentence);
  return distinct.length > 0 ? pick(distinct, random) : undefined;
}
