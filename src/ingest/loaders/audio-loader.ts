// Recordings as documents: decoded with ffmpeg to 16 kHz mono, transcribed by the configured engine,
// each transcript segment one block of text that keeps its time range, so chunks and citations carry
// `startMs`/`endMs` and an answer can point at the moment it was said. The file is never held in
// memory: ffmpeg reads it, and the decoded audio lives in a temporary file removed afterwards.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { VerityError } from "../../core/errors.js";
import { decodeToWav, probeAudio } from "../../transcribe/ffmpeg.js";
import type { Transcriber, Transcript } from "../../transcribe/transcriber.js";
import type { ExtractedDocument, FileLoader, FileLoaderInput, TextBlock } from "../extracted.js";

/** Audio formats, and the containers whose audio track is read (mp4, webm, mkv, mov). */
export const audioExtensions = [
  ".wav",
  ".flac",
  ".mp3",
  ".m4a",
  ".aac",
  ".ogg",
  ".oga",
  ".opus",
  ".mp4",
  ".m4v",
  ".mov",
  ".webm",
  ".mkv",
] as const;

export interface AudioLoaderOptions {
  /** Largest recording accepted, in bytes (default 4 GiB). */
  maxFileBytes?: number;
  /** Where the decoded audio is written while it is transcribed (default the system's temp dir). */
  tempDir?: string;
}

/**
 * Transcript segments as one text, a paragraph each (so each segment is a unit of its own even when the
 * engine writes no punctuation), with a block per segment that keeps its time.
 */
export function transcriptDocument(path: string, transcript: Transcript): ExtractedDocument {
  const blocks: TextBlock[] = [];
  let text = "";
  for (const segment of transcript.segments) {
    const spoken = segment.text.replace(/\s+/gu, " ").trim();
    if (!spoken) continue;
    if (text) text += "\n\n";
    blocks.push({
      kind: "text",
      charStart: text.length,
      charEnd: text.length + spoken.length,
      startMs: Math.max(0, Math.round(segment.startMs)),
      endMs: Math.max(Math.round(segment.startMs), Math.round(segment.endMs)),
    });
    text += spoken;
  }
  return {
    title: basename(path, extname(path)),
    text,
    blocks,
    metadata: {
      transcription: {
        engine: transcript.engine,
        durationMs: Math.round(transcript.durationMs),
        segments: blocks.length,
        ...(transcript.language ? { language: transcript.language } : {}),
        ...(transcript.lowAccuracy ? { lowAccuracy: true } : {}),
      },
    },
  };
}

export function createAudioLoader(transcriber: Transcriber, options: AudioLoaderOptions = {}): FileLoader {
  return {
    mediaType: "audio",
    extensions: audioExtensions,
    version: transcriber.id,
    maxFileBytes: options.maxFileBytes ?? 4 * 1024 ** 3,

    async loadFile({ path, signal, onProgress }: FileLoaderInput): Promise<ExtractedDocument[]> {
      const probe = await probeAudio(path, { signal });
      if (!probe.hasAudio) {
        throw new VerityError("E_EMPTY", `${path} has no audio track; there is nothing to transcribe`);
      }
      const work = await mkdtemp(join(options.tempDir ?? tmpdir(), "verity-audio-"));
      try {
        const wav = join(work, "audio.wav");
        const total = Math.max(probe.durationMs, 1);
        const report = (phase: string, started: number) => (done: number) => {
          const elapsed = performance.now() - started;
          // The first few percent say little about the pace: no estimate until 5% is done.
          const etaMs = done >= 0.05 * total && done < total ? (elapsed / done) * (total - done) : undefined;
          onProgress?.({
            path,
            phase,
            done: Math.min(done, total),
            total,
            unit: "ms",
            ...(etaMs !== undefined ? { etaMs: Math.round(etaMs) } : {}),
          });
        };
        const decoding = report("decoding", performance.now());
        const decoded = await decodeToWav(path, wav, {
          signal,
          probed: probe,
          onProgress: (progress) => decoding(progress.processedMs),
        });
        const transcribing = report("transcribing", performance.now());
        const transcript = await transcriber.transcribe(wav, {
          signal,
          onProgress: (progress) => transcribing(progress.processedMs),
        });
        const document = transcriptDocument(path, transcript);
        // A truncated file still decodes what is there; say so rather than refuse it.
        if (decoded.warnings.length > 0) {
          document.metadata = { ...document.metadata, decodeWarnings: decoded.warnings.slice(0, 3) };
        }
        if (document.blocks.length === 0) {
          throw new VerityError(
            "E_EMPTY",
            `${path}: ${transcriber.id} recognised no speech in ${Math.round(total / 1000)} s of audio (silence, music, or a language it does not know); nothing was stored`,
          );
        }
        return [document];
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  };
}
