// Turns the bytes of a text-based file into normalised text, refusing binary data and unknown encodings.
import { VerityError } from "../../core/errors.js";

/** How much of the file's start is checked for binary content. */
const sniffLength = 8 * 1024;
/** Share of control characters above which the content is taken for binary. */
const maxControlShare = 0.1;
const nonAscii = /[\u0080-\uffff]/;

/**
 * Decodes UTF-8 (with or without BOM) or UTF-16 with a BOM, and normalises the result (LF line ends, NFC).
 * Throws `E_BINARY_CONTENT`, `E_ENCODING` or `E_EMPTY` with a message naming `path`.
 */
export function decodeText(bytes: Uint8Array, path: string): string {
  const text = normaliseText(decodeUnicode(bytes, path));
  if (text.trim() === "") {
    throw new VerityError(
      "E_EMPTY",
      `${path} has no text (it is empty or only whitespace). Add content or leave it out.`,
    );
  }
  return text;
}

/**
 * Decodes without normalising, for formats that normalise per record (JSONL) rather than per file.
 * The byte-order mark, if any, is removed.
 */
export function decodeUnicode(bytes: Uint8Array, path: string): string {
  const encoding = encodingFromBom(bytes);
  if (encoding === "utf-8") {
    if (looksBinary(bytes, sniffLength)) throw binaryContent(path);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (error) {
      throw new VerityError(
        "E_ENCODING",
        `${path} is not valid UTF-8 (it may be Latin-1 or Windows-1252). Convert it to UTF-8, e.g. ` +
          `\`iconv -f latin1 -t utf-8 ${path} > ${path}.utf8\`, and ingest the converted file.`,
        { cause: error },
      );
    }
  }
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch (error) {
    throw new VerityError(
      "E_ENCODING",
      `${path} starts with a ${encoding.toUpperCase()} byte-order mark but is not valid ${encoding.toUpperCase()}. ` +
        `Re-save it as UTF-8, e.g. \`iconv -f ${encoding} -t utf-8 ${path} > ${path}.utf8\`.`,
      { cause: error },
    );
  }
  const codes = Array.from(text.slice(0, sniffLength / 2), (char) => char.charCodeAt(0));
  if (looksBinary(codes, codes.length)) throw binaryContent(path);
  return text;
}

/** LF line ends and Unicode NFC, the form every offset Verity reports refers to. */
export function normaliseText(text: string): string {
  const unixText = text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  return nonAscii.test(unixText) ? unixText.normalize("NFC") : unixText;
}

function encodingFromBom(bytes: Uint8Array): "utf-8" | "utf-16le" | "utf-16be" {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return "utf-16le";
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return "utf-16be";
  return "utf-8";
}

/** NUL anywhere in the sample, or many control characters other than tab, line ends, form feed and escape. */
function looksBinary(codes: ArrayLike<number>, sampleLength: number): boolean {
  const length = Math.min(codes.length, sampleLength);
  let controls = 0;
  for (let index = 0; index < length; index++) {
    const code = codes[index] as number;
    if (code === 0) return true;
    if ((code < 0x20 && !isTextControl(code)) || code === 0x7f) controls++;
  }
  return length > 0 && controls / length > maxControlShare;
}

function isTextControl(code: number): boolean {
  // \t \n \v \f \r and ESC (ANSI colour codes in logs).
  return (code >= 0x09 && code <= 0x0d) || code === 0x1b;
}

function binaryContent(path: string): VerityError {
  return new VerityError(
    "E_BINARY_CONTENT",
    `${path} contains binary data, not text. Check that the extension matches the content; ` +
      "if it is UTF-16 text without a byte-order mark, convert it to UTF-8 (`iconv -f utf-16 -t utf-8`).",
  );
}
