// Test helpers for the loaders: the block invariants every loader must keep, and fixture builders.
import { constants, crc32, deflateRawSync } from "node:zlib";
import { Document, type FileChild, Packer } from "docx";
import PDFDocument from "pdfkit";
import { expect } from "vitest";
import { type ErrorCode, VerityError } from "../../core/errors.js";
import {
  defaultLoaderLimits,
  type ExtractedDocument,
  type Loader,
  type LoaderLimits,
  loadedDocuments,
} from "../extracted.js";

/** Runs `loader` on in-memory content as if it were read from `path`. */
export function load(
  loader: Loader,
  path: string,
  content: string | Uint8Array,
  limits: Partial<LoaderLimits> = {},
): Promise<ExtractedDocument[]> {
  const bytes = typeof content === "string" ? new TextEncoder().encode(content) : content;
  return loader.load({ path, bytes, limits: { ...defaultLoaderLimits, ...limits } }).then(loadedDocuments);
}

/** Loads content expected to hold exactly one document, and returns it. */
export async function loadOne(
  loader: Loader,
  path: string,
  content: string | Uint8Array,
  limits: Partial<LoaderLimits> = {},
): Promise<ExtractedDocument> {
  const documents = await load(loader, path, content, limits);
  expect(documents).toHaveLength(1);
  return documents[0] as ExtractedDocument;
}

/** Asserts the rules every loader's output follows; see `ExtractedDocument`. */
export function expectWellFormed(document: ExtractedDocument): void {
  const { text, blocks } = document;
  expect(text).not.toContain("\r");
  expect(text).toBe(text.normalize("NFC"));
  expect(document.title.trim()).not.toBe("");
  expect(blocks.length).toBeGreaterThan(0);
  let previousEnd = 0;
  for (const block of blocks) {
    expect(block.charStart).toBeGreaterThanOrEqual(previousEnd);
    expect(block.charEnd).toBeGreaterThan(block.charStart);
    expect(block.charEnd).toBeLessThanOrEqual(text.length);
    const blockText = text.slice(block.charStart, block.charEnd);
    expect(blockText).toBe(blockText.trim());
    expect(text.slice(previousEnd, block.charStart).trim()).toBe("");
    if (block.kind === "heading") expect(block.level).toBeOneOf([1, 2, 3, 4, 5, 6]);
    if (block.page !== undefined) expect(block.page).toBeGreaterThanOrEqual(1);
    previousEnd = block.charEnd;
  }
  expect(text.slice(previousEnd).trim()).toBe("");
}

/** The blocks as readable values: `# 2 Heading` for headings, the text otherwise, `[p3] ` before paged blocks. */
export function describeBlocks(document: ExtractedDocument): string[] {
  return document.blocks.map((block) => {
    const text = document.text.slice(block.charStart, block.charEnd);
    const page = block.page === undefined ? "" : `[p${block.page}] `;
    return block.kind === "heading" ? `${page}${"#".repeat(block.level ?? 1)} ${text}` : `${page}${text}`;
  });
}

/** Awaits a load expected to fail, checks the error's code and that its message names the file. */
export async function expectLoadError(
  loading: Promise<unknown>,
  code: ErrorCode,
  path: string,
): Promise<VerityError> {
  const error = await loading.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(VerityError);
  const verityError = error as VerityError;
  expect(verityError.code).toBe(code);
  expect(verityError.message).toContain(path);
  return verityError;
}

/** Writes a PDF with pdfkit; `info.Title` is set unless `title` is null. */
export function makePdf(
  draw: (document: PDFKit.PDFDocument) => void,
  options: { title?: string | null; userPassword?: string } = {},
): Promise<Uint8Array> {
  const { title = "Annual Report", userPassword } = options;
  const document = new PDFDocument({
    ...(title === null ? {} : { info: { Title: title } }),
    ...(userPassword ? { userPassword, ownerPassword: `${userPassword}-owner` } : {}),
  });
  const chunks: Buffer[] = [];
  document.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Uint8Array>((resolve) => document.on("end", () => resolve(Buffer.concat(chunks))));
  draw(document);
  document.end();
  return done;
}

/** Writes a real DOCX with the `docx` package. */
export async function makeDocx(children: FileChild[]): Promise<Uint8Array> {
  return Packer.toBuffer(new Document({ sections: [{ children }] }));
}

export interface ZipEntry {
  name: string;
  /** Content to deflate. */
  data?: Uint8Array | string;
  /** Already deflated content, with the size and CRC it inflates to. */
  deflated?: { bytes: Uint8Array; size: number; crc: number };
  /** Overrides the uncompressed size written to the headers, to make an archive lie. */
  declaredSize?: number;
}

/** A minimal zip writer: deflated entries, local headers, central directory, end record. */
export function makeZip(entries: ZipEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, "utf8");
    const raw =
      typeof entry.data === "string" ? Buffer.from(entry.data, "utf8") : Buffer.from(entry.data ?? []);
    const deflated = entry.deflated ?? { bytes: deflateRawSync(raw), size: raw.length, crc: crc32(raw) };
    const size = entry.declaredSize ?? deflated.size;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(deflated.crc, 14);
    local.writeUInt32LE(deflated.bytes.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(deflated.crc, 16);
    central.writeUInt32LE(deflated.bytes.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(deflated.bytes));
    centrals.push(central, name);
    offset += local.length + name.length + deflated.bytes.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** `mebibytes` MiB of zeros, deflated without ever holding them in memory: one flushed segment, repeated. */
export function deflatedZeros(mebibytes: number): { bytes: Uint8Array; size: number; crc: number } {
  const mebibyte = Buffer.alloc(1024 * 1024);
  const segment = deflateRawSync(mebibyte, { finishFlush: constants.Z_FULL_FLUSH });
  let crc = 0;
  for (let index = 0; index < mebibytes; index++) crc = crc32(mebibyte, crc);
  const finalBlock = deflateRawSync(Buffer.alloc(0));
  return {
    bytes: Buffer.concat([...Array(mebibytes).fill(segment), finalBlock]),
    size: mebibytes * mebibyte.length,
    crc,
  };
}

/** The smallest DOCX mammoth reads: content types, package relationships and a one-paragraph document. */
export function minimalDocxEntries(paragraph: string): ZipEntry[] {
  const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
  return [
    {
      name: "[Content_Types].xml",
      data:
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
        '<Default Extension="xml" ContentType="application/xml"/>' +
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    },
    {
      name: "_rels/.rels",
      data:
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    },
    {
      name: "word/document.xml",
      data: `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="${w}"><w:body><w:p><w:r><w:t>${paragraph}</w:t></w:r></w:p></w:body></w:document>`,
    },
  ];
}
