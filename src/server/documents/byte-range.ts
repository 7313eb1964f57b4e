// The one byte range a `Range` header asks of a file of `size` bytes (RFC 9110 §14): `bytes=a-b`,
// `bytes=a-` or the suffix `bytes=-n`. Several ranges, another unit or a malformed header are
// answered with the whole file (a server may always ignore Range); a range starting past the end is
// unsatisfiable (416).

export type RangeRequest =
  | { kind: "whole" }
  | { kind: "range"; start: number; end: number }
  | { kind: "unsatisfiable" };

export function byteRange(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: "whole" };
  const match = /^bytes=(\d*)-(\d*)$/u.exec(header.trim());
  if (!match) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    // The last n bytes; a suffix longer than the file is the whole file.
    const length = Number(last);
    if (length === 0) return { kind: "unsatisfiable" };
    return size === 0
      ? { kind: "unsatisfiable" }
      : { kind: "range", start: Math.max(0, size - length), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "range", start, end };
}
