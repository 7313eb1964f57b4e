// The byte range a Range header asks of a file, as RFC 9110 reads it.
import { describe, expect, it } from "vitest";
import { byteRange } from "../../src/server/documents/byte-range.js";
import { safeFileName } from "../../src/server/documents/safe-file-name.js";

describe("byteRange", () => {
  it("reads first-last, open-ended and suffix ranges, clipped to the file", () => {
    expect(byteRange("bytes=0-99", 1000)).toEqual({ kind: "range", start: 0, end: 99 });
    expect(byteRange("bytes=900-", 1000)).toEqual({ kind: "range", start: 900, end: 999 });
    expect(byteRange("bytes=-100", 1000)).toEqual({ kind: "range", start: 900, end: 999 });
    expect(byteRange("bytes=500-5000", 1000)).toEqual({ kind: "range", start: 500, end: 999 });
    expect(byteRange("bytes=-5000", 1000)).toEqual({ kind: "range", start: 0, end: 999 });
  });

  it("is unsatisfiable past the end, for an empty suffix, and for any range of an empty file", () => {
    expect(byteRange("bytes=1000-", 1000)).toEqual({ kind: "unsatisfiable" });
    expect(byteRange("bytes=-0", 1000)).toEqual({ kind: "unsatisfiable" });
    expect(byteRange("bytes=0-10", 0)).toEqual({ kind: "unsatisfiable" });
  });

  it("serves the whole file for no header, several ranges, another unit or a malformed one", () => {
    for (const header of [undefined, "bytes=0-1,5-6", "items=0-1", "bytes=9-3", "bytes=-", "bytes=a-b"]) {
      expect(byteRange(header, 1000)).toEqual({ kind: "whole" });
    }
  });
});

describe("safeFileName", () => {
  it("keeps the last path segment, without leading dots or control characters", () => {
    expect(safeFileName("../../etc/passwd")).toBe("passwd");
    expect(safeFileName("C:\\Users\\me\\report.pdf")).toBe("report.pdf");
    expect(safeFileName("...env")).toBe("env");
    expect(safeFileName("a\u0000b\u202e.md")).toBe("a_b_.md");
  });

  it("refuses a name with nothing usable in it", () => {
    for (const name of ["", "..", "/", "...", "dir/"]) {
      expect(() => safeFileName(name)).toThrow(/nothing usable as a file name/u);
    }
  });

  it("shortens a long name to 200 bytes, keeping its extension", () => {
    const name = safeFileName(`${"é".repeat(300)}.pdf`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(200);
    expect(name.endsWith(".pdf")).toBe(true);
  });
});
