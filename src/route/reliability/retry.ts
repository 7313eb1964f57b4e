// Retries a failed provider call with full-jitter exponential backoff, waits as long as the provider
// asks (Retry-After), never repeats a call that cannot succeed, and stops the moment the caller aborts.

import { VerityError } from "../../core/errors.js";
import { sleep } from "../../core/http-client.js";
import { isRetryable, retryAfterOf } from "./provider-failure.js";

export interface RetryOptions {
  /** Further attempts after the first; 0 never retries. Default 2. */
  maxRetries?: number;
  /** Ceiling of the first backoff; it doubles with each retry. Default 500. */
  baseDelayMs?: number;
  /** Longest single wait, for backoff and for a provider's Retry-After alike. Default 30 000. */
  maxDelayMs?: number;
  /** Uniform in [0, 1); default Math.random. */
  random?: () => number;
  /** Waits `ms`, rejecting with the signal's reason if it aborts first; default a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Aborting it stops at once: no further attempt, no further wait. */
  signal?: AbortSignal;
  /** Whether an error is worth another attempt; default `isRetryable` (429, 5xx, timeouts, network). */
  isRetryable?: (error: unknown) => boolean;
  /** How long the provider asked to wait, uncapped or capped; default `retryAfterOf` with `now`. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** Wall clock for Retry-After dates, ms since the epoch; default Date.now. */
  now?: () => number;
  /** Told before each wait, e.g. to log or to record the retry in the ledger. */
  onRetry?: (retry: { attempt: number; error: unknown; delayMs: number }) => void;
}

export interface AttemptContext {
  /** 0 for the first call, 1 for the first retry… */
  attempt: number;
  /** The caller's signal, to pass on to the request. */
  signal: AbortSignal | undefined;
}

export interface Retried<T> {
  value: T;
  /** Calls made, the successful one included. */
  attempts: number;
  /** Milliseconds spent waiting between attempts. */
  waitedMs: number;
}

export { sleep };

/**
 * The wait before retry number `retry` (0-based): the provider's Retry-After when it gave one,
 * otherwise full jitter, uniform between 0 and min(maxDelayMs, baseDelayMs · 2^retry), so clients
 * that failed together do not come back together.
 */
export function backoffDelay(
  retry: number,
  retryAfterMs: number | undefined,
  options: Pick<RetryOptions, "baseDelayMs" | "maxDelayMs" | "random"> = {},
): number {
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  if (retryAfterMs !== undefined) return Math.min(Math.max(0, retryAfterMs), maxDelayMs);
  const ceiling = Math.min(maxDelayMs, (options.baseDelayMs ?? 500) * 2 ** retry);
  return Math.round((options.random ?? Math.random)() * ceiling);
}

/**
 * Calls `attempt` until it succeeds, the error is not retryable, or `maxRetries` retries are spent.
 * A non-retryable error is rethrown as it is. When retries run out on a VerityError, the error
 * thrown keeps its code, says how many attempts were made, and has the last error as its cause.
 * An abort rejects with the signal's reason.
 */
export async function withRetries<T>(
  attempt: (context: AttemptContext) => Promise<T>,
  options: RetryOptions = {},
): Promise<Retried<T>> {
  const { signal } = options;
  const maxRetries = options.maxRetries ?? 2;
  const retryable = options.isRetryable ?? isRetryable;
  const now = options.now ?? Date.now;
  const retryAfter =
    options.retryAfterMs ??
    ((error: unknown) => retryAfterOf(error, { maxDelayMs: options.maxDelayMs, now }));
  const wait = options.sleep ?? sleep;
  let waitedMs = 0;
  for (let index = 0; ; index++) {
    signal?.throwIfAborted();
    try {
      return { value: await attempt({ attempt: index, signal }), attempts: index + 1, waitedMs };
    } catch (error) {
      signal?.throwIfAborted();
      if (!retryable(error)) throw error;
      if (index >= maxRetries) throw exhausted(error, index + 1, waitedMs);
      const delayMs = backoffDelay(index, retryAfter(error), options);
      options.onRetry?.({ attempt: index + 1, error, delayMs });
      await wait(delayMs, signal);
      waitedMs += delayMs;
    }
  }
}

function exhausted(error: unknown, attempts: number, waitedMs: number): unknown {
  if (attempts === 1 || !(error instanceof VerityError)) return error;
  return new VerityError(
    error.code,
    `${error.message} (gave up after ${attempts} attempts and ${Math.round(waitedMs)} ms of waiting)`,
    { cause: error },
  );
}
