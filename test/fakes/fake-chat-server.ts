// A real OpenAI-compatible chat server on loopback: POST /v1/chat/completions, answering as a JSON
// completion or as an SSE stream of chat.completion.chunk events with a usage chunk, and scriptable
// to be slow, fail with a status, or cut its stream mid-answer. The reply is a function of the request,
// so a test can answer from the prompt it was sent (a "model" that quotes, invents or obeys).
//
//   const server = await startFakeChatServer(({ prompt }) => ({ content: "Refunds take 30 days [1]." }));
//   model: { provider: "openai-compatible", baseUrl: `${server.url}/v1`, ... }
//   server.requests; // parsed bodies, in order
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listenOnLoopback } from "./fake-embedding-server.js";

export interface ChatReply {
  /** The assistant message. */
  content?: string;
  /** Answer with this HTTP status and an OpenAI-style error body instead. */
  status?: number;
  headers?: Record<string, string>;
  /** Wait this long before the first byte. */
  delayMs?: number;
  /** Streaming: characters per chunk (default 7) and pause between chunks (default 0). */
  chunkSize?: number;
  chunkDelayMs?: number;
  /** Streaming: destroy the connection after this many characters of content. */
  cutAfter?: number;
  /** Answer 200 with exactly this body (a malformed completion or stream), content type as asked. */
  raw?: string;
  /** Reported usage; default counts of words. */
  usage?: { prompt_tokens: number; completion_tokens: number };
}

export interface ChatRequestView {
  /** The parsed request body. */
  body: { model: string; stream?: boolean; messages: { role: string; content: string }[] } & Record<
    string,
    unknown
  >;
  /** The user message (sources and question). */
  prompt: string;
  /** 0-based number of this request. */
  index: number;
}

export interface FakeChatServer {
  url: string;
  requests: ChatRequestView["body"][];
  /** Requests whose client hung up before the reply was complete (a cancelled call). */
  readonly abandoned: number;
  close(): Promise<void>;
}

const cutByServer = new WeakSet<ServerResponse>();

// Let what was written reach the client first, so the cut is mid-stream, not a failed request.
async function cut(response: ServerResponse): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50));
  cutByServer.add(response);
  response.destroy();
}

const words = (text: string) => text.split(/\s+/u).filter(Boolean).length;

export async function startFakeChatServer(
  reply: (request: ChatRequestView) => ChatReply,
): Promise<FakeChatServer> {
  const requests: ChatRequestView["body"][] = [];
  let abandoned = 0;
  let closing = false;
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== "POST" || !request.url?.endsWith("/chat/completions")) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: `no route ${request.method} ${request.url}` } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequestView["body"];
    requests.push(body);
    response.on("close", () => {
      if (!response.writableFinished && !cutByServer.has(response) && !closing) abandoned++;
    });
    const prompt = body.messages
      .filter((message) => message.role === "user")
      .map((message) => message.content)
      .join("\n");
    const step = reply({ body, prompt, index: requests.length - 1 });
    if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
    if (response.destroyed) return;
    if (step.status && step.status !== 200) {
      response.writeHead(step.status, { "content-type": "application/json", ...step.headers });
      response.end(
        JSON.stringify({ error: { message: `scripted failure ${step.status}`, type: "server_error" } }),
      );
      return;
    }
    if (step.raw !== undefined) {
      response.writeHead(200, { "content-type": body.stream ? "text/event-stream" : "application/json" });
      response.end(step.raw);
      return;
    }
    const content = step.content ?? "";
    const usage = step.usage ?? { prompt_tokens: words(prompt), completion_tokens: words(content) };
    const base = { id: `chatcmpl-${requests.length}`, created: 1_764_000_000, model: body.model };
    if (!body.stream) {
      response.writeHead(200, { "content-type": "application/json", ...step.headers });
      response.end(
        JSON.stringify({
          ...base,
          object: "chat.completion",
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
        }),
      );
      return;
    }
    response.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      ...step.headers,
    });
    const send = (payload: unknown) => response.write(`data: ${JSON.stringify(payload)}\n\n`);
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      send({
        ...base,
        object: "chat.completion.chunk",
        choices: [{ index: 0, delta, finish_reason: finish }],
      });
    chunk({ role: "assistant", content: "" }, null);
    const size = step.chunkSize ?? 7;
    for (let at = 0; at < content.length; at += size) {
      if (step.cutAfter !== undefined && at >= step.cutAfter) {
        await cut(response);
        return;
      }
      chunk({ content: content.slice(at, at + size) }, null);
      if (step.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, step.chunkDelayMs));
      if (response.destroyed) return;
    }
    if (step.cutAfter !== undefined) {
      await cut(response);
      return;
    }
    chunk({}, "stop");
    send({
      ...base,
      object: "chat.completion.chunk",
      choices: [],
      usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
    });
    response.end("data: [DONE]\n\n");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    requests,
    get abandoned() {
      return abandoned;
    },
    async close() {
      closing = true;
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, "close");
    },
  };
}
