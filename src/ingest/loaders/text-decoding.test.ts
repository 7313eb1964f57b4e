import { describe, expect, it } from "vitest";
import { VerityError } from "../../core/errors.js";
import { decodeText, normaliseText } from "./text-decoding.js";

const utf8 = (text: string) => new TextEncoder().encode(text);

function utf16(text: string, endianness: "le" | "be"): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, 0xfeff, endianness === "le");
  for (let index = 0; index < text.length; index++) {
    view.setUint16(2 + index * 2, text.charCodeAt(index), endianness === "le");
  }
  return bytes;
}

function decodeError(bytes: Uint8Array, path = "notes.txt"): VerityError {
  try {
    decodeText(bytes, path);
  } catch (error) {
    if (error instanceof VerityError) return error;
    throw error;
  }
  throw new Error("expected decodeText to throw");
}

describe("decodeText", () => {
  it("reads UTF-8 and drops its byte-order mark", () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8("café")]), "a.txt")).toBe("café");
  });

  it("reads UTF-16 little-endian text that starts with a byte-order mark", () => {
    expect(decodeText(utf16("Grüße\r\naus Köln", "le"), "a.txt")).toBe("Grüße\naus Köln");
  });

  it("reads UTF-16 big-endian text that starts with a byte-order mark", () => {
    expect(decodeText(utf16("naïve", "be"), "a.txt")).toBe("naïve");
  });

  it("turns CRLF and lone CR line ends into LF", () => {
    expect(decodeText(utf8("one\r\ntwo\rthree\n"), "a.txt")).toBe("one\ntwo\nthree\n");
  });

  it("composes text to Unicode NFC", () => {
    expect(decodeText(utf8("cafe\u0301"), "a.txt")).toBe("caf\u00e9");
  });

  it("rejects Latin-1 bytes with E_ENCODING, naming the file and how to convert it", () => {
    const error = decodeError(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a]), "docs/menu.txt");
    expect(error.code).toBe("E_ENCODING");
    expect(error.message).toContain("docs/menu.txt");
    expect(error.message).toContain("iconv -f latin1 -t utf-8");
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it("rejects content with NUL bytes as binary", () => {
    const error = decodeError(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x0d, 0x0a]));
    expect(error.code).toBe("E_BINARY_CONTENT");
    expect(error.message).toContain("notes.txt");
  });

  it("rejects content made largely of control characters as binary", () => {
    const bytes = utf8(`${"\u0001\u0002\u0003".repeat(20)}some text`);
    expect(decodeError(bytes).code).toBe("E_BINARY_CONTENT");
  });

  it("accepts tabs, form feeds and ANSI escapes as text", () => {
    expect(decodeText(utf8("a\tb\fc \u001b[31mred\u001b[0m"), "a.log")).toContain("red");
  });

  it("rejects an empty file with E_EMPTY", () => {
    expect(decodeError(new Uint8Array()).code).toBe("E_EMPTY");
  });

  it("rejects a whitespace-only file with E_EMPTY", () => {
    expect(decodeError(utf8(" \n\t\r\n  ")).code).toBe("E_EMPTY");
  });
});

describe("normaliseText", () => {
  it("leaves ASCII text without carriage returns untouched", () => {
    const text = "plain\ntext";
    expect(normaliseText(text)).toBe(text);
  });
});
