// Short-lived links to one document's original file, for clients that cannot send an Authorization
// header (an <audio> or <video> element). A token is an HMAC-SHA256, under the server's own secret,
// of the issuing key's id, the collection, the document id and an expiry; it carries only the key id
// and the expiry, so it opens that one document and nothing else. Each use checks the key again: a
// revoked or expired key's links stop working at once, and the key's access decides what is read.
import { createHmac, timingSafeEqual } from "node:crypto";
import { VerityError } from "../../core/errors.js";
import type { VerityKeys } from "../../engine.js";
import { keyAccess } from "../../store/api-keys.js";
import type { Caller } from "../context.js";
import { openCaller } from "./authenticator.js";

/** The document a token opens. */
export interface MediaTarget {
  collection: string;
  documentId: string;
}

export interface MediaTokensOptions {
  /** The server's signing secret (at least 32 bytes): see `mediaTokenSecret`. */
  secret: Uint8Array;
  keys: Pick<VerityKeys, "list" | "exists">;
  /** --no-auth: tokens are issued and accepted, though no key is checked. */
  disabled: boolean;
  /** How long a token opens its document (default 10 minutes). */
  lifetimeMs?: number;
  /** The clock (default Date.now). */
  now?: () => number;
}

export interface MediaTokens {
  /** A token for `caller` to read `target` until `expiresAt` (the caller's access is checked by the route). */
  issue(caller: Caller, target: MediaTarget): { token: string; expiresAt: Date };
  /**
   * The caller a token stands for, on the document it names. E_UNAUTHORIZED for a malformed,
   * tampered or expired token, one made for another document, or one whose key was revoked or expired.
   */
  authenticate(token: string, target: MediaTarget): Promise<Caller>;
}

export const defaultMediaTokenLifetimeMs = 10 * 60 * 1000;

/** The key id a token carries when the server asks for no key. */
const noKey = "-";
const tokenPattern = /^v1\.(\d{1,15})\.([a-z0-9]{16}|-)\.([A-Za-z0-9_-]{43})$/u;

export function createMediaTokens(options: MediaTokensOptions): MediaTokens {
  const { secret, keys, disabled } = options;
  if (secret.byteLength < 32) throw new Error("a media token secret needs at least 32 bytes");
  const lifetimeMs = options.lifetimeMs ?? defaultMediaTokenLifetimeMs;
  const now = options.now ?? Date.now;

  const sign = (keyId: string, target: MediaTarget, expires: number): Buffer =>
    createHmac("sha256", secret)
      .update(["verity-media-v1", keyId, target.collection, target.documentId, String(expires)].join("\n"))
      .digest();

  return {
    issue(caller, target) {
      const expires = Math.floor((now() + lifetimeMs) / 1000);
      const keyId = caller.keyId ?? noKey;
      const mac = sign(keyId, target, expires).toString("base64url");
      return { token: `v1.${expires}.${keyId}.${mac}`, expiresAt: new Date(expires * 1000) };
    },

    async authenticate(token, target) {
      const [, expiresText = "", keyId = "", mac = ""] = tokenPattern.exec(token) ?? [];
      const expires = Number(expiresText);
      const presented = Buffer.from(mac, "base64url");
      const expected = sign(keyId, target, expires);
      if (mac === "" || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
        throw unauthorized(
          "this media link is not valid for this document (altered, or made for another one); ask for a new one with POST …/documents/:id/content-url",
        );
      }
      if (expires * 1000 <= now()) {
        throw unauthorized(
          `this media link expired at ${new Date(expires * 1000).toISOString()}; ask for a new one with POST …/documents/:id/content-url`,
        );
      }
      if (disabled) return openCaller;
      if (keyId === noKey) {
        if (await keys.exists()) {
          throw unauthorized("this media link was made before the server needed API keys; ask for a new one");
        }
        return openCaller;
      }
      const key = (await keys.list()).find((entry) => entry.id === keyId);
      if (!key) throw unauthorized("the API key this media link was made with no longer exists");
      if (key.revokedAt !== null) {
        throw unauthorized(
          `API key ${key.id} was revoked, and with it its media links; ask an admin for a new key`,
        );
      }
      if (key.expiresAt !== null && Date.parse(key.expiresAt) <= now()) {
        throw unauthorized(`API key ${key.id} expired at ${key.expiresAt}, and with it its media links`);
      }
      return { keyId: key.id, scopes: key.scopes, access: keyAccess(key) };
    },
  };
}

function unauthorized(message: string): VerityError {
  return new VerityError("E_UNAUTHORIZED", message);
}
