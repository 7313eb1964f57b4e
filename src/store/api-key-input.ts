// A new API key as callers describe it (the library, the CLI, an admin's HTTP request), parsed once
// into what the store keeps. Loaded only when a key is created: it brings zod.
import { z } from "zod";
import { accessGroups, collectionNamePattern } from "../core/document.js";
import { VerityError } from "../core/errors.js";
import { type ApiKeyScope, apiKeyScopes, type NewApiKey } from "./api-keys.js";

export interface NewApiKeyInput {
  /** Who or what the key is for, e.g. `hr-portal`; 1-100 characters. */
  name: string;
  /** `read` (ask, search, list), `write` (ingest, remove), `admin` (keys, settings); at least one. */
  scopes: readonly string[];
  /** Collections it may read, or "*" (the default) for all. */
  collections?: readonly string[] | "*";
  /**
   * Access groups it belongs to, or "*" for every group. Default none: it reads only documents that
   * have no groups.
   */
  groups?: readonly string[] | "*";
  /**
   * When it stops working: a Date, an ISO 8601 date or time in the future, or a duration from now
   * (`30d`, `12h`, `90m`, `2w`). Default never.
   */
  expires?: Date | string;
}

const durationUnits: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

const inputSchema = z.object({
  name: z
    .string({ error: "name must be text" })
    .trim()
    .min(1, { error: "name is empty; name the key after who or what uses it" })
    .max(100, { error: "name is longer than 100 characters" }),
  scopes: z
    .array(z.enum(apiKeyScopes as [ApiKeyScope, ...ApiKeyScope[]], { error: unknownScope }))
    .min(1, { error: `a key needs at least one scope: ${apiKeyScopes.join(", ")}` }),
  collections: z
    .union([
      z.literal("*"),
      z.array(
        z.string().regex(collectionNamePattern, {
          error: (issue) =>
            `invalid collection name ${JSON.stringify(issue.input)}: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit`,
        }),
      ),
    ])
    .optional(),
  groups: z.union([z.literal("*"), z.array(z.string())]).optional(),
  expires: z.union([z.date(), z.string()]).optional(),
});

function unknownScope(issue: { input?: unknown }): string {
  return `unknown scope ${JSON.stringify(issue.input)}; use ${apiKeyScopes.join(", ")}`;
}

/** The time a key given `expires` stops working, checked to lie after `now`. */
export function expiryOf(expires: Date | string, now: Date): string {
  let at: Date;
  const duration = typeof expires === "string" ? /^\s*(\d{1,6})\s*([mhdw])\s*$/iu.exec(expires) : null;
  if (duration) {
    const unit = durationUnits[(duration[2] as string).toLowerCase()] as number;
    at = new Date(now.getTime() + Number(duration[1]) * unit);
  } else if (expires instanceof Date) {
    at = expires;
  } else {
    at = /^\d{4}-\d{2}-\d{2}/u.test(expires.trim()) ? new Date(expires.trim()) : new Date(Number.NaN);
  }
  if (Number.isNaN(at.getTime())) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `cannot read the expiry ${JSON.stringify(String(expires))}; give an ISO 8601 date or time (2027-01-31, 2027-01-31T12:00:00Z) or a duration such as 30d, 12h, 90m or 2w`,
      { option: "expires" },
    );
  }
  if (at.getTime() <= now.getTime()) {
    throw new VerityError(
      "E_INVALID_INPUT",
      `the expiry ${at.toISOString()} has already passed; give a time in the future`,
      { option: "expires" },
    );
  }
  return at.toISOString();
}

/** Parses a new key's description; E_INVALID_INPUT, naming the option, when something is wrong. */
export function parseNewApiKey(input: unknown, now = new Date()): NewApiKey {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue?.path[0] ?? "key");
    throw new VerityError("E_INVALID_INPUT", issue?.message ?? "invalid API key description", {
      option: field,
    });
  }
  const { name, scopes, collections, groups, expires } = parsed.data;
  return {
    name,
    scopes: [...new Set(scopes)],
    collections: collections === undefined || collections === "*" ? "*" : [...new Set(collections)].sort(),
    groups: groups === undefined ? [] : groups === "*" ? "*" : accessGroups(groups, "groups"),
    ...(expires !== undefined ? { expiresAt: expiryOf(expires, now) } : {}),
  };
}
