// Documents of a collection: list (stored ones, and uploads still being ingested), upload (multipart,
// several files, streamed to disk, ingested by a job), read one, remove one, and fetch its original
// file with HTTP Range, with a key or through a short-lived media link (for players, which cannot send
// a key). Every read goes through the caller's access: a document it may not read is answered exactly
// as one that does not exist.
import { z } from "zod";
import { mayReadDocument } from "../../core/access.js";
import { accessGroups } from "../../core/document.js";
import { VerityError } from "../../core/errors.js";
import type { Verity } from "../../engine.js";
import type { MediaTokens } from "../auth/media-tokens.js";
import { readableCollection, writableCollection } from "../collections/collection-access.js";
import type { Caller, ServerContext } from "../context.js";
import {
  collectionName,
  collectionParams,
  errorSchema,
  keyedErrors,
  opaqueId,
} from "../http/common-schemas.js";
import type { RouteTable } from "../http/route.js";
import type { JobRunner } from "../jobs/job-runner.js";
import { documentSchema, pendingUploadSchema, uploadAnswerSchema } from "./document-schema.js";
import { sendFile } from "./send-file.js";
import type { UploadArea } from "./upload-area.js";

const documentParams = z.object({ name: collectionName, id: opaqueId }).strict();

function documentNotFound(id: string, collection: string): VerityError {
  return new VerityError(
    "E_NOT_FOUND",
    `document ${id} not found in collection "${collection}"; GET /api/v1/collections/${collection}/documents lists them`,
  );
}

/** The document if the caller may read it; 404 alike when it does not exist and when it may not. */
async function readableDocument(verity: Verity, caller: Caller, collection: string, id: string) {
  await readableCollection(verity, caller, collection);
  const document = await verity.getDocument(id, { collection, access: caller.access });
  if (!document || document.id !== id) throw documentNotFound(id, collection);
  return document;
}

/** A readable document whose original file may be served: its file holds no other documents. */
async function servedDocument(verity: Verity, caller: Caller, collection: string, id: string) {
  const document = await readableDocument(verity, caller, collection, id);
  if (document.source !== document.file) {
    // The file holds other records too, which may belong to groups this key may not read.
    throw new VerityError(
      "E_NOT_FOUND",
      `document ${document.id} is one record of ${document.file}; its original file holds other documents and is not served`,
    );
  }
  return document;
}

/** `groups` as sent in a form: comma-separated, or a JSON array. */
function groupsField(value: string | undefined): string[] {
  if (value === undefined || value.trim() === "") return [];
  const list = value.trim().startsWith("[") ? (JSON.parse(value) as unknown) : value.split(",");
  if (!Array.isArray(list))
    throw new VerityError("E_INVALID_INPUT", "groups: send a comma-separated list or a JSON array");
  return accessGroups(list.map((group) => String(group).trim()));
}

/** A key limited to some groups may only give its documents groups it belongs to. */
function checkGroups(caller: Caller, groups: readonly string[]): void {
  if (caller.access.groups === "*") return;
  const mine = caller.access.groups;
  const foreign = groups.filter((group) => !mine.includes(group));
  if (foreign.length > 0) {
    throw new VerityError(
      "E_FORBIDDEN",
      `this API key may not give documents the access groups ${foreign.join(", ")}; use groups it belongs to`,
    );
  }
}

export function addDocumentRoutes(
  routes: RouteTable,
  context: ServerContext,
  uploads: UploadArea,
  jobs: JobRunner,
  mediaTokens: MediaTokens,
): void {
  const { verity } = context;

  routes.add({
    method: "GET",
    url: "/api/v1/collections/:name/documents",
    summary: "Documents this key may read, and files of its uploads still being ingested",
    tag: "documents",
    scope: "read",
    params: collectionParams,
    responses: {
      200: {
        description: "Stored documents, and pending uploads",
        schema: z.object({ documents: z.array(documentSchema), pending: z.array(pendingUploadSchema) }),
      },
      404: { description: "No such collection, or not one this key may read", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) => {
      await readableCollection(verity, caller, params.name);
      const documents = (await verity.listDocuments(params.name, caller.access))
        .filter((document) => mayReadDocument(caller.access, document.groups))
        .map((document) => ({ ...document, status: "indexed" as const }));
      const pending = (await jobs.list(50))
        .filter(
          ({ job, keyId }) =>
            job.kind === "upload" &&
            job.collection === params.name &&
            (job.status === "queued" || job.status === "running") &&
            (keyId === caller.keyId || caller.access.groups === "*"),
        )
        .flatMap(({ job, names }) =>
          (names ?? []).map((name) => ({
            name,
            job: job.id,
            status: job.status as "queued" | "running",
          })),
        );
      return { documents, pending };
    },
  });

  routes.add({
    method: "POST",
    url: "/api/v1/collections/:name/documents",
    summary:
      "Upload files (multipart/form-data, one or more file parts; optional field `groups`). They are streamed to disk and ingested by a job; nothing is kept if any part fails",
    tag: "documents",
    scope: "write",
    params: collectionParams,
    query: z
      .object({
        wait: z
          .enum(["true", "false"])
          .default("false")
          .describe("Answer once ingested (201) instead of at once (202)"),
      })
      .strict(),
    body: "multipart",
    responses: {
      202: { description: "Stored; the ingestion job is queued", schema: uploadAnswerSchema },
      201: {
        description: "Stored and ingested (wait=true); see the job's result per file",
        schema: uploadAnswerSchema,
      },
      404: { description: "No such collection (create it first)", schema: errorSchema },
      413: {
        description: "A file or the number of files is over the limit (E_TOO_LARGE)",
        schema: errorSchema,
      },
      415: { description: "Not multipart/form-data (E_UNSUPPORTED_MEDIA)", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, query, caller, request, reply }) => {
      await writableCollection(verity, caller, params.name);
      let groups: string[] = [];
      const received = await uploads.receive(params.name, request.parts(), (fields) => {
        groups = groupsField(fields.groups);
        checkGroups(caller, groups);
      });
      const job = await jobs.startUpload({
        collection: params.name,
        paths: received.files.map((file) => file.path),
        names: received.files.map((file) => file.name),
        groups,
        ...(caller.keyId ? { keyId: caller.keyId } : {}),
      });
      const files = received.files.map(({ name, originalName, bytes, sha256 }) => ({
        name,
        originalName,
        bytes,
        sha256,
      }));
      if (query.wait === "true") {
        const finished = await new Promise((resolve, reject) => {
          jobs
            .subscribe(job.id, (current, done) => {
              if (done) resolve(current);
            })
            .catch(reject);
        });
        return reply.code(201).send({ job: finished, files });
      }
      reply.code(202).header("location", `/api/v1/jobs/${job.id}`);
      return { job, files };
    },
  });

  routes.add({
    method: "GET",
    url: "/api/v1/collections/:name/documents/:id",
    summary: "One document's record",
    tag: "documents",
    scope: "read",
    params: documentParams,
    responses: {
      200: { description: "The document", schema: documentSchema },
      404: { description: "No such document, or not one this key may read", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) => ({
      ...(await readableDocument(verity, caller, params.name, params.id)),
      status: "indexed" as const,
    }),
  });

  routes.add({
    method: "GET",
    url: "/api/v1/collections/:name/documents/:id/text",
    summary:
      "The document's extracted text: what citations' charStart and charEnd count in (to show a cited span)",
    tag: "documents",
    scope: "read",
    params: documentParams,
    responses: {
      200: {
        description: "The text",
        schema: z.object({ id: z.string(), title: z.string(), mediaType: z.string(), text: z.string() }),
      },
      404: { description: "No such document, or not one this key may read", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) => {
      const document = await readableDocument(verity, caller, params.name, params.id);
      const text = await verity.getDocumentText(document.id, { access: caller.access });
      if (text === undefined) throw documentNotFound(params.id, params.name);
      return { id: document.id, title: document.title, mediaType: document.mediaType, text };
    },
  });

  routes.add({
    method: "DELETE",
    url: "/api/v1/collections/:name/documents/:id",
    summary:
      "Remove a document and everything derived from it (and its uploaded file when nothing else uses it)",
    tag: "documents",
    scope: "write",
    params: documentParams,
    responses: {
      200: { description: "Removed", schema: z.object({ removed: z.string() }) },
      404: { description: "No such document, or not one this key may read", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) => {
      await writableCollection(verity, caller, params.name);
      const document = await readableDocument(verity, caller, params.name, params.id);
      await verity.remove(document.id, params.name, caller.access);
      const stillUsed = (await verity.listDocuments(params.name)).some(
        (other) => other.file === document.file,
      );
      if (!stillUsed) await uploads.discard(document.file);
      return { removed: document.id };
    },
  });

  routes.add({
    method: "GET",
    url: "/api/v1/collections/:name/documents/:id/content",
    summary: "The document's original file, whole or a byte range (Range: bytes=a-b); 416 past the end",
    tag: "documents",
    scope: "read",
    mediaToken: true,
    params: documentParams,
    query: z
      .object({
        token: z
          .string()
          .max(200)
          .optional()
          .describe(
            "A media link's token (POST …/content-url), instead of the Authorization header: for players that cannot send one",
          ),
      })
      .strict(),
    headers: { Range: "bytes=<start>-<end>, bytes=<start>- or bytes=-<suffix length>" },
    responses: {
      200: {
        description:
          "The whole file, with its media type (a recording's from its extension: audio/mpeg, video/mp4…)",
        contentType: "application/octet-stream",
      },
      206: { description: "The range asked for (Content-Range)", contentType: "application/octet-stream" },
      404: {
        description: "No such document, or its file is gone, or it is one record of a multi-document file",
        schema: errorSchema,
      },
      416: {
        description: "The range starts past the end (Content-Range: bytes */size)",
        schema: errorSchema,
      },
      ...keyedErrors,
      401: {
        description:
          "No valid API key, or a media token that is altered, made for another document, expired, or of a key since revoked (E_UNAUTHORIZED)",
        schema: errorSchema,
      },
    },
    handler: async ({ params, caller, request, reply }) => {
      const document = await servedDocument(verity, caller, params.name, params.id);
      return sendFile(reply, { path: document.file, mediaType: document.mediaType }, request.headers.range);
    },
  });

  routes.add({
    method: "POST",
    url: "/api/v1/collections/:name/documents/:id/content-url",
    summary:
      "A short-lived link to the document's original file (GET …/content?token=…), for a player or viewer that cannot send the key; it opens this document only, while the key is valid",
    tag: "documents",
    scope: "read",
    params: documentParams,
    responses: {
      200: {
        description: "The link, relative to the server, and when it stops working",
        schema: z.object({
          url: z.string().describe("GET it without a key; Range works as with the key"),
          expiresAt: z.string().describe("ISO 8601 time after which the link is refused (401)"),
        }),
      },
      404: {
        description: "No such document, or not one this key may read, or one whose file is not served",
        schema: errorSchema,
      },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) => {
      const document = await servedDocument(verity, caller, params.name, params.id);
      const { token, expiresAt } = mediaTokens.issue(caller, {
        collection: params.name,
        documentId: document.id,
      });
      const path = `/api/v1/collections/${encodeURIComponent(params.name)}/documents/${encodeURIComponent(document.id)}/content`;
      return { url: `${path}?token=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString() };
    },
  });
}
