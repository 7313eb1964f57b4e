// Untrusted text made safe to print on a terminal. Document text, titles and file names come from
// whoever wrote the files, and a terminal obeys the control characters in what it prints: ESC starts
// sequences that clear the screen, set the window title or rewrite earlier lines, CR overwrites the
// line, and bidi overrides make text read differently from what it is. Every such character is shown
// as an escape instead (ESC as \x1b), so what is on screen is what is in the source. JSON output
// needs none of this: JSON.stringify already escapes control characters.

/** Controls (C0, DEL, C1), bidi embeddings, overrides and isolates, line and paragraph separators. */
const unsafe = /[\p{Cc}\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;
/** What makes a file name ambiguous when printed bare: whitespace, controls, quotes, backslashes. */
const needsQuotes = /[\s"'\\\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escaped(char: string): string {
  const name = named[char];
  if (name) return name;
  const code = char.codePointAt(0) ?? 0;
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** Text that may span lines (an answer sentence, an error message): line feeds and tabs are kept. */
export function terminalText(text: string): string {
  return text.replace(unsafe, (char) => (char === "\n" || char === "\t" ? char : escaped(char)));
}

/** Text that must stay on one line (a snippet, a title, a heading): line feeds and tabs escaped too. */
export function terminalLine(text: string): string {
  return text.replace(unsafe, escaped);
}

/**
 * A file name or source: escaped like `terminalLine`, and in double quotes (with `"` and `\` escaped
 * inside) when it holds whitespace, control characters, quotes or backslashes, so that one name reads
 * as one name and one `list` line stays one line.
 */
export function terminalName(name: string): string {
  if (!needsQuotes.test(name)) return name;
  return `"${name.replace(/["\\]/g, (char) => `\\${char}`).replace(unsafe, escaped)}"`;
}
