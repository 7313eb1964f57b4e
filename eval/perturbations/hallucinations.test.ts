import { describe, expect, it } from "vitest";
import { createRandom } from "../../bench/vectors-engines/dataset.js";
import { entityPool } from "./entities.js";
import { changeDate, changeNumber, otherNumber, swapAntonym, swapEntity } from "./hallucinations.js";
import { flipNegation } from "./negation.js";

const seeded = (seed = 1) => createRandom(seed).uniform;
const numbersIn = (text: string) => text.match(/\d+(?:[.·]\d+)?/gu) ?? [];
const context = {
  passage: "Preterm infants (n = 17) were studied in Boston.",
  entities: entityPool(
    [
      "Levels of TP53 and BRCA1 in Boston.",
      "BRCA1 and TP53 were high in Paris, not in Boston.",
      "Samples from Paris, Boston and Lyon showed TP53, BRCA1 and HCC.",
      "Lyon and Paris report HCC, MRI and TP53.",
      "In Lyon, MRI and HCC data were pooled by Paris.",
    ],
    2,
  ),
};

describe("changeNumber", () => {
  it("changes one quantity and keeps its unit and the other numbers", () => {
    const sentence = "The mean diffusion coefficient fell from 1.8 to 1.2 microm2/ms over 28 wk.";
    for (let seed = 1; seed <= 20; seed++) {
      const edit = changeNumber(sentence, seeded(seed), context);
      expect(edit).toBeDefined();
      const before = numbersIn(sentence);
      const after = numbersIn(edit?.claim ?? "");
      expect(after).toHaveLength(before.length);
      expect(after.filter((value, index) => value !== before[index])).toHaveLength(1);
      expect(edit?.claim).toMatch(/microm2\/ms over \d+ wk\.$/u);
    }
  });

  it("leaves names, years and chemical numbers alone, and applies only when there is a quantity", () => {
    expect(
      changeNumber("IL-6, TRPV1 and 25-hydroxyvitamin D levels rose in 2015.", seeded(), context),
    ).toBeUndefined();
    expect(changeNumber("We found two distinct lineages.", seeded(), context)?.claim).not.toMatch(/\btwo\b/u);
  });

  it("writes the new value like the old one: decimals, separators, percentages up to 100", () => {
    for (let seed = 1; seed <= 30; seed++) {
      expect(otherNumber("0.53", seeded(seed), false)).toMatch(/^\d\.\d\d$/u);
      expect(otherNumber("2·9", seeded(seed), false)).toMatch(/^\d+·\d$/u);
      expect(otherNumber("520,000", seeded(seed), false)).toMatch(/^\d{1,3}(?:,\d{3})+$/u);
      expect(Number(otherNumber("95", seeded(seed), true))).toBeLessThanOrEqual(100);
      expect(otherNumber("7", seeded(seed), false)).not.toBe("7");
    }
  });
});

describe("changeDate", () => {
  it("moves a year, every mention of it, and leaves other numbers", () => {
    const edit = changeDate("The GBD 2015 study (GBD 2015) covered 195 countries.", seeded(), context);
    const year = /GBD (\d{4}) study \(GBD (\d{4})\)/u.exec(edit?.claim ?? "");
    expect(year?.[1]).not.toBe("2015");
    expect(year?.[1]).toBe(year?.[2]);
    expect(edit?.claim).toContain("195 countries");
  });

  it("swaps a month for another, and applies only when there is a date", () => {
    expect(changeDate("Enrollment ran from April to June.", seeded(), context)?.claim).not.toBe(
      "Enrollment ran from April to June.",
    );
    expect(changeDate("Patients may improve after 12 weeks.", seeded(), context)).toBeUndefined();
  });
});

describe("flipNegation", () => {
  it("adds a negation to an affirmative sentence", () => {
    const edit = flipNegation("Mast cells contribute to obesity and the drug reduces weight gain.", seeded());
    expect(edit?.claim).toMatch(/\b(?:do not contribute|does not reduce)\b/u);
    expect(flipNegation("Sir2 regulates cellular aging.", seeded())?.claim).toBe(
      "Sir2 does not regulate cellular aging.",
    );
    expect(flipNegation("The association was strong.", seeded())?.claim).toBe(
      "The association was not strong.",
    );
  });

  it("removes the negation of a negated sentence", () => {
    expect(flipNegation("We did not observe an association.", seeded())?.claim).toBe(
      "We did observe an association.",
    );
    expect(flipNegation("No neurological defects were found.", seeded())?.claim).toBe(
      "Neurological defects were found.",
    );
    expect(flipNegation("Mice lived without the gene.", seeded())?.claim).toBe("Mice lived with the gene.");
  });
});

describe("swapAntonym", () => {
  it("turns a direction into its opposite, keeping the case", () => {
    expect(swapAntonym("Expression increased with age.", seeded(), context)?.claim).toBe(
      "Expression decreased with age.",
    );
    expect(swapAntonym("PVT1 up-regulated NOP2.", seeded(), context)?.claim).toBe(
      "PVT1 down-regulated NOP2.",
    );
    expect(swapAntonym("Higher doses helped.", seeded(), context)?.claim).toBe("Lower doses helped.");
    expect(swapAntonym("Cells were counted.", seeded(), context)).toBeUndefined();
  });
});

describe("swapEntity", () => {
  it("replaces a name with another of the same shape that the passage does not mention", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const edit = swapEntity("Infants in Boston carried TP53 variants.", seeded(seed), context);
      expect(edit).toBeDefined();
      const [from, to] = (edit?.change ?? "").split(" → ");
      expect(["Boston", "TP53"]).toContain(from);
      expect(to).toBeDefined();
      expect(from === "Boston" ? ["Paris", "Lyon"] : ["BRCA1"]).toContain(to);
      expect(edit?.claim).not.toContain(from);
    }
  });

  it("applies only when the sentence names something", () => {
    expect(swapEntity("Infants were studied at term.", seeded(), context)).toBeUndefined();
  });
});
