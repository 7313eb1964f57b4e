import { describe, expect, it } from "vitest";
import { createRandom } from "../../bench/vectors-engines/dataset.js";
import { isNegated } from "./negation.js";
import { type ParaphraseContext, paraphraseKinds, paraphrases } from "./paraphrases.js";
import { changeVoice, keepClause, mergeWithNext, reorderConjuncts } from "./restructurings.js";
import { dropLeadIn, dropParentheticals, rewriteNumber, swapSynonym } from "./rewordings.js";

const seeded = (seed = 1) => createRandom(seed).uniform;
const context: ParaphraseContext = {
  next: "Moreover, these cells produced IL-6 in mice.",
  isName: (word) => word === "Candida",
};
const sentences = [
  "Here, we show that deficiency of mast cells (n = 12) reduces obesity and diabetes in mice.",
  "Preterm infants at term showed higher mean diffusion coefficients in the central white matter (P = 0.016).",
  "In this study, 50% of patients treated with NOP2 inhibitors responded within 4 weeks; however, the effect was not durable in older patients.",
  "Although Sir2 deletion does not change lifespan, it influences the retention of oxidized proteins in Candida cells.",
  "We identified 193 cases of colorectal cancer in the Nurses' Health Study.",
];
const numbersOf = (text: string) => new Set(text.match(/\d+(?:\.\d+)?/gu) ?? []);
const namesOf = (text: string) => new Set(text.match(/\b[A-Z][A-Za-z]*\d[\w-]*|\b[A-Z]{2,}\b/gu) ?? []);

describe("faithful rules", () => {
  it("never add a number, a name or a negation the sentence did not have", () => {
    for (const kind of paraphraseKinds) {
      for (const sentence of sentences) {
        for (let seed = 1; seed <= 5; seed++) {
          const edit = paraphrases[kind](sentence, seeded(seed), { ...context, next: undefined });
          if (!edit) continue;
          for (const number of numbersOf(edit.claim)) expect(numbersOf(sentence)).toContain(number);
          for (const name of namesOf(edit.claim)) expect(namesOf(sentence)).toContain(name);
          if (isNegated(edit.claim)) expect(isNegated(sentence)).toBe(true);
        }
      }
    }
  });

  it("keep every number the shortened sentence still talks about", () => {
    const edit = dropParentheticals(sentences[1] as string, seeded(), context);
    expect(edit?.claim).toBe(
      "Preterm infants at term showed higher mean diffusion coefficients in the central white matter.",
    );
    expect(
      dropParentheticals("Levels of 25(OH)D were low in all groups of women.", seeded(), context),
    ).toBeUndefined();
  });

  it("drop a lead-in and an asserting frame, but not a hedge", () => {
    expect(dropLeadIn(sentences[0] as string, seeded(), context)?.claim).toBe(
      "Deficiency of mast cells (n = 12) reduces obesity and diabetes in mice.",
    );
    expect(
      dropLeadIn("These data suggest that mast cells promote obesity.", seeded(), context),
    ).toBeUndefined();
  });

  it("keep a clause the sentence entails", () => {
    expect(keepClause(sentences[3] as string, seeded(), context)?.claim).toBe(
      "It influences the retention of oxidized proteins in Candida cells.",
    );
    const clauses = new Set(
      [1, 2, 3, 4, 5, 6].map((seed) => keepClause(sentences[2] as string, seeded(seed), context)?.claim),
    );
    expect(clauses).toEqual(
      new Set([
        "In this study, 50% of patients treated with NOP2 inhibitors responded within 4 weeks.",
        "The effect was not durable in older patients.",
      ]),
    );
  });

  it("swap an exact synonym, rewrite a number, reorder two nouns", () => {
    expect(swapSynonym("Patients demonstrated numerous lesions.", seeded(), context)?.claim).toMatch(
      /^Patients (?:showed numerous|demonstrated many) lesions\.$/u,
    );
    expect(rewriteNumber("Half of them, 50%, relapsed in 4 weeks.", seeded(2), context)?.claim).toMatch(
      /50 percent|four weeks/u,
    );
    expect(reorderConjuncts("In mice, the heart and lungs were affected.", seeded(), context)?.claim).toBe(
      "In mice, the lungs and heart were affected.",
    );
    expect(
      reorderConjuncts("Mast cells and macrophages secrete IL-6 and TNF, respectively.", seeded(), context),
    ).toBeUndefined();
  });

  it("change the voice of a simple sentence, and merge two adjacent ones", () => {
    expect(changeVoice(sentences[4] as string, seeded(), context)?.claim).toBe(
      "193 cases of colorectal cancer were identified in the Nurses' Health Study.",
    );
    expect(changeVoice("The protein was identified by mass spectrometry.", seeded(), context)?.claim).toBe(
      "Mass spectrometry identified the protein.",
    );
    expect(mergeWithNext("Mast cells promote obesity.", seeded(), context)?.claim).toBe(
      "Mast cells promote obesity, and these cells produced IL-6 in mice.",
    );
  });
});
