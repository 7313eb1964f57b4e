// Checks a zip archive against zip-bomb limits before any parser inflates it.
import type yauzl from "yauzl";
import { VerityError } from "../../core/errors.js";
import type { LoaderLimits } from "../extracted.js";

/** Most entries an archive may list; real DOCX files have a few dozen. */
export const maxArchiveEntries = 10_000;
/** Entries smaller than this are too small to matter, whatever their compression ratio. */
const ratioCheckedAbove = 1024 * 1024;

export interface ArchiveSummary {
  entryNames: Set<string>;
  uncompressedBytes: number;
}

/**
 * Reads the central directory and rejects archives that would expand past `limits` (`E_ZIP_BOMB`), then
 * inflates every entry once and discards it, so an entry whose real size exceeds its declared size is caught
 * here rather than inside the parser. Bytes that are not a zip archive throw `E_CORRUPT`.
 */
export async function inspectArchive(
  bytes: Uint8Array,
  path: string,
  limits: LoaderLimits,
): Promise<ArchiveSummary> {
  const { default: zipReader } = await import("yauzl");
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    zipReader.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (error, file) =>
      error ? reject(notAnArchive(path, error)) : resolve(file),
    );
  });
  if (zip.entryCount > maxArchiveEntries) {
    zip.close();
    throw zipBomb(path, `it lists ${zip.entryCount} entries (limit ${maxArchiveEntries})`);
  }
  const summary: ArchiveSummary = { entryNames: new Set(), uncompressedBytes: 0 };
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on("error", (error: Error) => reject(notAnArchive(path, error)));
      zip.on("end", () => resolve());
      zip.on("entry", (entry: yauzl.Entry) => {
        summary.uncompressedBytes += entry.uncompressedSize;
        const problem = bombProblem(entry, summary.uncompressedBytes, limits);
        if (problem) {
          reject(zipBomb(path, problem));
          return;
        }
        summary.entryNames.add(entry.fileName);
        drainEntry(zip, entry).then(
          () => zip.readEntry(),
          (error: unknown) => reject(notAnArchive(path, error)),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return summary;
}

function bombProblem(entry: yauzl.Entry, totalSoFar: number, limits: LoaderLimits): string | undefined {
  if (totalSoFar > limits.maxUncompressedBytes) {
    return `its entries expand to more than ${limits.maxUncompressedBytes} bytes`;
  }
  if (entry.uncompressedSize > ratioCheckedAbove) {
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (ratio > limits.maxCompressionRatio) {
      return (
        `entry ${entry.fileName} expands ${Math.round(ratio)}-fold, to ${entry.uncompressedSize} bytes ` +
        `(limit ${limits.maxCompressionRatio}-fold)`
      );
    }
  }
  return undefined;
}

/** Inflates an entry and throws the bytes away; yauzl fails the stream if it outgrows its declared size. */
function drainEntry(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(error);
        return;
      }
      stream.on("error", reject);
      stream.on("end", () => resolve());
      stream.resume();
    });
  });
}

function notAnArchive(path: string, error: unknown): VerityError {
  const reason = error instanceof Error ? error.message : String(error);
  return new VerityError(
    "E_CORRUPT",
    `${path} is not a readable zip archive (${reason}). Check that it opens in its application, or save it again.`,
    { cause: error },
  );
}

function zipBomb(path: string, problem: string): VerityError {
  return new VerityError(
    "E_ZIP_BOMB",
    `${path} was refused because ${problem}. If the file is genuine, raise the loader limits ` +
      "(maxUncompressedBytes, maxCompressionRatio); otherwise delete it.",
  );
}
