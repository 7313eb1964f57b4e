// JSONL corpora (BEIR format): one document per line, `{ "_id" | "id", "title"?, "text" }`.
import { basename, extname } from "node:path";
import { z } from "zod";
import { VerityError } from "../../core/errors.js";
import { type ExtractedDocument, type Loader, type LoadProblem, maxListedProblems } from "../extracted.js";
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

/**
 * One document per record. A malformed line (not JSON, not a record, no id, a repeated id) is left
 * out and reported with its number, and the good records are kept; a file with no usable record fails.
 */
export const jsonlLoader: Loader = {
  mediaType: "application/x-ndjson",
  extensions: [".jsonl"],
  async load({ path, bytes }) {
    const source = decodeUnicode(bytes, path);
    const stem = basename(path, extname(path));
    const documents: ExtractedDocument[] = [];
    const problems: LoadProblem[] = [];
    let problemCount = 0;
    const report = (line: number, problem: string) => {
      problemCount++;
      if (problems.length < maxListedProblems) {
        problems.push({ line, code: "E_CORRUPT", message: `${path} line ${line}: ${problem}` });
      }
    };
    const lineOfId = new Map<string, number>();
    let lineNumber = 0;
    let records = 0;
    for (const line of lines(source)) {
      lineNumber++;
      if (line.trim() === "") continue;
      records++;
      const json = parseJson(line);
      if (json.error !== undefined) {
        report(lineNumber, `not valid JSON (${json.error})`);
        continue;
      }
      const parsed = record.safeParse(json.value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? `field "${issue.path.join(".")}": ` : "";
        report(lineNumber, `${where}${issue?.message ?? "not a record"}`);
        continue;
      }
      const id = String(parsed.data.id ?? parsed.data._id);
      const firstLine = lineOfId.get(id);
      if (firstLine !== undefined) {
        report(lineNumber, `id "${id}" already appears on line ${firstLine}`);
        continue;
      }
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
    if (problemCount > 0 && problemCount === records) {
      const first = problems
        .slice(0, 3)
        .map((problem) => problem.message.slice(path.length + 1))
        .join("; ");
      throw new VerityError(
        "E_CORRUPT",
        `${path} has no usable record: all ${problemCount} lines are malformed (${first}). ` +
          'Each line must be a JSON object with "id" or "_id" and "text".',
      );
    }
    if (documents.length === 0) {
      throw new VerityError(
        "E_EMPTY",
        `${path} has no records with text. Add records with a non-empty "text".`,
      );
    }
    return problemCount === 0 ? documents : { documents, problems, problemCount };
  },
};

/** The file's lines, without building an array of them all. */
function* lines(source: string): Generator<string> {
  let start = 0;
  while (start <= source.length) {
    const end = source.indexOf("\n", start);
    if (end < 0) {
      yield source.slice(start);
      return;
    }
    yield source.slice(start, end);
    start = end + 1;
  }
}

function parseJson(line: string): { value: unknown; error?: undefined } | { error: string } {
  try {
    return { value: JSON.parse(line) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
