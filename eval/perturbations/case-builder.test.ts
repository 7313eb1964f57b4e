import { describe, expect, it } from "vitest";
import type { CorpusPassage } from "../corpus-passages.js";
import { buildCases, defaultBuildOptions, stripSectionLabel } from "./case-builder.js";

const documents: CorpusPassage[][] = Array.from({ length: 12 }, (_, index) => [
  {
    docId: String(index),
    title: `Study ${index}`,
    ordinal: 0,
    text: [
      `RESULTS In 2015, we enrolled ${100 + index} patients with HCC at ${index + 2} centres in Boston and Paris.`,
      `Treatment with sorafenib increased survival by ${index + 3} months (P = 0.0${index + 1}).`,
      "Adverse events were not more frequent in the treated group than in the control group.",
    ].join(" "),
  },
]);
const options = { ...defaultBuildOptions, sentences: 10, minPerKind: 2 };

describe("buildCases", () => {
  it("makes the same set from the same seed, and another from another seed", () => {
    const first = buildCases(documents, options);
    expect(buildCases(documents, options)).toEqual(first);
    expect(buildCases(documents, { ...options, seed: options.seed + 1 })).not.toEqual(first);
  });

  it("labels each case and checks it against the whole passage it came from", () => {
    const cases = buildCases(documents, options);
    expect(new Set(cases.map((entry) => entry.label))).toEqual(new Set(["hallucinated", "faithful"]));
    expect(new Set(cases.map((entry) => entry.id)).size).toBe(cases.length);
    for (const entry of cases) {
      expect(entry.source.text).toContain(entry.original.split(" ").slice(-3).join(" "));
      if (entry.kind === "verbatim") expect(entry.claim).toBe(stripSectionLabel(entry.original));
      else expect(entry.claim).not.toBe(stripSectionLabel(entry.original));
    }
  });

  it("drops a structured-abstract heading from the sentence a claim is made from", () => {
    expect(stripSectionLabel("RESULTS We found 12 cases.")).toBe("We found 12 cases.");
    expect(stripSectionLabel("DESIGN, SETTING, AND PATIENTS A cohort study.")).toBe("A cohort study.");
    expect(stripSectionLabel("HIV Vif protects MLV.")).toBe("HIV Vif protects MLV.");
  });
});
