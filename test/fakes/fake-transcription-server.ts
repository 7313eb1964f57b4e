// A real transcription server on loopback speaking OpenAI's POST /v1/audio/transcriptions: it parses
// the multipart form for real, reads the uploaded WAV's header, and answers verbose_json segments
// scripted from the audio, so transcribers are tested over the real wire.
//
//   const server = await startFakeTranscriptionServer();
//   createOpenAiCompatibleTranscriber({ baseUrl: `${server.url}/v1`, model: "whisper-1" });
//   server.script({ status: 429, headers: { "retry-after": "0" } }); // the next request fails once
//   server.requests; // every request: path, headers, form fields, uploaded file (size, duration)
//   await server.close();
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { listenOnLoopback } from "./fake-embedding-server.js";

export { unusedLoopbackUrl } from "./fake-embedding-server.js";

/** A segment as the server sends it, in seconds from the start of the uploaded file. */
export interface FakeSegment {
  start: number;
  end: number;
  text: string;
  avg_logprob?: number;
  no_speech_prob?: number;
}

export interface UploadedAudio {
  /** File name from the form. */
  name: string;
  /** Media type from the form. */
  type: string;
  size: number;
  /** From the WAV header; undefined when the upload is not a PCM WAV. */
  durationMs?: number;
  sampleRate?: number;
  channels?: number;
}

/** How to answer one request; each `script`ed step is used by exactly one request, in order. */
export interface FakeTranscriptionStep {
  /** Answer with this status and `body` (default a JSON error) instead of a transcript. */
  status?: number;
  headers?: Record<string, string>;
  /** Raw body to send instead of a transcript, e.g. malformed JSON (status 200 unless `status`). */
  body?: string;
  /** Wait this long before answering. */
  delayMs?: number;
  /** These segments instead of the scripted ones; `null` leaves the field out. */
  segments?: FakeSegment[] | null;
}

export interface RecordedTranscriptionRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Text fields of the form; repeated names (`timestamp_granularities[]`) keep every value. */
  fields: Record<string, string[]>;
  file?: UploadedAudio;
}

export interface FakeTranscriptionServerOptions {
  /** Segments for an upload; default one per second of audio, "segment 1", "segment 2"… */
  segmentsFor?: (audio: UploadedAudio) => FakeSegment[];
  /** Uploads above this many bytes get a 413, as OpenAI's 25 MB limit does. Default 25 MB. */
  maxUploadBytes?: number;
  /** Reported language. Default "english" (Whisper reports full names). */
  language?: string;
  /** Called with each request as it is recorded. */
  onRequest?: (request: RecordedTranscriptionRequest) => void;
}

export interface FakeTranscriptionServer {
  /** Root URL, e.g. `http://127.0.0.1:40123`; clients use `${url}/v1`. */
  url: string;
  requests: RecordedTranscriptionRequest[];
  /** Queues behaviours for the next requests, one step per request. */
  script(...steps: FakeTranscriptionStep[]): void;
  close(): Promise<void>;
}

/** One segment per whole second of audio (the last one shorter), numbered from 1 within the upload. */
export function segmentPerSecond(audio: UploadedAudio): FakeSegment[] {
  const seconds = (audio.durationMs ?? 0) / 1000;
  const segments: FakeSegment[] = [];
  for (let start = 0, index = 1; start < seconds; start++, index++) {
    segments.push({
      start,
      end: Math.min(start + 1, seconds),
      text: ` segment ${index}`,
      avg_logprob: -0.1,
      no_speech_prob: 0.01,
    });
  }
  return segments;
}

export async function startFakeTranscriptionServer(
  options: FakeTranscriptionServerOptions = {},
): Promise<FakeTranscriptionServer> {
  const segmentsFor = options.segmentsFor ?? segmentPerSecond;
  const maxUploadBytes = options.maxUploadBytes ?? 25 * 1000 * 1000;
  const steps: FakeTranscriptionStep[] = [];
  const requests: RecordedTranscriptionRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const recorded = await record(request);
    requests.push(recorded);
    options.onRequest?.(recorded);
    const step = steps.shift() ?? {};
    const answer = () => respond(response, recorded, step, { segmentsFor, maxUploadBytes, options });
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

async function record(request: IncomingMessage): Promise<RecordedTranscriptionRequest> {
  const recorded: RecordedTranscriptionRequest = {
    method: request.method ?? "",
    path: request.url ?? "",
    headers: { ...request.headers },
    fields: {},
  };
  const contentType = request.headers["content-type"] ?? "";
  if (request.method !== "POST" || !contentType.startsWith("multipart/form-data")) {
    request.resume();
    return recorded;
  }
  // undici parses multipart exactly as a browser-facing server would.
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  const form = await new Request(`http://fake${request.url ?? "/"}`, {
    method: "POST",
    headers,
    body: Readable.toWeb(request) as ReadableStream<Uint8Array>,
    duplex: "half",
  }).formData();
  for (const [name, value] of form.entries()) {
    if (typeof value === "string") {
      recorded.fields[name] = [...(recorded.fields[name] ?? []), value];
    } else if (name === "file") {
      const bytes = Buffer.from(await value.arrayBuffer());
      recorded.file = { name: value.name, type: value.type, size: bytes.length, ...wavFacts(bytes) };
    }
  }
  return recorded;
}

function respond(
  response: ServerResponse,
  recorded: RecordedTranscriptionRequest,
  step: FakeTranscriptionStep,
  settings: {
    segmentsFor: (audio: UploadedAudio) => FakeSegment[];
    maxUploadBytes: number;
    options: FakeTranscriptionServerOptions;
  },
): void {
  const headers = { "content-type": "application/json", ...step.headers };
  if (step.status !== undefined || step.body !== undefined) {
    const status = step.status ?? 200;
    response
      .writeHead(status, headers)
      .end(step.body ?? JSON.stringify({ error: { message: `scripted ${status}` } }));
    return;
  }
  const file = recorded.file;
  const problem = problemWith(recorded, settings.maxUploadBytes);
  if (problem || !file || file.durationMs === undefined) {
    const [status, message] = problem ?? [400, "Invalid file format: expected a PCM WAV"];
    response
      .writeHead(status, headers)
      .end(JSON.stringify({ error: { message, type: "invalid_request_error" } }));
    return;
  }
  const segments = step.segments === undefined ? settings.segmentsFor(file) : step.segments;
  const text = (segments ?? []).map((segment) => segment.text).join("");
  const duration = file.durationMs / 1000;
  const language = settings.options.language ?? "english";
  if (recorded.fields.response_format?.[0] !== "verbose_json") {
    response.writeHead(200, headers).end(JSON.stringify({ text }));
    return;
  }
  const body: Record<string, unknown> = { task: "transcribe", language, duration, text };
  if (segments !== null) {
    body.segments = segments.map((segment, id) => ({
      id,
      seek: 0,
      tokens: [],
      temperature: 0,
      compression_ratio: 1,
      ...segment,
    }));
  }
  response.writeHead(200, headers).end(JSON.stringify(body));
}

/** Status and message for a request OpenAI would refuse, if it would. */
function problemWith(
  recorded: RecordedTranscriptionRequest,
  maxUploadBytes: number,
): [number, string] | undefined {
  if (recorded.path !== "/v1/audio/transcriptions") return [404, `no route ${recorded.path}`];
  if (recorded.method !== "POST" || !recorded.file || !recorded.fields.model?.[0]) {
    return [400, "expected POST multipart/form-data with 'file' and 'model'"];
  }
  if (recorded.file.size > maxUploadBytes) {
    return [
      413,
      `Maximum content size limit (${maxUploadBytes}) exceeded (${recorded.file.size} bytes read)`,
    ];
  }
  return undefined;
}

/** Duration and format from a PCM WAV's header, read independently of the code under test. */
function wavFacts(bytes: Buffer): Pick<UploadedAudio, "durationMs" | "sampleRate" | "channels"> {
  if (
    bytes.length < 12 ||
    bytes.toString("ascii", 0, 4) !== "RIFF" ||
    bytes.toString("ascii", 8, 12) !== "WAVE"
  ) {
    return {};
  }
  let byteRate: number | undefined;
  let sampleRate: number | undefined;
  let channels: number | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = bytes.toString("ascii", offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === "fmt ") {
      channels = bytes.readUInt16LE(offset + 10);
      sampleRate = bytes.readUInt32LE(offset + 12);
      byteRate = bytes.readUInt32LE(offset + 16);
    } else if (id === "data" && byteRate) {
      const dataBytes = Math.min(size, bytes.length - offset - 8);
      return { durationMs: (dataBytes / byteRate) * 1000, sampleRate, channels };
    }
    offset += 8 + size + (size % 2);
  }
  return {};
}
