// Speech for tests, synthesised on the spot with espeak-ng and resampled by ffmpeg to the 16 kHz mono
// WAV the transcribers take. Tests that call it carry the "espeak-ng" and "ffmpeg" tags.
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { decodeToWav } from "../../src/transcribe/ffmpeg.js";

const run = promisify(execFile);

export interface SpeechVoice {
  /** espeak-ng voice. Default `en-us+klatt`: pocketsphinx recognises it far better than plain `en-us`. */
  voice?: string;
  /** Words per minute. Default 130 (espeak-ng's own 175 is harder to recognise). */
  wpm?: number;
}

/** Speaks `text` into `outWav` (16 kHz mono 16-bit PCM); returns the duration in milliseconds. */
export async function synthesizeSpeech(
  text: string,
  outWav: string,
  voice: SpeechVoice = {},
): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), "verity-espeak-"));
  try {
    const raw = join(dir, "espeak.wav");
    try {
      await run("espeak-ng", [
        "-v",
        voice.voice ?? "en-us+klatt",
        "-s",
        String(voice.wpm ?? 130),
        "-w",
        raw,
        text,
      ]);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      throw new Error(
        missing
          ? "espeak-ng is not installed: apt-get install espeak-ng (the speech tests synthesise their audio with it)"
          : `espeak-ng failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    const decoded = await decodeToWav(raw, outWav);
    return decoded.durationMs;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
