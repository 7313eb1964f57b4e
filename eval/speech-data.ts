// A folder of recordings with their reference transcripts: `talk.flac` is scored against `talk.txt`
// beside it, at any depth. Recordings without a reference are listed, not scored.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { extname, join, relative } from "node:path";
import { VerityError } from "../src/core/errors.js";
import { audioExtensions as ingestedAudio } from "../src/ingest/loaders/audio-loader.js";

/** The recordings Verity ingests (src/ingest/loaders/audio-loader.ts). */
export const audioExtensions: ReadonlySet<string> = new Set(ingestedAudio);

export interface SpeechClip {
  /** Path relative to the folder, for reports. */
  name: string;
  audioPath: string;
  reference: string;
}

export interface SpeechData {
  clips: SpeechClip[];
  /** Recordings (relative paths) that have no same-named `.txt`. */
  withoutReference: string[];
}

export function readSpeechData(folder: string): SpeechData {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new VerityError(
      "E_NOT_FOUND",
      `${folder} is not a folder of recordings with same-named .txt references`,
    );
  }
  const clips: SpeechClip[] = [];
  const withoutReference: string[] = [];
  const files = readdirSync(folder, { recursive: true, encoding: "utf8" }).sort();
  for (const file of files) {
    const extension = extname(file);
    if (!audioExtensions.has(extension.toLowerCase())) continue;
    const audioPath = join(folder, file);
    if (!statSync(audioPath).isFile()) continue;
    const referencePath = `${audioPath.slice(0, -extension.length)}.txt`;
    if (!existsSync(referencePath)) {
      withoutReference.push(relative(folder, audioPath));
      continue;
    }
    clips.push({
      name: relative(folder, audioPath),
      audioPath,
      reference: readFileSync(referencePath, "utf8").trim(),
    });
  }
  return { clips, withoutReference };
}
