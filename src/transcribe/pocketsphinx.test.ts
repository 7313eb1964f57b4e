import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wordErrors } from "../../eval/speech-metrics.js";
import { synthesizeSpeech } from "../../test/support/espeak.js";
import { isVerityError } from "../core/errors.js";
import { createPocketsphinxTranscriber } from "./pocketsphinx.js";
import type { TranscribeProgress } from "./transcriber.js";
import { wavHeader } from "./wav.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "verity-pocketsphinx-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A WAV of `ms` milliseconds of digital silence, 16 kHz mono unless `format` says otherwise. */
async function silence(
  name: string,
  ms: number,
  format: { sampleRate: number; channels: number; infoChunk?: boolean } = { sampleRate: 16_000, channels: 1 },
): Promise<string> {
  const bytes = Math.round((ms * format.sampleRate) / 1000) * 2 * format.channels;
  const path = join(dir, name);
  const header = wavHeader({ ...format, bitsPerSample: 16, blockAlign: 2 * format.channels }, bytes);
  // ffmpeg's default output carries a LIST/INFO chunk between "fmt " and "data".
  const info = Buffer.from("LIST\x0e\x00\x00\x00INFOISFT\x02\x00\x00\x00x\x00", "latin1");
  const parts = format.infoChunk ? [header.subarray(0, 36), info, header.subarray(36)] : [header];
  await writeFile(path, Buffer.concat([...parts, Buffer.alloc(bytes)]));
  return path;
}

/** A stand-in decoder that records its process id and then hangs. */
async function hangingDecoder(): Promise<{ binary: string; pidFile: string }> {
  const binary = join(dir, "hanging-decoder.sh");
  const pidFile = join(dir, "hanging-decoder.pid");
  await writeFile(binary, `#!/bin/sh\necho $$ > '${pidFile}'\nexec sleep 30\n`);
  await chmod(binary, 0o755);
  return { binary, pidFile };
}

async function pidOnceWritten(pidFile: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const text = await readFile(pidFile, "utf8").catch(() => "");
    if (text.trim()) return Number(text.trim());
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("the stand-in decoder never started");
}

async function exited(pid: number): Promise<boolean> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe("pocketsphinx transcriber", () => {
  it("transcribes synthesised speech into recognisable words with times inside the audio", {
    tags: ["pocketsphinx", "espeak-ng", "ffmpeg"],
  }, async () => {
    const spoken = "hello world this is a test of the speech recognition system";
    const wav = join(dir, "spoken.wav");
    const durationMs = await synthesizeSpeech(spoken, wav);
    const progress: TranscribeProgress[] = [];
    const transcript = await createPocketsphinxTranscriber().transcribe(wav, {
      onProgress: (step) => progress.push(step),
    });

    expect(transcript).toMatchObject({ engine: "pocketsphinx", lowAccuracy: true, language: "en" });
    expect(transcript.durationMs).toBeCloseTo(durationMs, 0);
    const heard = transcript.segments.map((segment) => segment.text).join(" ");
    expect(wordErrors(spoken, heard).wer).toBeLessThan(0.6);
    let previousEnd = 0;
    for (const segment of transcript.segments) {
      expect(segment.startMs).toBeGreaterThanOrEqual(previousEnd);
      expect(segment.endMs).toBeGreaterThan(segment.startMs);
      expect(segment.endMs).toBeLessThanOrEqual(transcript.durationMs);
      previousEnd = segment.endMs;
    }
    expect(progress.at(-1)).toEqual({ processedMs: transcript.durationMs, totalMs: transcript.durationMs });
  });

  it("finds no segments in silence, whatever chunks the WAV holds", { tags: ["pocketsphinx"] }, async () => {
    const wav = await silence("silence.wav", 2000, { sampleRate: 16_000, channels: 1, infoChunk: true });
    const transcript = await createPocketsphinxTranscriber().transcribe(wav);
    expect(transcript).toMatchObject({ segments: [], durationMs: 2000, lowAccuracy: true });
  });

  it("refuses audio that is not 16 kHz mono, saying how to decode it", async () => {
    const stereo = await silence("stereo.wav", 100, { sampleRate: 44_100, channels: 2 });
    // Any existing files pass for the model: the format is checked before the decoder would start.
    const transcriber = createPocketsphinxTranscriber({
      binary: join(dir, "no-such-decoder"),
      hmm: dir,
      lm: stereo,
      dict: stereo,
    });
    await expect(transcriber.transcribe(stereo)).rejects.toMatchObject({
      code: "E_INVALID_INPUT",
      message: expect.stringContaining("decodeToWav"),
    });
  });

  it("says how to install pocketsphinx when the binary is missing", async () => {
    const wav = await silence("short.wav", 100);
    const error = await createPocketsphinxTranscriber({
      binary: join(dir, "no-such-decoder"),
      hmm: dir,
      lm: wav,
      dict: wav,
    })
      .transcribe(wav)
      .catch((caught: unknown) => caught);
    expect(isVerityError(error) && error.code).toBe("E_MISSING_TOOL");
    expect((error as Error).message).toContain("apt-get install pocketsphinx pocketsphinx-en-us");
  });

  it("says how to install the model when it is missing", async () => {
    const wav = await silence("short-model.wav", 100);
    await expect(
      createPocketsphinxTranscriber({ hmm: join(dir, "no-such-model") }).transcribe(wav),
    ).rejects.toMatchObject({
      code: "E_MISSING_TOOL",
      message: expect.stringContaining("pocketsphinx-en-us"),
    });
  });

  it("kills the decoder when the caller aborts", async () => {
    const { binary, pidFile } = await hangingDecoder();
    const wav = await silence("abort.wav", 3000);
    const controller = new AbortController();
    const running = createPocketsphinxTranscriber({ binary, hmm: dir, lm: wav, dict: wav }).transcribe(wav, {
      signal: controller.signal,
    });
    const pid = await pidOnceWritten(pidFile);
    controller.abort(new DOMException("the user cancelled", "AbortError"));
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
    expect(await exited(pid)).toBe(true);
  });

  it("kills the decoder and fails with E_PROVIDER_TIMEOUT when it takes too long", async () => {
    const { binary, pidFile } = await hangingDecoder();
    const wav = await silence("timeout.wav", 3000);
    const running = createPocketsphinxTranscriber({
      binary,
      hmm: dir,
      lm: wav,
      dict: wav,
      timeoutMs: 300,
    }).transcribe(wav);
    const pid = await pidOnceWritten(pidFile);
    await expect(running).rejects.toMatchObject({ code: "E_PROVIDER_TIMEOUT" });
    expect(await exited(pid)).toBe(true);
  });
});
