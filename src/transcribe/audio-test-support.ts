// Audio for tests: the real speech committed under test/fixtures/speech (see its README for sources and
// licences), and audio made on the spot (ffmpeg's lavfi sources, or samples written here) in a temp folder.

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { binaryOf } from "./run-tool.js";
import { wavHeader } from "./wav.js";

const run = promisify(execFile);

const speechFixtures = fileURLToPath(new URL("../../test/fixtures/speech/", import.meta.url));
/** J. F. Kennedy, 1961, 11.0 s, 16 kHz mono FLAC: "… ask what you can do for your country" at about 8–11 s. */
export const jfkFlac = join(speechFixtures, "jfk.flac");
/** LibriSpeech test-clean 1089-134686-0001: 16 kHz mono 16-bit WAV, about 3.3 s of read speech. */
export const librispeechWav = join(speechFixtures, "1089-134686-0001.wav");

/** Runs ffmpeg (VERITY_FFMPEG, else the PATH, as Verity does) with `args` after the usual quiet flags. */
export async function ffmpeg(...args: string[]): Promise<void> {
  await run(binaryOf("ffmpeg", {}), ["-nostdin", "-hide_banner", "-v", "error", "-y", ...args]);
}

/**
 * Writes `seconds` of 16 kHz mono 16-bit WAV to `path`: a 440 Hz tone wherever `toneAt(t)` holds,
 * digital silence elsewhere (e.g. `(t) => t % 6 < 4` is 4 s of tone then 2 s of silence, repeating).
 */
export async function writeGatedTone(
  path: string,
  seconds: number,
  toneAt: (seconds: number) => boolean = () => true,
): Promise<void> {
  const sampleRate = 16_000;
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) {
    const t = index / sampleRate;
    if (toneAt(t)) data.writeInt16LE(Math.round(16_000 * Math.sin(2 * Math.PI * 440 * t)), index * 2);
  }
  const header = wavHeader({ sampleRate, channels: 1, bitsPerSample: 16, blockAlign: 2 }, data.length);
  await writeFile(path, Buffer.concat([header, data]));
}

export interface TempFolder {
  path: string;
  file(name: string): string;
  remove(): Promise<void>;
}

export async function makeTempFolder(): Promise<TempFolder> {
  const path = await mkdtemp(join(tmpdir(), "verity-audio-test-"));
  return { path, file: (name) => join(path, name), remove: () => rm(path, { recursive: true, force: true }) };
}
