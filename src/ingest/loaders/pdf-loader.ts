// PDF: the text of each page, with lines rebuilt from positioned text items and the page kept on every block.
import { basename, extname } from "node:path";
import { VerityError } from "../../core/errors.js";
import type { Loader } from "../extracted.js";
import { createTextBuilder, type TextBuilder } from "./text-builder.js";
import { normaliseText } from "./text-decoding.js";

/** The fields of a pdfjs text item this loader reads. */
interface PositionedText {
  str: string;
  /** Text-space matrix: [4] is x, [5] is the baseline y (growing upwards). */
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

interface Line {
  text: string;
  y: number;
  height: number;
  endX: number;
}

/** A baseline this much further down than the line height starts a new paragraph. */
const paragraphGap = 1.5;

export const pdfLoader: Loader = {
  mediaType: "application/pdf",
  extensions: [".pdf"],
  async load({ path, bytes }) {
    // pdfjs is large: load it only when a PDF turns up.
    const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");
    const task = getDocument({
      // A plain copy: pdfjs refuses Node Buffers, and it transfers the array to its worker, detaching it.
      data: new Uint8Array(bytes),
      useWorkerFetch: false,
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
    });
    try {
      const pdf = await task.promise.catch((error: unknown) => {
        throw unreadable(path, error);
      });
      const builder = createTextBuilder();
      try {
        for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
          const page = await pdf.getPage(pageNumber);
          const content = await page.getTextContent();
          const items = content.items.filter((item): item is PositionedText & typeof item => "str" in item);
          addPage(builder, items, pageNumber);
          page.cleanup();
        }
      } catch (error) {
        throw unreadable(path, error);
      }
      const { text, blocks } = builder.build();
      if (blocks.length === 0) {
        throw new VerityError(
          "E_EMPTY",
          `${path} has no extractable text; it is probably scanned images. OCR is not supported yet: ` +
            "run it through an OCR tool (e.g. `ocrmypdf in.pdf out.pdf`) and ingest the result.",
        );
      }
      const info = (await pdf.getMetadata().catch(() => undefined))?.info as { Title?: unknown } | undefined;
      const metadataTitle = typeof info?.Title === "string" ? normaliseText(info.Title).trim() : "";
      return [
        {
          title: metadataTitle || basename(path, extname(path)),
          text,
          blocks,
          metadata: { pages: pdf.numPages },
        },
      ];
    } finally {
      await task.destroy();
    }
  },
};

/** Adds a page as paragraphs: lines separated by a wide vertical gap or a change of font size split blocks. */
function addPage(builder: TextBuilder, items: PositionedText[], page: number): void {
  let paragraph: Line[] = [];
  const emit = () => {
    builder.add(paragraph.map((line) => line.text.trim()).join("\n"), { kind: "text", page });
    paragraph = [];
  };
  for (const line of linesOf(items)) {
    const previous = paragraph[paragraph.length - 1];
    if (previous && startsParagraph(previous, line)) emit();
    paragraph.push(line);
  }
  emit();
}

function startsParagraph(previous: Line, line: Line): boolean {
  const drop = previous.y - line.y;
  const height = Math.max(previous.height, line.height);
  const sizeChange = Math.abs(previous.height - line.height) > 0.2 * height;
  return drop < 0 || drop > paragraphGap * height || sizeChange;
}

/** Joins items into lines: a new line at `hasEOL` or when the baseline moves; a space where items are apart. */
function linesOf(items: PositionedText[]): Line[] {
  const lines: Line[] = [];
  let current: Line | undefined;
  for (const item of items) {
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    const height = item.height || Math.abs(item.transform[3] ?? 0) || 10;
    if (item.str !== "") {
      if (current && Math.abs(current.y - y) > 0.5 * Math.min(current.height, height)) {
        lines.push(current);
        current = undefined;
      }
      if (!current) {
        current = { text: item.str, y, height, endX: x + item.width };
      } else {
        const apart = x - current.endX > 0.15 * height;
        const spaced = /\s$/.test(current.text) || /^\s/.test(item.str);
        current.text += apart && !spaced ? ` ${item.str}` : item.str;
        current.height = Math.max(current.height, height);
        current.endX = x + item.width;
      }
    }
    if (item.hasEOL && current) {
      lines.push(current);
      current = undefined;
    }
  }
  if (current) lines.push(current);
  return lines.filter((line) => line.text.trim() !== "");
}

function unreadable(path: string, error: unknown): VerityError {
  if (error instanceof VerityError) return error;
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === "PasswordException") {
    return new VerityError(
      "E_CORRUPT",
      `${path} is password-protected. Remove the password (e.g. \`qpdf --decrypt --password=... in.pdf out.pdf\`) ` +
        "and ingest the decrypted copy.",
      { cause: error },
    );
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new VerityError(
    "E_CORRUPT",
    `${path} is not a readable PDF (${reason}). Check that it opens in a PDF viewer, or export it again.`,
    { cause: error },
  );
}
