// What every HTTP route, the OpenAI-compatible endpoint and MCP share: the engine, and who is calling.
// Routes never read keys or headers themselves: they ask `authenticate`, and pass the caller's access
// to the engine, which the store applies inside its queries.
import type { Access } from "../core/access.js";
import { VerityError } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import type { Verity } from "../engine.js";

/** What an API key may do: read (ask, search, list), write (ingest, remove), admin (keys, settings). */
export type Scope = "read" | "write" | "admin";

export interface Caller {
  /** The API key's id (never the key itself), or undefined when the server runs without keys. */
  keyId?: string;
  scopes: readonly Scope[];
  /** What the caller may read; the engine and the store filter by it. */
  access: Access;
}

export interface ServerContext {
  verity: Verity;
  logger: Logger;
  /**
   * The caller behind an `Authorization: Bearer <key>` header (undefined when absent). Throws
   * E_UNAUTHORIZED for a missing, unknown, revoked or expired key when keys are required.
   */
  authenticate(authorization: string | undefined): Promise<Caller>;
}

/** Throws E_FORBIDDEN unless the caller holds `scope` (admin holds every scope). */
export function requireScope(caller: Caller, scope: Scope): void {
  if (caller.scopes.includes("admin") || caller.scopes.includes(scope)) return;
  throw new VerityError("E_FORBIDDEN", `this API key has no "${scope}" scope; use a key that has it`);
}
