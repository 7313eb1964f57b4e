import { describe, expect, it } from "vitest";
import { createUtteranceReader, spokenWord } from "./pocketsphinx-output.js";
import type { TranscriptSegment } from "./transcriber.js";

// What pocketsphinx_continuous 0.8 printed for the first seconds of the JFK clip, `[NOISE]` added.
const printed = `and then our my ah i
<s> 0.000 0.040 0.999100
and 0.050 0.160 0.017633
then 0.170 0.670 0.030755
our(3) 0.680 0.980 0.023241
my 0.990 1.280 0.979510
ah 1.290 1.510 0.309271
i 1.520 2.410 0.486468
</s> 2.420 2.440 1.000000
and not
<s> 3.170 3.280 0.999500
and(2) 3.290 3.820 0.980392
<sil> 3.830 3.980 0.870475
[NOISE] 3.990 4.100 0.500000
not 4.110 4.300 0.780572
</s> 4.310 4.760 1.000000

<s> 5.300 5.380 0.999900
<sil> 5.390 5.600 0.999900
</s> 5.610 5.850 1.000000`;

function read(text: string): TranscriptSegment[] {
  const segments: TranscriptSegment[] = [];
  const reader = createUtteranceReader((segment) => segments.push(segment));
  for (const line of text.split("\n")) reader.line(line);
  reader.end();
  return segments;
}

describe("pocketsphinx output", () => {
  it("makes one segment per utterance, with the words' times in milliseconds", () => {
    const segments = read(printed);
    expect(segments.map((segment) => segment.text)).toEqual(["and then our my ah i", "and not"]);
    expect(segments[0]).toMatchObject({ startMs: 50, endMs: 2420 });
    expect(segments[1]).toMatchObject({ startMs: 3290, endMs: 4310 });
  });

  it("averages the word posteriors into the segment's confidence", () => {
    const [, second] = read(printed);
    expect(second?.confidence).toBeCloseTo((0.980392 + 0.780572) / 2, 6);
  });

  it("drops sentence markers, silences, fillers and pronunciation numbers", () => {
    expect(spokenWord("<s>")).toBeUndefined();
    expect(spokenWord("</s>")).toBeUndefined();
    expect(spokenWord("<sil>")).toBeUndefined();
    expect(spokenWord("[NOISE]")).toBeUndefined();
    expect(spokenWord("[SPEECH]")).toBeUndefined();
    expect(spokenWord("++UH++")).toBeUndefined();
    expect(spokenWord("our(3)")).toBe("our");
    expect(spokenWord("don't")).toBe("don't");
  });

  it("makes no segment of an utterance holding only silence", () => {
    expect(read("\n<s> 0.000 0.500 0.9\n<sil> 0.510 0.900 0.9\n</s> 0.910 1.000 1.0")).toEqual([]);
  });

  it("keeps the words of an utterance cut off by the end of the output", () => {
    expect(read("hello there\n<s> 0.000 0.100 0.9\nhello 0.110 0.400 0.5\nthere 0.410 0.700 0.5")).toEqual([
      { startMs: 110, endMs: 710, text: "hello there", confidence: 0.5 },
    ]);
  });
});
