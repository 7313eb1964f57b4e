import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readSpeechData } from "./speech-data.js";

const folder = mkdtempSync(join(tmpdir(), "verity-speech-data-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("speech data folder", () => {
  it("pairs each recording with the same-named .txt at any depth and lists the rest", () => {
    mkdirSync(join(folder, "calls", "march"), { recursive: true });
    writeFileSync(join(folder, "jfk.flac"), "");
    writeFileSync(join(folder, "jfk.txt"), "Ask not.\n");
    writeFileSync(join(folder, "jfk_16k_mono.wav"), "");
    writeFileSync(join(folder, "calls", "march", "call.MP3"), "");
    writeFileSync(join(folder, "calls", "march", "call.txt"), "hello");
    writeFileSync(join(folder, "notes.txt"), "not a reference: no recording");

    const data = readSpeechData(folder);
    expect(data.clips.map(({ name, reference }) => ({ name, reference }))).toEqual([
      { name: join("calls", "march", "call.MP3"), reference: "hello" },
      { name: "jfk.flac", reference: "Ask not." },
    ]);
    expect(data.withoutReference).toEqual(["jfk_16k_mono.wav"]);
  });

  it("says what it expected when the folder does not exist", () => {
    expect(() => readSpeechData(join(folder, "missing"))).toThrow(/same-named \.txt references/);
  });
});
