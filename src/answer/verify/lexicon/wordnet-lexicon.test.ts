import { describe, expect, it } from "vitest";
import { stem } from "../../../core/terms.js";
import { baseFormCandidates } from "./morphy.js";
import { supplementaryOpposites } from "./supplementary-opposites.js";
import { openWordNet } from "./wordnet-files.js";
import { createWordNetLexicon } from "./wordnet-lexicon.js";

const lexicon = createWordNetLexicon();

describe("the WordNet files", () => {
  it("find a lemma's senses by binary search and a synset by its offset", () => {
    const files = openWordNet();
    const buy = files.lookup("buy", "verb");
    expect(buy?.synsets.length).toBeGreaterThan(1);
    const commonest = files.synset("verb", buy?.synsets[0] as number);
    expect(commonest?.words).toEqual(["buy", "purchase"]);
    expect(commonest?.pointers.some((pointer) => pointer.symbol === "!")).toBe(true);
    expect(files.lookup("buyx", "verb")).toBeUndefined();
    expect(files.lookup("aardvark", "noun")).toBeDefined();
  });
});

describe("createWordNetLexicon", () => {
  it("reduces inflected and irregular forms to their dictionary forms", () => {
    expect(lexicon.baseForms("purchased")).toContain("purchase");
    expect(lexicon.baseForms("bought")).toContain("buy");
    expect(lexicon.baseForms("higher")).toContain("high");
    expect(lexicon.baseForms("children")).toContain("child");
    expect(baseFormCandidates("stopped", "verb")).toContain("stop");
  });

  it("gives synonyms in the commonest sense both words share, and forms derived from the same word", () => {
    expect(lexicon.equivalents("physician")).toContain("doctor");
    expect(lexicon.equivalents("bought")).toContain("purchase");
    expect(lexicon.equivalents("reduced")).toContain("reduction");
    // "happen" is a sense of "find", but not what "happen" usually means.
    expect(lexicon.equivalents("find")).not.toContain("happen");
  });

  it("counts common words as more frequent than rare ones, through their dictionary forms", () => {
    expect(openWordNet().tagCount("buy")).toBeGreaterThan(100);
    expect(openWordNet().tagCount("buyx")).toBe(0);
    expect(lexicon.frequency("known")).toBeGreaterThan(lexicon.frequency("supermassive"));
    expect(lexicon.frequency("known")).toBe(openWordNet().tagCount("know"));
    expect(lexicon.frequency("Quillfern")).toBe(0);
  });

  it("gives antonyms from any sense of the word", () => {
    expect(lexicon.opposites("increased")).toContain("decrease");
    expect(lexicon.opposites("higher")).toContain("low");
    expect(lexicon.opposites("gain")).toContain("loss");
  });

  it("keeps by hand only opposite pairs WordNet does not link", () => {
    for (const [word, opposites] of supplementaryOpposites) {
      const fromWordNet = [word, ...lexicon.baseForms(word)]
        .flatMap((form) => lexicon.opposites(form))
        .map(stem);
      for (const opposite of opposites) expect(fromWordNet, `${word} / ${opposite}`).not.toContain(opposite);
    }
  });
});
