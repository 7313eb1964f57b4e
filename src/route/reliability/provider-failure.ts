// Reading a failed provider call: which HTTP status it ended with, whether a second try can succeed,
// and how long the provider asked us to wait. Works on VerityErrors (their cause chain) and on the
// AI SDK's own errors (APICallError, RetryError), so callers need not unwrap anything first.

import { APICallError, RetryError } from "ai";
import { isVerityError } from "../../core/errors.js";
import { retryAfterMs } from "../../core/retry-after.js";

/** The error, then what it wraps (`cause`, a RetryError's last error), outermost first. */
export function* causesOf(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current = error;
  while (current !== undefined && current !== null && !seen.has(current) && seen.size < 8) {
    seen.add(current);
    yield current;
    current = RetryError.isInstance(current)
      ? current.lastError
      : current instanceof Error
        ? current.cause
        : undefined;
  }
}

/** The HTTP status a provider answered with, when the failure was an HTTP error. */
export function statusOf(error: unknown): number | undefined {
  for (const cause of causesOf(error)) {
    if (APICallError.isInstance(cause) && cause.statusCode !== undefined) return cause.statusCode;
  }
  return undefined;
}

/** 408 Request Timeout, 409 Conflict, 429 Too Many Requests and every 5xx may succeed when repeated. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const networkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** A connection that failed or broke (refused, reset, cut mid-stream), as opposed to a bad answer. */
export function isNetworkFailure(error: unknown): boolean {
  for (const cause of causesOf(error)) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && networkCodes.has(code)) return true;
    if (cause instanceof TypeError && /^(fetch failed|terminated)$/iu.test(cause.message)) return true;
    if (APICallError.isInstance(cause) && cause.statusCode === undefined && cause.isRetryable) return true;
  }
  return false;
}

/**
 * True for failures a later attempt may not repeat: 429, 5xx, 408, 409, timeouts and network
 * errors. Never for another 4xx (the request itself is wrong), a malformed answer, a caller's
 * abort or a provider the circuit breaker has closed off.
 */
export function isRetryable(error: unknown): boolean {
  if (isVerityError(error)) {
    switch (error.code) {
      case "E_PROVIDER_TIMEOUT":
      case "E_PROVIDER_UNREACHABLE":
        return true;
      case "E_PROVIDER_HTTP": {
        const status = statusOf(error);
        return status !== undefined && isRetryableStatus(status);
      }
      case "E_PROVIDER_RESPONSE":
        return statusOf(error) === undefined && isNetworkFailure(error);
      default:
        return false;
    }
  }
  const status = statusOf(error);
  if (status !== undefined) return isRetryableStatus(status);
  if (error instanceof Error && error.name === "TimeoutError") return true;
  if (error instanceof Error && error.name === "AbortError") return false;
  return isNetworkFailure(error);
}

type HeaderBag = Record<string, string | undefined>;

function headersOf(error: unknown): HeaderBag | undefined {
  for (const cause of causesOf(error)) {
    const headers = (cause as { responseHeaders?: unknown }).responseHeaders;
    if (headers && typeof headers === "object") return headers as HeaderBag;
  }
  return undefined;
}

function header(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value?.trim();
  }
  return undefined;
}

/**
 * Milliseconds the response headers ask a client to wait: `retry-after-ms`, else `Retry-After` in
 * (possibly fractional) seconds or as an HTTP date; undefined when absent or unreadable.
 */
export function retryAfterFromHeaders(headers: HeaderBag, now: number): number | undefined {
  return retryAfterMs((name) => header(headers, name), now);
}

export interface RetryAfterOptions {
  /** The longest wait returned, whatever the provider asked. Default 30 000. */
  maxDelayMs?: number;
  /** Wall clock for HTTP dates, ms since the epoch; default Date.now. */
  now?: () => number;
}

/**
 * How long the provider asked to wait before the next try, read from the response headers an
 * AI SDK APICallError carries (found under a VerityError's cause too), capped at `maxDelayMs`.
 */
export function retryAfterOf(error: unknown, options: RetryAfterOptions = {}): number | undefined {
  const headers = headersOf(error);
  if (!headers) return undefined;
  const asked = retryAfterFromHeaders(headers, (options.now ?? Date.now)());
  return asked === undefined ? undefined : Math.min(asked, options.maxDelayMs ?? 30_000);
}
