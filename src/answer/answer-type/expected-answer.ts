// The kind of answer a question expects, from its question word and the noun that names what it asks
// for: "who" a person, "when" a date, "how much ... cost" an amount of money, "which flag" an option.
import { tokens } from "../../core/terms.js";
import { type AnswerType, typeOfNoun } from "./answer-types.js";

const wh =
  /^(?:(?:in|on|at|from|to|by|for|of|during|since|under|with)\s+)?(who|whom|whose|where|when|why|how|what|which)\b(.*)$/su;
const auxiliary =
  /^(?:is|are|was|were|am|do|does|did|can|could|should|will|would|has|have|had|may|might|must|shall)\b/u;
const moneyContext =
  /\b(?:costs?|costing|pa(?:y|id|ys)|price[ds]?|worth|sp[ae]n[dt]|charge[ds]?|fees?|earn(?:s|ed)?|salary|revenue|s(?:ell|old)|b(?:uy|ought)|acquir(?:e|ed)|invest(?:ed)?|rais(?:e|ed)|budget|fund(?:ing|ed)?)\b|\bfor\s*\?\s*$/u;
const phraseEnd = /\s(?:of|for|in|at|on|to|from|by|that|which|when|with|between|during|among)\s/u;

/** The expected answer type and the noun that named it. */
export function expectedAnswer(question: string): { type: AnswerType; noun?: string } {
  const lower = question.toLowerCase().replace(/\s+/gu, " ").trim();
  const match = wh.exec(lower);
  if (!match) {
    if (auxiliary.test(lower)) return { type: "yes-no" };
    // A question written as a noun phrase ("Super Bowl 2021 location") ends with what it asks for.
    const last = tokens(lower).at(-1) ?? "";
    const type = typeOfNoun(last);
    return type ? { type, noun: last } : { type: "none" };
  }
  const rest = (match[2] ?? "").trim();
  switch (match[1]) {
    case "who":
    case "whom":
    case "whose":
      return { type: "person" };
    case "where":
      return { type: "place" };
    case "when":
      return { type: "date" };
    case "how":
      return howQuestion(lower, rest);
    case "what":
    case "which":
      return whatQuestion(rest);
    default:
      return { type: "none" };
  }
}

function howQuestion(lower: string, rest: string): { type: AnswerType } {
  const measure = /^(many|much|long|old|far|big|large|tall|high|deep|fast|heavy|soon)\b\s*(.*)$/u.exec(rest);
  if (!measure) return { type: "none" };
  switch (measure[1]) {
    case "many":
      return { type: "number" };
    case "much":
      return { type: moneyContext.test(lower) ? "money" : "number" };
    case "long":
      // "How long does it take" asks for a time; "how long is the river" for a length.
      return { type: /^(?:is|are|was|were)\b(?! it\b)/u.test(measure[2] ?? "") ? "number" : "duration" };
    case "soon":
      return { type: "duration" };
    default:
      return { type: "number" };
  }
}

function whatQuestion(rest: string): { type: AnswerType; noun?: string } {
  const copula = /^(?:is|are|was|were|'s)\s+(?:the\s+|a\s+|an\s+)?(.*)$/u.exec(rest);
  if (copula) {
    // "What is the premiere date of X": the noun phrase before "of" names the answer; its last word
    // is its head. "What is X" with no such noun asks for a definition.
    const phrase = ` ${copula[1] ?? ""} `.split(phraseEnd)[0] ?? "";
    const words = tokens(phrase);
    const head = words.at(-1);
    if (head === "name") return { type: "name", noun: "name" };
    const type = head ? typeOfNoun(head) : undefined;
    return type ? { type, noun: head } : { type: "none" };
  }
  if (auxiliary.test(rest)) return { type: "none" };
  // "Which city hosted...", "what year did...": the words after the question word, up to a function word.
  const words = tokens(rest);
  const span = words.slice(0, 3);
  for (const word of span) {
    const type = typeOfNoun(word);
    if (type) return { type, noun: word };
  }
  // "Which movie", "what kind": the noun names the answer's class but not its shape; it is not the
  // thing asked about either.
  return span[0] ? { type: "none", noun: span[0] } : { type: "none" };
}
