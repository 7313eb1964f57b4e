import { describe, expect, it } from "vitest";
import { alignWords, normaliseTranscript, sumWordErrors, wordErrors } from "./speech-metrics.js";
import { cardinalWords, spellOutNumbers } from "./spoken-numbers.js";

const words = (text: string) => normaliseTranscript(text).join(" ");

describe("normaliseTranscript", () => {
  it("lower-cases and removes punctuation", () => {
    expect(words("And so, my fellow Americans: ask not!")).toBe("and so my fellow americans ask not");
  });

  it("expands contractions the same way with straight and curly apostrophes", () => {
    expect(words("Don't you're it's I'll we've I'm won't can't")).toBe(
      "do not you are it is i will we have i am will not can not",
    );
    expect(words("don\u2019t")).toBe("do not");
    expect(words("rock 'n' roll at five o'clock")).toBe("rock n roll at five oclock");
  });

  it("drops bracketed annotations and hesitations", () => {
    expect(words("[NOISE] uh hello (laughs) um world")).toBe("hello world");
  });

  it("writes numbers as spoken", () => {
    expect(words("1,200 people")).toBe("one thousand two hundred people");
    expect(words("the 3rd, 21st and 12th")).toBe("the third twenty first and twelfth");
    expect(words("in 1961, 1905, 1900 and 2005")).toBe(
      "in nineteen sixty one nineteen oh five nineteen hundred and two thousand five",
    );
    expect(words("3.5 kg, 10% and $5.50")).toBe(
      "three point five kg ten percent and five dollars fifty cents",
    );
    expect(words("the 1990s")).toBe("the nineteen nineties");
    expect(words("agent 007")).toBe("agent zero zero seven");
  });

  it("removes accents and splits hyphenated words", () => {
    expect(words("Café twenty-one")).toBe("cafe twenty one");
  });
});

describe("spoken numbers", () => {
  it("reads cardinals in groups of thousands without 'and'", () => {
    expect(cardinalWords("0")).toBe("zero");
    expect(cardinalWords("115")).toBe("one hundred fifteen");
    expect(cardinalWords("1000001")).toBe("one million one");
    expect(cardinalWords("90210")).toBe("ninety thousand two hundred ten");
  });

  it("leaves text without digits unchanged", () => {
    expect(spellOutNumbers("no numbers here")).toBe("no numbers here");
  });
});

describe("word error rate", () => {
  it("is zero for identical texts after normalisation", () => {
    expect(wordErrors("It's 1961.", "it is nineteen sixty one")).toMatchObject({ errors: 0, wer: 0 });
  });

  it("counts a substitution and a deletion", () => {
    // the cat sat on the mat → the cat sit on mat: sat→sit (S), the (D); 2 of 6
    const errors = wordErrors("the cat sat on the mat", "the cat sit on mat");
    expect(errors).toMatchObject({ substitutions: 1, deletions: 1, insertions: 0, referenceWords: 6 });
    expect(errors.wer).toBeCloseTo(2 / 6, 10);
  });

  it("counts an insertion", () => {
    expect(wordErrors("hello world", "hello big world")).toMatchObject({
      substitutions: 0,
      deletions: 0,
      insertions: 1,
      wer: 0.5,
    });
  });

  it("counts every reference word as deleted when nothing was heard", () => {
    expect(wordErrors("a b c", "")).toMatchObject({ deletions: 3, wer: 1 });
  });

  it("is zero for two empty texts and infinite for words heard in silence", () => {
    expect(alignWords([], []).wer).toBe(0);
    expect(alignWords([], ["noise"])).toMatchObject({ insertions: 1, wer: Number.POSITIVE_INFINITY });
  });

  it("scores pocketsphinx on the LibriSpeech clip as hand-aligned", () => {
    // stuff it into [you: D] his belly counselled→counsel (S) him→them (S): 3 of 8
    const errors = wordErrors(
      "STUFF IT INTO YOU HIS BELLY COUNSELLED HIM",
      "stuff it into his belly counsel them",
    );
    expect(errors).toMatchObject({ substitutions: 2, deletions: 1, insertions: 0, referenceWords: 8 });
    expect(errors.wer).toBe(0.375);
  });

  it("weights files by reference length when summed", () => {
    const total = sumWordErrors([wordErrors("a b c d", "a b c d"), wordErrors("e f", "e")]);
    expect(total).toMatchObject({ referenceWords: 6, deletions: 1, errors: 1 });
    expect(total.wer).toBeCloseTo(1 / 6, 10);
  });
});
