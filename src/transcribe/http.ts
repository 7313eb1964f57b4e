// POSTs multipart forms to a transcription endpoint: per-attempt timeout, retries on 429/5xx and
// network errors honouring Retry-After, and errors that name the endpoint and say what to check.
// The retry loop itself is core's postWithRetries, shared with the embedding client.

import { type FetchFunction, displayUrl as plainUrl, postWithRetries } from "../core/http-client.js";
import type { Logger } from "../core/logger.js";

export type { FetchFunction };

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

/** Sends the form and returns the response text of the first successful attempt. */
export async function postForm(post: FormPost): Promise<string> {
  return postWithRetries({
    ...post,
    headers: { accept: "application/json", ...post.headers },
    body: post.form,
    timeoutMs: post.timeoutMs ?? 300_000,
    maxRetries: post.maxRetries ?? 3,
    endpoint: "the transcription endpoint",
    request: "transcription request",
    timeoutHint: "is the model still loading? Raise timeoutMs or lower maxBytesPerRequest",
    serverQuestion: "is the transcription server running?",
    checkHint: "check the transcriber's baseUrl",
    option: "transcriber",
  });
}

/** The URL without any user:password part and without a trailing slash, for messages and engine names. */
export function displayUrl(url: string): string {
  return plainUrl(url).replace(/\/$/u, "");
}
