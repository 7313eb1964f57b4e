// Server-Sent Events on a raw response: the headers, one `event:`/`data:` frame per event, and a
// comment every so often so proxies keep an idle stream open. The route hijacks the reply first, so
// Fastify leaves the socket to this writer until `end`.
import type { ServerResponse } from "node:http";

export interface EventStream {
  /** Sends one event whose data is `data` as JSON. False once the client has gone. */
  send(event: string, data: unknown): boolean;
  end(): void;
  readonly closed: boolean;
}

/** Whether the client asked for an event stream (`Accept: text/event-stream`). */
export function wantsEventStream(accept: string | undefined): boolean {
  return (
    accept?.split(",").some((type) => type.trim().toLowerCase().startsWith("text/event-stream")) ?? false
  );
}

/** Starts an event stream on `response` (status 200), with `headers` added (e.g. the request id). */
export function openEventStream(
  response: ServerResponse,
  headers: Record<string, string> = {},
  heartbeatMs = 15_000,
): EventStream {
  response.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    // Tells nginx not to buffer the stream, so each sentence reaches the client as it is sent.
    "x-accel-buffering": "no",
    ...headers,
  });
  response.flushHeaders();
  let closed = false;
  const heartbeat = setInterval(() => {
    if (!closed) response.write(": keep-alive\n\n");
  }, heartbeatMs);
  heartbeat.unref();
  const stop = () => {
    closed = true;
    clearInterval(heartbeat);
  };
  response.on("close", stop);
  return {
    get closed() {
      return closed || response.destroyed;
    },
    send(event, data) {
      if (closed || response.destroyed) return false;
      // JSON never holds a raw line break, so one data line carries the whole event.
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      return true;
    },
    end() {
      if (!closed) response.end();
      stop();
    },
  };
}
