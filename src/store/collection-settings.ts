// A collection's settings as every store checks them: the tokenizers there are, and what an existing
// collection's stored settings say about those asked for.
import { VerityError } from "../core/errors.js";
import type { CollectionSettings, CollectionTokenizer } from "./store.js";

const tokenizers: readonly CollectionTokenizer[] = ["default", "cjk"];

/** A stored collection: its row id, name and tokenizer. */
export interface CollectionRow {
  id: number;
  name: string;
  tokenizer: CollectionTokenizer;
}

/** E_INVALID_INPUT naming the tokenizers there are, for one that is not among them. */
export function checkTokenizer(tokenizer: CollectionTokenizer | undefined): void {
  if (tokenizer !== undefined && !tokenizers.includes(tokenizer)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `unknown tokenizer ${JSON.stringify(tokenizer)}; use one of ${tokenizers.join(", ")}`,
      { option: "tokenizer" },
    );
  }
}

/** An existing collection's settings, checked against those asked for. */
export function settingsOf(
  row: CollectionRow,
  tokenizer: CollectionTokenizer | undefined,
): CollectionSettings {
  if (tokenizer !== undefined && tokenizer !== row.tokenizer) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `collection "${row.name}" already exists with tokenizer "${row.tokenizer}", and a collection's index cannot change tokenizer; ingest into a new collection to use "${tokenizer}", or leave the tokenizer unset`,
      { option: "tokenizer" },
    );
  }
  return { tokenizer: row.tokenizer };
}
