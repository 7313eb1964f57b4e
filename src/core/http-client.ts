// Pieces every HTTP client of Verity shares (embeddings, transcription): backoff between retries,
// an abortable sleep, the network error under undici's "fetch failed", and keeping secrets out of
// messages.
import { VerityError } from "./errors.js";
import { type Logger, noopLogger } from "./logger.js";
import { retryAfterMs } from "./retry-after.js";

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
  return message === error.message
    ? error
    : new VerityError(error.code, message, { cause: error.cause, option: error.option });
}

export type FetchFunction = typeof globalThis.fetch;

/** One POST with retries: what to send, where, and how to word its errors. */
export interface PostRequest extends RetryDelaySettings {
  url: string;
  headers: Record<string, string>;
  /** Built afresh for each attempt (a form's file stream cannot be sent twice). */
  body: () => RequestInit["body"] | Promise<RequestInit["body"]>;
  /** Per attempt, including reading the answer. */
  timeoutMs: number;
  /** Further attempts after a 429, a 5xx or a network error. */
  maxRetries: number;
  signal?: AbortSignal | undefined;
  fetch?: FetchFunction | undefined;
  logger?: Logger | undefined;
  /** Strings that must never appear in an error message (API keys). */
  secrets?: readonly string[] | undefined;
  /** In messages: what is called, e.g. `the embedding endpoint`, and what a retry is, e.g. `embedding request`. */
  endpoint: string;
  request: string;
  /** What to do after a timeout, e.g. `Raise timeoutMs`. */
  timeoutHint: string;
  /** When the server cannot be reached: the question to ask, and what to check (`check baseUrl`). */
  serverQuestion: string;
  checkHint: string;
  /** The library option that points at this endpoint (`embedder`, `transcriber`), set on its errors. */
  option?: string;
}

const bodyPreviewLength = 200;

type Attempt =
  | { kind: "done"; text: string }
  | { kind: "retry"; error: VerityError; retryAfterMs: number | undefined };

/**
 * POSTs and returns the answer's text. A 429, a 5xx or a network error is retried with backoff that
 * honours Retry-After; another status, a timeout or an abort fails at once. Errors name the endpoint,
 * never hold a secret, and say what to check.
 */
export async function postWithRetries(post: PostRequest): Promise<string> {
  const logger = post.logger ?? noopLogger;
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptPost(post);
    if (outcome.kind === "done") return outcome.text;
    if (attempt >= post.maxRetries) throw redact(outcome.error, post.secrets);
    const delayMs = retryDelay(post, attempt, outcome.retryAfterMs);
    logger.warn(
      { url: displayUrl(post.url), attempt: attempt + 1, delayMs, code: outcome.error.code },
      `${post.request} failed, retrying: ${redactText(outcome.error.message, post.secrets)}`,
    );
    await sleep(delayMs, post.signal);
  }
}

async function attemptPost(post: PostRequest): Promise<Attempt> {
  post.signal?.throwIfAborted();
  const timeout = AbortSignal.timeout(post.timeoutMs);
  const signal = post.signal ? AbortSignal.any([post.signal, timeout]) : timeout;
  const fetch = post.fetch ?? globalThis.fetch;
  const where = `POST ${displayUrl(post.url)}`;
  try {
    const response = await fetch(post.url, {
      method: "POST",
      headers: post.headers,
      body: await post.body(),
      signal,
    });
    const text = await response.text();
    if (response.ok) return { kind: "done", text };
    const preview = text.length > bodyPreviewLength ? `${text.slice(0, bodyPreviewLength)}…` : text;
    const error = new VerityError(
      "E_PROVIDER_HTTP",
      `Request failed with status code ${response.status}: ${where}${preview ? ` — ${preview}` : ""}`,
    );
    if (response.status !== 429 && response.status < 500) throw error;
    return {
      kind: "retry",
      error,
      retryAfterMs: retryAfterMs((name) => response.headers.get(name) ?? undefined, Date.now()),
    };
  } catch (error) {
    if (error instanceof VerityError) throw redact(error, post.secrets);
    if (post.signal?.aborted) throw post.signal.reason;
    if (timeout.aborted) {
      throw new VerityError(
        "E_PROVIDER_TIMEOUT",
        `${post.endpoint} ${displayUrl(post.url)} did not answer within ${post.timeoutMs} ms: ${post.timeoutHint}`,
        { cause: error },
      );
    }
    const code = networkErrorCode(error);
    if (code === "bad port") {
      // fetch refuses ports the web platform deems unsafe (1, 7, 9…); retrying cannot help.
      throw new VerityError(
        "E_PROVIDER_UNREACHABLE",
        `cannot reach ${post.endpoint} ${displayUrl(post.url)}: fetch refuses to connect to port ` +
          `${new URL(post.url).port} (a blocked "bad port"). Serve it on another port and ${post.checkHint}`,
        { cause: error, option: post.option },
      );
    }
    return {
      kind: "retry",
      retryAfterMs: undefined,
      error: new VerityError(
        "E_PROVIDER_UNREACHABLE",
        `cannot reach ${post.endpoint} ${displayUrl(post.url)} (${code}): ${post.serverQuestion} ` +
          `${post.checkHint.charAt(0).toUpperCase()}${post.checkHint.slice(1)}`,
        { cause: error, option: post.option },
      ),
    };
  }
}
