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
}
