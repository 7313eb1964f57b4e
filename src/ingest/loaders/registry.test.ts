import { describe, expect, it } from "vitest";
import { VerityError } from "../../core/errors.js";
import { docxLoader } from "./docx-loader.js";
import { htmlLoader } from "./html-loader.js";
import { jsonlLoader } from "./jsonl-loader.js";
import { markdownLoader } from "./markdown-loader.js";
import { pdfLoader } from "./pdf-loader.js";
import { loaderFor, supportedExtensions } from "./registry.js";
import { textLoader } from "./text-loader.js";

function unsupported(path: string): VerityError {
  try {
    loaderFor(path);
  } catch (error) {
    if (error instanceof VerityError) return error;
    throw error;
  }
  throw new Error(`expected ${path} to be unsupported`);
}

describe("loaderFor", () => {
  it("picks the loader by extension, ignoring case", () => {
    expect(loaderFor("a/notes.txt")).toBe(textLoader);
    expect(loaderFor("README.MD")).toBe(markdownLoader);
    expect(loaderFor("guide.markdown")).toBe(markdownLoader);
    expect(loaderFor("page.HTM")).toBe(htmlLoader);
    expect(loaderFor("report.Pdf")).toBe(pdfLoader);
    expect(loaderFor("letter.docx")).toBe(docxLoader);
    expect(loaderFor("corpus.jsonl")).toBe(jsonlLoader);
  });

  it("rejects an unsupported extension, naming the file and listing what is supported", () => {
    const error = unsupported("slides/deck.pptx");
    expect(error.code).toBe("E_UNSUPPORTED_TYPE");
    expect(error.message).toContain("slides/deck.pptx");
    expect(error.message).toContain(".pptx");
    for (const extension of supportedExtensions()) expect(error.message).toContain(extension);
  });

  it("rejects a file without an extension", () => {
    const error = unsupported("Makefile");
    expect(error.code).toBe("E_UNSUPPORTED_TYPE");
    expect(error.message).toMatch(/Makefile has no extension/);
  });
});

describe("supportedExtensions", () => {
  it("lists every extension a loader reads", () => {
    expect(supportedExtensions().sort()).toEqual([
      ".docx",
      ".htm",
      ".html",
      ".jsonl",
      ".markdown",
      ".md",
      ".pdf",
      ".txt",
    ]);
  });
});
