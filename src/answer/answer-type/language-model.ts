// Part-of-speech tags, lemmas and entities (dates, numbers, money, percentages, durations) from
// wink-nlp's English model, which ships inside its npm package. Loading it costs about 200 ms, so it is
// imported only when a question needs it, at most once per process.
import type { ItsFunction, WinkMethods } from "wink-nlp";

export interface LanguageToken {
  /** The token as written. */
  text: string;
  /** Universal POS tag: PROPN, NOUN, VERB, NUM, ... */
  pos: string;
  /** Lower-case dictionary form ("won" → "win"). */
  lemma: string;
  /** Type of the entity the token belongs to (DATE, CARDINAL, MONEY, ...), if any. */
  entity?: string;
}

export interface LanguageEntity {
  /** DATE, TIME, DURATION, CARDINAL, ORDINAL, MONEY, PERCENT, ... */
  type: string;
  value: string;
  /** Token indexes, `end` inclusive. */
  start: number;
  end: number;
}

export interface LanguageAnalysis {
  tokens: LanguageToken[];
  entities: LanguageEntity[];
}

export type AnalyseText = (text: string) => LanguageAnalysis;

// The parsed model is immutable and only read, like a module's constants: one copy per process.
let loading: Promise<AnalyseText> | undefined;

/** The analyser, loading wink-nlp and its model on first use. */
export function loadLanguageModel(): Promise<AnalyseText> {
  loading ??= (async () => {
    const [{ default: winkNlp }, { default: model }] = await Promise.all([
      import("wink-nlp"),
      import("wink-eng-lite-web-model"),
    ]);
    return analyserOf(winkNlp(model, ["sbd", "pos", "ner"]));
  })();
  return loading;
}

function analyserOf(nlp: WinkMethods): AnalyseText {
  const { its } = nlp;
  // wink-nlp's typings do not fit its own lemma and span helpers; these are their documented outputs.
  const lemma = its.lemma as unknown as ItsFunction<string>;
  const span = its.span as unknown as ItsFunction<[number, number]>;
  return (text) => {
    const document = nlp.readDoc(text);
    const words = document.tokens();
    const texts = words.out() as string[];
    const tags = words.out(its.pos) as string[];
    const lemmas = words.out(lemma) as string[];
    const tokens: LanguageToken[] = texts.map((word, index) => ({
      text: word,
      pos: tags[index] ?? "X",
      lemma: (lemmas[index] ?? word).toLowerCase(),
    }));
    const spans = document.entities().out(span) as [number, number][];
    const details = document.entities().out(its.detail) as { type: string; value: string }[];
    const entities = spans.map(([start, end], index): LanguageEntity => {
      const { type = "", value = "" } = details[index] ?? {};
      for (let position = start; position <= end; position++) {
        const token = tokens[position];
        if (token) token.entity = type;
      }
      return { type, value, start, end };
    });
    return { tokens, entities };
  };
}
