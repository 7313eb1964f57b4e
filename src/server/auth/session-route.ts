// Who the caller is, for a client deciding what to show (the web app's sign-in and its Keys page):
// the key's id, name, scopes and reach, or that the server asks for no key at all. Only the caller's
// own key is described, never another.
import { z } from "zod";
import type { ServerContext } from "../context.js";
import { keyedErrors } from "../http/common-schemas.js";
import type { RouteTable } from "../http/route.js";

const reach = z.union([z.literal("*"), z.array(z.string())]);

const sessionSchema = z.object({
  keyRequired: z.boolean().describe("False when the server has no keys (or runs with --no-auth)"),
  key: z
    .object({ id: z.string(), name: z.string() })
    .nullable()
    .describe("The key used, or null without one"),
  scopes: z.array(z.enum(["read", "write", "admin"])),
  collections: reach,
  groups: reach,
});

export function addSessionRoute(routes: RouteTable, context: ServerContext): void {
  const { keys } = context.verity;
  routes.add({
    method: "GET",
    url: "/api/v1/session",
    summary: "The calling key: its id, name, scopes, collections and groups (no secret)",
    tag: "keys",
    scope: "read",
    responses: { 200: { description: "The caller", schema: sessionSchema }, ...keyedErrors },
    handler: async ({ caller }) => {
      const key =
        caller.keyId === undefined
          ? undefined
          : (await keys.list()).find((entry) => entry.id === caller.keyId);
      return {
        keyRequired: caller.keyId !== undefined,
        key: key ? { id: key.id, name: key.name } : null,
        scopes: caller.scopes,
        collections: caller.access.collections,
        groups: caller.access.groups,
      };
    },
  });
}
