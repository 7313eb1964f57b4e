// RouteLLM-format routing data: a folder of CSV files `prompt,<weak model>,<strong model>` whose
// model columns say (True/False) whether that model answered the prompt correctly. Each file is one
// subject; the split into training and held-out subjects is made here, once, for every script.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { mulberry32 } from "../bench/scale-corpus.js";
import { VerityError } from "../src/core/errors.js";
import { parseCsv } from "./csv.js";

export interface RoutingExample {
  prompt: string;
  weakCorrect: boolean;
  strongCorrect: boolean;
  subject: string;
}

export interface RoutingData {
  folder: string;
  /** Names from the header: column 2 is the weak model, column 3 the strong one. */
  weakModel: string;
  strongModel: string;
  subjects: string[];
  examples: RoutingExample[];
}

const expectedHeader = "prompt,<weak model>,<strong model>";

/** The subjects of a folder, sorted: file names without `.csv` and without a prefix every file shares (`mmlu_`). */
export function routingSubjects(folder: string): string[] {
  return [...subjectFiles(folder).keys()];
}

/**
 * Reads the folder's CSV files, or only those of `subjects`. Every file must have the same two model
 * columns; a value must be True or False (any case, or 1/0).
 */
export function readRoutingData(folder: string, subjects?: readonly string[]): RoutingData {
  const files = subjectFiles(folder);
  const chosen = subjects ?? [...files.keys()];
  const unknown = chosen.filter((subject) => !files.has(subject));
  if (unknown.length > 0) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${folder} has no subject ${unknown.map((subject) => `"${subject}"`).join(", ")}; its subjects are: ${[...files.keys()].join(", ")}`,
    );
  }
  let models: { weak: string; strong: string; file: string } | undefined;
  const examples: RoutingExample[] = [];
  const unique = [...new Set(chosen)].sort();
  for (const subject of unique) {
    const path = files.get(subject) as string;
    const [header, ...rows] = parseCsv(readFileSync(path, "utf8"), path);
    const columns = header?.fields ?? [];
    if (columns.length !== 3 || columns[0]?.trim().toLowerCase() !== "prompt" || !columns[1] || !columns[2]) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `${path}: the header is "${columns.join(",")}", expected "${expectedHeader}" (RouteLLM format: each model column says whether that model answered correctly)`,
      );
    }
    const weak = columns[1].trim();
    const strong = columns[2].trim();
    if (models && (models.weak !== weak || models.strong !== strong)) {
      throw new VerityError(
        "E_INVALID_INPUT",
        `${path} compares ${weak} with ${strong}, but ${models.file} compares ${models.weak} with ${models.strong}; a folder must hold one model pair`,
      );
    }
    models ??= { weak, strong, file: path };
    for (const row of rows) {
      if (row.fields.length !== 3) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `${path}: line ${row.line}: ${row.fields.length} fields, expected 3 (${expectedHeader}); is a prompt with a comma or line break missing its quotes?`,
        );
      }
      const [prompt, weakValue, strongValue] = row.fields as [string, string, string];
      examples.push({
        prompt,
        weakCorrect: correctness(weakValue, weak, path, row.line),
        strongCorrect: correctness(strongValue, strong, path, row.line),
        subject,
      });
    }
  }
  if (!models || examples.length === 0) {
    throw new VerityError("E_EMPTY", `${folder}: the chosen CSV files hold no prompts`);
  }
  return { folder, weakModel: models.weak, strongModel: models.strong, subjects: unique, examples };
}

export const splitDescription =
  "subjects sorted by name; every third one (the 3rd, 6th, 9th…) held out for testing, the others for training";

/** A comma-separated list of subjects from the command line. */
export function subjectList(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

/**
 * The deterministic split by subject used for every reported figure: subjects sorted by name, every
 * third one (the 3rd, 6th, 9th…) held out for testing, the rest for training. `heldOutThird` 0 or 1
 * rotates the split (1st, 4th… or 2nd, 5th… held out), to see how much the figures depend on it.
 */
export function subjectSplit(
  subjects: readonly string[],
  heldOutThird = 2,
): { train: string[]; test: string[] } {
  const sorted = [...subjects].sort();
  return {
    train: sorted.filter((_, index) => index % 3 !== heldOutThird),
    test: sorted.filter((_, index) => index % 3 === heldOutThird),
  };
}

/**
 * A seeded random split by subject: `heldOut` subjects for testing, the rest for training. The same
 * subjects and seed give the same split on every machine, whatever order the subjects come in.
 */
export function randomSubjectSplit(
  subjects: readonly string[],
  heldOut: number,
  seed: number,
): { train: string[]; test: string[] } {
  const order = [...new Set(subjects)].sort();
  if (!Number.isInteger(heldOut) || heldOut < 1 || heldOut >= order.length) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `cannot hold out ${heldOut} of ${order.length} subjects: at least one must be held out and one left for training`,
    );
  }
  const random = mulberry32(seed);
  for (let index = order.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [order[index], order[other]] = [order[other] as string, order[index] as string];
  }
  const test = new Set(order.slice(0, heldOut));
  const sorted = [...order].sort();
  return {
    train: sorted.filter((subject) => !test.has(subject)),
    test: sorted.filter((subject) => test.has(subject)),
  };
}

function correctness(value: string, model: string, path: string, line: number): boolean {
  const normalised = value.trim().toLowerCase();
  if (normalised === "true" || normalised === "1") return true;
  if (normalised === "false" || normalised === "0") return false;
  throw new VerityError(
    "E_INVALID_INPUT",
    `${path}: line ${line}: ${JSON.stringify(value)} in the ${model} column, expected True or False`,
  );
}

/** Subject name → CSV path. */
function subjectFiles(folder: string): Map<string, string> {
  const path = resolve(folder);
  if (!existsSync(path) || !statSync(path).isDirectory()) {
    throw new VerityError(
      "E_NOT_FOUND",
      `no folder ${folder}: pass a folder of RouteLLM-format CSV files (${expectedHeader})`,
    );
  }
  const names = readdirSync(path)
    .filter((name) => name.toLowerCase().endsWith(".csv"))
    .sort();
  if (names.length === 0) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `${folder} holds no .csv files; expected RouteLLM-format files (${expectedHeader}), one per subject`,
    );
  }
  const stems = names.map((name) => basename(name, name.slice(-4)));
  const prefix = /^[^_]+_/u.exec(stems[0] as string)?.[0];
  const shared = prefix !== undefined && stems.every((stem) => stem.startsWith(prefix) && stem !== prefix);
  return new Map(
    stems.map((stem, index) => [
      shared ? stem.slice(prefix.length) : stem,
      join(path, names[index] as string),
    ]),
  );
}
