import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempFolder, type TempFolder, writeGatedTone } from "./audio-test-support.js";
import type { TranscribeProgress } from "./transcriber.js";
import {
  createWhisperCppTranscriber,
  type WhisperNodeBinding,
  type WhisperNodeContext,
  type WhisperNodeResult,
} from "./whisper-cpp.js";

let folder: TempFolder;
let model: string;
let multilingualModel: string;

/** The start of a ggml model file: magic, then the vocabulary size (51864 for English-only models). */
async function fakeModel(name: string, vocabulary: number): Promise<string> {
  const header = Buffer.alloc(48);
  header.writeUInt32LE(0x67676d6c, 0);
  header.writeInt32LE(vocabulary, 4);
  await writeFile(folder.file(name), header);
  return folder.file(name);
}

beforeAll(async () => {
  folder = await makeTempFolder();
  model = await fakeModel("ggml-fake.en.bin", 51_864);
  multilingualModel = await fakeModel("ggml-fake.bin", 51_865);
});
afterAll(async () => {
  await folder.remove();
});

interface Call {
  samples: number;
  options: Parameters<WhisperNodeContext["transcribeData"]>[1];
}

/**
 * Stands in for `@fugood/whisper.node`: the same calls and result shape, one segment per call spanning
 * the audio it was given (times in ms); with `hang`, a job that never finishes, even when stopped.
 */
function fakeBinding(behaviour: { hang?: boolean; failToLoad?: boolean } = {}) {
  const calls: Call[] = [];
  const state = { released: 0, stopped: 0, logSwitches: [] as boolean[] };
  const binding: WhisperNodeBinding = {
    async initWhisper() {
      if (behaviour.failToLoad) throw new Error("Failed to initialize whisper context");
      return {
        transcribeData(audio, options) {
          const samples = audio.byteLength / 2;
          calls.push({ samples, options });
          const promise = new Promise<WhisperNodeResult>((resolve) => {
            const spanMs = (samples * 1000) / 16_000;
            const done = () =>
              resolve({
                language: "en",
                segments: [
                  { text: ` words ${calls.length} `, t0: 0, t1: spanMs },
                  { text: " [BLANK_AUDIO]", t0: spanMs, t1: spanMs },
                ],
                isAborted: false,
              });
            options.onProgress?.(50);
            // Like the real binding, a stopped job's promise never settles.
            if (!behaviour.hang) setTimeout(done, 1);
          });
          return {
            stop: async () => {
              state.stopped++;
            },
            promise,
          };
        },
        async release() {
          state.released++;
        },
      };
    },
    async toggleNativeLog(enable) {
      state.logSwitches.push(enable);
    },
    addNativeLogListener: () => ({ remove() {} }),
  };
  return { binding, calls, state };
}

describe("whisper.cpp transcriber", () => {
  it("says the model file is missing and that nothing is downloaded", async () => {
    const wav = folder.file("short.wav");
    await writeGatedTone(wav, 1);
    const transcriber = createWhisperCppTranscriber({ modelPath: folder.file("ggml-base.en.bin") });
    await expect(transcriber.transcribe(wav)).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(
        /ggml-base\.en\.bin cannot be read \(does it exist\?\).*downloads no models/,
      ),
    });
  });

  it("refuses a file that is not a ggml model before loading anything", async () => {
    const wav = folder.file("short-not-model.wav");
    await writeGatedTone(wav, 1);
    const { binding, state } = fakeBinding();
    await expect(
      createWhisperCppTranscriber({ modelPath: wav, binding }).transcribe(wav),
    ).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("not a whisper.cpp ggml model"),
    });
    expect(state.logSwitches).toEqual([]);
  });

  it("asks English-only models for English and lets multilingual ones detect the language", async () => {
    const wav = folder.file("short-language.wav");
    await writeGatedTone(wav, 1);
    const english = fakeBinding();
    await createWhisperCppTranscriber({ modelPath: model, binding: english.binding }).transcribe(wav);
    expect(english.calls[0]?.options.language).toBe("en");
    await expect(
      createWhisperCppTranscriber({ modelPath: model, binding: english.binding }).transcribe(wav, {
        language: "de",
      }),
    ).rejects.toMatchObject({ code: "E_CONFIG" });
    const multilingual = fakeBinding();
    await createWhisperCppTranscriber({
      modelPath: multilingualModel,
      binding: multilingual.binding,
    }).transcribe(wav);
    expect(multilingual.calls[0]?.options.language).toBe("auto");
  });

  const bindingInstalled = (() => {
    try {
      createRequire(import.meta.url).resolve("@fugood/whisper.node");
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(bindingInstalled)("says how to install the binding when it is missing", async () => {
    const wav = folder.file("short-binding.wav");
    await writeGatedTone(wav, 1);
    await expect(createWhisperCppTranscriber({ modelPath: model }).transcribe(wav)).rejects.toMatchObject({
      code: "E_MISSING_TOOL",
      message: expect.stringContaining("npm install @fugood/whisper.node"),
    });
  });

  it("explains a file the binding cannot load as a model", async () => {
    const wav = folder.file("short-load.wav");
    await writeGatedTone(wav, 1);
    const { binding, state } = fakeBinding({ failToLoad: true });
    await expect(
      createWhisperCppTranscriber({ modelPath: model, binding }).transcribe(wav),
    ).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("ggml model file"),
    });
    expect(state.logSwitches).toEqual([true, false]);
  });

  it("sends long audio in windows cut in silence and offsets their segments", async () => {
    // 25 s: 4 s of tone then 2 s of silence, repeating; 10 s windows.
    const wav = folder.file("long.wav");
    await writeGatedTone(wav, 25, (t) => t % 6 < 4);
    const { binding, calls, state } = fakeBinding();
    const progress: TranscribeProgress[] = [];
    const transcript = await createWhisperCppTranscriber({
      modelPath: model,
      binding,
      threads: 2,
      windowMs: 10_000,
    }).transcribe(wav, { onProgress: (step) => progress.push(step) });

    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.every((call) => call.samples <= 10 * 16_000)).toBe(true);
    expect(calls.reduce((sum, call) => sum + call.samples, 0)).toBe(25 * 16_000);
    expect(calls.every((call) => call.options.maxThreads === 2 && call.options.language === "en")).toBe(true);
    const cutsMs = transcript.segments.slice(0, -1).map((segment) => segment.endMs);
    for (const cutMs of cutsMs) expect((cutMs / 1000) % 6).toBeGreaterThanOrEqual(4);
    expect(transcript.segments.map((segment) => segment.text)).toEqual(
      calls.map((_, index) => `words ${index + 1}`),
    );
    expect(transcript.segments[0]?.startMs).toBe(0);
    expect(transcript.segments[1]?.startMs).toBe(transcript.segments[0]?.endMs);
    expect(transcript.segments.at(-1)?.endMs).toBe(25_000);
    expect(transcript).toMatchObject({ language: "en", durationMs: 25_000 });
    expect(transcript.lowAccuracy).toBeUndefined();
    expect(progress.at(-1)).toEqual({ processedMs: 25_000, totalMs: 25_000 });
    expect(state.released).toBe(1);
  });

  it("stops whisper.cpp and releases the model when the caller aborts", async () => {
    const wav = folder.file("abort.wav");
    await writeGatedTone(wav, 3);
    const { binding, state } = fakeBinding({ hang: true });
    const controller = new AbortController();
    const running = createWhisperCppTranscriber({ modelPath: model, binding }).transcribe(wav, {
      signal: controller.signal,
      onProgress: () => controller.abort(new DOMException("the user cancelled", "AbortError")),
    });
    await expect(running).rejects.toMatchObject({ name: "AbortError" });
    expect(state).toMatchObject({ stopped: 1, released: 1 });
    expect(state.logSwitches).toEqual([true, false]);
  });
});
