import { copyFile, readFile, stat, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { isVerityError } from "../core/errors.js";
import { ffmpeg, jfkFlac, librispeechWav, makeTempFolder, type TempFolder } from "./audio-test-support.js";
import { type DecodedAudio, decodeToWav, detectSilences, probeAudio } from "./ffmpeg.js";
import type { TranscribeProgress } from "./transcriber.js";
import { readWavInfo } from "./wav.js";

let folder: TempFolder;
beforeAll(async () => {
  folder = await makeTempFolder();
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await folder.remove();
});

interface Media {
  /** A 1 s video without an audio track. */
  silentVideo: string;
  /** The first 2 KB of the JFK FLAC. */
  truncated: string;
  /** JFK as 44.1 kHz stereo FLAC, as the original in the Whisper tests is. */
  jfkStereo: string;
  /** `jfkStereo` decoded once, with the progress reported on the way. */
  decodedJfk: { path: string; result: DecodedAudio; progress: TranscribeProgress[] };
}

let media: Promise<Media> | undefined;
/** Made with ffmpeg on first use, once for every test that needs it. */
function sharedMedia(): Promise<Media> {
  media ??= makeMedia();
  return media;
}

async function makeMedia(): Promise<Media> {
  const made: Media = {
    silentVideo: folder.file("silent-video.mp4"),
    truncated: folder.file("truncated.flac"),
    jfkStereo: folder.file("jfk-44k-stereo.flac"),
    decodedJfk: { path: folder.file("jfk.wav"), result: { durationMs: 0, warnings: [] }, progress: [] },
  };
  const { progress } = made.decodedJfk;
  await Promise.all([
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=5:duration=1", "-c:v", "mpeg4", made.silentVideo),
    readFile(jfkFlac).then((bytes) => writeFile(made.truncated, bytes.subarray(0, 2048))),
    ffmpeg("-i", jfkFlac, "-ar", "44100", "-ac", "2", "-c:a", "flac", made.jfkStereo),
  ]);
  made.decodedJfk.result = await decodeToWav(made.jfkStereo, made.decodedJfk.path, {
    onProgress: (step) => progress.push(step),
  });
  return made;
}

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isVerityError(error)) throw new Error(`expected a VerityError, got ${String(error)}`);
  return error;
}

describe.concurrent("probeAudio", () => {
  it("reads the duration, codec and container of a real recording", { tags: ["ffmpeg"] }, async () => {
    const probed = await probeAudio(jfkFlac);
    expect(probed).toMatchObject({ hasAudio: true, codec: "flac", container: "flac" });
    expect(probed.durationMs).toBeGreaterThan(10_900);
    expect(probed.durationMs).toBeLessThan(11_100);
  });

  it("says a video without an audio track has no audio", { tags: ["ffmpeg"] }, async () => {
    const { silentVideo } = await sharedMedia();
    expect(await probeAudio(silentVideo)).toMatchObject({ hasAudio: false });
  });

  it("calls a truncated file corrupt, naming it and quoting ffprobe", { tags: ["ffmpeg"] }, async () => {
    const { truncated } = await sharedMedia();
    const error = await errorOf(probeAudio(truncated));
    expect(error.code).toBe("E_CORRUPT");
    expect(error.message).toContain(truncated);
    expect(error.message).toMatch(/ffprobe says "[^"]+"/);
  });

  it("calls a missing file unreadable, not corrupt", async () => {
    const error = await errorOf(probeAudio(folder.file("absent.flac")));
    expect(error.code).toBe("E_UNREADABLE");
  });

  it("reads a file whose name looks like an ffmpeg protocol as a plain file", {
    tags: ["ffmpeg"],
  }, async () => {
    const odd = folder.file("concat:odd.flac");
    await copyFile(jfkFlac, odd);
    expect(await probeAudio(odd)).toMatchObject({ hasAudio: true, codec: "flac" });
  });
});

describe.concurrent("decodeToWav", () => {
  it("turns 44.1 kHz stereo FLAC into 16 kHz mono 16-bit WAV with a plain header", {
    tags: ["ffmpeg"],
  }, async () => {
    const { decodedJfk } = await sharedMedia();
    const info = await readWavInfo(decodedJfk.path);
    expect(info).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16, dataOffset: 44 });
    expect(info.samples).toBe(11 * 16_000);
    expect(decodedJfk.result).toEqual({ durationMs: 11_000, warnings: [] });
  });

  it("decodes LibriSpeech WAV to the same format", { tags: ["ffmpeg"] }, async () => {
    const out = folder.file("librispeech.wav");
    const decoded = await decodeToWav(librispeechWav, out);
    expect(await readWavInfo(out)).toMatchObject({ sampleRate: 16_000, channels: 1, bitsPerSample: 16 });
    expect(decoded.durationMs).toBeCloseTo((await readWavInfo(librispeechWav)).durationMs, -1);
  });

  it("reports progress up to the whole duration", { tags: ["ffmpeg"] }, async () => {
    const { progress } = (await sharedMedia()).decodedJfk;
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toEqual({ processedMs: 11_000, totalMs: 11_000 });
    const processed = progress.map((step) => step.processedMs);
    expect(processed).toEqual([...processed].sort((left, right) => left - right));
  });

  it("takes the audio track out of an mp4 and a webm video", { tags: ["ffmpeg"] }, async () => {
    const sources = ["-f", "lavfi", "-i", "testsrc=size=32x32:rate=5:duration=1"];
    const tone = ["-f", "lavfi", "-i", "sine=frequency=440:duration=1", "-shortest"];
    const mp4 = folder.file("with-audio.mp4");
    const webm = folder.file("with-audio.webm");
    await Promise.all([
      ffmpeg(...sources, ...tone, "-c:v", "mpeg4", "-c:a", "aac", mp4),
      ffmpeg(...sources, ...tone, "-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus", webm),
    ]);
    const decoded = await Promise.all([
      decodeToWav(mp4, folder.file("mp4-track.wav")),
      decodeToWav(webm, folder.file("webm-track.wav")),
    ]);
    for (const { durationMs } of decoded) {
      expect(durationMs).toBeGreaterThan(900);
      expect(durationMs).toBeLessThan(1_100);
    }
  });

  it("refuses a video without an audio track as empty", { tags: ["ffmpeg"] }, async () => {
    const { silentVideo } = await sharedMedia();
    const out = folder.file("no-audio.wav");
    const error = await errorOf(decodeToWav(silentVideo, out));
    expect(error.code).toBe("E_EMPTY");
    expect(error.message).toBe(`${silentVideo} has no audio track`);
    await expect(stat(out)).rejects.toThrow();
  });

  it("decodes what survives of a file cut in half and warns that it looks truncated", {
    tags: ["ffmpeg"],
  }, async () => {
    const half = folder.file("half.flac");
    const whole = await readFile(jfkFlac);
    await writeFile(half, whole.subarray(0, whole.length / 2));
    const decoded = await decodeToWav(half, folder.file("half.wav"));
    expect(decoded.durationMs).toBeLessThan(9_000);
    expect(decoded.warnings.at(-1)).toMatch(
      /^decoded \d+\.\d s of the 11\.0 s the file declares: it looks truncated$/,
    );
  });

  it("refuses a truncated file as corrupt", { tags: ["ffmpeg"] }, async () => {
    const { truncated } = await sharedMedia();
    const error = await errorOf(decodeToWav(truncated, folder.file("cut-short.wav")));
    expect(error.code).toBe("E_CORRUPT");
    expect(error.message).toContain(truncated);
  });

  it("stops when its signal aborts and leaves no output behind", async () => {
    const out = folder.file("aborted.wav");
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(decodeToWav(jfkFlac, out, { signal: controller.signal })).rejects.toThrow("stop");
    await expect(stat(out)).rejects.toThrow();
  });
});

describe("a missing ffmpeg or ffprobe", () => {
  it("is E_MISSING_TOOL with how to install it, for a configured path", async () => {
    const error = await errorOf(probeAudio(jfkFlac, { ffprobePath: "/nonexistent/ffprobe" }));
    expect(error.code).toBe("E_MISSING_TOOL");
    expect(error.message).toContain("/nonexistent/ffprobe");
    expect(error.message).toContain("apt-get install ffmpeg");
    expect(error.message).toContain("brew install ffmpeg");
  });

  it("is E_MISSING_TOOL for a path from VERITY_FFMPEG", { tags: ["ffmpeg"] }, async () => {
    vi.stubEnv("VERITY_FFMPEG", "/nonexistent/ffmpeg");
    try {
      const error = await errorOf(decodeToWav(jfkFlac, folder.file("never.wav")));
      expect(error.code).toBe("E_MISSING_TOOL");
      expect(error.message).toMatch(
        /^ffmpeg is not installed.*\/nonexistent\/ffmpeg.*apt-get install ffmpeg/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe.concurrent("detectSilences", { tags: ["ffmpeg"] }, () => {
  it("finds the silences between tones", async () => {
    const wav = folder.file("tone-silence-tone.wav");
    await ffmpeg(
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=2"],
      ...["-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=1"],
      ...["-f", "lavfi", "-i", "sine=frequency=660:sample_rate=16000:duration=2"],
      ...["-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=0.3"],
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1"],
      ...["-filter_complex", "[0][1][2][3][4]concat=n=5:v=0:a=1", "-ac", "1", "-c:a", "pcm_s16le", wav],
    );
    const silences = await detectSilences(wav);
    // The 0.3 s gap is shorter than the default 400 ms minimum.
    expect(silences).toHaveLength(1);
    expect(silences[0]?.startMs).toBeCloseTo(2_000, -2);
    expect(silences[0]?.endMs).toBeCloseTo(3_000, -2);
    expect(await detectSilences(wav, { minSilenceMs: 200 })).toHaveLength(2);
  });

  it("closes a silence that runs to the end of the file", async () => {
    const wav = folder.file("tone-then-silence.wav");
    await ffmpeg(
      ...["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=16000:duration=1"],
      ...["-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=1"],
      ...["-filter_complex", "[0][1]concat=n=2:v=0:a=1", "-ac", "1", "-c:a", "pcm_s16le", wav],
    );
    const silences = await detectSilences(wav);
    expect(silences).toHaveLength(1);
    expect(silences[0]?.startMs).toBeCloseTo(1_000, -2);
    expect(silences[0]?.endMs).toBe(2_000);
  });
});
