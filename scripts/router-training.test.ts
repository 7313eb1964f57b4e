import { describe, expect, it } from "vitest";
import type { RoutingData, RoutingExample } from "../eval/routellm-data.js";
import { createLearnedRouter } from "../src/route/learned/learned-router.js";
import {
  crossValidateBySubject,
  deferredEscalation,
  familiarityPercentiles,
  fitRouter,
  fitRouterModel,
  routerCandidates,
} from "./router-training.js";

const topics: Record<string, string[]> = {
  astronomy: ["planet", "orbit", "comet", "galaxy", "telescope", "nebula"],
  botany: ["leaf", "root", "pollen", "seed", "stem", "flower"],
  chemistry: ["acid", "base", "molecule", "bond", "electron", "solution"],
  law: ["court", "contract", "statute", "plaintiff", "appeal", "verdict"],
};

/** Twenty exam prompts per subject; the long ones are hard for the weak model and easy for the strong. */
function subject(name: string): RoutingExample[] {
  const words = topics[name] as string[];
  return Array.from({ length: 20 }, (_, index) => {
    const hard = index % 3 === 0;
    const word = words[index % words.length] as string;
    const stem = hard
      ? `Calculate, with care, what the ${word} of case ${index} implies about every other ${words[(index + 1) % words.length]} here`
      : `Which ${word} is meant?`;
    return {
      prompt: `${stem}\nA. one\nB. two\nC. three\nD. four\nAnswer:`,
      weakCorrect: !hard,
      strongCorrect: true,
      subject: name,
    };
  });
}

function data(subjects: string[]): RoutingData {
  return {
    folder: "synthetic",
    weakModel: "weak",
    strongModel: "strong",
    subjects,
    examples: subjects.flatMap(subject),
  };
}

describe("the familiarity threshold", () => {
  const examples = data(Object.keys(topics)).examples;

  it("is the chosen percentile of the training prompts' own familiarity, all of them inside the range", () => {
    const model = fitRouterModel(examples, { target: "weak failure", l2: 0.001 }, 0.2);
    const router = createLearnedRouter(model);
    const scores = examples.map((example) => router.assess(example.prompt).familiarity);
    expect(scores.every((score) => score?.outside.length === 0)).toBe(true);
    const below = scores.filter(
      (score) => (score?.value as number) < (model.familiarity?.threshold as number),
    );
    expect(below.length / examples.length).toBeLessThanOrEqual(0.2);
    expect(model.familiarity?.percentile).toBe(0.2);
  });

  it("is chosen by cross-validation by subject: the candidate with the highest APGR, the smaller on a tie", () => {
    const crossValidation = crossValidateBySubject(data(Object.keys(topics)), 4, 1);
    if (!crossValidation) throw new Error("expected cross-validation over four subjects");
    const { candidates, deferral } = crossValidation;
    expect(candidates.map((candidate) => candidate.percentile)).toEqual([...familiarityPercentiles]);
    const best = Math.max(...candidates.map((candidate) => candidate.apgr));
    const first = candidates.find((candidate) => candidate.apgr > best - 5e-4);
    expect(deferral).toEqual(first);
    for (let index = 1; index < candidates.length; index++) {
      expect(candidates[index]?.deferred).toBeGreaterThanOrEqual(candidates[index - 1]?.deferred as number);
    }
  });

  it("is fitted on every training prompt at the percentile cross-validation chose", () => {
    const fitted = fitRouter(data(Object.keys(topics)), 4, 1);
    expect(fitted.model.familiarity?.percentile).toBe(fitted.crossValidation?.deferral.percentile);
  });

  it("falls back to the smallest candidate when one subject leaves nothing to cross-validate", () => {
    const fitted = fitRouter(data(["law"]), 4, 1);
    expect(fitted.crossValidation).toBeNull();
    expect(fitted.model.familiarity?.percentile).toBe(familiarityPercentiles[0]);
  });
});

describe("what the router ranks by", () => {
  /** Hard prompts that only the strong model answers, and "tricky" ones that both models fail. */
  function mixed(name: string): RoutingExample[] {
    return subject(name).map((example, index) =>
      index % 3 === 0
        ? example
        : index % 3 === 1
          ? {
              ...example,
              prompt: `Tricky: ${example.prompt.replace("Which", "Whichever odd")}`,
              weakCorrect: false,
              strongCorrect: false,
            }
          : example,
    );
  }

  it("ranks a prompt only the strong model answers above one both models fail, with the gain target", () => {
    const examples = ["astronomy", "botany", "chemistry"].flatMap(mixed);
    const gain = createLearnedRouter(fitRouterModel(examples, { target: "gain", l2: 0.01 }));
    const weakFailure = createLearnedRouter(fitRouterModel(examples, { target: "weak failure", l2: 0.01 }));
    const onlyStrong = (examples[0] as RoutingExample).prompt;
    const neither = (examples[1] as RoutingExample).prompt;
    expect(gain.assess(onlyStrong).escalation).toBeGreaterThan(gain.assess(neither).escalation);
    // Ranked by the weak model's failures alone, the two look alike: both fail the weak model.
    expect(
      Math.abs(weakFailure.assess(onlyStrong).escalation - weakFailure.assess(neither).escalation),
    ).toBeLessThan(gain.assess(onlyStrong).escalation - gain.assess(neither).escalation);
  });

  it("is chosen with its L2 by cross-validation by subject: the best mean APGR over held-out folds, the first on a near tie", () => {
    const crossValidation = crossValidateBySubject(data(Object.keys(topics)), 4, 1);
    if (!crossValidation) throw new Error("expected cross-validation over four subjects");
    const { selection } = crossValidation;
    expect(selection.candidates.map(({ target, l2 }) => ({ target, l2 }))).toEqual([...routerCandidates]);
    const best = Math.max(...selection.candidates.map((candidate) => candidate.apgr));
    const first = selection.candidates.find((candidate) => candidate.apgr > best - 5e-4);
    expect(selection.chosen).toEqual({ target: first?.target, l2: first?.l2 });
    for (const candidate of selection.candidates)
      expect(candidate.worstFold).toBeLessThanOrEqual(candidate.apgr);
  });

  it("is what the fitted weights carry: a strong model for the gain target, none for weak failures", () => {
    const examples = data(Object.keys(topics)).examples;
    expect(fitRouterModel(examples, { target: "gain", l2: 0.1 }).strong?.coefficients).toHaveLength(
      fitRouterModel(examples).coefficients.length,
    );
    expect(fitRouterModel(examples, { target: "weak failure", l2: 0.1 }).strong).toBeUndefined();
  });
});

describe("deferredEscalation", () => {
  it("scores a deferred prompt at the training prompts' rate of weak-model failures", () => {
    // A third of each subject's prompts (7 of 20) are the hard ones.
    expect(deferredEscalation(subject("law"), "weak failure")).toBeCloseTo(7 / 20, 12);
  });

  it("scores it at the strong model's accuracy minus the weak one's for the gain target", () => {
    const examples = subject("law").map((example, index) => ({ ...example, strongCorrect: index % 2 === 0 }));
    const weak = examples.filter((example) => example.weakCorrect).length / 20;
    expect(deferredEscalation(examples, "gain")).toBeCloseTo(10 / 20 - weak, 12);
  });
});
