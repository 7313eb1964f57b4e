// Audio through the ffmpeg and ffprobe binaries: probe, decode to 16 kHz mono WAV, find silences.
// Files are streamed by the child processes, never loaded here; stderr is kept only as a short tail.

import { constants } from "node:fs";
import { access, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { VerityError } from "../core/errors.js";
import { binaryOf, type FfmpegTools, runTool, type ToolResult } from "./run-tool.js";
import type { TranscribeProgress } from "./transcriber.js";
import { readWavInfo } from "./wav.js";

export type { FfmpegTools };

export interface ProbeOptions extends FfmpegTools {
  signal?: AbortSignal;
}

export interface ProbedAudio {
  /** Duration of the container (else of the audio stream); 0 when neither says, as in some browser recordings. */
  durationMs: number;
  hasAudio: boolean;
  /** Codec of the first audio stream, e.g. `flac`, `opus`, `pcm_s16le`. */
  codec?: string;
  /** ffprobe's format name, e.g. `flac`, `mov,mp4,m4a,3gp,3g2,mj2`, `matroska,webm`. */
  container?: string;
}

export interface DecodeOptions extends FfmpegTools {
  signal?: AbortSignal;
  /** Called as ffmpeg reports its position (about twice a second) and once at the end. */
  onProgress?: (progress: TranscribeProgress) => void;
  /** `probeAudio`'s answer for `input`, when the caller has it already (saves a second probe). */
  probed?: ProbedAudio;
}

export interface DecodedAudio {
  /** Duration of the written WAV, from its sample count. */
  durationMs: number;
  /** Problems ffmpeg decoded past (a damaged frame, a truncated tail), at most ~20 lines. */
  warnings: string[];
}

export interface SilenceOptions extends FfmpegTools {
  /** Quieter than this counts as silence. Default -35 dB. */
  noiseDb?: number;
  /** Shorter quiet stretches are not silences. Default 400 ms. */
  minSilenceMs?: number;
  signal?: AbortSignal;
}

export interface SilenceInterval {
  startMs: number;
  endMs: number;
}

const probeSchema = z.object({
  streams: z
    .array(
      z.object({
        codec_type: z.string().nullish(),
        codec_name: z.string().nullish(),
        duration: z.string().nullish(),
      }),
    )
    .nullish(),
  format: z.object({ format_name: z.string().nullish(), duration: z.string().nullish() }).nullish(),
});

/** What ffprobe sees in `path`. A file ffprobe cannot read is E_CORRUPT. */
export async function probeAudio(path: string, options: ProbeOptions = {}): Promise<ProbedAudio> {
  await assertReadable(path);
  const run = await runTool({
    tool: "ffprobe",
    binary: binaryOf("ffprobe", options),
    args: [
      "-v",
      "error",
      "-protocol_whitelist",
      "file",
      "-print_format",
      "json",
      "-show_format",
      "-show_streams",
      inputOf(path),
    ],
    signal: options.signal,
    collectStdout: true,
  });
  if (run.exitCode !== 0) {
    throw new VerityError(
      "E_CORRUPT",
      `${path} is corrupt, truncated or not a media file: ffprobe says "${said(run, path)}"`,
    );
  }
  let parsed: z.output<typeof probeSchema>;
  try {
    parsed = probeSchema.parse(JSON.parse(run.stdout));
  } catch (error) {
    throw new VerityError("E_CORRUPT", `ffprobe gave unreadable output for ${path}`, { cause: error });
  }
  const audio = parsed.streams?.find((stream) => stream.codec_type === "audio");
  const seconds = Number.parseFloat(parsed.format?.duration ?? audio?.duration ?? "");
  const probed: ProbedAudio = {
    durationMs: Number.isFinite(seconds) && seconds > 0 ? Math.round(seconds * 1000) : 0,
    hasAudio: audio !== undefined,
  };
  if (audio?.codec_name) probed.codec = audio.codec_name;
  if (parsed.format?.format_name) probed.container = parsed.format.format_name;
  return probed;
}

/**
 * Decodes the first audio stream of `input` (any audio file, or the audio track of a video) to a
 * 16 kHz mono 16-bit PCM WAV at `outPath`, with a plain 44-byte header. On failure `outPath` is removed.
 */
export async function decodeToWav(
  input: string,
  outPath: string,
  options: DecodeOptions = {},
): Promise<DecodedAudio> {
  const probed = options.probed ?? (await probeAudio(input, options));
  if (!probed.hasAudio) throw new VerityError("E_EMPTY", `${input} has no audio track`);
  const totalMs = probed.durationMs;
  const report = (processedMs: number) =>
    options.onProgress?.({ processedMs, totalMs: Math.max(totalMs, processedMs) });
  try {
    const run = await runTool({
      tool: "ffmpeg",
      binary: binaryOf("ffmpeg", options),
      // -bitexact and no metadata: the WAV header is the canonical 44 bytes, nothing else.
      args: [
        ...["-nostdin", "-hide_banner", "-nostats", "-v", "error", "-y"],
        ...["-protocol_whitelist", "file", "-i", inputOf(input)],
        ...["-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le"],
        ...["-map_metadata", "-1", "-fflags", "+bitexact", "-flags:a", "+bitexact"],
        ...["-progress", "pipe:1", "-f", "wav", resolve(outPath)],
      ],
      signal: options.signal,
      onStdoutLine: (line) => {
        // ffmpeg's out_time_ms is in microseconds too (a long-standing misnomer); prefer out_time_us.
        const match = /^out_time_us=(\d+)$/.exec(line);
        if (match) report(Math.round(Number(match[1]) / 1000));
      },
    });
    if (run.exitCode !== 0) {
      throw new VerityError("E_CORRUPT", `${input} could not be decoded: ffmpeg says "${said(run, input)}"`);
    }
    const wav = await readWavInfo(outPath);
    if (wav.dataBytes === 0) throw new VerityError("E_EMPTY", `${input} has an audio track with no samples`);
    const durationMs = Math.round(wav.durationMs);
    report(durationMs);
    const warnings = run.stderrLines.map((line) => line.replaceAll(inputOf(input), input));
    if (totalMs > 0 && durationMs < totalMs * 0.9) {
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      warnings.push(
        `decoded ${seconds(durationMs)} of the ${seconds(totalMs)} the file declares: it looks truncated`,
      );
    }
    return { durationMs, warnings };
  } catch (error) {
    await rm(outPath, { force: true });
    throw error;
  }
}

/** Stretches of `wavPath` quieter than `noiseDb` for at least `minSilenceMs`, in time order. */
export async function detectSilences(
  wavPath: string,
  options: SilenceOptions = {},
): Promise<SilenceInterval[]> {
  const { durationMs } = await readWavInfo(wavPath);
  const noiseDb = options.noiseDb ?? -35;
  const minSilenceSeconds = (options.minSilenceMs ?? 400) / 1000;
  const silences: SilenceInterval[] = [];
  let openStartMs: number | undefined;
  const run = await runTool({
    tool: "ffmpeg",
    binary: binaryOf("ffmpeg", options),
    args: [
      ...["-nostdin", "-hide_banner", "-nostats", "-v", "info"],
      ...["-protocol_whitelist", "file", "-i", inputOf(wavPath)],
      ...["-af", `silencedetect=noise=${noiseDb}dB:d=${minSilenceSeconds}`, "-f", "null", "-"],
    ],
    signal: options.signal,
    onStderrLine: (line) => {
      const start = /silence_start: (-?[\d.]+)/.exec(line);
      if (start) openStartMs = Math.max(0, Math.round(Number(start[1]) * 1000));
      const end = /silence_end: (-?[\d.]+)/.exec(line);
      if (end && openStartMs !== undefined) {
        silences.push({
          startMs: openStartMs,
          endMs: Math.min(durationMs, Math.round(Number(end[1]) * 1000)),
        });
        openStartMs = undefined;
      }
    },
  });
  if (run.exitCode !== 0) {
    throw new VerityError(
      "E_CORRUPT",
      `silence detection failed on ${wavPath}: ffmpeg says "${said(run, wavPath)}"`,
    );
  }
  // A silence still open at the end of the file runs to its end.
  if (openStartMs !== undefined && openStartMs < durationMs)
    silences.push({ startMs: openStartMs, endMs: durationMs });
  return silences;
}

/** What a tool said on stderr, with our `file:` prefix taken off the path. */
function said(run: ToolResult, path: string): string {
  return run.stderrTail.replaceAll(inputOf(path), path) || `exit code ${run.exitCode}`;
}

/** `file:` keeps a name like `http://…` or `concat:…` from being read as an ffmpeg protocol. */
function inputOf(path: string): string {
  return `file:${resolve(path)}`;
}

async function assertReadable(path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (error) {
    throw new VerityError("E_UNREADABLE", `${path} cannot be read: does it exist?`, { cause: error });
  }
}
