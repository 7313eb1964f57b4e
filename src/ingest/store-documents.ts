// Chunking extracted documents and storing them as one unit of replacement (a file's whole content).
import { VerityError } from "../core/errors.js";
import type { Store } from "../store/store.js";
import { type ChunkerOptions, chunkDocument } from "./chunker.js";
import type { ExtractedDocument } from "./extracted.js";

export interface StoreDocumentsInput {
  collection: string;
  /** The file (or other origin) the documents came from; one `path` is one unit of replacement. */
  path: string;
  contentHash: string;
  size: number;
  mediaType: string;
  documents: ExtractedDocument[];
  chunker?: Partial<ChunkerOptions>;
}

/** Chunks extracted documents and stores them as the file's full content, in one transaction. */
export function storeDocuments(store: Store, input: StoreDocumentsInput) {
  validateCollection(input.collection);
  const single = input.documents.length === 1 && input.documents[0]?.recordId === undefined;
  return store.putFile({
    collection: input.collection,
    path: input.path,
    contentHash: input.contentHash,
    size: input.size,
    mediaType: input.mediaType,
    documents: input.documents.map((document) => ({
      source: single ? input.path : `${input.path}#${document.recordId ?? ""}`,
      title: document.title,
      mediaType: input.mediaType,
      text: document.text,
      size: single ? input.size : Buffer.byteLength(document.text),
      metadata: document.metadata ?? {},
      chunks: chunkDocument(document, input.chunker),
    })),
  });
}

export function validateCollection(name: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name)) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `invalid collection name ${JSON.stringify(name)}: use 1–128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
    );
  }
}
