// The answer as the API sends it (src/core/answer.ts), for the OpenAPI document and the tests that
// check real responses against it. Responses are not parsed at run time: the engine's types hold.
import { z } from "zod";
import { apiSchemas } from "../openapi/openapi-document.js";

export const locationSchema = z
  .object({
    charStart: z.number().describe("First character in the document's extracted text"),
    charEnd: z.number().describe("One past the last character"),
    page: z.number().optional().describe("1-based page, for PDFs"),
    headingPath: z.array(z.string()).optional().describe("Enclosing headings, outermost first"),
    startMs: z.number().optional().describe("Recordings: when the passage starts"),
    endMs: z.number().optional(),
  })
  .register(apiSchemas, { id: "Location" });

export const citationSchema = z
  .object({
    documentId: z.string(),
    source: z.string(),
    chunkId: z.string(),
    location: locationSchema,
    quote: z.string().describe("The supporting text, verbatim"),
  })
  .register(apiSchemas, { id: "Citation" });

const verificationSchema = z.object({
  verdict: z.enum(["supported", "unsupported", "contradicted"]),
  score: z.number(),
  reasons: z.array(z.string()),
  conflicts: z.array(z.object({ citation: citationSchema, reason: z.string() })).optional(),
  judge: z
    .object({ by: z.string(), layerOne: z.string(), reason: z.string(), confidence: z.number().optional() })
    .optional(),
});

export const sentenceSchema = z
  .object({
    text: z.string(),
    citations: z.array(citationSchema),
    verification: verificationSchema
      .optional()
      .describe("Model-written sentences: the check against the sources"),
  })
  .register(apiSchemas, { id: "AnswerSentence" });

export const closestSourceSchema = z
  .object({
    documentId: z.string(),
    source: z.string(),
    title: z.string(),
    chunkId: z.string(),
    location: locationSchema,
    snippet: z.string(),
    score: z.number(),
  })
  .register(apiSchemas, { id: "ClosestSource" });

export const abstentionSchema = z
  .object({
    reason: z.enum([
      "no_relevant_sources",
      "unsupported_by_sources",
      "conflicting_sources",
      "model_declined",
    ]),
    detail: z.string().describe("Why Verity did not answer, in a sentence"),
    closestSources: z.array(closestSourceSchema),
  })
  .register(apiSchemas, { id: "Abstention" });

export const traceSchema = z
  .looseObject({
    answerer: z.string(),
    collection: z.string(),
    retrievalMs: z.number(),
    totalMs: z.number(),
  })
  .describe("How the answer was made: retrieval, route, models tried, tokens, cost, warnings")
  .register(apiSchemas, { id: "Trace" });

export const answerSchema = z
  .object({
    question: z.string(),
    status: z.enum(["answered", "abstained"]),
    sentences: z.array(sentenceSchema),
    abstention: abstentionSchema.nullable(),
    trace: traceSchema,
  })
  .register(apiSchemas, { id: "Answer" });
