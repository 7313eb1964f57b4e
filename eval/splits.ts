// Development and test parts of an evaluation set, committed as files before anything is tuned on the
// set: tune on `dev`, quote `test`. A split made once from a seeded shuffle of the ids, and checked
// against the data at every run so a changed file cannot silently change what is measured.
import { readFileSync, writeFileSync } from "node:fs";
import { VerityError } from "../src/core/errors.js";
import { foldsById } from "./folds.js";

export interface DevTestSplit {
  /** What the split is of, e.g. `rgb/en_fact.json`. */
  dataset: string;
  seed: number;
  dev: string[];
  test: string[];
}

/** Half the ids to dev, half to test, by a seeded shuffle (the same ids and seed give the same split). */
export function makeSplit(dataset: string, ids: readonly string[], seed: number): DevTestSplit {
  const folds = foldsById(ids, 2, seed);
  const part = (fold: number) =>
    [...folds.entries()]
      .filter(([, value]) => value === fold)
      .map(([id]) => id)
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  return { dataset, seed, dev: part(0), test: part(1) };
}

export function writeSplit(path: string, split: DevTestSplit): void {
  writeFileSync(path, `${JSON.stringify(split, null, 1)}\n`);
}

/** The committed split at `path`, checked to cover exactly `ids`. */
export function readSplit(path: string, ids: readonly string[]): DevTestSplit {
  let split: DevTestSplit;
  try {
    split = JSON.parse(readFileSync(path, "utf8")) as DevTestSplit;
  } catch (error) {
    throw new VerityError("E_NOT_FOUND", `cannot read the split ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const inSplit = new Set([...split.dev, ...split.test]);
  const missing = ids.filter((id) => !inSplit.has(id));
  if (missing.length > 0 || inSplit.size !== new Set(ids).size) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `the split ${path} does not match the data (${missing.length} ids not in it, ${inSplit.size} in it against ${new Set(ids).size} in the data): evaluate the data it was made for, or pass --split none`,
    );
  }
  return split;
}
