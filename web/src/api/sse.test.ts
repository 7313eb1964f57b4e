import { describe, expect, it } from "vitest";
import { createEventParser, readEvents } from "./sse";

describe("the Server-Sent Events parser", () => {
  it("reads events split across chunks anywhere, even inside a field", () => {
    const parser = createEventParser();
    expect(parser.push("event: sent")).toEqual([]);
    expect(parser.push('ence\ndata: {"index":0,')).toEqual([]);
    expect(parser.push('"sentence":{}}\n\nevent: done\ndata: {}\n')).toEqual([
      { event: "sentence", data: '{"index":0,"sentence":{}}' },
    ]);
    expect(parser.push("\n")).toEqual([{ event: "done", data: "{}" }]);
  });

  it("skips keep-alive comments and joins multi-line data", () => {
    const parser = createEventParser();
    expect(parser.push(": keep-alive\n\ndata: one\ndata: two\n\n")).toEqual([
      { event: "message", data: "one\ntwo" },
    ]);
  });

  it("accepts CRLF line ends and a last event without its blank line at the end of the stream", () => {
    const parser = createEventParser();
    expect(parser.push("event: a\r\ndata: 1\r\n\r\nevent: b\r\ndata: 2")).toEqual([
      { event: "a", data: "1" },
    ]);
    expect(parser.end()).toEqual([{ event: "b", data: "2" }]);
  });

  it("reads a streamed body, multi-byte characters split between chunks", async () => {
    const bytes = new TextEncoder().encode('event: sentence\ndata: {"text":"Größe €"}\n\n');
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.slice(0, 30));
        controller.enqueue(bytes.slice(30));
        controller.close();
      },
    });
    const events = [];
    for await (const event of readEvents(body)) events.push(event);
    expect(events).toEqual([{ event: "sentence", data: '{"text":"Größe €"}' }]);
  });
});
