// Collections: list those the key may read, create one with its settings (the tokenizer is fixed at
// creation), read one with its settings, delete one with everything in it (admin), and rebuild its
// embedding space in the background (a reindex job).
import { z } from "zod";
import type { ServerContext } from "../context.js";
import type { UploadArea } from "../documents/upload-area.js";
import { collectionName, collectionParams, errorSchema, keyedErrors } from "../http/common-schemas.js";
import type { RouteTable } from "../http/route.js";
import type { JobRunner } from "../jobs/job-runner.js";
import { jobSchema } from "../jobs/job-schema.js";
import { apiSchemas } from "../openapi/openapi-document.js";
import { readableCollection, writableCollection } from "./collection-access.js";

const settingsSchema = z.object({
  tokenizer: z
    .enum(["default", "cjk"])
    .describe("How text is indexed: default (words), or cjk for Chinese, Japanese and Korean"),
});

const collectionSchema = z
  .object({
    name: z.string(),
    createdAt: z.string(),
    documentCount: z.number().describe("Documents this key may read"),
    chunkCount: z.number(),
    settings: settingsSchema,
  })
  .register(apiSchemas, { id: "Collection" });

const createBody = z
  .object({ name: collectionName, tokenizer: settingsSchema.shape.tokenizer.default("default") })
  .strict();

const reindexBody = z
  .object({
    space: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe("Space name (default <provider>:<model>:<version>)"),
    version: z.string().min(1).max(50).optional(),
    quantization: z.enum(["float32", "int8", "binary"]).optional(),
    activate: z.boolean().default(false).describe("Switch queries to the space once it is complete"),
  })
  .strict();

export function addCollectionRoutes(
  routes: RouteTable,
  context: ServerContext,
  uploads: UploadArea,
  jobs: JobRunner,
): void {
  const { verity } = context;
  const withSettings = async <T extends { name: string }>(collection: T) => ({
    ...collection,
    settings: (await verity.store.collectionSettings(collection.name)) ?? { tokenizer: "default" as const },
  });

  routes.add({
    method: "GET",
    url: "/api/v1/collections",
    summary: "List the collections this key may read, with their counts and settings",
    tag: "collections",
    scope: "read",
    responses: {
      200: { description: "Collections", schema: z.object({ collections: z.array(collectionSchema) }) },
      ...keyedErrors,
    },
    handler: async ({ caller }) => ({
      collections: await Promise.all((await verity.listCollections(caller.access)).map(withSettings)),
    }),
  });

  routes.add({
    method: "POST",
    url: "/api/v1/collections",
    summary: "Create a collection with its settings (the same settings again change nothing)",
    tag: "collections",
    scope: "write",
    body: createBody,
    responses: {
      201: { description: "Created", schema: collectionSchema },
      200: { description: "It already existed with these settings", schema: collectionSchema },
      ...keyedErrors,
    },
    handler: async ({ body, caller, reply }) => {
      await writableCollection(verity, caller, body.name, "write", true);
      const existed = await verity.store.hasCollection(body.name);
      await verity.createCollection(body.name, { tokenizer: body.tokenizer });
      reply.code(existed ? 200 : 201);
      return withSettings(await readableCollection(verity, caller, body.name));
    },
  });

  routes.add({
    method: "GET",
    url: "/api/v1/collections/:name",
    summary: "A collection with its counts and settings",
    tag: "collections",
    scope: "read",
    params: collectionParams,
    responses: {
      200: { description: "The collection", schema: collectionSchema },
      404: { description: "No such collection, or not one this key may read", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) =>
      withSettings(await readableCollection(verity, caller, params.name)),
  });

  routes.add({
    method: "DELETE",
    url: "/api/v1/collections/:name",
    summary:
      "Delete a collection with its documents, embedding spaces and uploaded files (the ledger keeps its answers)",
    tag: "collections",
    scope: "admin",
    params: collectionParams,
    responses: {
      200: {
        description: "What was removed",
        schema: z.object({ files: z.number(), documents: z.number() }),
      },
      404: { description: "No such collection", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) => {
      await writableCollection(verity, caller, params.name, "admin");
      const { files, documents } = await verity.removeCollection(params.name, { access: caller.access });
      await uploads.discardCollection(params.name);
      return { files, documents };
    },
  });

  routes.add({
    method: "POST",
    url: "/api/v1/collections/:name/reindex",
    summary:
      "Embed the collection into an embedding space in the background (a job; resumes after a restart)",
    tag: "collections",
    scope: "write",
    params: collectionParams,
    body: reindexBody,
    responses: {
      202: { description: "The job, queued", schema: jobSchema },
      404: { description: "No such collection", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, body, caller, reply }) => {
      await writableCollection(verity, caller, params.name);
      const job = await jobs.startReindex({
        collection: params.name,
        ...body,
        ...(caller.keyId ? { keyId: caller.keyId } : {}),
      });
      reply.code(202).header("location", `/api/v1/jobs/${job.id}`);
      return job;
    },
  });
}
