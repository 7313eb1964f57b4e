// Hallucinations made from a true sentence by one small edit that changes what it claims: a number, a
// name, a negation, a date or a direction (antonym). Each rule returns nothing when the sentence has
// nothing of its kind, so a case is only made when the perturbation really applies.
import { type EntityPool, entityMentions, isPluralAcronym } from "./entities.js";
import { flipNegation } from "./negation.js";
import { isQuantity, numberWords, numeral } from "./numbers.js";
import { type Edit, matchCase, matchesOf, pick, type Random, replaceAt } from "./text-edits.js";

export const hallucinationKinds = ["number", "entity", "negation", "date", "antonym"] as const;
export type HallucinationKind = (typeof hallucinationKinds)[number];

export interface PerturbationContext {
  /** The passage the claim will be checked against: a name swapped in must not already be there. */
  passage: string;
  /** Names from across the corpus, by shape, to swap in. */
  entities: EntityPool;
}

export type Perturbation = (
  sentence: string,
  random: Random,
  context: PerturbationContext,
) => Edit | undefined;

const factors = [0.5, 0.6, 0.7, 0.75, 0.8, 1.25, 1.3, 1.5, 1.75, 2];

/** Another plausible value written like `text`: same decimals, separators and percent range. */
export function otherNumber(text: string, random: Random, percent: boolean): string {
  const separator = text.includes("·") ? "·" : ".";
  const [whole = "0", fraction = ""] = text.replaceAll(",", "").split(/[.·]/u);
  const decimals = fraction.length;
  const value = Number(`${whole}.${fraction || "0"}`);
  const step = 10 ** -decimals;
  let next: number;
  if (decimals === 0 && value <= 10) {
    next = pick(
      Array.from({ length: 12 }, (_, index) => index + 1).filter((candidate) => candidate !== value),
      random,
    );
  } else {
    next = Number((value * pick(factors, random)).toFixed(decimals));
    if (percent && next > 100) next = Number((value * 0.6).toFixed(decimals));
    if (next === value || next <= 0) next = value + step * (1 + Math.floor(random() * 5));
  }
  let written = next.toFixed(decimals);
  if (text.includes(","))
    written = Number(written).toLocaleString("en-US", { minimumFractionDigits: decimals });
  return written.replace(".", separator);
}

export const changeNumber: Perturbation = (sentence, random) => {
  const candidates: { index: number; text: string; replacement: () => string }[] = [];
  for (const match of matchesOf(sentence, numeral)) {
    if (!isQuantity(sentence, match)) continue;
    const rest = sentence.slice(match.index + match[0].length);
    const percent = /^\s*(?:%|percent\b)/u.test(rest);
    candidates.push({
      index: match.index,
      text: match[0],
      replacement: () => otherNumber(match[0], random, percent),
    });
  }
  for (const match of matchesOf(sentence, new RegExp(`\\b(?:${numberWords.join("|")})\\b`, "giu"))) {
    const word = match[0].toLowerCase();
    candidates.push({
      index: match.index,
      text: match[0],
      replacement: () =>
        matchCase(
          match[0],
          pick(
            numberWords.filter((other) => other !== word),
            random,
          ),
        ),
    });
  }
  if (candidates.length === 0) return undefined;
  const chosen = pick(candidates, random);
  const replacement = chosen.replacement();
  return {
    claim: replaceAt(sentence, chosen.index, chosen.text.length, replacement),
    change: `${chosen.text} → ${replacement}`,
  };
};

const months = "January February March April May June July August September October November December".split(
  " ",
);
const yearPattern = /(?<![\p{L}\p{N}.,·])(?:19\d\d|20[0-2]\d)(?![\p{L}\p{N}]|[.,·]\d)/gu;
const monthPattern = new RegExp(`(?<!^)\\b(?:${months.join("|")})\\b`, "gu");

export const changeDate: Perturbation = (sentence, random) => {
  const found = [
    ...new Set([...matchesOf(sentence, yearPattern), ...matchesOf(sentence, monthPattern)].map((m) => m[0])),
  ];
  if (found.length === 0) return undefined;
  const chosen = pick(found, random);
  let replacement: string;
  if (/^\d/u.test(chosen)) {
    const shift = pick([1, 2, 3, 4, 5, 10], random) * (random() < 0.5 ? -1 : 1);
    const shifted = Number(chosen) + shift;
    replacement = String(shifted > 2024 ? Number(chosen) - Math.abs(shift) : shifted);
  } else {
    replacement = pick(
      months.filter((month) => month !== chosen),
      random,
    );
  }
  // Every mention of that date changes, as a model that misremembered it would write.
  return {
    claim: sentence.replace(new RegExp(`\\b${chosen}\\b`, "gu"), replacement),
    change: `${chosen} → ${replacement}`,
  };
};

export const swapEntity: Perturbation = (sentence, random, context) => {
  const words = context.passage.toLowerCase().match(/[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)*/gu) ?? [];
  const inPassage = new Set([...words, ...words.flatMap((word) => word.split("-"))]);
  const mentions = entityMentions(sentence).filter((mention) =>
    context.entities[mention.shape].some((other) => !inPassage.has(other.toLowerCase())),
  );
  if (mentions.length === 0) return undefined;
  const names = [...new Set(mentions.map((mention) => mention.text))];
  const chosen = pick(names, random);
  const shape = mentions.find((mention) => mention.text === chosen)?.shape ?? "name";
  const replacements = context.entities[shape].filter(
    (other) =>
      other !== chosen &&
      !inPassage.has(other.toLowerCase()) &&
      isPluralAcronym(other) === isPluralAcronym(chosen),
  );
  if (replacements.length === 0) return undefined;
  const replacement = pick(replacements, random);
  // Names hold only letters, digits and a hyphen, which needs no escaping outside a class.
  const escaped = chosen.replace(/[.*+?^${}()|[\]\\]/gu, "\\$&");
  return {
    claim: sentence.replace(
      new RegExp(`(?<![\\p{L}\\p{N}-])${escaped}(?![\\p{L}\\p{N}])`, "gu"),
      replacement,
    ),
    change: `${chosen} → ${replacement}`,
  };
};

export const flipNegationPerturbation: Perturbation = (sentence, random) => flipNegation(sentence, random);

// One direction each; a pair written both ways is listed twice.
const antonymTable: [string, string][] = [
  ["increase", "decrease"],
  ["increases", "decreases"],
  ["increased", "decreased"],
  ["increasing", "decreasing"],
  ["decrease", "increase"],
  ["decreases", "increases"],
  ["decreased", "increased"],
  ["decreasing", "increasing"],
  ["reduce", "increase"],
  ["reduces", "increases"],
  ["reduced", "increased"],
  ["reducing", "increasing"],
  ["reduction", "increase"],
  ["elevated", "reduced"],
  ["higher", "lower"],
  ["lower", "higher"],
  ["high", "low"],
  ["low", "high"],
  ["more", "less"],
  ["less", "more"],
  ["fewer", "more"],
  ["greater", "smaller"],
  ["larger", "smaller"],
  ["smaller", "larger"],
  ["activate", "inhibit"],
  ["activates", "inhibits"],
  ["activated", "inhibited"],
  ["activation", "inhibition"],
  ["inhibit", "activate"],
  ["inhibits", "activates"],
  ["inhibited", "activated"],
  ["inhibition", "activation"],
  ["promote", "suppress"],
  ["promotes", "suppresses"],
  ["promoted", "suppressed"],
  ["suppress", "promote"],
  ["suppresses", "promotes"],
  ["suppressed", "promoted"],
  ["enhance", "impair"],
  ["enhances", "impairs"],
  ["enhanced", "impaired"],
  ["impaired", "enhanced"],
  ["improve", "worsen"],
  ["improves", "worsens"],
  ["improved", "worsened"],
  ["improvement", "deterioration"],
  ["positive", "negative"],
  ["negative", "positive"],
  ["positively", "negatively"],
  ["negatively", "positively"],
  ["inverse", "positive"],
  ["inversely", "positively"],
  ["gain", "loss"],
  ["loss", "gain"],
  ["strong", "weak"],
  ["weak", "strong"],
  ["stronger", "weaker"],
  ["strongly", "weakly"],
  ["early", "late"],
  ["late", "early"],
  ["earlier", "later"],
  ["before", "after"],
  ["after", "before"],
  ["resistant", "susceptible"],
  ["resistance", "susceptibility"],
  ["sensitive", "resistant"],
  ["susceptible", "resistant"],
  ["beneficial", "harmful"],
  ["maximum", "minimum"],
  ["minimum", "maximum"],
  ["presence", "absence"],
  ["absence", "presence"],
  ["majority", "minority"],
  ["common", "rare"],
  ["rare", "common"],
  ["older", "younger"],
  ["younger", "older"],
  ["agonist", "antagonist"],
  ["antagonist", "agonist"],
];
const antonymOf = new Map(antonymTable);
const antonymPattern = /(?<![\p{L}])(?:(up|down)(-?)(regulat\p{L}*)|\p{L}+)(?![\p{L}])/giu;

export const swapAntonym: Perturbation = (sentence, random) => {
  const candidates: { index: number; text: string; replacement: string }[] = [];
  for (const match of matchesOf(sentence, antonymPattern)) {
    let replacement: string | undefined;
    if (match[1] !== undefined) {
      const direction = match[1].toLowerCase() === "up" ? "down" : "up";
      replacement = `${matchCase(match[1], direction)}${match[2]}${match[3]}`;
    } else {
      const opposite = antonymOf.get(match[0].toLowerCase());
      if (opposite) replacement = matchCase(match[0], opposite);
    }
    if (replacement) candidates.push({ index: match.index, text: match[0], replacement });
  }
  if (candidates.length === 0) return undefined;
  const chosen = pick(candidates, random);
  return {
    claim: replaceAt(sentence, chosen.index, chosen.text.length, chosen.replacement),
    change: `${chosen.text} → ${chosen.replacement}`,
  };
};

export const perturbations: Record<HallucinationKind, Perturbation> = {
  number: changeNumber,
  entity: swapEntity,
  negation: flipNegationPerturbation,
  date: changeDate,
  antonym: swapAntonym,
};
