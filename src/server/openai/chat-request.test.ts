import { describe, expect, it } from "vitest";
import { parseChatRequest, withoutCitations } from "./chat-request.js";

describe("parseChatRequest", () => {
  it("reads the collection from the model, the question from the last user message, and the turns before it", () => {
    const chat = parseChatRequest({
      model: "verity/handbook",
      temperature: 0.2,
      messages: [
        { role: "system", content: "You are helpful." },
        {
          role: "user",
          content: [
            { type: "text", text: "How many vacation days" },
            { type: "text", text: "do staff get?" },
          ],
        },
        { role: "assistant", content: "25 a year. [1]\n\nSources:\n[1] leave.md, Leave" },
        { role: "tool", content: "ignored", tool_call_id: "x" },
        { role: "user", content: "And part-timers?" },
      ],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(chat).toEqual({
      model: "verity/handbook",
      collection: "handbook",
      question: "And part-timers?",
      history: [
        { role: "user", content: "How many vacation days\ndo staff get?" },
        { role: "assistant", content: "25 a year." },
      ],
      stream: true,
      includeUsage: true,
    });
  });

  it("refuses images, a conversation that does not end with the user, and anything but one choice", () => {
    const image = { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } };
    expect(() =>
      parseChatRequest({ model: "verity/x", messages: [{ role: "user", content: [image] }] }),
    ).toThrow(/messages\.0\.content\.0: Verity answers from text; "image_url" content is not supported/u);
    expect(() =>
      parseChatRequest({ model: "verity/x", messages: [{ role: "user", content: "   " }] }),
    ).toThrow(/the last message must be the user's question/u);
    expect(() =>
      parseChatRequest({ model: "verity/x", messages: [{ role: "user", content: "q" }], n: 3 }),
    ).toThrow(/n: Verity writes one answer per request/u);
    expect(() => parseChatRequest({ messages: [{ role: "user", content: "q" }] })).toThrow(/^model: /u);
    expect(() => parseChatRequest({ model: "", messages: [] })).toThrow(/^model: name a model/u);
  });
});

describe("withoutCitations", () => {
  it("leaves an earlier reply's words without its markers and sources list", () => {
    expect(withoutCitations("A. [1] B. [2][3]\n\nSources:\n[1] a.md\n[2] b.md")).toBe("A. B.");
    expect(withoutCitations('I don\'t know. Nothing matched.\n\nClosest sources:\n[1] a.md: "x"')).toBe(
      "I don't know. Nothing matched.",
    );
    expect(withoutCitations("Plain words from another assistant.")).toBe(
      "Plain words from another assistant.",
    );
  });
});
