// What the gate checks: the text that would be quoted, with the passage and headings around it.

export interface AnswerUnit {
  /** What would be quoted: a sentence, a list item, a heading with its paragraph. */
  text: string;
  /** The whole passage the unit is in. */
  passage: string;
  /** The headings above the unit and its document's title. */
  context: string;
  /**
   * The heading a structure unit sits under, which belongs to it: asked "which flag disables colour",
   * the paragraph "Disables colour output." answers under the heading "--no-color".
   */
  heading?: string;
}
