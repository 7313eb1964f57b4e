// POSTs JSON to an embedding endpoint: per-attempt timeout, retries with backoff, actionable errors.

import type { z } from "zod";
import { VerityError } from "../core/errors.js";
import { displayUrl, networkErrorCode, redact, redactText, retryDelay, sleep } from "../core/http-client.js";
import { type Logger, noopLogger } from "../core/logger.js";
import { retryAfterMs } from "../core/retry-after.js";

export type FetchFunction = typeof globalThis.fetch;

/** Transport settings every HTTP embedder shares; each has a default. */
export interface HttpSettings {
  /** Per attempt, including reading the body. Default 60 000. */
  timeoutMs?: number;
  /** Further attempts after a 429, a 5xx or a network error. Default 3. */
  maxRetries?: number;
  /** First backoff delay; it doubles each retry, with jitter. Default 500. */
  retryDelayMs?: number;
  /** Longest single wait between attempts, also for a server's Retry-After. Default 30 000. */
  maxRetryDelayMs?: number;
  /** Replaces the global fetch (tests, proxies). */
  fetch?: FetchFunction;
  /** Receives a warning per retry; default silent. */
  logger?: Logger;
}

export interface JsonPost<Schema extends z.ZodType> extends HttpSettings {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  /** Parses the response body; a mismatch is an E_PROVIDER_RESPONSE. */
  schema: Schema;
  signal?: AbortSignal | undefined;
  /** Strings that must never appear in an error message (API keys). */
  secrets?: readonly string[];
}

const endpoint = "the embedding endpoint";

/** Only the transport settings out of a provider's options (which also hold keys and model names). */
export function httpSettingsOf(options: HttpSettings): HttpSettings {
  const { timeoutMs, maxRetries, retryDelayMs, maxRetryDelayMs, fetch, logger } = options;
  return { timeoutMs, maxRetries, retryDelayMs, maxRetryDelayMs, fetch, logger };
}

const bodyPreviewLength = 200;

/** Sends `body` as JSON and returns the parsed response, retrying transient failures. */
export async function postJson<Schema extends z.ZodType>(post: JsonPost<Schema>): Promise<z.output<Schema>> {
  const maxRetries = post.maxRetries ?? 3;
  const logger = post.logger ?? noopLogger;
  const where = `POST ${displayUrl(post.url)}`;
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptPost(post, where);
    if (outcome.kind === "done") return parseBody(post, where, outcome.text);
    if (attempt >= maxRetries) throw redact(outcome.error, post.secrets);
    const delayMs = retryDelay(post, attempt, outcome.retryAfterMs);
    logger.warn(
      { url: displayUrl(post.url), attempt: attempt + 1, delayMs, code: outcome.error.code },
      `embedding request failed, retrying: ${redactText(outcome.error.message, post.secrets)}`,
    );
    await sleep(delayMs, post.signal);
  }
}

type Attempt =
  | { kind: "done"; text: string }
  | { kind: "retry"; error: VerityError; retryAfterMs: number | undefined };

async function attemptPost(post: JsonPost<z.ZodType>, where: string): Promise<Attempt> {
  post.signal?.throwIfAborted();
  const timeoutMs = post.timeoutMs ?? 60_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = post.signal ? AbortSignal.any([post.signal, timeout]) : timeout;
  const fetch = post.fetch ?? globalThis.fetch;
  try {
    const response = await fetch(post.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...post.headers },
      body: JSON.stringify(post.body),
      signal,
    });
    const text = await response.text();
    if (response.ok) return { kind: "done", text };
    const preview = text.length > bodyPreviewLength ? `${text.slice(0, bodyPreviewLength)}…` : text;
    const error = new VerityError(
      "E_PROVIDER_HTTP",
      `Request failed with status code ${response.status}: ${where}${preview ? ` — ${preview}` : ""}`,
    );
    if (!isRetryableStatus(response.status)) throw error;
    return { kind: "retry", error, retryAfterMs: parseRetryAfter(response.headers) };
  } catch (error) {
    if (error instanceof VerityError) throw redact(error, post.secrets);
    if (post.signal?.aborted) throw post.signal.reason;
    if (timeout.aborted) {
      throw new VerityError(
        "E_PROVIDER_TIMEOUT",
        `${endpoint} ${displayUrl(post.url)} did not answer within ${timeoutMs} ms: ` +
          "is the model still loading? Raise timeoutMs or use a smaller batch",
        { cause: error },
      );
    }
    const code = networkErrorCode(error);
    if (code === "bad port") {
      // fetch refuses ports the web platform deems unsafe (1, 7, 9…); retrying cannot help.
      throw new VerityError(
        "E_PROVIDER_UNREACHABLE",
        `cannot reach ${endpoint} ${displayUrl(post.url)}: fetch refuses to connect to port ` +
          `${new URL(post.url).port} (a blocked "bad port"). Serve it on another port and check --embedder / baseUrl`,
        { cause: error },
      );
    }
    return {
      kind: "retry",
      retryAfterMs: undefined,
      error: new VerityError(
        "E_PROVIDER_UNREACHABLE",
        `cannot reach ${endpoint} ${displayUrl(post.url)} (${code}): is the server running? ` +
          "Check --embedder / baseUrl",
        { cause: error },
      ),
    };
  }
}

function parseBody<Schema extends z.ZodType>(post: JsonPost<Schema>, where: string, text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const preview = redactText(text.slice(0, bodyPreviewLength), post.secrets);
    throw new VerityError(
      "E_PROVIDER_RESPONSE",
      `${endpoint} answered ${where} with something that is not JSON: ${JSON.stringify(preview)}. ` +
        "Is baseUrl the API root (for example http://127.0.0.1:11434/v1)?",
      { cause: error },
    );
  }
  const parsed = post.schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
  throw new VerityError(
    "E_PROVIDER_RESPONSE",
    `${endpoint} answered ${where} with an unexpected shape (${issues}): is it the right kind of server?`,
    { cause: parsed.error },
  );
}

function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Milliseconds a server asked us to wait: `retry-after-ms`, or `Retry-After` in seconds or as a date. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  return retryAfterMs((name) => headers.get(name) ?? undefined, now);
}
