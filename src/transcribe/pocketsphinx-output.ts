// Reads what `pocketsphinx_continuous -time yes` prints (pocketsphinx 0.8 / 5prealpha): for each
// utterance its voice-activity detector closes, a hypothesis line, then one line per word
//   `word start-seconds end-seconds posterior`, e.g. `our(3) 0.680 0.980 0.023241`
// from `<s>` to `</s>`, times from the start of the input. One utterance becomes one segment.
import type { TranscriptSegment } from "./transcriber.js";

/** Word-timing line. Dictionary words never look like numbers, so a hypothesis cannot match. */
const wordLine = /^(\S+) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/;
/** The decoder prints a word's last frame; it ends one frame (10 ms at the default -frate 100) later. */
const frameMs = 10;

interface TimedWord {
  word: string;
  startMs: number;
  endMs: number;
  posterior: number;
}

/** The word as spoken, or undefined for markers and fillers: `<s>`, `</s>`, `<sil>`, `[NOISE]`, `++UH++`. */
export function spokenWord(token: string): string | undefined {
  if (/^<.*>$/.test(token) || /^\[.*\]$/.test(token) || /^\+\+?.*\+\+?$/.test(token)) return undefined;
  // `and(2)`: the second pronunciation of "and" in the dictionary.
  const word = token.replace(/\(\d+\)$/, "");
  return word === "" ? undefined : word;
}

/**
 * Turns the decoder's stdout, line by line, into segments. Holds only the current utterance's
 * words, so memory stays small however long the recording.
 */
export function createUtteranceReader(onSegment: (segment: TranscriptSegment) => void) {
  let words: TimedWord[] = [];
  let lastEndMs = 0;

  const flush = () => {
    const first = words[0];
    const last = words.at(-1);
    if (first && last) {
      const posteriors = words.map((word) => word.posterior).filter(Number.isFinite);
      const segment: TranscriptSegment = {
        startMs: first.startMs,
        endMs: last.endMs,
        text: words.map((word) => word.word).join(" "),
      };
      if (posteriors.length > 0) {
        segment.confidence = posteriors.reduce((sum, value) => sum + value, 0) / posteriors.length;
      }
      onSegment(segment);
    }
    words = [];
  };

  return {
    line(text: string): void {
      const match = wordLine.exec(text.trim());
      if (!match) {
        // A hypothesis line opens the next utterance.
        flush();
        return;
      }
      const [, token = "", start = "0", end = "0", posterior = "NaN"] = match;
      if (token === "</s>") {
        flush();
        return;
      }
      const word = spokenWord(token);
      if (!word) return;
      // Times only move forward, even if the decoder's own order wobbles.
      const startMs = Math.max(lastEndMs, Math.round(Number(start) * 1000));
      const endMs = Math.max(startMs, Math.round(Number(end) * 1000) + frameMs);
      lastEndMs = endMs;
      words.push({ word, startMs, endMs, posterior: Number(posterior) });
    },
    /** Call once stdout has ended: an utterance cut off by the end of the file still counts. */
    end(): void {
      flush();
    },
    /** End of the last word read, for progress. */
    get processedMs(): number {
      return lastEndMs;
    },
  };
}
