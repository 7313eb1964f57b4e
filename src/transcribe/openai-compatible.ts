// Transcribes through POST {baseUrl}/audio/transcriptions with verbose_json segments: OpenAI Whisper,
// Groq, faster-whisper servers, vLLM, LocalAI, the whisper.cpp server. Recordings larger than one
// request may carry are cut at silences into pieces, sent one by one, and stitched back in time.

import { openAsBlob } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { z } from "zod";
import { type ApiKeySettings, apiKeyFor } from "../core/api-key.js";
import { VerityError } from "../core/errors.js";
import { redactText } from "../core/http-client.js";
import { detectSilences, type FfmpegTools } from "./ffmpeg.js";
import { displayUrl, postForm, type TranscriptionHttpSettings } from "./http.js";
import { planPieces, type SampleRange } from "./plan-pieces.js";
import type { TranscribeOptions, Transcriber, Transcript, TranscriptSegment } from "./transcriber.js";
import { cutWavSamples, readWavInfo, type WavInfo, wavHeaderBytes } from "./wav.js";

export interface OpenAiCompatibleTranscriberOptions
  extends TranscriptionHttpSettings,
    FfmpegTools,
    ApiKeySettings {
  /** API root, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`. */
  baseUrl: string;
  /** e.g. `whisper-1`, `whisper-large-v3` (Groq), `Systran/faster-whisper-small`. */
  model: string;
  /** Largest upload per request, WAV header included. Default 24 MiB (OpenAI refuses above 25 MB). */
  maxBytesPerRequest?: number;
  /** Silence detection used to place cuts; defaults as in `detectSilences`. */
  noiseDb?: number;
  minSilenceMs?: number;
}

export const defaultMaxBytesPerRequest = 24 * 1024 * 1024;

// Whisper's own rule for a segment that is really silence (its no_speech and logprob thresholds).
const noSpeechThreshold = 0.6;
const lowLogprobThreshold = -1;

const promptCharacters = 200;

const responseSchema = z.object({
  language: z.string().nullish(),
  segments: z
    .array(
      z.object({
        start: z.number(),
        end: z.number(),
        text: z.string(),
        avg_logprob: z.number().nullish(),
        no_speech_prob: z.number().nullish(),
      }),
    )
    .nullish(),
});

type TranscriptionResponse = z.output<typeof responseSchema>;

export function createOpenAiCompatibleTranscriber(options: OpenAiCompatibleTranscriberOptions): Transcriber {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const url = `${baseUrl}/audio/transcriptions`;
  const id = `openai-compatible:${options.model}@${displayUrl(baseUrl)}`;
  const maxBytes = options.maxBytesPerRequest ?? defaultMaxBytesPerRequest;

  const sendPiece = async (
    path: string,
    name: string,
    transcribeOptions: TranscribeOptions,
    prompt?: string,
  ): Promise<TranscriptionResponse> => {
    const apiKey = apiKeyFor(options, baseUrl, "the transcriber");
    const secrets = apiKey ? [apiKey] : [];
    const { timeoutMs, maxRetries, retryDelayMs, maxRetryDelayMs, fetch, logger } = options;
    const text = await postForm({
      timeoutMs,
      maxRetries,
      retryDelayMs,
      maxRetryDelayMs,
      fetch,
      logger,
      url,
      signal: transcribeOptions.signal,
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      secrets,
      form: async () => {
        const form = new FormData();
        form.append("file", await openAsBlob(path, { type: "audio/wav" }), name);
        form.append("model", options.model);
        form.append("response_format", "verbose_json");
        form.append("timestamp_granularities[]", "segment");
        if (transcribeOptions.language) form.append("language", transcribeOptions.language);
        if (prompt) form.append("prompt", prompt);
        return form;
      },
    });
    return parseResponse(text, url, secrets);
  };

  return {
    id,
    async transcribe(wavPath, transcribeOptions = {}): Promise<Transcript> {
      const info = await readWavInfo(wavPath);
      const totalMs = Math.round(info.durationMs);
      const segments: TranscriptSegment[] = [];
      let language: string | undefined;
      const collect = (response: TranscriptionResponse, piece: SampleRange) => {
        language ??= response.language ?? undefined;
        segments.push(...toSegments(response, piece, info));
        transcribeOptions.onProgress?.({ processedMs: Math.round(msOf(piece.end, info)), totalMs });
      };

      // An empty recording needs no request; one that fits goes whole.
      if (info.samples > 0 && info.fileBytes <= maxBytes) {
        collect(await sendPiece(wavPath, basename(wavPath), transcribeOptions), {
          start: 0,
          end: info.samples,
        });
      } else if (info.samples > 0) {
        const pieces = await planCuts(wavPath, info, maxBytes, options, transcribeOptions.signal);
        const directory = await mkdtemp(join(tmpdir(), "verity-transcribe-"));
        try {
          for (const [index, piece] of pieces.entries()) {
            const name = `piece-${String(index + 1).padStart(4, "0")}.wav`;
            const path = join(directory, name);
            await cutWavSamples(info, wavPath, piece.start, piece.end, path);
            // Whisper continues a cut-off sentence better when it sees what came before.
            collect(await sendPiece(path, name, transcribeOptions, promptFrom(segments)), piece);
            await rm(path, { force: true });
          }
        } finally {
          await rm(directory, { recursive: true, force: true });
        }
      }

      segments.sort((left, right) => left.startMs - right.startMs);
      const transcript: Transcript = { engine: id, durationMs: totalMs, segments };
      language ??= transcribeOptions.language;
      if (language) transcript.language = language;
      return transcript;
    },
  };
}

async function planCuts(
  wavPath: string,
  info: WavInfo,
  maxBytes: number,
  options: OpenAiCompatibleTranscriberOptions,
  signal: AbortSignal | undefined,
): Promise<SampleRange[]> {
  const maxPieceSamples = Math.floor((maxBytes - wavHeaderBytes) / info.blockAlign);
  if (maxPieceSamples < info.sampleRate) {
    throw new VerityError(
      "E_CONFIG",
      `maxBytesPerRequest ${maxBytes} holds less than one second of audio: raise it (the default is ${defaultMaxBytesPerRequest})`,
    );
  }
  const silences = await detectSilences(wavPath, { ...options, signal });
  const toSample = (ms: number) => Math.round((ms * info.sampleRate) / 1000);
  return planPieces({
    totalSamples: info.samples,
    maxPieceSamples,
    silences: silences.map((silence) => ({ start: toSample(silence.startMs), end: toSample(silence.endMs) })),
  });
}

/** Segments of one piece, moved to the recording's clock and kept inside the piece. */
function toSegments(response: TranscriptionResponse, piece: SampleRange, info: WavInfo): TranscriptSegment[] {
  const offsetMs = msOf(piece.start, info);
  const pieceMs = msOf(piece.end - piece.start, info);
  const segments: TranscriptSegment[] = [];
  for (const item of response.segments ?? []) {
    const text = item.text.trim();
    if (!text) continue;
    const logprob = item.avg_logprob ?? undefined;
    if ((item.no_speech_prob ?? 0) > noSpeechThreshold && (logprob ?? 0) < lowLogprobThreshold) continue;
    const startMs = Math.round(offsetMs + clamp(item.start * 1000, 0, pieceMs));
    const endMs = Math.round(offsetMs + clamp(item.end * 1000, 0, pieceMs));
    const segment: TranscriptSegment = { startMs, endMs: Math.max(startMs, endMs), text };
    if (logprob !== undefined) segment.confidence = clamp(Math.exp(logprob), 0, 1);
    segments.push(segment);
  }
  return segments;
}

/** The last words transcribed so far (whole words, about 200 characters), or undefined. */
function promptFrom(segments: readonly TranscriptSegment[]): string | undefined {
  const recent = segments
    .slice(-8)
    .map((segment) => segment.text)
    .join(" ");
  if (recent.length <= promptCharacters) return recent || undefined;
  const tail = recent.slice(-promptCharacters);
  return tail.slice(tail.indexOf(" ") + 1);
}

function parseResponse(text: string, url: string, secrets: readonly string[]): TranscriptionResponse {
  const where = `the transcription endpoint POST ${displayUrl(url)}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const preview = JSON.stringify(redactText(text.slice(0, 200), secrets));
    throw new VerityError(
      "E_PROVIDER_RESPONSE",
      `${where} answered with something that is not JSON: ${preview}. Is baseUrl the API root (for example http://127.0.0.1:8000/v1)?`,
      { cause: error },
    );
  }
  const parsed = responseSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
      .join("; ");
    throw new VerityError("E_PROVIDER_RESPONSE", `${where} answered with an unexpected shape (${issues})`, {
      cause: parsed.error,
    });
  }
  if (!parsed.data.segments) {
    throw new VerityError(
      "E_PROVIDER_RESPONSE",
      `${where} answered without segments: the server must support response_format=verbose_json ` +
        "with timestamp_granularities[]=segment to give timestamps",
    );
  }
  return parsed.data;
}

function msOf(samples: number, info: WavInfo): number {
  return (samples * 1000) / info.sampleRate;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
