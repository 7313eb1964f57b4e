// RFC 4180 CSV: records end at CRLF or LF, fields are separated by commas, and a quoted field may
// hold commas, line breaks and quotes written twice (""). Records keep the line they start on, so
// errors about a value can point at it.
import { VerityError } from "../src/core/errors.js";

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  fields: string[];
}

/**
 * Parses CSV text; `origin` (a file path) names it in errors. A byte-order mark is dropped, and so are
 * empty lines, which would otherwise be records of one empty field. A quote inside an unquoted field
 * is kept as text, as most writers mean it.
 */
export function parseCsv(text: string, origin = "CSV text"): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endField = () => {
    fields.push(field);
    field = "";
    quoted = false;
  };
  const endRecord = () => {
    const blank = fields.length === 0 && field === "" && !quoted;
    endField();
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
  };
  while (position < text.length) {
    const character = text[position] as string;
    if (character === '"' && field === "" && !quoted) {
      quoted = true;
      const openedOn = line;
      position++;
      for (;;) {
        const closing = text.indexOf('"', position);
        if (closing < 0) {
          throw new VerityError(
            "E_CORRUPT",
            `${origin}: line ${openedOn}: a quoted field is never closed; a quote inside a quoted field must be written twice ("")`,
          );
        }
        const chunk = text.slice(position, closing);
        field += chunk;
        line += lineBreaks(chunk);
        position = closing + 1;
        if (text[position] !== '"') break;
        field += '"';
        position++;
      }
      const next = text[position];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new VerityError(
          "E_CORRUPT",
          `${origin}: line ${line}: ${JSON.stringify(next)} right after a closing quote; a quote inside a quoted field must be written twice ("")`,
        );
      }
    } else if (character === ",") {
      endField();
      position++;
    } else if (character === "\n" || character === "\r") {
      endRecord();
      position += character === "\r" && text[position + 1] === "\n" ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += character;
      position++;
    }
  }
  if (field !== "" || quoted || fields.length > 0) endRecord();
  return records;
}

function lineBreaks(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === "\n" || (character === "\r" && text[index + 1] !== "\n")) count++;
  }
  return count;
}
