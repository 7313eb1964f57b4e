// PCM WAV files without ffmpeg: read the header, copy a range of samples into a new file.
// Only the header is read into memory; samples are streamed.

import { createReadStream, createWriteStream } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { VerityError } from "../core/errors.js";

export interface WavInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
  /** Where the samples start in the file. */
  dataOffset: number;
  dataBytes: number;
  /** Sample frames in the file. */
  samples: number;
  durationMs: number;
  /** Size of the whole file. */
  fileBytes: number;
}

/** Size of the header `cutWav` writes. */
export const wavHeaderBytes = 44;

const headerProbeBytes = 64 * 1024;
const pcm = 1;
const extensible = 0xfffe;

/** Reads the format and the data chunk's place from a PCM WAV; anything else is E_CORRUPT. */
export async function readWavInfo(path: string): Promise<WavInfo> {
  const file = await open(path, "r");
  try {
    const fileBytes = (await file.stat()).size;
    const buffer = Buffer.alloc(Math.min(headerProbeBytes, fileBytes));
    await file.read(buffer, 0, buffer.length, 0);
    return parseHeader(buffer, fileBytes, path);
  } finally {
    await file.close();
  }
}

function parseHeader(buffer: Buffer, fileBytes: number, path: string): WavInfo {
  const notWav = (problem: string) =>
    new VerityError("E_CORRUPT", `${path} is not a PCM WAV file: ${problem}`);
  if (
    buffer.length < 12 ||
    buffer.toString("ascii", 0, 4) !== "RIFF" ||
    buffer.toString("ascii", 8, 12) !== "WAVE"
  ) {
    throw notWav("no RIFF/WAVE header");
  }
  let format: Omit<WavInfo, "dataOffset" | "dataBytes" | "samples" | "durationMs" | "fileBytes"> | undefined;
  for (let offset = 12; offset + 8 <= buffer.length; ) {
    const id = buffer.toString("ascii", offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === "fmt ") {
      if (body + 16 > buffer.length) throw notWav("the fmt chunk is cut short");
      const tag = buffer.readUInt16LE(body);
      if (tag !== pcm && tag !== extensible) throw notWav(`sample format ${tag} is not integer PCM`);
      format = {
        channels: buffer.readUInt16LE(body + 2),
        sampleRate: buffer.readUInt32LE(body + 4),
        blockAlign: buffer.readUInt16LE(body + 12),
        bitsPerSample: buffer.readUInt16LE(body + 14),
      };
      if (format.blockAlign === 0 || format.sampleRate === 0) throw notWav("zero sample rate or frame size");
    } else if (id === "data") {
      if (!format) throw notWav("the data chunk comes before the fmt chunk");
      // Streamed WAVs carry a placeholder size; what the file holds is what counts.
      const available = Math.max(0, fileBytes - body);
      const bytes = Math.min(size, available);
      const samples = Math.floor(bytes / format.blockAlign);
      return {
        ...format,
        dataOffset: body,
        dataBytes: samples * format.blockAlign,
        samples,
        durationMs: (samples * 1000) / format.sampleRate,
        fileBytes,
      };
    }
    offset = body + size + (size % 2);
  }
  throw notWav("no data chunk in its first 64 KiB");
}

/** A canonical 44-byte PCM header for `dataBytes` of samples in `format`. */
export function wavHeader(
  format: Pick<WavInfo, "sampleRate" | "channels" | "bitsPerSample" | "blockAlign">,
  dataBytes: number,
): Buffer {
  const header = Buffer.alloc(wavHeaderBytes);
  header.write("RIFF", 0, "ascii");
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write("WAVE", 8, "ascii");
  header.write("fmt ", 12, "ascii");
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(pcm, 20);
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * format.blockAlign, 28);
  header.writeUInt16LE(format.blockAlign, 32);
  header.writeUInt16LE(format.bitsPerSample, 34);
  header.write("data", 36, "ascii");
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

export interface WavPiece {
  /** Where the piece starts and ends in the source, on exact sample boundaries. */
  startMs: number;
  endMs: number;
  startSample: number;
  endSample: number;
}

/**
 * Writes samples [startMs, endMs) of `wavPath` to `outPath` as a PCM WAV. Times are rounded to the
 * nearest sample and clamped to the file; the piece's exact bounds come back.
 */
export async function cutWav(
  wavPath: string,
  startMs: number,
  endMs: number,
  outPath: string,
): Promise<WavPiece> {
  const info = await readWavInfo(wavPath);
  const toSample = (ms: number) =>
    Math.min(info.samples, Math.max(0, Math.round((ms * info.sampleRate) / 1000)));
  return cutWavSamples(info, wavPath, toSample(startMs), toSample(endMs), outPath);
}

/** Like `cutWav`, in sample frames, for callers that already read the header. */
export async function cutWavSamples(
  info: WavInfo,
  wavPath: string,
  startSample: number,
  endSample: number,
  outPath: string,
): Promise<WavPiece> {
  const samples = Math.max(0, endSample - startSample);
  const bytes = samples * info.blockAlign;
  await writeFile(outPath, wavHeader(info, bytes));
  if (bytes > 0) {
    const start = info.dataOffset + startSample * info.blockAlign;
    await pipeline(
      createReadStream(wavPath, { start, end: start + bytes - 1 }),
      createWriteStream(outPath, { flags: "a" }),
    );
  }
  return {
    startMs: (startSample * 1000) / info.sampleRate,
    endMs: ((startSample + samples) * 1000) / info.sampleRate,
    startSample,
    endSample: startSample + samples,
  };
}
