// JSONL corpora (BEIR format): one document per line, `{ "_id" | "id", "title"?, "text" }`.
import { basename, extname } from "node:path";
import { z } from "zod";
import { VerityError } from "../../core/errors.js";
import type { ExtractedDocument, Loader } from "../extracted.js";
import { decodeUnicode, normaliseText } from "./text-decoding.js";
import { paragraphBlocks } from "./text-loader.js";

const recordId = z.union([z.string().min(1), z.number()]);
const record = z
  .object({
    _id: recordId.optional(),
    id: recordId.optional(),
    title: z.string().nullish(),
    text: z.string(),
  })
  .refine((value) => value.id !== undefined || value._id !== undefined, {
    message: 'needs an "id" or "_id"',
  });

export const jsonlLoader: Loader = {
  mediaType: "application/x-ndjson",
  extensions: [".jsonl"],
  async load({ path, bytes }) {
    const source = decodeUnicode(bytes, path);
    const stem = basename(path, extname(path));
    const documents: ExtractedDocument[] = [];
    const lineOfId = new Map<string, number>();
    let lineNumber = 0;
    for (const line of source.split("\n")) {
      lineNumber++;
      if (line.trim() === "") continue;
      const parsed = record.safeParse(parseJson(line, path, lineNumber));
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? `field "${issue.path.join(".")}": ` : "";
        throw badLine(path, lineNumber, `${where}${issue?.message ?? "not a record"}`);
      }
      const id = String(parsed.data.id ?? parsed.data._id);
      const firstLine = lineOfId.get(id);
      if (firstLine !== undefined)
        throw badLine(path, lineNumber, `id "${id}" already appears on line ${firstLine}`);
      lineOfId.set(id, lineNumber);
      const text = normaliseText(parsed.data.text);
      if (text.trim() === "") continue;
      const title = normaliseText(parsed.data.title ?? "").trim();
      documents.push({
        recordId: id,
        title: title || `${stem}#${id}`,
        text,
        blocks: paragraphBlocks(text),
        metadata: { line: lineNumber },
      });
    }
    if (documents.length === 0) {
      throw new VerityError(
        "E_EMPTY",
        `${path} has no records with text. Add records with a non-empty "text".`,
      );
    }
    return documents;
  },
};

function parseJson(line: string, path: string, lineNumber: number): unknown {
  try {
    return JSON.parse(line);
  } catch (error) {
    throw badLine(path, lineNumber, `not valid JSON (${(error as Error).message})`, error);
  }
}

function badLine(path: string, lineNumber: number, problem: string, cause?: unknown): VerityError {
  return new VerityError(
    "E_CORRUPT",
    `${path} line ${lineNumber}: ${problem}. Fix or remove that line; nothing from this file was ingested.`,
    cause === undefined ? undefined : { cause },
  );
}
