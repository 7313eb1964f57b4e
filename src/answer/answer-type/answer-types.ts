// The kinds of answer a question can ask for, and the words in a question that name each kind ("what
// year", "which city", "the premiere date"). These are words about answers, not lists of names.

export type AnswerType =
  | "person"
  | "place"
  | "organisation"
  /** A named thing of another kind: a film, a product, a prize. */
  | "name"
  | "date"
  | "number"
  | "money"
  | "percent"
  | "duration"
  /** A command-line flag, setting, variable or other code-like name. */
  | "option"
  | "yes-no"
  | "none";

/** Answer types a sentence holds as a proper name (a run of PROPN tokens). */
export const nameTypes: ReadonlySet<AnswerType> = new Set(["person", "place", "organisation", "name"]);

/** Nouns that, as what a question asks for, name the kind of answer. */
const typeNouns: Readonly<Record<string, AnswerType>> = Object.fromEntries(
  (
    [
      ["date", "date year day month time birthday decade century anniversary deadline"],
      ["place", "city country place location venue town continent region island capital state address"],
      [
        "organisation",
        "company organisation organization team club band firm university network studio publisher brand",
      ],
      [
        "person",
        "person who man woman player director author actor actress singer ceo founder president winner leader coach owner inventor",
      ],
      ["money", "price cost revenue salary budget fee worth income profit fine"],
      ["percent", "percentage percent proportion share"],
      [
        "number",
        "number population amount count total size age height length weight score distance capacity",
      ],
      ["duration", "duration period"],
      ["option", "flag option switch parameter setting variable argument command key field property"],
    ] as const
  ).flatMap(([type, words]) => words.split(" ").map((word) => [word, type])),
);

/** The answer type a noun names ("year" → date), if it names one. */
export function typeOfNoun(noun: string): AnswerType | undefined {
  const singular = noun.length > 3 && noun.endsWith("s") && !noun.endsWith("ss") ? noun.slice(0, -1) : noun;
  return typeNouns[noun] ?? typeNouns[singular];
}

/** How a message names what was asked for: "who", "when", "how much". */
export function askedForPhrase(type: AnswerType, noun?: string): string {
  switch (type) {
    case "person":
      return noun && noun !== "who" ? `which ${noun}` : "who";
    case "place":
      return noun ? `which ${noun}` : "where";
    case "date":
      return noun && noun !== "date" ? `which ${noun}` : "when";
    case "number":
      return noun ? `the ${noun}` : "how many";
    case "money":
      return noun ? `the ${noun}` : "how much";
    case "percent":
      return "what percentage";
    case "duration":
      return "how long";
    case "option":
      return `which ${noun ?? "option"}`;
    case "organisation":
    case "name":
      return noun ? `which ${noun}` : "what";
    default:
      return "what was asked";
  }
}

/** What a sentence must hold for a type, in words: "a person's name", "a date". */
export function typeDescription(type: AnswerType): string {
  const descriptions: Record<AnswerType, string> = {
    person: "a name",
    place: "a place name",
    organisation: "a name",
    name: "a name",
    date: "a date",
    number: "a number",
    money: "an amount of money",
    percent: "a percentage",
    duration: "a length of time",
    option: "an option or flag name",
    "yes-no": "",
    none: "",
  };
  return descriptions[type];
}
