import { afterEach, describe, expect, it, vi } from "vitest";
import {
  describeBlocks,
  expectLoadError,
  expectWellFormed,
  load,
  loadOne,
  makePdf,
} from "./loader-test-support.js";
import { pdfLoader } from "./pdf-loader.js";

const report = () =>
  makePdf((pdf) => {
    pdf.fontSize(20).text("Introduction");
    pdf.fontSize(12).text("The first page talks about apples and oranges. ".repeat(6));
    pdf.moveDown();
    pdf.text("A second paragraph on page one.");
    pdf.addPage().text("Page two mentions bananas.");
    pdf.addPage().text("Page three is about cherries.");
  });

describe("pdfLoader", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("keeps each block's page number and separates pages with a blank line", async () => {
    const document = await loadOne(pdfLoader, "reports/annual.pdf", await report());
    const blocks = describeBlocks(document);
    expect(blocks[0]).toBe("[p1] Introduction");
    expect(blocks.slice(-3)).toEqual([
      "[p1] A second paragraph on page one.",
      "[p2] Page two mentions bananas.",
      "[p3] Page three is about cherries.",
    ]);
    expect(document.text).toContain("page one.\n\nPage two mentions bananas.\n\nPage three");
    expect(document.metadata).toEqual({ pages: 3 });
    expectWellFormed(document);
  });

  it("rebuilds wrapped lines without gluing words together", async () => {
    const document = await loadOne(pdfLoader, "annual.pdf", await report());
    const paragraph = describeBlocks(document)[1] ?? "";
    expect(paragraph.split("\n").length).toBeGreaterThan(1);
    expect(paragraph.replace(/\s+/g, " ")).toBe(
      `[p1] ${"The first page talks about apples and oranges. ".repeat(6).trim()}`,
    );
  });

  it("titles the document from the PDF's metadata", async () => {
    expect((await loadOne(pdfLoader, "annual.pdf", await report())).title).toBe("Annual Report");
  });

  it("titles the document with the file name when the PDF has no title", async () => {
    const bytes = await makePdf((pdf) => pdf.text("Untitled content."), { title: null });
    expect((await loadOne(pdfLoader, "scans/memo.pdf", bytes)).title).toBe("memo");
  });

  it("accepts a Node Buffer and leaves the caller's bytes usable", async () => {
    const bytes = Buffer.from(await report());
    await load(pdfLoader, "annual.pdf", bytes);
    expect(bytes.byteLength).toBeGreaterThan(0);
    expect(new TextDecoder().decode(bytes.subarray(0, 5))).toBe("%PDF-");
  });

  it("never writes to the console, even for a broken file", async () => {
    const spies = (["log", "warn", "error", "info", "debug"] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    await load(pdfLoader, "annual.pdf", await report());
    await load(pdfLoader, "bad.pdf", new TextEncoder().encode("%PDF-1.4\ngarbage")).catch(() => undefined);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it("rejects bytes that are not a PDF as corrupt, naming the file", async () => {
    const bytes = new TextEncoder().encode("this is not a pdf at all");
    const error = await expectLoadError(load(pdfLoader, "fake.pdf", bytes), "E_CORRUPT", "fake.pdf");
    expect(error.cause).toBeInstanceOf(Error);
  });

  it("rejects a truncated PDF as corrupt", async () => {
    const bytes = await report();
    await expectLoadError(
      load(pdfLoader, "cut.pdf", bytes.subarray(0, bytes.length / 2)),
      "E_CORRUPT",
      "cut.pdf",
    );
  });

  it("rejects a password-protected PDF, saying so", async () => {
    const bytes = await makePdf((pdf) => pdf.text("Secret plans."), { userPassword: "hunter2" });
    const error = await expectLoadError(load(pdfLoader, "locked.pdf", bytes), "E_CORRUPT", "locked.pdf");
    expect(error.message).toMatch(/password-protected/);
  });

  it("rejects a PDF without extractable text, saying OCR is not supported yet", async () => {
    const bytes = await makePdf((pdf) => pdf.rect(50, 50, 200, 300).fill("#333"));
    const error = await expectLoadError(load(pdfLoader, "scan.pdf", bytes), "E_EMPTY", "scan.pdf");
    expect(error.message).toMatch(/OCR is not supported yet/);
  });
});
