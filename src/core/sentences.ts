// Sentence spans of a text: ICU's sentence segmenter, corrected for abbreviations and initials.

export interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

const abbreviations = new Set([
  "mr",
  "mrs",
  "ms",
  "dr",
  "prof",
  "sr",
  "jr",
  "st",
  "mt",
  "ft",
  "vs",
  "etc",
  "e.g",
  "i.e",
  "cf",
  "al",
  "no",
  "nos",
  "fig",
  "figs",
  "eq",
  "ref",
  "vol",
  "pp",
  "p",
  "ch",
  "sec",
  "approx",
  "est",
  "inc",
  "ltd",
  "co",
  "corp",
  "dept",
  "univ",
  "gen",
  "gov",
  "sen",
  "rep",
  "jan",
  "feb",
  "mar",
  "apr",
  "jun",
  "jul",
  "aug",
  "sep",
  "sept",
  "oct",
  "nov",
  "dec",
  "mon",
  "tue",
  "wed",
  "thu",
  "fri",
  "sat",
  "sun",
  "a.m",
  "p.m",
  "u.s",
  "u.k",
  "e.u",
  "ph.d",
  "b.sc",
  "m.sc",
  "op",
  "ed",
  "eds",
  "min",
  "max",
  "avg",
]);

/** True when a segment ends in something that is not a sentence end: an abbreviation or an initial. */
function endsWithAbbreviation(segment: string): boolean {
  const match = /(?:^|[\s(])([A-Za-z][A-Za-z.]*)\.\s*$/.exec(segment);
  if (!match) return false;
  const word = (match[1] as string).toLowerCase();
  if (abbreviations.has(word)) return true;
  // A single capital letter followed by a period is an initial ("J. F. Kennedy").
  return /^[A-Z]$/.test(match[1] as string);
}

/**
 * A single line break inside a sentence is wrapping (PDF lines, hard-wrapped text), not an ending:
 * the sentence goes on unless the line ended with punctuation, a blank line follows, or the next
 * line starts a list item.
 */
function continuesAcrossLineBreak(previous: string, current: string): boolean {
  if (/\n[^\S\n]*\n\s*$/.test(previous)) return false;
  if (/[.!?:;。！？]["'”’)\]]*\s*$/.test(previous)) return false;
  if (/^\s*([-*+•–]|\d+[.)]|[a-z][.)])\s/.test(current)) return false;
  return /\S/.test(previous);
}

/**
 * Splits `text` into sentences and returns their spans, whitespace trimmed, in order.
 * Blank lines and list items end sentences; a line wrapped mid-sentence does not.
 */
export function sentenceSpans(text: string, offset = 0): Span[] {
  const raw: Span[] = [];
  for (const segment of segmenter.segment(text)) {
    raw.push({ start: segment.index, end: segment.index + segment.segment.length });
  }
  const merged: Span[] = [];
  for (const span of raw) {
    const previous = merged[merged.length - 1];
    if (previous) {
      const previousText = text.slice(previous.start, previous.end);
      const current = text.slice(span.start, span.end);
      const continues = /\n\s*$/.test(previousText)
        ? continuesAcrossLineBreak(previousText, current)
        : endsWithAbbreviation(previousText) || /^\s*[a-z]/.test(current);
      if (continues) {
        previous.end = span.end;
        continue;
      }
    }
    merged.push({ ...span });
  }
  const spans: Span[] = [];
  for (const span of merged) {
    let { start, end } = span;
    while (start < end && /\s/.test(text[start] as string)) start++;
    while (end > start && /\s/.test(text[end - 1] as string)) end--;
    if (end > start) spans.push({ start: start + offset, end: end + offset });
  }
  return spans;
}
