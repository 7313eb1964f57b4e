// POSTs multipart forms to a transcription endpoint: per-attempt timeout, retries on 429/5xx and
// network errors honouring Retry-After, and errors that name the endpoint and say what to check.
// (Mirrors src/embed/http.ts, which this layer may not import.)

import { VerityError } from "../core/errors.js";
import {
  networkErrorCode,
  displayUrl as plainUrl,
  redact,
  redactText,
  retryDelay,
  sleep,
} from "../core/http-client.js";
import { type Logger, noopLogger } from "../core/logger.js";
import { retryAfterMs } from "../core/retry-after.js";

export type FetchFunction = typeof globalThis.fetch;

/** Transport settings; each has a default. */
export interface TranscriptionHttpSettings {
  /** Per attempt, upload and answer included. Default 300 000 (a long piece on a CPU server is slow). */
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

export interface FormPost extends TranscriptionHttpSettings {
  url: string;
  /** Builds the body afresh for each attempt. */
  form: () => Promise<FormData>;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Strings that must never appear in an error message (API keys). */
  secrets?: readonly string[];
}

const endpoint = "the transcription endpoint";
const bodyPreviewLength = 200;

/** Sends the form and returns the response text of the first successful attempt. */
export async function postForm(post: FormPost): Promise<string> {
  const maxRetries = post.maxRetries ?? 3;
  const logger = post.logger ?? noopLogger;
  for (let attempt = 0; ; attempt++) {
    const outcome = await attemptPost(post);
    if (outcome.kind === "done") return outcome.text;
    if (attempt >= maxRetries) throw redact(outcome.error, post.secrets);
    const delayMs = retryDelay(post, attempt, outcome.retryAfterMs);
    logger.warn(
      { url: displayUrl(post.url), attempt: attempt + 1, delayMs, code: outcome.error.code },
      `transcription request failed, retrying: ${redactText(outcome.error.message, post.secrets)}`,
    );
    await sleep(delayMs, post.signal);
  }
}

type Attempt =
  | { kind: "done"; text: string }
  | { kind: "retry"; error: VerityError; retryAfterMs: number | undefined };

async function attemptPost(post: FormPost): Promise<Attempt> {
  post.signal?.throwIfAborted();
  const timeoutMs = post.timeoutMs ?? 300_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = post.signal ? AbortSignal.any([post.signal, timeout]) : timeout;
  const fetch = post.fetch ?? globalThis.fetch;
  const where = `POST ${displayUrl(post.url)}`;
  try {
    const response = await fetch(post.url, {
      method: "POST",
      headers: { accept: "application/json", ...post.headers },
      body: await post.form(),
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
        `${endpoint} ${displayUrl(post.url)} did not answer within ${timeoutMs} ms: ` +
          "is the model still loading? Raise timeoutMs or lower maxBytesPerRequest",
        { cause: error },
      );
    }
    return {
      kind: "retry",
      retryAfterMs: undefined,
      error: new VerityError(
        "E_PROVIDER_UNREACHABLE",
        `cannot reach ${endpoint} ${displayUrl(post.url)} (${networkErrorCode(error)}): ` +
          "is the transcription server running? Check baseUrl",
        { cause: error },
      ),
    };
  }
}

/** The URL without any user:password part and without a trailing slash, for messages and engine names. */
export function displayUrl(url: string): string {
  return plainUrl(url).replace(/\/$/u, "");
}
