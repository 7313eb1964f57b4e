// Reading a JSON configuration file (model catalogue, router weights) with errors that say which file
// and what to do.
import { readFileSync } from "node:fs";
import { VerityError } from "./errors.js";

/**
 * The parsed JSON in `path`. A file that cannot be read fails with E_CONFIG naming `what` and
 * `remedy` ("Create it …"); a file that is not JSON fails with E_CONFIG and the parser's message.
 */
export function readJsonConfig(path: string, what: string, remedy: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new VerityError("E_CONFIG", `cannot read ${what} ${path}: ${(error as Error).message}. ${remedy}`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new VerityError("E_CONFIG", `${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
