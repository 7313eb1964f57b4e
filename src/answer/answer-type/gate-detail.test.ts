import { describe, expect, it } from "vitest";
import type { GateVerdict } from "./answer-gate.js";
import { gateDetail } from "./gate-detail.js";
import { analyseQuestion } from "./question-analysis.js";

const question = "Who won the Marlow Cup in 2019?";
const needs = { ...analyseQuestion(question), names: [["marlow", "cup"]] };

describe("why the gate turned every sentence down", () => {
  it("says what the passages mention and what the closest sentences lack", () => {
    const verdicts: Pick<GateVerdict, "holdsAnswer" | "unmet">[] = [
      { holdsAnswer: true, unmet: [{ kind: "number", value: "2019" }] },
      { holdsAnswer: false, unmet: [{ kind: "number", value: "2019" }] },
    ];
    const passages = ["The Marlow Cup of 2019 was held in June. Ada Brennan won it in 2017."];
    expect(gateDetail(question, needs, verdicts, passages)).toBe(
      "The passages mention Marlow Cup and 2019, but none says who won the Marlow Cup in 2019: the sentences closest to answering it do not mention 2019 or hold no name.",
    );
  });

  it("quotes the missing words of the thing asked about", () => {
    const verdicts: Pick<GateVerdict, "holdsAnswer" | "unmet">[] = [
      { holdsAnswer: true, unmet: [{ kind: "focus", value: "won" }] },
    ];
    expect(gateDetail(question, needs, verdicts, ["The Marlow Cup is a rowing race."])).toBe(
      "The passages mention Marlow Cup, but none says who won the Marlow Cup in 2019: the sentences closest to answering it do not say “won”.",
    );
  });

  it("says only that the passages do not answer when they mention nothing of the question", () => {
    expect(gateDetail(question, needs, [], ["Rowing is a sport."])).toBe(
      "The passages do not say who won the Marlow Cup in 2019.",
    );
  });
});
