// Verity as Model Context Protocol tools for AI agents: `search`, `ask`, `list_collections` and
// `get_document`, each answering with structured content (citations with their locations) and the
// same as readable text. One server per caller: every tool reads with that caller's access, so a
// document the caller may not read is "not found" here as everywhere else. Shared by `verity mcp`
// (stdio) and the HTTP endpoint `/mcp`.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { Access } from "../../core/access.js";
import { defaultCollection } from "../../core/defaults.js";
import { isVerityError, VerityError } from "../../core/errors.js";
import type { Verity } from "../../engine.js";
import { citedText, sourceLabel } from "../openai/cited-text.js";

export interface McpToolsOptions {
  /** What the caller may read. */
  access: Access;
  /** The API key's id, for budgets and the ledger; absent for the local user. */
  keyId?: string;
  /** The server's version, shown to clients. */
  version?: string;
}

const locationSchema = z.looseObject({
  charStart: z.number(),
  charEnd: z.number(),
  page: z.number().optional(),
  headingPath: z.array(z.string()).optional(),
  startMs: z.number().optional(),
  endMs: z.number().optional(),
});

const citationSchema = z.looseObject({
  documentId: z.string(),
  source: z.string(),
  chunkId: z.string(),
  location: locationSchema,
  quote: z.string(),
});

const collectionName = z
  .string()
  .min(1)
  .max(200)
  .optional()
  .describe(`the collection to read (list_collections names them); default "${defaultCollection}"`);

/** Longest stretch of a document's text one get_document call returns. */
const maxTextChars = 100_000;

export function createMcpServer(verity: Verity, options: McpToolsOptions): McpServer {
  const server = new McpServer(
    { name: "verity", version: options.version ?? "0.1.0" },
    {
      instructions:
        "Verity answers questions from an organisation's own documents. Every sentence of an answer cites the passage that supports it; when the documents do not answer, it says \"I don't know\", why, and the closest sources. Use ask for answers, search for passages, list_collections to see what can be read, get_document to read a cited document.",
    },
  );
  const { access } = options;

  server.registerTool(
    "list_collections",
    {
      title: "List collections",
      description: "The collections you may read, with how many documents and passages each holds.",
      inputSchema: {},
      outputSchema: {
        collections: z.array(
          z.object({
            name: z.string(),
            documentCount: z.number(),
            chunkCount: z.number(),
            createdAt: z.string(),
          }),
        ),
      },
      annotations: { readOnlyHint: true },
    },
    async () =>
      toolResult(async () => {
        const collections = (await verity.listCollections(access)).map(
          ({ name, documentCount, chunkCount, createdAt }) => ({
            name,
            documentCount,
            chunkCount,
            createdAt,
          }),
        );
        const text =
          collections.length === 0
            ? "No collections you may read."
            : collections
                .map((each) => `${each.name}: ${each.documentCount} documents, ${each.chunkCount} passages`)
                .join("\n");
        return { text, structured: { collections } };
      }),
  );

  server.registerTool(
    "search",
    {
      title: "Search passages",
      description:
        "Find the passages of a collection that best match a query (BM25, plus vectors when the collection has them), best first, each with its source and location.",
      inputSchema: {
        query: z.string().trim().min(1, "query is empty; say what to search for").max(4000),
        collection: collectionName,
        limit: z.number().int().min(1).max(50).optional().describe("how many passages, 1-50; default 8"),
      },
      outputSchema: {
        passages: z.array(
          z.looseObject({
            rank: z.number(),
            documentId: z.string(),
            source: z.string(),
            title: z.string(),
            chunkId: z.string(),
            location: locationSchema,
            text: z.string(),
            score: z.number(),
          }),
        ),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ query, collection, limit }, extra) =>
      toolResult(async () => {
        const { passages: found } = await verity.search(query, {
          collection: collection ?? defaultCollection,
          limit: limit ?? 8,
          access,
          signal: extra.signal,
        });
        const passages = found.map((passage, index) => ({
          rank: index + 1,
          ...passage,
          location: withoutTimeline(passage.location),
        }));
        const text =
          passages.length === 0
            ? "No passage matches the query."
            : passages
                .map(
                  (each) => `[${each.rank}] ${sourceLabel(each.source, each.location)}\n${each.text.trim()}`,
                )
                .join("\n\n");
        return { text, structured: { passages } };
      }),
  );

  server.registerTool(
    "ask",
    {
      title: "Ask a question",
      description:
        'Answer a question from a collection. Every sentence cites its source ([n] markers, sources listed at the end); when the documents do not answer it, the reply is "I don\'t know", why, and the closest sources. Pass the conversation so far as history for a follow-up question.',
      inputSchema: {
        question: z.string().trim().min(1, "question is empty; ask something").max(4000),
        collection: collectionName,
        history: z
          .array(z.object({ role: z.enum(["user", "assistant"]), content: z.string() }))
          .max(50)
          .optional()
          .describe("earlier turns of the conversation, oldest first, without this question"),
      },
      outputSchema: {
        status: z.enum(["answered", "abstained"]),
        question: z.string(),
        sentences: z.array(z.looseObject({ text: z.string(), citations: z.array(citationSchema) })),
        abstention: z
          .looseObject({ reason: z.string(), detail: z.string(), closestSources: z.array(z.looseObject({})) })
          .nullable(),
        sources: z.array(
          z.looseObject({
            number: z.number(),
            source: z.string(),
            location: locationSchema,
            label: z.string(),
          }),
        ),
        trace: z.looseObject({}),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ question, collection, history }, extra) =>
      toolResult(async () => {
        const answer = await verity.ask(question, {
          collection: collection ?? defaultCollection,
          access,
          signal: extra.signal,
          ...(history ? { history } : {}),
          ...(options.keyId !== undefined ? { apiKey: options.keyId } : {}),
        });
        const { text, sources } = citedText(answer);
        return {
          text,
          structured: {
            status: answer.status,
            question: answer.question,
            sentences: answer.sentences,
            abstention: answer.abstention,
            sources,
            trace: answer.trace,
          },
        };
      }),
  );

  server.registerTool(
    "get_document",
    {
      title: "Read a document",
      description:
        "A document's details and extracted text, by its id or source (as search and ask cite them). Long texts come in parts: pass offset to read on.",
      inputSchema: {
        document: z.string().min(1, "name a document by its id or source").max(4000),
        collection: collectionName,
        offset: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe("first character of the text to return; default 0"),
        maxChars: z
          .number()
          .int()
          .min(1)
          .max(maxTextChars)
          .optional()
          .describe(`most characters of text to return; default and at most ${maxTextChars}`),
      },
      outputSchema: {
        document: z.looseObject({
          id: z.string(),
          collection: z.string(),
          source: z.string(),
          title: z.string(),
          mediaType: z.string(),
        }),
        text: z.string(),
        offset: z.number(),
        totalChars: z.number(),
        nextOffset: z.number().nullable(),
      },
      annotations: { readOnlyHint: true },
    },
    async ({ document, collection, offset, maxChars }) =>
      toolResult(async () => {
        const record = await verity.getDocument(document, {
          collection: collection ?? defaultCollection,
          access,
        });
        if (!record) {
          throw new VerityError(
            "E_NOT_FOUND",
            `no document "${document}" in collection "${collection ?? defaultCollection}"; search or ask to find documents, and pass the id or source they cite`,
          );
        }
        const fullText = (await verity.getDocumentText(record.id, { access })) ?? "";
        const start = Math.min(offset ?? 0, fullText.length);
        const end = Math.min(fullText.length, start + (maxChars ?? maxTextChars));
        const text = fullText.slice(start, end);
        const nextOffset = end < fullText.length ? end : null;
        const heading = `${record.title} (${record.source}, ${record.mediaType}), characters ${start}-${end} of ${fullText.length}`;
        return {
          text: `${heading}${nextOffset !== null ? `; read on with offset ${nextOffset}` : ""}\n\n${text}`,
          structured: { document: record, text, offset: start, totalChars: fullText.length, nextOffset },
        };
      }),
  );

  return server;
}

/**
 * A tool's result: structured content and the same as text; a VerityError becomes a tool error the
 * agent reads (`E_NOT_FOUND: …`), anything else is thrown on for the SDK to report.
 */
async function toolResult(
  run: () => Promise<{ text: string; structured: Record<string, unknown> }>,
): Promise<CallToolResult> {
  try {
    const { text, structured } = await run();
    return { content: [{ type: "text", text }], structuredContent: structured };
  } catch (error) {
    if (!isVerityError(error)) throw error;
    return { content: [{ type: "text", text: `${error.code}: ${error.message}` }], isError: true };
  }
}

/** A recording's per-segment timeline is internal bookkeeping, not part of a citation. */
function withoutTimeline<T extends { timeline?: unknown }>(location: T): Omit<T, "timeline"> {
  const { timeline: _timeline, ...rest } = location;
  return rest;
}
