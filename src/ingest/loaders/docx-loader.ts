// DOCX: checked against zip bombs, converted by mammoth to HTML (keeping headings), then walked into blocks.
import { basename, extname } from "node:path";
import { VerityError } from "../../core/errors.js";
import type { Loader } from "../extracted.js";
import { inspectArchive } from "./archive-guard.js";
import { type HtmlNode, htmlBlocks } from "./html-blocks.js";

const mainPart = "word/document.xml";

type Mammoth = typeof import("mammoth");

function conversionFor(mammoth: Mammoth) {
  return {
    // Word's Title style is the document's title; mammoth would otherwise flatten it to a paragraph.
    styleMap: ["p[style-name='Title'] => h1:fresh"],
    // Images carry no text: leave them unread instead of inlining them as base64.
    convertImage: mammoth.images.imgElement(async () => ({ src: "" })),
    externalFileAccess: false,
  };
}

export const docxLoader: Loader = {
  mediaType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  extensions: [".docx"],
  async load({ path, bytes, limits }) {
    const archive = await inspectArchive(bytes, path, limits);
    if (!archive.entryNames.has(mainPart)) {
      throw new VerityError(
        "E_CORRUPT",
        `${path} is a zip archive but not a Word document (it has no ${mainPart}). ` +
          "Open it in Word or LibreOffice and save it as .docx again.",
      );
    }
    // mammoth and linkedom are large: load them only when a DOCX turns up (keeps `verity ask` start-up fast).
    const [{ default: mammoth }, { parseHTML }] = await Promise.all([import("mammoth"), import("linkedom")]);
    let result: Awaited<ReturnType<Mammoth["convertToHtml"]>>;
    try {
      const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      result = await mammoth.convertToHtml({ buffer }, conversionFor(mammoth));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new VerityError(
        "E_CORRUPT",
        `${path} could not be read as a Word document (${reason}). Open it in Word or LibreOffice and save it again.`,
        { cause: error },
      );
    }
    const { document } = parseHTML(`<!doctype html><html><head></head><body>${result.value}</body></html>`);
    const content = htmlBlocks(document.body as HtmlNode);
    if (content.blocks.length === 0) {
      throw new VerityError(
        "E_EMPTY",
        `${path} has no text (images and empty paragraphs only). Add text or leave it out.`,
      );
    }
    const warnings = result.messages.map((message) => message.message);
    return [
      {
        title: content.firstHeading ?? basename(path, extname(path)),
        text: content.text,
        blocks: content.blocks,
        ...(warnings.length > 0 ? { metadata: { warnings } } : {}),
      },
    ];
  },
};
