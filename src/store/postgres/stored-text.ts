// PostgreSQL's text cannot hold U+0000, which extracted text can (a JSONL "\u0000" escape, a PDF's
// text layer). Stored strings escape it, reversibly and only where needed: NUL becomes ESC "0", and
// ESC itself (U+10FFFF, a noncharacter no text uses) is doubled. Equal strings stay equal when
// stored, so lookups by source or path compare stored forms.

const escapeCharacter = "\u{10FFFF}";
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what is escaped
const needsEscape = /[\u0000\u{10FFFF}]/u;
const escaped = /\u{10FFFF}([\s\S])/gu;

export function storedText(text: string): string {
  if (!needsEscape.test(text)) return text;
  return text
    .replaceAll(escapeCharacter, escapeCharacter + escapeCharacter)
    .replaceAll("\u0000", `${escapeCharacter}0`);
}

export function restoredText(text: string): string {
  if (!text.includes(escapeCharacter)) return text;
  return text.replace(escaped, (_, next: string) => (next === "0" ? "\u0000" : next));
}
