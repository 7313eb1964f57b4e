// Local Whisper through whisper.cpp's Node binding `@fugood/whisper.node` (an optional package the user
// installs) and a ggml model file the user names; nothing is downloaded. Long recordings go to the model
// a window at a time, cut at the quietest moment near each window's end, so memory stays bounded.
import { open } from "node:fs/promises";
import { VerityError } from "../core/errors.js";
import { type Logger, noopLogger } from "../core/logger.js";
import type { TranscribeOptions, Transcriber, Transcript, TranscriptSegment } from "./transcriber.js";
import { readWavInfo, type WavInfo } from "./wav.js";

/** The part of `@fugood/whisper.node` (1.x) used here. */
export interface WhisperNodeBinding {
  initWhisper(options: { filePath: string; useGpu?: boolean }): Promise<WhisperNodeContext>;
  toggleNativeLog?(enable: boolean): Promise<void>;
  addNativeLogListener?(listener: (level: string, text: string) => void): { remove(): void };
}

export interface WhisperNodeContext {
  /** `audio`: 16 kHz mono signed 16-bit PCM samples. */
  transcribeData(
    audio: ArrayBuffer,
    options: {
      language?: string;
      maxThreads?: number;
      temperature?: number;
      onProgress?: (percent: number) => void;
    },
  ): { stop(): Promise<void>; promise: Promise<WhisperNodeResult> };
  release(): Promise<void>;
}

export interface WhisperNodeResult {
  language?: string;
  /** Times in milliseconds from the start of the audio passed in. */
  segments: { text: string; t0: number; t1: number }[];
  isAborted: boolean;
}

export interface WhisperCppTranscriberOptions {
  /** A whisper.cpp ggml model file, e.g. `ggml-base.en.bin`. Verity never downloads one. */
  modelPath: string;
  /** CPU threads for whisper.cpp. Default: the binding's (cores, at most 8). */
  threads?: number;
  /** Let the binding use a GPU when its build has one. Default false. */
  useGpu?: boolean;
  /**
   * Audio handed to whisper.cpp per call. Bounds memory on long recordings, and the work that goes on
   * after an abort (whisper.cpp cannot be interrupted mid-call). Default 5 minutes.
   */
  windowMs?: number;
  /** Receives whisper.cpp's own log lines at debug level. Default: dropped. */
  logger?: Logger;
  /** The binding, for tests or one loaded another way. Default: `@fugood/whisper.node`, imported on first use. */
  binding?: WhisperNodeBinding;
}

const bindingPackage: string = "@fugood/whisper.node";
const sampleRate = 16_000;
/** How far back from a window's end to look for a quiet place to cut, and the frame it measures. */
const cutSearchMs = 5_000;
const cutFrameMs = 20;
/** Whisper's annotations for non-speech, e.g. "[BLANK_AUDIO]", "(music)". */
const annotation = /^\s*(\[[^\]]*\]|\([^)]*\))\s*$/;

export function createWhisperCppTranscriber(options: WhisperCppTranscriberOptions): Transcriber {
  const windowMs = options.windowMs ?? 5 * 60_000;
  const logger = options.logger ?? noopLogger;
  let binding: Promise<WhisperNodeBinding> | undefined;

  return {
    id: `whisper-cpp:${options.modelPath}`,
    async transcribe(wavPath, transcribeOptions = {}) {
      transcribeOptions.signal?.throwIfAborted();
      const { multilingual } = await readModelHeader(options.modelPath);
      const requested = transcribeOptions.language?.toLowerCase();
      if (!multilingual && requested && !requested.startsWith("en")) {
        throw new VerityError(
          "E_CONFIG",
          `${options.modelPath} is an English-only model and cannot transcribe "${transcribeOptions.language}": use a multilingual model (e.g. ggml-base.bin)`,
        );
      }
      // English-only models skip language detection; multilingual ones detect unless told.
      const language = multilingual ? (requested ?? "auto") : "en";
      const wav = await readWavInfo(wavPath);
      if (wav.sampleRate !== sampleRate || wav.channels !== 1 || wav.bitsPerSample !== 16) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `${wavPath} is ${wav.sampleRate} Hz, ${wav.channels} channel(s), ${wav.bitsPerSample}-bit; whisper.cpp needs 16 kHz mono 16-bit PCM (decode it with decodeToWav first)`,
        );
      }
      const transcript: Transcript = {
        engine: `whisper-cpp:${options.modelPath}`,
        durationMs: wav.durationMs,
        segments: [],
      };
      if (wav.samples === 0) return transcript;
      binding ??= loadBinding(options.binding);
      const loaded = await binding.catch((error: unknown) => {
        binding = undefined;
        throw error;
      });
      return withNativeLog(loaded, logger, async (recentLog) => {
        let context: WhisperNodeContext;
        try {
          context = await loaded.initWhisper({
            filePath: options.modelPath,
            useGpu: options.useGpu ?? false,
          });
        } catch (error) {
          // The binding delivers log lines asynchronously; the one saying why comes just after.
          await new Promise((resolve) => setTimeout(resolve, 50));
          const reason = recentLog().join("; ") || (error as Error).message;
          throw new VerityError(
            "E_CONFIG",
            `whisper.cpp cannot load the model ${options.modelPath} (${reason}): is it a ggml model file such as ggml-base.en.bin?`,
            { cause: error },
          );
        }
        try {
          for await (const window of readWindows(wavPath, wav, windowMs)) {
            const result = await transcribeWindow(context, window, wav.durationMs, {
              ...transcribeOptions,
              language,
              threads: options.threads,
            });
            transcript.language ??= multilingual ? result.language : "en";
            appendSegments(transcript.segments, result.segments, window.startMs, window.endMs);
          }
        } finally {
          await context.release();
        }
        transcribeOptions.onProgress?.({ processedMs: wav.durationMs, totalMs: wav.durationMs });
        return transcript;
      });
    },
  };
}

/** ggml's file magic, "ggml" as a little-endian uint32. */
const ggmlMagic = 0x67676d6c;
/** English-only Whisper models have 51864 tokens; multilingual ones 51865 or more. */
const multilingualVocabulary = 51_865;

/** Checks that `modelPath` is a whisper.cpp ggml model before the binding loads it. */
async function readModelHeader(modelPath: string): Promise<{ multilingual: boolean }> {
  let header: Buffer;
  try {
    const file = await open(modelPath, "r");
    try {
      header = Buffer.alloc(8);
      const { bytesRead } = await file.read(header, 0, 8, 0);
      header = header.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new VerityError(
      "E_CONFIG",
      `the whisper.cpp model file ${modelPath} cannot be read (does it exist?): Verity downloads no models; fetch a ggml model (e.g. ggml-base.en.bin from the whisper.cpp project) yourself and pass its path as modelPath`,
      { cause: error },
    );
  }
  if (header.length < 8 || header.readUInt32LE(0) !== ggmlMagic) {
    throw new VerityError(
      "E_CONFIG",
      `${modelPath} is not a whisper.cpp ggml model (no "ggml" magic); pass a file such as ggml-base.en.bin`,
    );
  }
  return { multilingual: header.readInt32LE(4) >= multilingualVocabulary };
}

async function loadBinding(given: WhisperNodeBinding | undefined): Promise<WhisperNodeBinding> {
  if (given) return given;
  try {
    const module = (await import(bindingPackage)) as WhisperNodeBinding & { default?: WhisperNodeBinding };
    return typeof module.initWhisper === "function" ? module : (module.default as WhisperNodeBinding);
  } catch (error) {
    throw new VerityError(
      "E_MISSING_TOOL",
      `local whisper.cpp needs the optional package ${bindingPackage}: run npm install ${bindingPackage}`,
      { cause: error },
    );
  }
}

/**
 * Routes whisper.cpp's log (otherwise printed to stderr) to the logger while `run` runs, keeping the last
 * error and warning lines for messages. The binding's log switch is process-wide, hence the count.
 */
let nativeLogUsers = 0;
async function withNativeLog<T>(
  binding: WhisperNodeBinding,
  logger: Logger,
  run: (recentLog: () => string[]) => Promise<T>,
): Promise<T> {
  const recent: string[] = [];
  const listener = binding.addNativeLogListener?.((level, text) => {
    logger.debug({ engine: "whisper-cpp", level }, text.trim());
    if (level !== "error" && level !== "warn" && !/failed|invalid/i.test(text)) return;
    recent.push(text.trim());
    if (recent.length > 4) recent.shift();
  });
  if (nativeLogUsers++ === 0) await binding.toggleNativeLog?.(true);
  try {
    return await run(() => [...recent]);
  } finally {
    listener?.remove();
    // While switched on, the binding keeps the event loop alive.
    if (--nativeLogUsers === 0) await binding.toggleNativeLog?.(false);
  }
}

interface AudioWindow {
  /** Samples, in an ArrayBuffer of their own (the binding reads the whole buffer). */
  pcm: ArrayBuffer;
  startMs: number;
  endMs: number;
}

/** The WAV's samples in windows of about `windowMs`, each cut at the quietest frame near its end. */
async function* readWindows(wavPath: string, wav: WavInfo, windowMs: number): AsyncGenerator<AudioWindow> {
  const windowSamples = Math.max(sampleRate, Math.round((windowMs * sampleRate) / 1000));
  const file = await open(wavPath, "r");
  try {
    for (let start = 0; start < wav.samples; ) {
      const end = Math.min(wav.samples, start + windowSamples);
      const buffer = Buffer.alloc((end - start) * 2);
      await file.read(buffer, 0, buffer.length, wav.dataOffset + start * 2);
      const cut = end === wav.samples ? end : start + quietestCut(buffer);
      const pcm = new ArrayBuffer((cut - start) * 2);
      buffer.copy(Buffer.from(pcm), 0, 0, pcm.byteLength);
      yield { pcm, startMs: (start * 1000) / sampleRate, endMs: (cut * 1000) / sampleRate };
      start = cut;
    }
  } finally {
    await file.close();
  }
}

/** Sample offset, within `pcm`, of the middle of its quietest frame in its last few seconds. */
export function quietestCut(pcm: Buffer): number {
  const samples = pcm.length / 2;
  const frame = (cutFrameMs * sampleRate) / 1000;
  const searchFrom = Math.max(0, samples - (cutSearchMs * sampleRate) / 1000);
  let best = samples;
  let bestEnergy = Number.POSITIVE_INFINITY;
  for (let from = searchFrom; from + frame <= samples; from += frame) {
    let energy = 0;
    for (let index = from; index < from + frame; index++) energy += pcm.readInt16LE(index * 2) ** 2;
    // The latest of equally quiet frames, so windows stay as long as allowed.
    if (energy <= bestEnergy) {
      bestEnergy = energy;
      best = from + frame / 2;
    }
  }
  return Math.max(1, best);
}

async function transcribeWindow(
  context: WhisperNodeContext,
  window: AudioWindow,
  totalMs: number,
  options: TranscribeOptions & { language: string; threads: number | undefined },
): Promise<WhisperNodeResult> {
  const { signal, onProgress, threads } = options;
  signal?.throwIfAborted();
  const spanMs = window.endMs - window.startMs;
  const job = context.transcribeData(window.pcm, {
    language: options.language,
    temperature: 0,
    ...(threads === undefined ? {} : { maxThreads: threads }),
    onProgress: (percent) =>
      onProgress?.({ processedMs: Math.min(totalMs, window.startMs + (spanMs * percent) / 100), totalMs }),
  });
  // @fugood/whisper.node 1.1.3 never settles a stopped job's promise (its worker reports the
  // cancellation with one callback argument, which its own callback ignores), so an abort rejects at once.
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      job.stop().catch(() => undefined);
      reject(signal?.reason);
    };
  });
  aborted.catch(() => undefined);
  signal?.addEventListener("abort", onAbort, { once: true });
  // The binding may report progress, and the caller abort, before the listener exists.
  if (signal?.aborted) onAbort();
  try {
    const result = await Promise.race([job.promise, aborted]);
    if (result.isAborted) throw new DOMException("whisper.cpp transcription was stopped", "AbortError");
    return result;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

function appendSegments(
  segments: TranscriptSegment[],
  found: WhisperNodeResult["segments"],
  offsetMs: number,
  windowEndMs: number,
): void {
  for (const segment of found) {
    const text = segment.text.trim();
    if (!text || annotation.test(text)) continue;
    const previousEnd = segments.at(-1)?.endMs ?? 0;
    const startMs = Math.max(previousEnd, Math.min(windowEndMs, Math.round(offsetMs + segment.t0)));
    const endMs = Math.max(startMs, Math.min(windowEndMs, Math.round(offsetMs + segment.t1)));
    segments.push({ startMs, endMs, text });
  }
}
