// Who is calling, from the Authorization header: a key verified through the engine (which compares
// hashes in constant time), or, on a server with no key ever created or started with --no-auth,
// anyone, reading everything. Each refusal says which case it is and what to do.
import { fullAccess } from "../../core/access.js";
import { VerityError } from "../../core/errors.js";
import type { VerityKeys } from "../../engine.js";
import type { Caller } from "../context.js";

/** Without keys every caller may do everything: the server then only listens on loopback, or was told to. */
export const openCaller: Caller = { scopes: ["read", "write", "admin"], access: fullAccess };

export interface AuthenticatorOptions {
  keys: Pick<VerityKeys, "verify" | "exists">;
  /** --no-auth: keys are neither required nor checked. */
  disabled: boolean;
}

export function createAuthenticator({
  keys,
  disabled,
}: AuthenticatorOptions): (authorization: string | undefined) => Promise<Caller> {
  return async (authorization) => {
    if (disabled) return openCaller;
    if (authorization === undefined || authorization.trim() === "") {
      if (!(await keys.exists())) return openCaller;
      throw unauthorized("this server needs an API key: send Authorization: Bearer <key>");
    }
    const match = /^Bearer\s+(\S+)\s*$/iu.exec(authorization);
    if (!match?.[1]) throw unauthorized("send the API key as Authorization: Bearer <key>");
    const verification = await keys.verify(match[1]);
    switch (verification.status) {
      case "valid":
        return { keyId: verification.key.id, scopes: verification.key.scopes, access: verification.access };
      case "malformed":
        throw unauthorized(
          "the API key is not a Verity key (they look like vty_<id>_<secret>); check what was sent",
        );
      case "unknown":
        throw unauthorized("unknown API key; ask an admin for a valid one");
      case "revoked":
        throw unauthorized(`API key ${verification.key.id} was revoked; ask an admin for a new one`);
      case "expired":
        throw unauthorized(
          `API key ${verification.key.id} expired at ${verification.key.expiresAt}; ask an admin for a new one`,
        );
    }
  };
}

function unauthorized(message: string): VerityError {
  return new VerityError("E_UNAUTHORIZED", message);
}
