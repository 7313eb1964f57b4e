// Schemas shared by several routes: names and ids in paths (checked before they reach the engine or a
// file path), and the error body every failure has.
import { z } from "zod";
import { apiSchemas } from "../openapi/openapi-document.js";

/** As the store names collections: no slashes or dots first, so never a path of its own. */
export const collectionName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/u,
    "1–128 letters, digits, '.', '_' or '-', starting with a letter or digit",
  )
  .describe("Collection name");

/** Document, job and key ids: letters, digits, '_' and '-' only. */
export const opaqueId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/u, "an id: letters, digits, '_' and '-' only");

export const collectionParams = z.object({ name: collectionName }).strict();

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().describe("Stable error code, e.g. E_NOT_FOUND"),
      message: z.string().describe("What went wrong and what to do"),
    }),
  })
  .register(apiSchemas, { id: "Error" });

/** The usual error responses of a keyed route. */
export const keyedErrors = {
  400: { description: "Invalid input (E_INVALID_INPUT)", schema: errorSchema },
  401: {
    description: "No valid API key (E_UNAUTHORIZED): missing, unknown, revoked or expired",
    schema: errorSchema,
  },
  403: {
    description: "The key lacks the scope or does not cover the collection (E_FORBIDDEN)",
    schema: errorSchema,
  },
  429: { description: "Rate limited (E_RATE_LIMITED); see Retry-After", schema: errorSchema },
} as const;
