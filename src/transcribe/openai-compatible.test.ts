import { readdir } from "node:fs/promises";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type FakeTranscriptionServer,
  startFakeTranscriptionServer,
  unusedLoopbackUrl,
} from "../../test/fakes/fake-transcription-server.js";
import { type Logger, noopLogger } from "../core/logger.js";
import { makeTempFolder, type TempFolder, writeGatedTone } from "./audio-test-support.js";
import {
  createOpenAiCompatibleTranscriber,
  type OpenAiCompatibleTranscriberOptions,
} from "./openai-compatible.js";
import type { TranscribeProgress } from "./transcriber.js";

const bytesPerSecond = 16_000 * 2;
/** What the client logs before each retry. */
type RetryWarning = { delayMs: number };

let folder: TempFolder;
/** 11 s of tone: the fake server answers one segment per second of whatever it is sent. */
let elevenSeconds: string;
/** 60 s: 4 s of tone, 2 s of silence, repeating. */
let gatedTone: string;
/** 20 s of tone without a pause. */
let steadyTone: string;

beforeAll(async () => {
  folder = await makeTempFolder();
  elevenSeconds = folder.file("eleven-seconds.wav");
  gatedTone = folder.file("gated-60s.wav");
  steadyTone = folder.file("steady-20s.wav");
  await Promise.all([
    writeGatedTone(elevenSeconds, 11),
    writeGatedTone(gatedTone, 60, (t) => t % 6 < 4),
    writeGatedTone(steadyTone, 20),
  ]);
});
afterAll(() => folder.remove());

describe("openai-compatible transcriber", () => {
  let server: FakeTranscriptionServer;
  const transcriber = (options: Partial<OpenAiCompatibleTranscriberOptions> = {}) =>
    createOpenAiCompatibleTranscriber({
      baseUrl: `${server.url}/v1`,
      model: "whisper-1",
      maxRetries: 2,
      retryDelayMs: 1,
      ...options,
    });
  /** Pieces stay in a folder of their own so the test can see that they are removed. */
  let pieceFolder: TempFolder;

  beforeEach(async () => {
    server = await startFakeTranscriptionServer();
    pieceFolder = await makeTempFolder();
    vi.stubEnv("TMPDIR", pieceFolder.path);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await pieceFolder.remove();
    await server.close();
  });

  it("posts the file, model, verbose_json and segment timestamps as multipart form data", async () => {
    await transcriber({ baseUrl: `${server.url}/v1/`, apiKey: "sk-test" }).transcribe(elevenSeconds, {
      language: "en",
    });
    const request = server.requests[0];
    expect(request?.path).toBe("/v1/audio/transcriptions");
    expect(request?.headers.authorization).toBe("Bearer sk-test");
    expect(request?.fields).toEqual({
      model: ["whisper-1"],
      response_format: ["verbose_json"],
      "timestamp_granularities[]": ["segment"],
      language: ["en"],
    });
    expect(request?.file).toMatchObject({
      name: "eleven-seconds.wav",
      type: "audio/wav",
      durationMs: 11_000,
    });
  });

  it("turns segments in seconds into milliseconds with a confidence from avg_logprob", async () => {
    server.script({
      segments: [
        { start: 0, end: 3.52, text: " And so my fellow Americans,", avg_logprob: -0.25 },
        { start: 3.52, end: 11, text: " ask not what your country can do for you." },
      ],
    });
    const engine = transcriber();
    const transcript = await engine.transcribe(elevenSeconds);
    expect(transcript).toEqual({
      engine: `openai-compatible:whisper-1@${server.url}/v1`,
      language: "english",
      durationMs: 11_000,
      segments: [
        { startMs: 0, endMs: 3_520, text: "And so my fellow Americans,", confidence: Math.exp(-0.25) },
        { startMs: 3_520, endMs: 11_000, text: "ask not what your country can do for you." },
      ],
    });
    expect(engine.id).toBe(transcript.engine);
  });

  it("drops segments Whisper itself marks as silence", async () => {
    server.script({
      segments: [
        { start: 0, end: 2, text: " Thank you.", avg_logprob: -1.5, no_speech_prob: 0.9 },
        { start: 2, end: 4, text: " words", avg_logprob: -0.2, no_speech_prob: 0.1 },
      ],
    });
    const { segments } = await transcriber().transcribe(elevenSeconds);
    expect(segments.map((segment) => segment.text)).toEqual(["words"]);
  });

  it("splits a long recording at silences into pieces under the limit and stitches the times back", {
    tags: ["ffmpeg"],
  }, async () => {
    const maxBytesPerRequest = 15 * bytesPerSecond + 44;
    const progress: TranscribeProgress[] = [];
    const transcript = await transcriber({ maxBytesPerRequest }).transcribe(gatedTone, {
      onProgress: (step) => progress.push(step),
    });

    const uploads = server.requests.map((request) => request.file);
    expect(uploads.length).toBeGreaterThanOrEqual(5);
    let pieceStartMs = 0;
    for (const upload of uploads) {
      expect(upload?.size).toBeLessThanOrEqual(maxBytesPerRequest);
      pieceStartMs += upload?.durationMs ?? 0;
      // Every cut lies in a pause (seconds 4–6 of each 6 s cycle), none in a tone.
      if (pieceStartMs < 60_000) expect((pieceStartMs / 1000) % 6).toBeGreaterThanOrEqual(4);
    }
    expect(pieceStartMs).toBe(60_000);

    const starts = transcript.segments.map((segment) => segment.startMs);
    for (let index = 1; index < starts.length; index++) {
      expect(starts[index]).toBeGreaterThan(starts[index - 1] as number);
    }
    expect(transcript.segments.at(-1)?.endMs).toBe(60_000);
    expect(transcript.durationMs).toBe(60_000);
    // The fake numbers its segments per upload, so each restart at "segment 1" begins a piece.
    const pieceStarts = transcript.segments.filter((segment) => segment.text === "segment 1");
    const pieceEnds = progress.map((step) => step.processedMs);
    expect(pieceStarts.map((segment) => segment.startMs)).toEqual([0, ...pieceEnds.slice(0, -1)]);
    expect(progress).toHaveLength(uploads.length);
    expect(progress.at(-1)).toEqual({ processedMs: 60_000, totalMs: 60_000 });
    expect(await readdir(pieceFolder.path)).toEqual([]);
  });

  it("prompts each piece after the first with the words before it", { tags: ["ffmpeg"] }, async () => {
    await transcriber({ maxBytesPerRequest: 6 * bytesPerSecond + 44 }).transcribe(steadyTone);
    const prompts = server.requests.map((request) => request.fields.prompt?.[0]);
    expect(prompts[0]).toBeUndefined();
    expect(prompts[1]).toBe("segment 1 segment 2 segment 3 segment 4 segment 5 segment 6");
    expect(prompts[3]?.endsWith("segment 5 segment 6")).toBe(true);
  });

  it("cuts hard at the limit when a recording has no silence, losing no sample", {
    tags: ["ffmpeg"],
  }, async () => {
    const maxBytesPerRequest = 6 * bytesPerSecond + 44;
    const transcript = await transcriber({ maxBytesPerRequest }).transcribe(steadyTone);
    const durations = server.requests.map((request) => request.file?.durationMs);
    expect(durations).toEqual([6_000, 6_000, 6_000, 2_000]);
    expect(transcript.segments).toHaveLength(20);
    expect(transcript.segments.map((segment) => segment.startMs)).toEqual(
      Array.from({ length: 20 }, (_, second) => second * 1000),
    );
  });

  it("waits as Retry-After says after a 429, then succeeds", async () => {
    server.script({ status: 429, headers: { "retry-after": "0.2" } });
    const waits: number[] = [];
    const logger: Logger = { ...noopLogger, warn: (fields) => waits.push((fields as RetryWarning).delayMs) };
    const transcript = await transcriber({ retryDelayMs: 10_000, logger }).transcribe(elevenSeconds);
    expect(server.requests).toHaveLength(2);
    expect(transcript.segments).toHaveLength(11);
    // The server's 200 ms, not the 5–10 s the backoff would have chosen.
    expect(waits).toEqual([200]);
  });

  it("gives up after the last retry with the status and the body", async () => {
    server.script(...Array.from({ length: 3 }, () => ({ status: 503, body: "model is loading" })));
    await expect(transcriber().transcribe(elevenSeconds)).rejects.toMatchObject({
      code: "E_PROVIDER_HTTP",
      message: expect.stringMatching(
        /status code 503: POST .*\/v1\/audio\/transcriptions — model is loading/,
      ),
    });
    expect(server.requests).toHaveLength(3);
  });

  it("does not retry a 400", async () => {
    server.script({ status: 400 });
    await expect(transcriber().transcribe(elevenSeconds)).rejects.toMatchObject({ code: "E_PROVIDER_HTTP" });
    expect(server.requests).toHaveLength(1);
  });

  it("says an unreachable endpoint may not be running, naming its URL", async () => {
    const url = await unusedLoopbackUrl();
    const error = transcriber({ baseUrl: `${url}/v1`, maxRetries: 0 }).transcribe(elevenSeconds);
    await expect(error).rejects.toMatchObject({
      code: "E_PROVIDER_UNREACHABLE",
      message: expect.stringContaining(
        `${url}/v1/audio/transcriptions (ECONNREFUSED): is the transcription server running?`,
      ),
    });
  });

  it("calls a body that is not JSON a malformed response", async () => {
    server.script({ body: "<html>gateway</html>" });
    await expect(transcriber().transcribe(elevenSeconds)).rejects.toMatchObject({
      code: "E_PROVIDER_RESPONSE",
      message: expect.stringContaining("not JSON"),
    });
  });

  it("calls an answer without segments a malformed response", async () => {
    server.script({ segments: null });
    await expect(transcriber().transcribe(elevenSeconds)).rejects.toMatchObject({
      code: "E_PROVIDER_RESPONSE",
      message: expect.stringContaining("verbose_json"),
    });
  });

  it("times out a server that does not answer", async () => {
    server.script({ delayMs: 2_000 });
    await expect(transcriber({ timeoutMs: 100 }).transcribe(elevenSeconds)).rejects.toMatchObject({
      code: "E_PROVIDER_TIMEOUT",
    });
  });

  it("removes its pieces when a request fails half-way", { tags: ["ffmpeg"] }, async () => {
    server.script({}, { status: 400 });
    const engine = transcriber({ maxBytesPerRequest: 6 * bytesPerSecond + 44 });
    await expect(engine.transcribe(steadyTone)).rejects.toMatchObject({ code: "E_PROVIDER_HTTP" });
    expect(server.requests).toHaveLength(2);
    expect(await readdir(pieceFolder.path)).toEqual([]);
  });

  it("refuses a limit too small for one second of audio", async () => {
    await expect(transcriber({ maxBytesPerRequest: 1_000 }).transcribe(steadyTone)).rejects.toMatchObject({
      code: "E_CONFIG",
    });
  });
});
