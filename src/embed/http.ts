// POSTs JSON to an embedding endpoint: per-attempt timeout, retries with backoff, actionable errors.

import type { z } from "zod";
import { VerityError } from "../core/errors.js";
import { displayUrl, type FetchFunction, postWithRetries, redactText } from "../core/http-client.js";
import type { Logger } from "../core/logger.js";
import { retryAfterMs } from "../core/retry-after.js";

export type { FetchFunction };

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
  const text = await postWithRetries({
    ...post,
    headers: { "content-type": "application/json", accept: "application/json", ...post.headers },
    body: () => JSON.stringify(post.body),
    timeoutMs: post.timeoutMs ?? 60_000,
    maxRetries: post.maxRetries ?? 3,
    endpoint,
    request: "embedding request",
    timeoutHint: "is the model still loading? Raise timeoutMs or use a smaller batch",
    serverQuestion: "is the server running?",
    checkHint: "check the embedder's baseUrl",
    option: "embedder",
  });
  return parseBody(post, `POST ${displayUrl(post.url)}`, text);
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

/** Milliseconds a server asked us to wait: `retry-after-ms`, or `Retry-After` in seconds or as a date. */
export function parseRetryAfter(headers: Headers, now = Date.now()): number | undefined {
  return retryAfterMs((name) => headers.get(name) ?? undefined, now);
}
