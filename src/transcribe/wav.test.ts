import { readFile, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempFolder, type TempFolder } from "./audio-test-support.js";
import { cutWav, readWavInfo, wavHeader } from "./wav.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await makeTempFolder();
});
afterAll(() => folder.remove());

/** A 16 kHz mono WAV whose sample n has the value n (mod 32768), behind an extra LIST chunk. */
async function writeRamp(path: string, samples: number): Promise<void> {
  const data = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) data.writeInt16LE(index % 32_768, index * 2);
  const format = { sampleRate: 16_000, channels: 1, bitsPerSample: 16, blockAlign: 2 };
  const canonical = wavHeader(format, data.length);
  const list = Buffer.concat([Buffer.from("LIST"), Buffer.from([5, 0, 0, 0]), Buffer.from("INFOx\0")]);
  // RIFF + fmt, then LIST (odd size, padded), then data.
  await writeFile(path, Buffer.concat([canonical.subarray(0, 36), list, canonical.subarray(36), data]));
}

describe("readWavInfo", () => {
  it("finds the data chunk behind other chunks", async () => {
    const path = folder.file("ramp.wav");
    await writeRamp(path, 16_000);
    expect(await readWavInfo(path)).toMatchObject({
      sampleRate: 16_000,
      channels: 1,
      bitsPerSample: 16,
      dataOffset: 36 + 14 + 8,
      samples: 16_000,
      durationMs: 1_000,
    });
  });

  it("calls a file that is not a WAV corrupt", async () => {
    const path = folder.file("not.wav");
    await writeFile(path, "just some text, not audio");
    await expect(readWavInfo(path)).rejects.toMatchObject({ code: "E_CORRUPT" });
  });
});

describe("cutWav", () => {
  it("copies exactly the samples between two times into a plain WAV", async () => {
    const source = folder.file("ramp-cut.wav");
    const out = folder.file("piece.wav");
    await writeRamp(source, 32_000);
    const piece = await cutWav(source, 250, 1_000.03, out);
    expect(piece).toEqual({ startMs: 250, endMs: 1_000, startSample: 4_000, endSample: 16_000 });
    const bytes = await readFile(out);
    expect(await readWavInfo(out)).toMatchObject({ dataOffset: 44, samples: 12_000 });
    expect(bytes.readInt16LE(44)).toBe(4_000);
    expect(bytes.readInt16LE(bytes.length - 2)).toBe(15_999);
  });

  it("clamps times outside the recording", async () => {
    const source = folder.file("ramp-clamp.wav");
    await writeRamp(source, 1_600);
    const piece = await cutWav(source, -50, 10_000, folder.file("clamped.wav"));
    expect(piece).toMatchObject({ startSample: 0, endSample: 1_600, endMs: 100 });
  });
});
