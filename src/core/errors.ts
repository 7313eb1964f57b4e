// One error type with stable codes, and the single map from code to CLI exit code and HTTP status.

export const errorCodes = {
  E_UNSUPPORTED_TYPE: { exit: 3, http: 415, summary: "unsupported file type" },
  E_EMPTY: { exit: 3, http: 422, summary: "file has no text" },
  E_CORRUPT: { exit: 3, http: 422, summary: "file is corrupt or unreadable by its parser" },
  E_BINARY_CONTENT: { exit: 3, http: 422, summary: "binary data where text was expected" },
  E_ENCODING: { exit: 3, http: 422, summary: "text is not valid UTF-8 or UTF-16" },
  E_TOO_LARGE: { exit: 3, http: 413, summary: "file exceeds the size limit" },
  E_ZIP_BOMB: { exit: 3, http: 422, summary: "archive expands beyond safe limits" },
  E_UNREADABLE: { exit: 3, http: 422, summary: "path cannot be read" },
  E_NOT_FOUND: { exit: 4, http: 404, summary: "not found" },
  E_INVALID_INPUT: { exit: 2, http: 400, summary: "invalid input" },
  E_UNAUTHORIZED: { exit: 9, http: 401, summary: "no valid API key was given" },
  E_FORBIDDEN: { exit: 9, http: 403, summary: "the API key may not do this" },
  E_RATE_LIMITED: { exit: 7, http: 429, summary: "too many requests for this API key; wait and retry" },
  E_UNSUPPORTED_MEDIA: {
    exit: 2,
    http: 415,
    summary: "the request body has a content type this endpoint does not take",
  },
  E_CONFIG: { exit: 2, http: 500, summary: "invalid or incomplete configuration" },
  E_STORE: { exit: 5, http: 503, summary: "store failure" },
  E_INGEST_FAILED: { exit: 1, http: 422, summary: "some files failed to ingest" },
  E_PROVIDER_UNREACHABLE: {
    exit: 6,
    http: 502,
    summary: "a model or embedding endpoint cannot be reached",
  },
  E_PROVIDER_HTTP: {
    exit: 6,
    http: 502,
    summary: "a model or embedding endpoint answered with an HTTP error",
  },
  E_PROVIDER_RESPONSE: {
    exit: 6,
    http: 502,
    summary: "a model or embedding endpoint returned a malformed response",
  },
  E_PROVIDER_TIMEOUT: { exit: 6, http: 504, summary: "a model or embedding endpoint did not answer in time" },
  E_BUDGET_EXHAUSTED: { exit: 7, http: 402, summary: "a configured spending budget would be exceeded" },
  E_MISSING_TOOL: {
    exit: 8,
    http: 500,
    summary: "a required system tool (ffmpeg, pocketsphinx…) is not installed",
  },
  E_PROVIDER_UNAVAILABLE: {
    exit: 6,
    http: 503,
    summary: "a model endpoint failed repeatedly and is skipped until its cooldown ends",
  },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export interface VerityErrorOptions {
  cause?: unknown;
  /**
   * The library option that fixes the problem (e.g. `embedder`, `limits.maxFileBytes`), so a front end
   * (the CLI, the HTTP API) can name its own way of setting it.
   */
  option?: string;
}

export class VerityError extends Error {
  readonly code: ErrorCode;
  readonly option: string | undefined;

  constructor(code: ErrorCode, message: string, options?: VerityErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "VerityError";
    this.code = code;
    this.option = options?.option;
  }
}

export function isVerityError(value: unknown): value is VerityError {
  return value instanceof VerityError;
}

export function exitCodeFor(error: unknown): number {
  return isVerityError(error) ? errorCodes[error.code].exit : 1;
}

/** The HTTP status an error maps to: its code's, or 500 for anything that is not a VerityError. */
export function httpStatusFor(error: unknown): number {
  return isVerityError(error) ? errorCodes[error.code].http : 500;
}
