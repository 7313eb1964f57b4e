// What PostgreSQL's failures mean for Verity, as VerityErrors (E_STORE) that say what to do. Every
// store method goes through `guardStoreErrors`, so no raw driver error reaches a user, and no message
// ever holds the password of the database URL.
import { VerityError } from "../../core/errors.js";

export interface StoreErrorContext {
  /** Where the database is, for messages: the URL without its password, or "the PGlite database". */
  where: string;
  /** The password of the URL, removed from any driver message that repeats it. */
  secret?: string;
}

/** The URL as it may be shown: its password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    // Not a URL a parser understands: show its scheme and host part only, never the rest.
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/** The password of a postgres:// URL, when it has one. */
export function urlPassword(url: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(url).password);
    return password === "" ? undefined : password;
  } catch {
    return undefined;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

function messageOf(error: unknown, context: StoreErrorContext): string {
  const message = error instanceof Error ? error.message : String(error);
  return context.secret ? message.replaceAll(context.secret, "***") : message;
}

/** The VerityError a driver failure becomes; VerityErrors pass through unchanged. */
export function storeError(error: unknown, context: StoreErrorContext): VerityError {
  if (error instanceof VerityError) return error;
  const code = codeOf(error);
  const detail = messageOf(error, context);
  const where = context.where;
  // The driver's error is kept only when it cannot carry the password (the message was cleaned).
  const cause =
    context.secret && error instanceof Error && error.message.includes(context.secret) ? undefined : error;
  const make = (message: string, option?: string) =>
    new VerityError("E_STORE", message, { cause, ...(option ? { option } : {}) });
  switch (code) {
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EAI_AGAIN":
    case "ETIMEDOUT":
    case "EHOSTUNREACH":
      return make(
        `cannot connect to PostgreSQL at ${where} (${detail}); is the server running, and is the host and port right? Start it, or pass another databaseUrl`,
        "databaseUrl",
      );
    case "28P01":
    case "28000":
      return make(
        `PostgreSQL at ${where} refused the login (${detail}); check the user name and password in databaseUrl`,
        "databaseUrl",
      );
    case "3D000":
      return make(
        `PostgreSQL at ${where} has no such database (${detail}); create it (createdb <name>) or name an existing one in databaseUrl`,
        "databaseUrl",
      );
    case "42501":
      return make(
        `the database user may not do this at ${where} (${detail}); grant it rights on Verity's schema (CREATE and USAGE), or connect as its owner`,
        "databaseUrl",
      );
    case "53300":
      return make(
        `PostgreSQL at ${where} has no connection slot left (${detail}); raise max_connections or use fewer Verity processes`,
      );
    case "57P01":
    case "57P02":
    case "57P03":
    case "08000":
    case "08003":
    case "08006":
    case "08001":
    case "08004":
      return make(
        `the connection to PostgreSQL at ${where} was lost (${detail}); nothing of the failed write was kept. Check that the server is running, then retry`,
      );
    case "53100":
      return make(`the disk of PostgreSQL at ${where} is full (${detail}); free some space and retry`);
    case "40P01":
    case "40001":
      return make(
        `PostgreSQL at ${where} aborted a write that collided with another one (${detail}); retry it`,
      );
  }
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    return make(`PostgreSQL at ${where} failed: ${detail} (SQLSTATE ${code})`);
  }
  if (/Connection terminated|connect ECONNRESET|socket/i.test(detail)) {
    return make(
      `the connection to PostgreSQL at ${where} failed (${detail}); is the server running? Check it, then retry`,
      "databaseUrl",
    );
  }
  return make(`the Postgres store at ${where} failed: ${detail}`);
}

/** `target`'s methods with every rejection turned into a VerityError. */
export function guardStoreErrors<T extends object>(target: T, context: StoreErrorContext): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(target)) {
    wrapped[name] =
      typeof value === "function"
        ? async (...args: unknown[]) => {
            try {
              return await (value as (...args: unknown[]) => unknown).apply(target, args);
            } catch (error) {
              throw storeError(error, context);
            }
          }
        : value;
  }
  return wrapped as T;
}
