// The offline fallback that needs nothing configured: CMU PocketSphinx's command-line decoder
// (Debian's pocketsphinx 0.8) as a child process. Its accuracy is far below Whisper's (31.8% word error
// rate on LibriSpeech test-clean against Whisper base.en's 4.2%), so its transcripts say lowAccuracy.
import { spawn } from "node:child_process";
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { VerityError } from "../core/errors.js";
import { createUtteranceReader } from "./pocketsphinx-output.js";
import type { TranscribeOptions, Transcriber, Transcript, TranscriptSegment } from "./transcriber.js";
import { cutWavSamples, readWavInfo, type WavInfo, wavHeaderBytes } from "./wav.js";

export interface PocketsphinxTranscriberOptions {
  /** The decoder. Default: `VERITY_POCKETSPHINX`, else `pocketsphinx_continuous` on the PATH. */
  binary?: string;
  /** Acoustic model folder. Default: Debian's `/usr/share/pocketsphinx/model/en-us/en-us`. */
  hmm?: string;
  /** Language model. Default: Debian's `/usr/share/pocketsphinx/model/en-us/en-us.lm.bin`. */
  lm?: string;
  /** Pronunciation dictionary. Default: Debian's `/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict`. */
  dict?: string;
  /** Kill the decoder and fail with E_PROVIDER_TIMEOUT after this long. Default: no limit. */
  timeoutMs?: number;
}

const debianModelDir = "/usr/share/pocketsphinx/model/en-us";
export const pocketsphinxDefaults = {
  binary: "pocketsphinx_continuous",
  hmm: `${debianModelDir}/en-us`,
  lm: `${debianModelDir}/en-us.lm.bin`,
  dict: `${debianModelDir}/cmudict-en-us.dict`,
} as const;

/** The decoder to run: `binary`, else `VERITY_POCKETSPHINX`, else `pocketsphinx_continuous` on the PATH. */
export function pocketsphinxBinary(options: { binary?: string } = {}): string {
  return options.binary ?? process.env.VERITY_POCKETSPHINX ?? pocketsphinxDefaults.binary;
}

const installHint =
  "install it (Debian/Ubuntu: apt-get install pocketsphinx pocketsphinx-en-us), " +
  "or pass binary/hmm/lm/dict, or VERITY_POCKETSPHINX for the binary";
const keptStderrLines = 8;

export function createPocketsphinxTranscriber(options: PocketsphinxTranscriberOptions = {}): Transcriber {
  const model = {
    hmm: options.hmm ?? pocketsphinxDefaults.hmm,
    lm: options.lm ?? pocketsphinxDefaults.lm,
    dict: options.dict ?? pocketsphinxDefaults.dict,
  };
  const usesDefaultModel =
    options.hmm === undefined && options.lm === undefined && options.dict === undefined;

  return {
    id: "pocketsphinx",
    async transcribe(wavPath, transcribeOptions = {}) {
      transcribeOptions.signal?.throwIfAborted();
      const language = transcribeOptions.language?.toLowerCase();
      if (usesDefaultModel && language && !language.startsWith("en")) {
        throw new VerityError(
          "E_CONFIG",
          `pocketsphinx's default model is US English and cannot transcribe "${transcribeOptions.language}": pass hmm, lm and dict for that language, or use another engine`,
        );
      }
      await assertModel(model);
      const wav = await readWavInfo(wavPath);
      assertDecoderFormat(wav, wavPath);
      const segments: TranscriptSegment[] = [];
      if (wav.samples > 0) {
        await withDecoderInput(wav, wavPath, (inputPath) =>
          runDecoder({
            binary: pocketsphinxBinary(options),
            model,
            wavPath,
            inputPath,
            totalMs: wav.durationMs,
            timeoutMs: options.timeoutMs,
            transcribeOptions,
            onSegment: (segment) => {
              segment.startMs = Math.min(segment.startMs, wav.durationMs);
              segment.endMs = Math.min(segment.endMs, wav.durationMs);
              segments.push(segment);
            },
          }),
        );
      }
      transcribeOptions.onProgress?.({ processedMs: wav.durationMs, totalMs: wav.durationMs });
      const transcript: Transcript = {
        engine: "pocketsphinx",
        durationMs: wav.durationMs,
        segments,
        lowAccuracy: true,
      };
      if (usesDefaultModel) transcript.language = "en";
      return transcript;
    },
  };
}

async function assertModel(model: { hmm: string; lm: string; dict: string }): Promise<void> {
  for (const [flag, path] of Object.entries(model)) {
    try {
      await access(path);
    } catch (error) {
      throw new VerityError(
        "E_MISSING_TOOL",
        `pocketsphinx's model is missing (-${flag} ${path}): ${installHint}`,
        {
          cause: error,
        },
      );
    }
  }
}

function assertDecoderFormat(wav: WavInfo, wavPath: string): void {
  if (wav.sampleRate === 16_000 && wav.channels === 1 && wav.bitsPerSample === 16) return;
  throw new VerityError(
    "E_INVALID_INPUT",
    `${wavPath} is ${wav.sampleRate} Hz, ${wav.channels} channel(s), ${wav.bitsPerSample}-bit; pocketsphinx needs 16 kHz mono 16-bit PCM (decode it with decodeToWav first)`,
  );
}

/**
 * The decoder skips exactly 44 header bytes, and only for names ending in `.wav`; anything else is read
 * as samples. A WAV laid out otherwise (extra chunks, another name) is first copied, streamed, into a
 * canonical one.
 */
async function withDecoderInput<T>(wav: WavInfo, wavPath: string, use: (inputPath: string) => Promise<T>) {
  if (wav.dataOffset === wavHeaderBytes && wavPath.endsWith(".wav")) return use(wavPath);
  const dir = await mkdtemp(join(tmpdir(), "verity-pocketsphinx-"));
  try {
    const copy = join(dir, "audio.wav");
    await cutWavSamples(wav, wavPath, 0, wav.samples, copy);
    return await use(copy);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface DecoderRun {
  binary: string;
  model: { hmm: string; lm: string; dict: string };
  /** The caller's file, for messages. */
  wavPath: string;
  inputPath: string;
  totalMs: number;
  timeoutMs: number | undefined;
  transcribeOptions: TranscribeOptions;
  onSegment: (segment: TranscriptSegment) => void;
}

/** Runs the decoder over the file, reading its stdout line by line as it goes. */
function runDecoder(run: DecoderRun): Promise<void> {
  const { signal, onProgress } = run.transcribeOptions;
  const totalMs = run.totalMs;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const child = spawn(
      run.binary,
      [
        "-infile",
        run.inputPath,
        "-time",
        "yes",
        "-hmm",
        run.model.hmm,
        "-lm",
        run.model.lm,
        "-dict",
        run.model.dict,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    const onAbort = () => {
      child.kill("SIGKILL");
      finish(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const timer =
      run.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill("SIGKILL");
            finish(
              new VerityError(
                "E_PROVIDER_TIMEOUT",
                `pocketsphinx did not finish ${run.wavPath} within ${run.timeoutMs} ms; raise timeoutMs for long recordings`,
              ),
            );
          }, run.timeoutMs);

    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "EACCES") {
        finish(
          new VerityError(
            "E_MISSING_TOOL",
            `pocketsphinx is not installed or not executable (looked for "${run.binary}"): ${installHint}`,
            { cause: error },
          ),
        );
      } else {
        finish(error);
      }
    });

    const reader = createUtteranceReader((segment) => {
      run.onSegment(segment);
      onProgress?.({ processedMs: Math.min(reader.processedMs, totalMs), totalMs });
    });
    const stdout = createInterface({ input: child.stdout, crlfDelay: Number.POSITIVE_INFINITY });
    stdout.on("line", reader.line);
    const stdoutClosed = new Promise<void>((done) => stdout.once("close", done));

    // pocketsphinx logs a few INFO lines per utterance; only the last problems are kept for the message.
    const problems: string[] = [];
    createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
      if (!/^(ERROR|FATAL|SYSTEM_ERROR)/.test(line)) return;
      problems.push(line.trim());
      if (problems.length > keptStderrLines) problems.shift();
    });

    child.on("close", (exitCode, killedBy) => {
      stdoutClosed.then(() => {
        if (exitCode === 0) {
          reader.end();
          finish();
          return;
        }
        const why = problems.length > 0 ? problems.join("; ") : `no message; exit ${exitCode ?? killedBy}`;
        finish(
          new VerityError(
            "E_PROVIDER_RESPONSE",
            `pocketsphinx failed on ${run.wavPath} (exit ${exitCode ?? killedBy}): ${why}`,
          ),
        );
      }, finish);
    });
  });
}
