// Where to cut a recording too large for one request: at the silence nearest each size limit, so
// no word is cut in two, or exactly at the limit when there is no silence to use.

export interface SampleRange {
  start: number;
  end: number;
}

export interface PiecePlanInput {
  /** Length of the recording, in sample frames. */
  totalSamples: number;
  /** Longest piece allowed, in sample frames. */
  maxPieceSamples: number;
  /** Silences in sample frames, in time order. */
  silences: readonly SampleRange[];
}

/**
 * Consecutive ranges covering [0, totalSamples), each at most `maxPieceSamples` long. A cut goes at
 * the middle of the latest silence before the limit (clipped to the limit); silences in the first
 * quarter of a piece are ignored so pieces stay reasonably full, and then the cut is hard.
 */
export function planPieces(input: PiecePlanInput): SampleRange[] {
  const { totalSamples, maxPieceSamples, silences } = input;
  if (!(maxPieceSamples >= 1))
    throw new RangeError(`maxPieceSamples must be at least 1, got ${maxPieceSamples}`);
  const pieces: SampleRange[] = [];
  let start = 0;
  while (totalSamples - start > maxPieceSamples) {
    const limit = start + maxPieceSamples;
    const earliest = start + Math.ceil(maxPieceSamples / 4);
    let cut = limit;
    let best: number | undefined;
    for (const silence of silences) {
      if (silence.start >= limit) break;
      const candidate = Math.min(Math.floor((silence.start + silence.end) / 2), limit);
      if (candidate > earliest && (best === undefined || candidate > best)) best = candidate;
    }
    if (best !== undefined) cut = best;
    pieces.push({ start, end: cut });
    start = cut;
  }
  if (totalSamples > start || pieces.length === 0) pieces.push({ start, end: totalSamples });
  return pieces;
}
