// The job as the API shows it.
import { z } from "zod";
import { apiSchemas } from "../openapi/openapi-document.js";

export const jobSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["upload", "reindex"]),
    collection: z.string(),
    status: z.enum(["queued", "running", "succeeded", "failed", "interrupted"]),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    progress: z.object({
      done: z.number(),
      total: z.number(),
      unit: z.enum(["files", "chunks"]),
      etaMs: z.number().optional(),
    }),
    result: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Per file for uploads; the space for reindex"),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    resumedFrom: z.string().optional().describe("The interrupted job this one took over at start-up"),
  })
  .register(apiSchemas, { id: "Job" });
