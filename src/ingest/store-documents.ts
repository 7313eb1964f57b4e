// Chunking extracted documents and storing them as one unit of replacement (a file's whole content).
import { validateCollection } from "../core/document.js";
import type { PutFileResult, Store } from "../store/store.js";
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
  /** Access groups of every document of the file (default none). */
  groups?: readonly string[];
}

/** Chunks extracted documents and stores them as the file's full content, in one transaction. */
export async function storeDocuments(store: Store, input: StoreDocumentsInput): Promise<PutFileResult> {
  validateCollection(input.collection);
  const single = input.documents.length === 1 && input.documents[0]?.recordId === undefined;
  return store.putFile({
    collection: input.collection,
    path: input.path,
    contentHash: input.contentHash,
    size: input.size,
    mediaType: input.mediaType,
    groups: input.groups ?? [],
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

export { validateCollection };
