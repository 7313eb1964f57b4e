// Server-Sent Events read from a fetch body (EventSource cannot POST or send a key): frames split on
// blank lines, `event:` and `data:` fields, comments (`: keep-alive`) skipped, chunks split anywhere.

export interface ServerEvent {
  event: string;
  data: string;
}

/** Feeds text as it arrives; returns the events completed by it. */
export function createEventParser(): { push(text: string): ServerEvent[]; end(): ServerEvent[] } {
  let buffer = "";
  const frame = (block: string): ServerEvent | undefined => {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split(/\r?\n|\r/u)) {
      if (line === "" || line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    return data.length > 0 ? { event, data: data.join("\n") } : undefined;
  };
  const drain = (final: boolean): ServerEvent[] => {
    const events: ServerEvent[] = [];
    const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/u);
    buffer = final ? "" : (blocks.pop() ?? "");
    for (const block of blocks) {
      const parsed = frame(block);
      if (parsed) events.push(parsed);
    }
    return events;
  };
  return {
    push(text) {
      buffer += text;
      return drain(false);
    },
    end: () => drain(true),
  };
}

/** Every event of a streamed response body, as it arrives. */
export async function* readEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerEvent> {
  const parser = createEventParser();
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      yield* parser.push(decoder.decode(value, { stream: true }));
    }
    yield* parser.push(decoder.decode());
    yield* parser.end();
  } finally {
    reader.releaseLock();
  }
}
