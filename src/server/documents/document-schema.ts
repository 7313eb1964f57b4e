// Documents as the API shows them, and how an upload is answered.
import { z } from "zod";
import { jobSchema } from "../jobs/job-schema.js";
import { apiSchemas } from "../openapi/openapi-document.js";

export const documentSchema = z
  .object({
    id: z.string(),
    collection: z.string(),
    source: z.string().describe("Unique name in the collection: the file path, or path#recordId"),
    file: z.string().describe("The file it came from"),
    title: z.string(),
    mediaType: z.string(),
    contentHash: z.string(),
    size: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    chunkCount: z.number(),
    groups: z.array(z.string()).describe("Access groups; empty: anyone who may read the collection"),
    status: z.literal("indexed"),
  })
  .register(apiSchemas, { id: "Document" });

export const pendingUploadSchema = z.object({
  name: z.string(),
  job: z.string(),
  status: z.enum(["queued", "running"]),
});

export const uploadAnswerSchema = z
  .object({
    job: jobSchema,
    files: z.array(
      z.object({
        name: z.string().describe("As stored: the sent name's last segment, made safe"),
        originalName: z.string(),
        bytes: z.number(),
        sha256: z.string(),
      }),
    ),
  })
  .register(apiSchemas, { id: "UploadAccepted" });
