// One error type with stable codes, and the single map from code to CLI exit code.

export const errorCodes = {
  E_UNSUPPORTED_TYPE: { exit: 3, summary: "unsupported file type" },
  E_EMPTY: { exit: 3, summary: "file has no text" },
  E_CORRUPT: { exit: 3, summary: "file is corrupt or unreadable by its parser" },
  E_BINARY_CONTENT: { exit: 3, summary: "binary data where text was expected" },
  E_ENCODING: { exit: 3, summary: "text is not valid UTF-8 or UTF-16" },
  E_TOO_LARGE: { exit: 3, summary: "file exceeds the size limit" },
  E_ZIP_BOMB: { exit: 3, summary: "archive expands beyond safe limits" },
  E_UNREADABLE: { exit: 3, summary: "path cannot be read" },
  E_NOT_FOUND: { exit: 4, summary: "not found" },
  E_INVALID_INPUT: { exit: 2, summary: "invalid input" },
  E_CONFIG: { exit: 2, summary: "invalid or incomplete configuration" },
  E_STORE: { exit: 5, summary: "store failure" },
  E_INGEST_FAILED: { exit: 1, summary: "some files failed to ingest" },
  E_PROVIDER_UNREACHABLE: { exit: 6, summary: "a model or embedding endpoint cannot be reached" },
  E_PROVIDER_HTTP: { exit: 6, summary: "a model or embedding endpoint answered with an HTTP error" },
  E_PROVIDER_RESPONSE: { exit: 6, summary: "a model or embedding endpoint returned a malformed response" },
  E_PROVIDER_TIMEOUT: { exit: 6, summary: "a model or embedding endpoint did not answer in time" },
  E_BUDGET_EXHAUSTED: { exit: 7, summary: "a configured spending budget would be exceeded" },
  E_MISSING_TOOL: { exit: 8, summary: "a required system tool (ffmpeg, pocketsphinx…) is not installed" },
  E_PROVIDER_UNAVAILABLE: {
    exit: 6,
    summary: "a model endpoint failed repeatedly and is skipped until its cooldown ends",
  },
} as const;

export type ErrorCode = keyof typeof errorCodes;

export class VerityError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VerityError";
    this.code = code;
  }
}

export function isVerityError(value: unknown): value is VerityError {
  return value instanceof VerityError;
}

export function exitCodeFor(error: unknown): number {
  return isVerityError(error) ? errorCodes[error.code].exit : 1;
}
