// Sends a document's original file: the whole of it (200) or the byte range asked for (206, or 416
// past the end), always with Accept-Ranges, its media type and a download name. Files that a browser
// would run (HTML, SVG) are sent as attachments under a sandbox policy, so a document cannot script
// the API's origin.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { FastifyReply } from "fastify";
import { VerityError } from "../../core/errors.js";
import { byteRange } from "./byte-range.js";

/**
 * Recordings are stored with the coarse media type `audio` (videos too); a player needs the format's
 * own, so it comes from the file's extension, as it does for any file stored without a precise type.
 */
const byExtension: Record<string, string> = {
  ".mp3": "audio/mpeg",
  ".mpga": "audio/mpeg",
  ".wav": "audio/wav",
  ".flac": "audio/flac",
  ".m4a": "audio/mp4",
  ".aac": "audio/aac",
  ".ogg": "audio/ogg",
  ".oga": "audio/ogg",
  ".opus": "audio/opus",
  ".weba": "audio/webm",
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".webm": "video/webm",
  ".mkv": "video/x-matroska",
  ".pdf": "application/pdf",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
};

/** The stored media type when it names a format, else the one the extension names, else octet-stream. */
export function contentType(path: string, mediaType: string): string {
  if (mediaType.includes("/") && mediaType !== "application/octet-stream") return mediaType;
  return byExtension[extname(path).toLowerCase()] ?? "application/octet-stream";
}

const active = /^(text\/html|application\/xhtml\+xml|image\/svg\+xml|text\/xml|application\/xml)/u;

export async function sendFile(
  reply: FastifyReply,
  file: { path: string; mediaType: string },
  range: string | undefined,
): Promise<FastifyReply> {
  let size: number;
  let modified: Date;
  try {
    const info = await stat(file.path);
    if (!info.isFile()) throw new Error("not a file");
    size = info.size;
    modified = info.mtime;
  } catch {
    throw new VerityError(
      "E_NOT_FOUND",
      "the document's original file is no longer where it was ingested from; ingest it again to serve it",
    );
  }
  const name = basename(file.path);
  const type = contentType(file.path, file.mediaType);
  const disposition = active.test(type) ? "attachment" : "inline";
  reply
    .header("accept-ranges", "bytes")
    .header("content-type", type)
    .header("last-modified", modified.toUTCString())
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "sandbox; default-src 'none'")
    .header(
      "content-disposition",
      `${disposition}; filename="${name.replace(/[^\x20-\x7e]|["\\]/gu, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    );
  const wanted = byteRange(range, size);
  if (wanted.kind === "unsatisfiable") {
    return reply
      .code(416)
      .header("content-range", `bytes */${size}`)
      .type("application/json")
      .send({
        error: {
          code: "E_INVALID_INPUT",
          message: `the range ${range} starts past the end of the file (${size} bytes)`,
        },
      });
  }
  if (wanted.kind === "whole") {
    return reply.code(200).header("content-length", size).send(createReadStream(file.path));
  }
  return reply
    .code(206)
    .header("content-range", `bytes ${wanted.start}-${wanted.end}/${size}`)
    .header("content-length", wanted.end - wanted.start + 1)
    .send(createReadStream(file.path, { start: wanted.start, end: wanted.end }));
}
