// Recordings as sources, end to end: speech synthesised with espeak-ng into a recording whose sentence
// times are known, ingested through each engine (pocketsphinx for real; an OpenAI-compatible server
// over the real multipart wire), then asked about: the citation's time range must hold the sentence
// that answers. Bad recordings fail alone, with errors that say what to do, and store nothing.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import type { Answer } from "../src/core/answer.js";
import { createVerity } from "../src/engine.js";
import type { FileProgress } from "../src/ingest/extracted.js";
import { jfkFlac, writeGatedTone } from "../src/transcribe/audio-test-support.js";
import { createOpenAiCompatibleTranscriber } from "../src/transcribe/openai-compatible.js";
import { binaryOf } from "../src/transcribe/run-tool.js";
import { startFakeTranscriptionProcess } from "./fakes/fake-transcription-process.js";
import {
  type FakeSegment,
  type FakeTranscriptionServer,
  startFakeTranscriptionServer,
  unusedLoopbackUrl,
} from "./fakes/fake-transcription-server.js";
import { Capture } from "./support/capture.js";
import { synthesizeSpeech } from "./support/espeak.js";

const sentences = [
  "The refund window is thirty days from the date of purchase.",
  "Our office is closed on Sunday and Monday.",
];
const gapMs = 2000;

let dir: string;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, { stdout, stderr, env, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const ffmpeg = (...args: string[]) => execFileSync(binaryOf("ffmpeg", {}), ["-v", "error", "-y", ...args]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-audio-"));
  // Three seconds of tone, for tests about anything but what is said.
  await writeGatedTone(join(dir, "tone.wav"), 3);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each sentence's time in the recording, in ms. */
type SpokenTimes = { startMs: number; endMs: number }[];
let call: Promise<SpokenTimes> | undefined;

/**
 * `call.wav` and `call.mp3`: the sentences with two seconds of silence before each, so their times are
 * known exactly. Synthesised on first use (espeak-ng and ffmpeg), once for every test that needs it.
 */
function callRecording(): Promise<SpokenTimes> {
  call ??= synthesiseCall();
  return call;
}

async function synthesiseCall(): Promise<SpokenTimes> {
  const spoken: SpokenTimes = [];
  const parts: string[] = [];
  let at = 0;
  for (const [index, sentence] of sentences.entries()) {
    const silence = join(dir, `silence-${index}.wav`);
    ffmpeg(
      "-f",
      "lavfi",
      "-i",
      "anullsrc=r=16000:cl=mono",
      "-t",
      String(gapMs / 1000),
      "-c:a",
      "pcm_s16le",
      silence,
    );
    const speech = join(dir, `sentence-${index}.wav`);
    const durationMs = await synthesizeSpeech(sentence, speech);
    parts.push(silence, speech);
    spoken.push({ startMs: at + gapMs, endMs: at + gapMs + durationMs });
    at += gapMs + durationMs;
  }
  writeFileSync(join(dir, "parts.txt"), parts.map((part) => `file '${part}'`).join("\n"));
  ffmpeg(
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    join(dir, "parts.txt"),
    "-c:a",
    "pcm_s16le",
    join(dir, "call.wav"),
  );
  ffmpeg("-i", join(dir, "call.wav"), "-c:a", "libmp3lame", "-b:a", "64k", join(dir, "call.mp3"));
  return spoken;
}

/**
 * The citation's time range holds the spoken sentence: it starts by the sentence's start and runs
 * through most of it (a decoder trims the last, unrecognised syllables), and not the sentence before.
 */
function expectCitesMoment(answer: Answer, sentence: { startMs: number; endMs: number }) {
  const location = answer.sentences[0]?.citations[0]?.location;
  expect(location?.startMs).toBeDefined();
  expect(location?.endMs).toBeDefined();
  const start = location?.startMs as number;
  const end = location?.endMs as number;
  expect(start).toBeLessThanOrEqual(sentence.startMs + 400);
  expect(start).toBeGreaterThanOrEqual(sentence.startMs - gapMs);
  expect(end).toBeGreaterThanOrEqual(sentence.startMs + 0.8 * (sentence.endMs - sentence.startMs));
}

describe("recordings through pocketsphinx (the offline default)", {
  tags: ["ffmpeg", "pocketsphinx"],
}, () => {
  it("ingests a recording and answers with the moment that says it", {
    tags: ["espeak-ng"],
    timeout: 60_000,
  }, async () => {
    const spoken = await callRecording();
    const data = join(dir, "ps-data");
    const ingest = await cli(["--data-dir", data, "ingest", "call.wav", "--json"]);
    expect(ingest.code).toBe(0);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ added: 1, failed: 0 });
    const result = await cli(["--data-dir", data, "ask", "When is the office closed?", "--json"]);
    const answer = JSON.parse(result.stdout) as Answer;
    expect(answer.status).toBe("answered");
    expectCitesMoment(answer, spoken[1] as { startMs: number; endMs: number });
    const text = await cli(["--data-dir", data, "ask", "When is the office closed?"]);
    expect(text.stdout).toMatch(/call\.wav \(00:0[89]–00:1\d/u);
    const documents = createVerity({ dataDir: data });
    try {
      expect((await documents.listDocuments())[0]?.metadata).toMatchObject({
        transcription: { engine: "pocketsphinx", lowAccuracy: true },
      });
    } finally {
      await documents.close();
    }
  });

  it("answers from real speech nobody here recorded, citing the moment it was said", async () => {
    // J. F. Kennedy, 1961: "… ask what you can do for your country" is said from about 8 s to 11 s.
    const data = join(dir, "jfk-data");
    const ingest = await cli(["--data-dir", data, "ingest", jfkFlac, "--json"]);
    expect(JSON.parse(ingest.stdout)).toMatchObject({ added: 1, failed: 0 });
    const result = await cli(["--data-dir", data, "ask", "What can you do for your country?", "--json"]);
    const answer = JSON.parse(result.stdout) as Answer;
    expect(answer.status).toBe("answered");
    const location = answer.sentences[0]?.citations[0]?.location;
    expect(location?.startMs as number).toBeGreaterThanOrEqual(7_000);
    expect(location?.startMs as number).toBeLessThanOrEqual(8_600);
    expect(location?.endMs as number).toBeGreaterThanOrEqual(10_000);
  }, 60_000);

  it("refuses silence, a file with no audio track and a corrupt file, each alone, storing nothing", async () => {
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono", "-t", "3", join(dir, "silence.wav"));
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=5", "-t", "1", "-an", join(dir, "video.mp4"));
    writeFileSync(
      join(dir, "broken.flac"),
      readFileSync(join(dir, "tone.wav")).subarray(0, 2048).fill(7, 0, 64),
    );
    const data = join(dir, "bad-data");
    const result = await cli([
      "--data-dir",
      data,
      "ingest",
      "silence.wav",
      "video.mp4",
      "broken.flac",
      "--json",
    ]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout) as {
      failed: number;
      errors: { path: string; error: { code: string; message: string } }[];
    };
    expect(summary.failed).toBe(3);
    const byFile = Object.fromEntries(
      summary.errors.map((entry) => [entry.path.split("/").pop(), entry.error]),
    );
    expect(byFile["silence.wav"]).toMatchObject({
      code: "E_EMPTY",
      message: expect.stringContaining("recognised no speech"),
    });
    expect(byFile["video.mp4"]).toMatchObject({
      code: "E_EMPTY",
      message: expect.stringContaining("no audio track"),
    });
    expect(byFile["broken.flac"]?.code).toBe("E_CORRUPT");
    const list = await cli(["--data-dir", data, "list", "--json"]);
    expect(JSON.parse(list.stdout)).toEqual([]);
  }, 60_000);
});

describe("recordings when a system tool is missing", () => {
  /** Runs `run` with environment variables set, as a user would export them. */
  async function withEnv<T>(variables: Record<string, string>, run: () => Promise<T>): Promise<T> {
    const saved = Object.fromEntries(Object.keys(variables).map((name) => [name, process.env[name]]));
    Object.assign(process.env, variables);
    try {
      return await run();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  }

  it("says how to install a missing ffmpeg", async () => {
    const noFfmpeg = await withEnv(
      { VERITY_FFPROBE: "/nonexistent/ffprobe", VERITY_FFMPEG: "/nonexistent/ffmpeg" },
      () => cli(["--data-dir", join(dir, "nf"), "ingest", "tone.wav", "--json"]),
    );
    expect(JSON.parse(noFfmpeg.stdout).errors[0].error).toMatchObject({
      code: "E_MISSING_TOOL",
      message: expect.stringContaining("apt-get install ffmpeg"),
    });
  });

  it("says how to install a missing pocketsphinx", { tags: ["ffmpeg"] }, async () => {
    const noSphinx = await withEnv({ VERITY_POCKETSPHINX: "/nonexistent/pocketsphinx_continuous" }, () =>
      cli(["--data-dir", join(dir, "np"), "ingest", "tone.wav", "--json"]),
    );
    expect(JSON.parse(noSphinx.stdout).errors[0].error).toMatchObject({
      code: "E_MISSING_TOOL",
      message: expect.stringContaining("apt-get install pocketsphinx pocketsphinx-en-us"),
    });
  });
});

describe("recordings through an OpenAI-compatible transcription endpoint", { tags: ["ffmpeg"] }, () => {
  /** A fake endpoint that "recognises" `segments` (times in seconds) in whatever it is sent. */
  async function endpointHearing(segments: FakeSegment[]): Promise<FakeTranscriptionServer> {
    const server = await startFakeTranscriptionServer({ segmentsFor: () => segments });
    onTestFinished(() => server.close());
    return server;
  }

  it("ingests an mp3 with segment times, cites the moment, and replaces the chunks when re-transcribed", {
    tags: ["espeak-ng"],
    timeout: 60_000,
  }, async () => {
    const spoken = await callRecording();
    const server = await endpointHearing(
      sentences.map((text, index) => ({
        start: (spoken[index]?.startMs ?? 0) / 1000,
        end: (spoken[index]?.endMs ?? 0) / 1000,
        text,
      })),
    );
    const data = join(dir, "oa-data");
    const engine = (model: string) => `openai-compatible:${model}@${server.url}/v1`;
    const first = await cli([
      "--data-dir",
      data,
      "--transcriber",
      engine("whisper-1"),
      "ingest",
      "call.mp3",
      "--json",
    ]);
    expect(JSON.parse(first.stdout)).toMatchObject({ added: 1, failed: 0 });
    expect(server.requests.at(-1)?.fields.response_format).toEqual(["verbose_json"]);
    const ask = await cli(["--data-dir", data, "ask", "How long is the refund window?", "--json"]);
    const answer = JSON.parse(ask.stdout) as Answer;
    expect(answer.sentences[0]?.text).toBe(sentences[0]);
    expectCitesMoment(answer, spoken[0] as { startMs: number; endMs: number });

    const chunksOf = async () => {
      const verity = createVerity({ dataDir: data });
      try {
        const document = (await verity.listDocuments())[0];
        return {
          chunks: (await verity.store.getChunks(document?.id as string)).map((chunk) => chunk.id),
          document,
        };
      } finally {
        await verity.close();
      }
    };
    const before = await chunksOf();
    const same = await cli([
      "--data-dir",
      data,
      "--transcriber",
      engine("whisper-1"),
      "ingest",
      "call.mp3",
      "--json",
    ]);
    expect(JSON.parse(same.stdout)).toMatchObject({ unchanged: 1 });
    const again = await cli([
      "--data-dir",
      data,
      "--transcriber",
      engine("whisper-large"),
      "ingest",
      "call.mp3",
      "--json",
    ]);
    expect(JSON.parse(again.stdout)).toMatchObject({ updated: 1, failed: 0 });
    const after = await chunksOf();
    expect(after.document?.metadata).toMatchObject({
      transcription: { engine: expect.stringContaining("whisper-large") },
    });
    expect(after.chunks.some((id) => before.chunks.includes(id))).toBe(false);
  });

  it("fails clearly and stores nothing when the endpoint is unreachable", async () => {
    const data = join(dir, "down-data");
    const url = await unusedLoopbackUrl();
    const result = await cli([
      "--data-dir",
      data,
      "--transcriber",
      `openai-compatible:whisper-1@${url}/v1`,
      "ingest",
      "tone.wav",
      "--json",
    ]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).errors[0].error).toMatchObject({ code: "E_PROVIDER_UNREACHABLE" });
    expect(JSON.parse((await cli(["--data-dir", data, "list", "--json"])).stdout)).toEqual([]);
  }, 60_000);

  it("streams a three-hour recording in pieces with bounded memory and reports progress", async () => {
    const long = join(dir, "lecture.flac");
    ffmpeg(
      "-f",
      "lavfi",
      "-i",
      "sine=frequency=440:sample_rate=8000:duration=10800",
      "-ac",
      "1",
      "-c:a",
      "flac",
      long,
    );
    // The endpoint runs in a process of its own: only Verity's memory is measured here.
    const server = await startFakeTranscriptionProcess([
      { start: 1, end: 3, text: "A lecture on a steady tone." },
    ]);
    onTestFinished(() => server.close());
    const verity = createVerity({
      dataDir: join(dir, "long-data"),
      transcriber: createOpenAiCompatibleTranscriber({
        baseUrl: `${server.url}/v1`,
        model: "whisper-1",
        maxBytesPerRequest: 16 * 1024 * 1024,
      }),
    });
    // The engine loads its ingestion and transcription code on first use: load it before measuring.
    await verity.ingest([join(dir, "tone.wav")], { collection: "warm-up" });
    const progress: FileProgress[] = [];
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    try {
      const summary = await verity.ingest([long], {
        collection: "talks",
        onFileProgress: (entry) => progress.push(entry),
      });
      expect(summary).toMatchObject({ added: 1, failed: 0 });
    } finally {
      clearInterval(sampler);
      await verity.close();
    }
    // 10,800 s of 16 kHz 16-bit audio decode to 346 MB; the process never holds it.
    expect(peak - baseline).toBeLessThan(200 * 1024 * 1024);
    const pieces = Math.ceil((10_800 * 16_000 * 2) / (16 * 1024 * 1024));
    expect(server.requests.length).toBeGreaterThanOrEqual(pieces);
    const transcribing = progress.filter((entry) => entry.phase === "transcribing");
    expect(transcribing.length).toBeGreaterThanOrEqual(pieces);
    expect(transcribing.at(-1)).toMatchObject({ done: 10_800_000, total: 10_800_000 });
    expect(progress.some((entry) => entry.phase === "decoding")).toBe(true);
  }, 120_000);
});
