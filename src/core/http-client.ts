// Pieces every HTTP client of Verity shares (embeddings, transcription): backoff between retries,
// an abortable sleep, the network error under undici's "fetch failed", and keeping secrets out of
// messages.
import { VerityError } from "./errors.js";

export interface RetryDelaySettings {
  /** First backoff step (default 500 ms), doubled each retry. */
  retryDelayMs?: number;
  /** Longest wait, Retry-After included (default 30 000 ms). */
  maxRetryDelayMs?: number;
}

/** How long to wait before retry `attempt` (0-based): what the server asked, else jittered backoff. */
export function retryDelay(
  settings: RetryDelaySettings,
  attempt: number,
  retryAfterMs: number | undefined,
): number {
  const cap = settings.maxRetryDelayMs ?? 30_000;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, cap);
  const exponential = Math.min((settings.retryDelayMs ?? 500) * 2 ** attempt, cap);
  // Half fixed, half random, so clients that failed together do not retry together.
  return exponential / 2 + Math.random() * (exponential / 2);
}

/** Waits, or rejects with the signal's reason as soon as it aborts. */
export function sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The system error code under undici's "fetch failed" (ECONNREFUSED, ENOTFOUND…), else the innermost message. */
export function networkErrorCode(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") return code;
    message = current.message;
    const nested = (current as { errors?: unknown }).errors;
    current = Array.isArray(nested) && nested[0] instanceof Error ? nested[0] : current.cause;
  }
  return message;
}

/** The URL without any user:password part, for messages. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString();
  } catch {
    return url;
  }
}

/** `text` with every secret (API keys) replaced by [redacted]. */
export function redactText(text: string, secrets: readonly string[] | undefined): string {
  let redacted = text;
  for (const secret of secrets ?? []) {
    if (secret.length > 0) redacted = redacted.split(secret).join("[redacted]");
  }
  return redacted;
}

/** The error with its message redacted, or itself when it held no secret. */
export function redact(error: VerityError, secrets: readonly string[] | undefined): VerityError {
  const message = redactText(error.message, secrets);
  return message === error.message ? error : new VerityError(error.code, message, { cause: error.cause });
}
