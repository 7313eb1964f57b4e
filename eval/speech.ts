// Speech recognition quality and speed on any folder of recordings with same-named .txt references:
// word error rate (normalised as in speech-metrics.ts), its substitutions/deletions/insertions, and the
// real-time factor, for every engine available here.
//   npm run eval:speech -- [--data ../shared/data/speech] [--engines pocketsphinx,openai-compatible,whisper-cpp]
//     [--endpoint http://127.0.0.1:8000/v1 --model whisper-1 --api-key-env GROQ_API_KEY]
//     [--whisper-model ggml-base.en.bin --threads 4] [--write]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { markdownTable, sharedData, writeSection } from "../bench/report.js";
import { isVerityError } from "../src/core/errors.js";
import { decodeToWav } from "../src/transcribe/ffmpeg.js";
import { createOpenAiCompatibleTranscriber } from "../src/transcribe/openai-compatible.js";
import { createPocketsphinxTranscriber } from "../src/transcribe/pocketsphinx.js";
import type { Transcriber } from "../src/transcribe/transcriber.js";
import { createWhisperCppTranscriber } from "../src/transcribe/whisper-cpp.js";
import { readSpeechData } from "./speech-data.js";
import { sumWordErrors, type WordErrors, wordErrors } from "./speech-metrics.js";

const { values } = parseArgs({
  options: {
    data: { type: "string", default: sharedData("speech") },
    engines: { type: "string" },
    endpoint: { type: "string" },
    model: { type: "string", default: "whisper-1" },
    "api-key-env": { type: "string" },
    "whisper-model": { type: "string" },
    threads: { type: "string" },
    write: { type: "boolean", default: false },
  },
});
const folder = resolve(values.data);
const shown = (path: string) => path.replace(/^.*\/shared\//, "../shared/");
const wanted = values.engines?.split(",").map((name) => name.trim());
const engines: Transcriber[] = [];
const skipped: string[] = [];
const consider = (name: string, make: () => Transcriber | undefined, why: string) => {
  if (wanted && !wanted.includes(name)) return;
  const transcriber = make();
  if (transcriber) engines.push(transcriber);
  else skipped.push(`${name}: ${why}`);
};
consider("pocketsphinx", () => createPocketsphinxTranscriber(), "");
consider(
  "openai-compatible",
  () =>
    values.endpoint
      ? createOpenAiCompatibleTranscriber({
          baseUrl: values.endpoint,
          model: values.model,
          ...(values["api-key-env"] ? { apiKeyEnv: values["api-key-env"] } : {}),
        })
      : undefined,
  "needs `--endpoint <url>`",
);
consider(
  "whisper-cpp",
  () =>
    values["whisper-model"]
      ? createWhisperCppTranscriber({
          modelPath: values["whisper-model"],
          ...(values.threads ? { threads: Number(values.threads) } : {}),
        })
      : undefined,
  "needs `--whisper-model <ggml file>`",
);

interface Row {
  engine: string;
  clip: string;
  errors: WordErrors;
  audioSeconds: number;
  seconds: number;
}

const data = readSpeechData(folder);
const dir = mkdtempSync(join(tmpdir(), "verity-eval-speech-"));
const rows: Row[] = [];
const unavailable = new Set<string>();
try {
  for (const [index, clip] of data.clips.entries()) {
    const wavPath = join(dir, `${index}.wav`);
    const decoded = await decodeToWav(clip.audioPath, wavPath);
    for (const engine of engines) {
      if (unavailable.has(engine.id)) continue;
      const started = performance.now();
      try {
        const transcript = await engine.transcribe(wavPath);
        const seconds = (performance.now() - started) / 1000;
        const heard = transcript.segments.map((segment) => segment.text).join(" ");
        rows.push({
          engine: engine.id,
          clip: clip.name,
          errors: wordErrors(clip.reference, heard),
          audioSeconds: decoded.durationMs / 1000,
          seconds,
        });
        console.error(`${engine.id} ${clip.name}: ${heard}`);
      } catch (error) {
        if (!isVerityError(error) || (error.code !== "E_MISSING_TOOL" && error.code !== "E_CONFIG"))
          throw error;
        unavailable.add(engine.id);
        skipped.push(`${engine.id}: ${error.message}`);
      }
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;
const line = (engine: string, clip: string, errors: WordErrors, audioSeconds: number, seconds: number) => [
  engine,
  clip,
  errors.referenceWords,
  errors.substitutions,
  errors.deletions,
  errors.insertions,
  percent(errors.wer),
  audioSeconds.toFixed(1),
  seconds.toFixed(2),
  (seconds / audioSeconds).toFixed(2),
];
const tableRows: (string | number)[][] = [];
const totals = new Map<string, WordErrors>();
for (const engine of engines) {
  const mine = rows.filter((row) => row.engine === engine.id);
  if (mine.length === 0) continue;
  for (const row of mine)
    tableRows.push(line(row.engine, row.clip, row.errors, row.audioSeconds, row.seconds));
  const total = sumWordErrors(mine.map((row) => row.errors));
  totals.set(engine.id, total);
  const audio = mine.reduce((sum, row) => sum + row.audioSeconds, 0);
  const seconds = mine.reduce((sum, row) => sum + row.seconds, 0);
  tableRows.push(line(`**${engine.id}**`, `**all ${mine.length} clips**`, total, audio, seconds));
}
const table = markdownTable(
  ["engine", "clip", "words", "subs", "dels", "ins", "WER", "audio s", "processing s", "real-time factor"],
  tableRows,
);
console.log(table);
for (const note of skipped) console.log(`skipped ${note}`);
if (data.withoutReference.length > 0) console.log(`no reference .txt: ${data.withoutReference.join(", ")}`);

if (values.write) {
  const published = markdownTable(
    ["system", "LibriSpeech test-clean WER (published)"],
    [
      ["Whisper tiny.en", "5.6%"],
      ["Whisper base.en", "4.2%"],
      ["Whisper small.en", "3.1%"],
      ["Whisper large-v3", "about 2.0%"],
      ["PocketSphinx", "31.8%"],
    ],
  );
  const fallback = totals.get("pocketsphinx");
  const cost = fallback
    ? `With nothing configured Verity transcribes with pocketsphinx, and it got ${fallback.errors} of ${fallback.referenceWords} words wrong here (${percent(fallback.wer)}); the published figure is about one word in three, against one in 24 for Whisper base.en. That is enough to find which recording talks about something, not to quote it: listen to the cited moment before relying on a pocketsphinx transcript, or configure an OpenAI-compatible endpoint or a whisper.cpp model for accurate ones.`
    : "pocketsphinx was not available on this machine.";
  writeSection(
    "speech",
    "Speech recognition: word error rate",
    `npm run eval:speech -- --data ${shown(folder)}${values.engines ? ` --engines ${values.engines}` : ""} --write`,
    [
      table,
      "",
      `Word error rate after the same normalisation of reference and transcript (lower case, punctuation removed, contractions expanded, numbers written as spoken; \`eval/speech-metrics.ts\`). Processing time is the transcriber's alone (decoding to 16 kHz WAV excluded) and, for pocketsphinx, includes loading its model for each file, about a second; real-time factor is processing time over audio time. ${data.clips.length} clips are too few for a precise rate; they show the order of magnitude.`,
      "",
      published,
      "",
      `Published figures from \`../shared/ANCHORS.md\`. ${cost}`,
      ...(skipped.length > 0 ? ["", `Not measured here: ${skipped.join("; ")}.`] : []),
    ].join("\n"),
  );
}
