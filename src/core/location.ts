// Where a piece of text sits in its document: character span of the extracted text, plus page,
// heading path or audio time range when the source has them.

export interface Location {
  /** Offset of the first character in the document's extracted text. */
  charStart: number;
  /** Offset one past the last character in the document's extracted text. */
  charEnd: number;
  /** 1-based page number, for paginated sources (PDF). */
  page?: number;
  /** Headings enclosing the text, outermost first. */
  headingPath?: string[];
  /** Start of the spoken passage, for audio sources. */
  startMs?: number;
  /** End of the spoken passage, for audio sources. */
  endMs?: number;
  /**
   * Recordings: when each transcript segment in the span was said, as [charStart, startMs, endMs]
   * (document offsets), so a citation of part of the span gets that part's moment. Absent on citations.
   */
  timeline?: [number, number, number][];
}

/**
 * The location of `[charStart, charEnd)` inside `location`'s span: for a recording, the time range of
 * the transcript segments it overlaps, not the whole chunk's.
 */
export function narrowLocation(location: Location, charStart: number, charEnd: number): Location {
  const { timeline, ...rest } = location;
  const narrowed: Location = { ...rest, charStart, charEnd };
  if (!timeline || timeline.length === 0) return narrowed;
  let startMs: number | undefined;
  let endMs: number | undefined;
  timeline.forEach(([segmentStart, segmentStartMs, segmentEndMs], index) => {
    const segmentEnd = timeline[index + 1]?.[0] ?? location.charEnd;
    if (segmentEnd <= charStart || segmentStart >= charEnd) return;
    startMs = startMs === undefined ? segmentStartMs : Math.min(startMs, segmentStartMs);
    endMs = endMs === undefined ? segmentEndMs : Math.max(endMs, segmentEndMs);
  });
  if (startMs !== undefined && endMs !== undefined) Object.assign(narrowed, { startMs, endMs });
  return narrowed;
}
