// API keys over HTTP, for an admin key that reads everything (a key limited to some collections or
// groups could otherwise mint a wider one): create (the secret is in this response only), list and
// revoke. The engine checks what a new key may be; the secret is never logged or listed.
import { z } from "zod";
import { VerityError } from "../../core/errors.js";
import type { Caller, ServerContext } from "../context.js";
import { errorSchema, keyedErrors, opaqueId } from "../http/common-schemas.js";
import type { RouteTable } from "../http/route.js";
import { apiSchemas } from "../openapi/openapi-document.js";

const keySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(z.enum(["read", "write", "admin"])),
    collections: z.union([z.literal("*"), z.array(z.string())]),
    groups: z.union([z.literal("*"), z.array(z.string())]),
    createdAt: z.string(),
    expiresAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
    lastUsedAt: z.string().nullable(),
  })
  .register(apiSchemas, { id: "ApiKey" });

const createBody = z
  .object({
    name: z.string().min(1).max(100),
    scopes: z.array(z.enum(["read", "write", "admin"])).min(1),
    collections: z.union([z.literal("*"), z.array(z.string())]).default("*"),
    groups: z
      .union([z.literal("*"), z.array(z.string())])
      .default([])
      .describe("Access groups it reads; default none: only documents without groups"),
    expires: z.string().optional().describe("ISO 8601 time, or a duration from now: 30d, 12h, 90m, 2w"),
  })
  .strict();

function requireFullAdmin(caller: Caller): void {
  if (!caller.scopes.includes("admin") || caller.access.collections !== "*" || caller.access.groups !== "*") {
    throw new VerityError(
      "E_FORBIDDEN",
      "managing API keys needs an admin key that reads every collection and group",
    );
  }
}

export function addKeyRoutes(routes: RouteTable, context: ServerContext): void {
  const { keys } = context.verity;

  routes.add({
    method: "POST",
    url: "/api/v1/keys",
    summary: "Create an API key; the secret is shown in this response only",
    tag: "keys",
    scope: "admin",
    body: createBody,
    responses: {
      201: {
        description: "The key and its secret",
        schema: z.object({ key: keySchema, secret: z.string() }),
      },
      ...keyedErrors,
    },
    handler: async ({ body, caller, reply }) => {
      requireFullAdmin(caller);
      const created = await keys.create(body);
      reply.code(201).header("cache-control", "no-store");
      return created;
    },
  });

  routes.add({
    method: "GET",
    url: "/api/v1/keys",
    summary: "Every API key, newest first, without secrets",
    tag: "keys",
    scope: "admin",
    responses: {
      200: { description: "Keys", schema: z.object({ keys: z.array(keySchema) }) },
      ...keyedErrors,
    },
    handler: async ({ caller }) => {
      requireFullAdmin(caller);
      return { keys: await keys.list() };
    },
  });

  routes.add({
    method: "DELETE",
    url: "/api/v1/keys/:id",
    summary: "Revoke an API key (it stops working at once; revoking again changes nothing)",
    tag: "keys",
    scope: "admin",
    params: z.object({ id: opaqueId }).strict(),
    responses: {
      200: { description: "The revoked key", schema: keySchema },
      404: { description: "No such key", schema: errorSchema },
      ...keyedErrors,
    },
    handler: async ({ params, caller }) => {
      requireFullAdmin(caller);
      return keys.revoke(params.id);
    },
  });
}
