import { describe, expect, it } from "vitest";
import { standaloneQuestion } from "./standalone-question.js";

const asked = (content: string) => ({ role: "user" as const, content });
const answered = (content: string) => ({ role: "assistant" as const, content });

describe("standaloneQuestion", () => {
  it("returns a first question as it is", () => {
    expect(standaloneQuestion("How many vacation days do new staff get?", [])).toBe(
      "How many vacation days do new staff get?",
    );
  });

  it("gives a follow-up that points back the words of the question before", () => {
    const history = [
      asked("How many vacation days do new staff get?"),
      answered("New staff get 25 days [1]."),
    ];
    const rewritten = standaloneQuestion("Can they carry them over?", history);
    expect(rewritten).toMatch(/^Can they carry them over\? \(/u);
    expect(rewritten).toContain("vacation");
  });

  it("treats a short fragment as a follow-up", () => {
    const history = [asked("What does the Team plan cost per user?")];
    expect(standaloneQuestion("And the Free plan?", history)).toContain("cost");
  });

  it("leaves a new question that stands on its own alone", () => {
    const history = [asked("How many vacation days do new staff get?")];
    expect(standaloneQuestion("What is the hotel budget for business trips in Paris?", history)).toBe(
      "What is the hotel budget for business trips in Paris?",
    );
  });

  it("follows the latest user question, not the assistant's words", () => {
    const history = [
      asked("What is the refund window?"),
      answered("Thirty days."),
      asked("Who approves expense claims?"),
    ];
    const rewritten = standaloneQuestion("What about travel?", history);
    expect(rewritten).toContain("approves");
    expect(rewritten).not.toContain("refund");
  });
});
