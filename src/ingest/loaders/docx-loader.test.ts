import { randomBytes } from "node:crypto";
import { HeadingLevel, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import { afterEach, describe, expect, it, vi } from "vitest";
import { docxLoader } from "./docx-loader.js";
import {
  deflatedZeros,
  describeBlocks,
  expectLoadError,
  expectWellFormed,
  load,
  loadOne,
  makeDocx,
  makeZip,
  minimalDocxEntries,
} from "./loader-test-support.js";

const handbook = () =>
  makeDocx([
    new Paragraph({ text: "Staff handbook", heading: HeadingLevel.HEADING_1 }),
    new Paragraph({
      children: [new TextRun("Welcome to the "), new TextRun({ text: "team", bold: true }), new TextRun(".")],
    }),
    new Paragraph({ text: "Holidays", heading: HeadingLevel.HEADING_2 }),
    new Paragraph({ text: "You get 25 days a year." }),
    new Table({
      rows: [
        new TableRow({
          children: [
            new TableCell({ children: [new Paragraph("Year")] }),
            new TableCell({ children: [new Paragraph("Days")] }),
          ],
        }),
        new TableRow({
          children: [
            new TableCell({ children: [new Paragraph("2025")] }),
            new TableCell({ children: [new Paragraph("25")] }),
          ],
        }),
      ],
    }),
  ]);

describe("docxLoader", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("keeps Word headings as heading blocks with their levels", async () => {
    const document = await loadOne(docxLoader, "hr/handbook.docx", await handbook());
    expect(describeBlocks(document)).toEqual([
      "# Staff handbook",
      "Welcome to the team.",
      "## Holidays",
      "You get 25 days a year.",
      "Year | Days",
      "2025 | 25",
    ]);
    expectWellFormed(document);
  });

  it("titles the document with its first heading, else the file name", async () => {
    expect((await loadOne(docxLoader, "hr/handbook.docx", await handbook())).title).toBe("Staff handbook");
    const untitled = await makeDocx([new Paragraph("Just a note.")]);
    expect((await loadOne(docxLoader, "notes/memo.docx", untitled)).title).toBe("memo");
  });

  it("reports mammoth's warnings as metadata and never writes to the console", async () => {
    const spies = (["log", "warn", "error", "info"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    const bytes = await makeDocx([new Paragraph({ text: "Intro", style: "UnknownStyle" })]);
    const document = await loadOne(docxLoader, "styled.docx", bytes);
    expect(document.metadata?.warnings).toContainEqual(expect.stringContaining("UnknownStyle"));
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it("reads a minimal hand-built DOCX, so the archive fixtures below are otherwise valid", async () => {
    const document = await loadOne(docxLoader, "tiny.docx", makeZip(minimalDocxEntries("Hello there.")));
    expect(document.text).toBe("Hello there.");
  });

  it("rejects random bytes as corrupt, naming the file", async () => {
    const error = await expectLoadError(
      load(docxLoader, "random.docx", randomBytes(4096)),
      "E_CORRUPT",
      "random.docx",
    );
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("rejects a zip archive without word/document.xml as corrupt", async () => {
    const zip = makeZip([{ name: "readme.txt", data: "not a word document" }]);
    const error = await expectLoadError(load(docxLoader, "renamed.docx", zip), "E_CORRUPT", "renamed.docx");
    expect(error.message).toContain("word/document.xml");
  });

  it("rejects a zip bomb: an entry that inflates 200 MB of zeros far past the compression-ratio limit", async () => {
    const entries = [
      ...minimalDocxEntries("Innocent."),
      { name: "word/media/zeros.bin", deflated: deflatedZeros(200) },
    ];
    const error = await expectLoadError(
      load(docxLoader, "bomb.docx", makeZip(entries)),
      "E_ZIP_BOMB",
      "bomb.docx",
    );
    // The ratio guard read the declared sizes and refused the entry before inflating a byte of it.
    expect(error.message).toMatch(/entry word\/media\/zeros\.bin expands \d+-fold, to 209715200 bytes/);
  });

  it("rejects an archive whose entries together expand past the uncompressed-size limit", async () => {
    const bytes = await handbook();
    await expectLoadError(
      load(docxLoader, "big.docx", bytes, { maxUncompressedBytes: 10_000 }),
      "E_ZIP_BOMB",
      "big.docx",
    );
  });

  it("rejects an archive with more than 10,000 entries", async () => {
    const entries = Array.from({ length: 10_001 }, (_, index) => ({
      name: `word/part${index}.xml`,
      data: "",
    }));
    await expectLoadError(load(docxLoader, "many.docx", makeZip(entries)), "E_ZIP_BOMB", "many.docx");
  });

  it("rejects an entry that inflates to more than its declared size", async () => {
    const entries = minimalDocxEntries("x".repeat(2_000_000));
    const lying = entries.map((entry) =>
      entry.name === "word/document.xml" ? { ...entry, declaredSize: 1000 } : entry,
    );
    const error = await expectLoadError(
      load(docxLoader, "lying.docx", makeZip(lying)),
      "E_CORRUPT",
      "lying.docx",
    );
    expect(error.message).toMatch(/too many bytes/);
  });

  it("rejects a document with no text", async () => {
    await expectLoadError(
      load(docxLoader, "blank.docx", await makeDocx([new Paragraph("")])),
      "E_EMPTY",
      "blank.docx",
    );
  });
});
