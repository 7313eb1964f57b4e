// An uploaded file's name as it may be stored: the last path segment only (so `../../etc/passwd` is
// `passwd`, and `C:\x\report.pdf` is `report.pdf`), no control characters, no leading dots, at most
// 200 bytes with its extension kept (the extension picks the loader).
import { VerityError } from "../../core/errors.js";

const maxBytes = 200;

export function safeFileName(name: string): string {
  const last = name.split(/[/\\]/u).pop() ?? "";
  const cleaned = last
    .normalize("NFC")
    // Control characters, DEL, bidi overrides and characters Windows refuses in names.
    .replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069\u2028\u2029<>:"|?*]/gu, "_")
    .trim()
    .replace(/^\.+/u, "");
  if (cleaned === "") {
    throw new VerityError(
      "E_INVALID_INPUT",
      `the uploaded file name ${JSON.stringify(name)} has nothing usable as a file name; name the file, e.g. report.pdf`,
    );
  }
  return shorten(cleaned);
}

/** Cuts the stem so the name fits `maxBytes` of UTF-8, keeping a short extension whole. */
function shorten(name: string): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const dot = name.lastIndexOf(".");
  const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : "";
  let stem = name.slice(0, name.length - extension.length);
  while (Buffer.byteLength(stem + extension) > maxBytes) stem = Array.from(stem).slice(0, -1).join("");
  return stem + extension;
}
