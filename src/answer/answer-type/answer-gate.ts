// The answer gate: a unit may answer a question only if it holds an answer of the expected type and
// meets the question's constraints. The language model is loaded only when a question or a unit cannot
// be judged without it (see `needsLanguageModel` and `holdsAnswer`).
import { answerValues, holdsAnswer, questionWords } from "./answer-presence.js";
import type { AnswerUnit } from "./answer-unit.js";
import { type PassageFacts, passageFacts, type UnmetConstraint, unmetConstraints } from "./constraints.js";
import { type AnalyseText, loadLanguageModel } from "./language-model.js";
import {
  analyseQuestion,
  needsLanguageModel,
  type QuestionNeeds,
  readableQuestion,
} from "./question-analysis.js";

export interface GateVerdict {
  passes: boolean;
  /** False when the unit holds no answer of the expected type. */
  holdsAnswer: boolean;
  unmet: UnmetConstraint[];
  /** The answers of the expected kind the unit states (see `answerValues`). */
  values: ReadonlySet<string>;
}

export interface GatedQuestion {
  question: string;
  /** The question's needs; re-read with the language model if a unit needed it. */
  readonly needs: QuestionNeeds;
  /** True once the language model has read the question. */
  readonly usedLanguageModel: boolean;
  check(unit: AnswerUnit): Promise<GateVerdict>;
}

export interface AnswerGate {
  /** Reads the question, loading the language model first when the question needs it. */
  prepare(question: string): Promise<GatedQuestion>;
}

export function createAnswerGate(load: () => Promise<AnalyseText> = loadLanguageModel): AnswerGate {
  return {
    async prepare(question) {
      let analyse = needsLanguageModel(question) ? await load() : undefined;
      const read = analyse?.(readableQuestion(question));
      let needs = analyseQuestion(question, read);
      let asked = questionWords(question, read);
      // Units of one passage share what the constraints read from it.
      const factsByPassage = new Map<string, PassageFacts>();
      return {
        question,
        get needs() {
          return needs;
        },
        get usedLanguageModel() {
          return analyse !== undefined;
        },
        async check(unit) {
          const key = `${unit.passage}\u0000${unit.context}`;
          let facts = factsByPassage.get(key);
          if (!facts) {
            facts = passageFacts(unit);
            factsByPassage.set(key, facts);
          }
          const answer = unit.heading ? `${unit.heading}\n${unit.text}` : unit.text;
          let language = analyse?.(answer);
          let holds = holdsAnswer(needs, asked, answer, language);
          if (holds === undefined) {
            // A number in words, a date, a name: the model has to read this unit, so it reads the
            // question too, and the verdict uses both.
            analyse = await load();
            const read = analyse(readableQuestion(question));
            needs = analyseQuestion(question, read);
            asked = questionWords(question, read);
            language = analyse(answer);
            holds = holdsAnswer(needs, asked, answer, language) ?? false;
          }
          const unmet = unmetConstraints(
            needs,
            unit,
            language && unit.heading ? analyse?.(unit.text) : language,
          );
          return {
            passes: holds && unmet.length === 0,
            holdsAnswer: holds,
            unmet,
            values: answerValues(needs, asked, unit.text, language),
          };
        },
      };
    },
  };
}
