// Sentence spans of a text: ICU's sentence segmenter, corrected for abbreviations and initials, in time
// linear in the text's length.

export interface Span {
  start: number;
  end: number;
}

const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });

/**
 * Characters handed to ICU at a time. V8's segment iterator costs time proportional to its whole input
 * on every step, so segmenting one long paragraph at once is quadratic (a 1.3 MB log took 46 s); in
 * windows of this size the cost per character stays constant.
 */
const windowChars = 4 * 1024;
/**
 * Boundaries this close to a window's end are not trusted: ICU decides some of them by looking ahead
 * (past "etc. 5" for a lower-case word), and the window may have cut that text off. They are found
 * again from the next window, which starts at the last trusted boundary.
 */
const windowMarginChars = 512;

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

/** Longest word that can be a listed abbreviation or an initial; longer words need no look-up. */
const longestAbbreviation = Math.max(...Array.from(abbreviations, (word) => word.length));
const sentencePunctuation = new Set([".", "!", "?", ":", ";", "。", "！", "？"]);
const closingMarks = new Set(['"', "'", "”", "’", ")", "]"]);
const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);
const isLetterOrPeriod = (char: string | undefined) => char !== undefined && /[A-Za-z.]/.test(char);

/**
 * ICU's sentence segments of `text`, in order, found window by window. Each window starts at a boundary
 * ICU found, so the segments are the ones ICU finds in the whole text (up to look-ahead over more than
 * `windowMarginChars` of digits and punctuation). A segment longer than a window grows the window
 * until it fits, then the window shrinks back.
 */
function* icuSegments(text: string): Generator<Span> {
  let position = 0;
  let size = windowChars;
  while (position < text.length) {
    const end = Math.min(text.length, position + size);
    const last = end === text.length;
    const trusted = last ? end : end - windowMarginChars;
    let accepted = position;
    for (const segment of segmenter.segment(text.slice(position, end))) {
      const span = {
        start: position + segment.index,
        end: position + segment.index + segment.segment.length,
      };
      if (span.end > trusted) break;
      yield span;
      accepted = span.end;
      // A grown window stops after its long segment: every further step would cost the whole window.
      if (!last && accepted >= position + windowChars - windowMarginChars) break;
    }
    if (accepted === text.length) return;
    if (accepted === position) {
      size *= 2;
      continue;
    }
    position = accepted;
    size = windowChars;
  }
}

/** Index of the last non-whitespace character in `[start, end)`, or `start - 1` when there is none. */
function lastNonSpace(text: string, start: number, end: number): number {
  let index = end - 1;
  while (index >= start && isSpace(text[index])) index--;
  return index;
}

/**
 * True when `text[start, end)` ends in something that is not a sentence end: an abbreviation or an
 * initial, a word of letters and periods that follows a space, a parenthesis or the span's start.
 */
function endsWithAbbreviation(text: string, start: number, end: number): boolean {
  const period = lastNonSpace(text, start, end);
  if (period < start || text[period] !== ".") return false;
  let wordStart = period;
  while (wordStart > start && isLetterOrPeriod(text[wordStart - 1])) {
    wordStart--;
    if (period - wordStart > longestAbbreviation) return false;
  }
  if (wordStart > start && !/[\s(]/.test(text[wordStart - 1] as string)) return false;
  const word = text.slice(wordStart, period);
  if (!/^[A-Za-z]/.test(word)) return false;
  if (abbreviations.has(word.toLowerCase())) return true;
  // A single capital letter followed by a period is an initial ("J. F. Kennedy").
  return /^[A-Z]$/.test(word);
}

/** True when the whitespace at the end of `text[start, end)` holds a line break. */
function endsWithLineBreak(text: string, start: number, end: number): boolean {
  for (let index = end - 1; index >= start && isSpace(text[index]); index--) {
    if (text[index] === "\n") return true;
  }
  return false;
}

/**
 * A single line break inside a sentence is wrapping (PDF lines, hard-wrapped text), not an ending:
 * the sentence goes on unless the line ended with punctuation, a blank line follows, or the next
 * line starts a list item. Only the end of the previous span is read, so long runs of wrapped lines
 * (a log with no punctuation) cost no more than short ones.
 */
function continuesAcrossLineBreak(text: string, previous: Span, current: string): boolean {
  const ending = lastNonSpace(text, previous.start, previous.end);
  let lineBreaks = 0;
  for (let index = ending + 1; index < previous.end; index++) if (text[index] === "\n") lineBreaks++;
  if (lineBreaks >= 2) return false;
  let mark = ending;
  while (mark >= previous.start && closingMarks.has(text[mark] as string)) mark--;
  if (mark >= previous.start && sentencePunctuation.has(text[mark] as string)) return false;
  if (/^\s*([-*+•–]|\d+[.)]|[a-z][.)])\s/.test(current)) return false;
  return ending >= previous.start;
}

/**
 * Splits `text` into sentences and returns their spans, whitespace trimmed, in order.
 * Blank lines and list items end sentences; a line wrapped mid-sentence does not.
 */
export function sentenceSpans(text: string, offset = 0): Span[] {
  const merged: Span[] = [];
  for (const span of icuSegments(text)) {
    const previous = merged[merged.length - 1];
    if (previous) {
      const current = text.slice(span.start, span.end);
      const continues = endsWithLineBreak(text, previous.start, previous.end)
        ? continuesAcrossLineBreak(text, previous, current)
        : endsWithAbbreviation(text, previous.start, previous.end) || /^\s*[a-z]/.test(current);
      if (continues) {
        previous.end = span.end;
        continue;
      }
    }
    merged.push(span);
  }
  const spans: Span[] = [];
  for (const span of merged) {
    let { start, end } = span;
    while (start < end && isSpace(text[start])) start++;
    while (end > start && isSpace(text[end - 1])) end--;
    if (end > start) spans.push({ start: start + offset, end: end + offset });
  }
  return spans;
}
