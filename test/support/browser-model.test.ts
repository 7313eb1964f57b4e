import { describe, expect, it } from "vitest";
import { rewritePrompt } from "../../src/answer/conversation/rewrite-with-model.js";
import { declineMarker, sourceBlock, userPrompt } from "../../src/answer/generative/prompt.js";
import type { RetrievedPassage } from "../../src/retrieve/bm25-retriever.js";
import { quoteReply } from "./browser-model.js";

/** The generative answerer's prompt over passages of `texts`, numbered from 1. */
function prompt(question: string, texts: string[]): string {
  const blocks = texts.map((text, index) =>
    sourceBlock(
      {
        chunk: { text, location: { charStart: 0, charEnd: text.length } },
        document: { source: `doc-${index + 1}.md`, title: `Doc ${index + 1}` },
      } as unknown as RetrievedPassage,
      index + 1,
    ),
  );
  return userPrompt(question, blocks);
}

describe("the quoting model", () => {
  it("quotes the sentence sharing most of the question's words, cited by its source's number", () => {
    const reply = quoteReply(
      prompt("Where is the garnet valve?", [
        "The amber valve sits behind the boiler.",
        "Chapter 7\n\nInspect the housing. The garnet valve\nsits behind the water tower. Replace the seal.",
      ]),
    );
    expect(reply).toBe("The garnet valve sits behind the water tower [2].");
  });

  it("adds a second quote from another source only when it shares nearly as many words", () => {
    const reply = quoteReply(
      prompt("Which encryption protects notes at rest on the servers?", [
        "Notes are synced to our servers.",
        "Notes on our servers are protected by encryption at rest with AES-256.",
        "Every plan protects notes on its servers with the same encryption.",
      ]),
    );
    expect(reply).toBe(
      "Notes on our servers are protected by encryption at rest with AES-256 [2]. Every plan protects notes on its servers with the same encryption [3].",
    );
  });

  it("declines with the prompt's marker when no sentence shares enough words", () => {
    expect(
      quoteReply(prompt("What is the phone number of the Berlin office?", ["Refunds take 30 days."])),
    ).toBe(declineMarker);
  });

  it("returns a follow-up question unchanged when asked to rewrite it", () => {
    const asked = rewritePrompt("And for the Free plan?", [
      { role: "user", content: "How much is the Team plan?" },
      { role: "assistant", content: "The Team plan costs $8 [1]." },
    ]);
    expect(quoteReply(asked)).toBe("And for the Free plan?");
  });
});
