// A real embedding server on loopback speaking OpenAI's /v1/embeddings and Ollama's /api/embed,
// with deterministic vectors and scriptable failures, so providers are tested over the real wire.
//
//   const server = await startFakeEmbeddingServer({ dimensions: 32 });
//   createOpenAiCompatibleEmbedder({ baseUrl: `${server.url}/v1`, model: "fake" });
//   createOllamaEmbedder({ baseUrl: server.url, model: "fake" });
//   server.script({ status: 429, headers: { "retry-after": "0" } }); // the next request fails once
//   server.requests; // every request: path, headers, parsed body
//   await server.close();
//   await unusedLoopbackUrl(); // where connections are refused
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeEmbeddingServerOptions {
  /** Length of every vector unless a step says otherwise. Default 32. */
  dimensions?: number;
}

/** How to answer one request; each `script`ed step is used by exactly one request, in order. */
export interface FakeStep {
  /** Answer with this status and `body` (default a JSON error) instead of embeddings. */
  status?: number;
  headers?: Record<string, string>;
  /** Raw body to send instead of embeddings, e.g. malformed JSON (status 200 unless `status`). */
  body?: string;
  /** Wait this long before answering (the request still counts if the client gives up). */
  delayMs?: number;
  /** Vectors of this length for this request. */
  dimensions?: number;
  /** OpenAI format: list `data` last input first (each item keeps its `index`). */
  reverseOrder?: boolean;
  /** OpenAI format: send vectors as base64 float32, whatever the request asked. */
  base64?: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body, or the raw text if it was not JSON. */
  body: unknown;
}

export interface FakeEmbeddingServer {
  /** Root URL, e.g. `http://127.0.0.1:40123`; OpenAI clients use `${url}/v1`. */
  url: string;
  requests: RecordedRequest[];
  /** Queues behaviours for the next requests, one step per request. */
  script(...steps: FakeStep[]): void;
  close(): Promise<void>;
}

/** The fake's vector for a text: a hashed, signed bag of words, L2-normalised (similar texts, similar vectors). */
export function fakeEmbedding(text: string, dimensions = 32): Float32Array {
  const vector = new Float32Array(dimensions);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const hash = fnv1a(word);
    const slot = hash % dimensions;
    vector[slot] = (vector[slot] as number) + ((hash >>> 31) & 1 ? -1 : 1);
  }
  if (words.length === 0) vector[0] = 1;
  let sumOfSquares = 0;
  for (const value of vector) sumOfSquares += value * value;
  const length = Math.sqrt(sumOfSquares) || 1;
  for (let index = 0; index < dimensions; index++) vector[index] = (vector[index] as number) / length;
  return vector;
}

/** A loopback URL where nothing listens (connections are refused), for unreachable-endpoint tests. */
/** Starts `server` on a free loopback port and returns its base URL. */
export async function listenOnLoopback(server: Server): Promise<string> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function unusedLoopbackUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return `http://127.0.0.1:${port}`;
}

export async function startFakeEmbeddingServer(
  options: FakeEmbeddingServerOptions = {},
): Promise<FakeEmbeddingServer> {
  const dimensions = options.dimensions ?? 32;
  const steps: FakeStep[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = parseJson(await readBody(request));
    requests.push({
      method: request.method ?? "",
      path: request.url ?? "",
      headers: { ...request.headers },
      body,
    });
    const step = steps.shift() ?? {};
    const answer = () => respond(request, response, body, step, dimensions);
    if (step.delayMs === undefined) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!response.destroyed) answer();
    }, step.delayMs);
    timers.add(timer);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  const url = await listenOnLoopback(server);

  return {
    url,
    requests,
    script: (...more) => {
      steps.push(...more);
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

function respond(
  request: IncomingMessage,
  response: ServerResponse,
  body: unknown,
  step: FakeStep,
  defaultDimensions: number,
): void {
  const headers = { "content-type": "application/json", ...step.headers };
  if (step.status !== undefined || step.body !== undefined) {
    const status = step.status ?? 200;
    const fallback = JSON.stringify({ error: { message: `scripted ${status}`, type: "fake_error" } });
    response.writeHead(status, headers).end(step.body ?? fallback);
    return;
  }
  const input = inputOf(body);
  const model = (body as { model?: unknown } | undefined)?.model;
  if (request.method !== "POST" || input === undefined || typeof model !== "string") {
    const message = "expected POST with a JSON body { model: string, input: string | string[] }";
    response.writeHead(400, headers).end(JSON.stringify({ error: { message } }));
    return;
  }
  const dimensions = step.dimensions ?? defaultDimensions;
  const vectors = input.map((text) => fakeEmbedding(text, dimensions));
  const tokens = input.reduce((sum, text) => sum + (text.match(/\S+/g)?.length ?? 0), 0);
  if (request.url === "/v1/embeddings") {
    const base64 = step.base64 || (body as { encoding_format?: unknown }).encoding_format === "base64";
    const data = vectors.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: base64 ? Buffer.from(vector.buffer).toString("base64") : Array.from(vector),
    }));
    if (step.reverseOrder) data.reverse();
    const usage = { prompt_tokens: tokens, total_tokens: tokens };
    response.writeHead(200, headers).end(JSON.stringify({ object: "list", data, model, usage }));
  } else if (request.url === "/api/embed") {
    const embeddings = vectors.map((vector) => Array.from(vector));
    response.writeHead(200, headers).end(JSON.stringify({ model, embeddings, prompt_eval_count: tokens }));
  } else {
    response.writeHead(404, headers).end(JSON.stringify({ error: `no route ${request.url}` }));
  }
}

function inputOf(body: unknown): string[] | undefined {
  const input = (body as { input?: unknown } | undefined)?.input;
  if (typeof input === "string") return [input];
  if (Array.isArray(input) && input.every((item) => typeof item === "string")) return input;
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
