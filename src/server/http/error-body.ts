// Every failure leaves the server as one JSON shape, `{ "error": { "code": "E_…", "message": "…" } }`,
// with the status the code maps to (`httpStatusFor`). Fastify's own errors (bad JSON, bodies too
// large, unknown media types) and zod's are translated to Verity codes here, once.
import { type ErrorCode, httpStatusFor, isVerityError, VerityError } from "../../core/errors.js";

/** A code outside Verity's own: an unexpected failure inside the server (a bug), answered with 500. */
export const internalErrorCode = "E_INTERNAL";

export interface ErrorBody {
  error: { code: ErrorCode | typeof internalErrorCode; message: string };
}

export interface ErrorReply {
  status: number;
  body: ErrorBody;
  /** The original error when it was not an expected one (logged by the caller, never sent). */
  unexpected?: unknown;
}

/** What the limits were, so a 413 can say which setting to raise. */
export interface LimitNames {
  bodyBytes: number;
  uploadBytes: number;
  uploadFiles: number;
}

interface FrameworkError {
  code?: string;
  statusCode?: number;
  message: string;
}

/** The error reply for anything thrown by a route, a hook or the framework. */
export function errorReply(error: unknown, limits: LimitNames): ErrorReply {
  const verityError = isVerityError(error) ? error : translate(error, limits);
  if (verityError) {
    return {
      status: httpStatusFor(verityError),
      body: { error: { code: verityError.code, message: verityError.message } },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        code: internalErrorCode,
        message: "unexpected server error; the server log has the details under this request's id",
      },
    },
    unexpected: error,
  };
}

function translate(error: unknown, limits: LimitNames): VerityError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, statusCode, message } = error as FrameworkError;
  switch (code) {
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return new VerityError(
        "E_INVALID_INPUT",
        `the body is not valid JSON (${message}); send a JSON object`,
      );
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return new VerityError(
        "E_TOO_LARGE",
        `the body is larger than ${limits.bodyBytes} bytes; send less, or raise server.limits.bodyBytes`,
      );
    case "FST_REQ_FILE_TOO_LARGE":
      return new VerityError(
        "E_TOO_LARGE",
        `an uploaded file is larger than ${limits.uploadBytes} bytes; nothing from this request was stored. Split it, or raise server.limits.uploadBytes`,
      );
    case "FST_FILES_LIMIT":
    case "FST_PARTS_LIMIT":
    case "FST_FIELDS_LIMIT":
      return new VerityError(
        "E_TOO_LARGE",
        `the upload has more than ${limits.uploadFiles} files or too many fields; nothing from this request was stored. Send fewer per request, or raise server.limits.uploadFiles`,
      );
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
    case "FST_INVALID_MULTIPART_CONTENT_TYPE":
      return new VerityError(
        "E_UNSUPPORTED_MEDIA",
        `${message}; see /api/v1/openapi.json for what each route takes`,
      );
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
    case "FST_ERR_BAD_URL":
    case "FST_PROTO_VIOLATION":
      return new VerityError("E_INVALID_INPUT", message);
  }
  if (isZodError(error)) {
    const problems = error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"}: ${issue.message}`);
    return new VerityError("E_INVALID_INPUT", problems.join("; "));
  }
  // Other client errors the framework or a plugin raised (a malformed multipart body, a bad header).
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return new VerityError(statusCode === 413 ? "E_TOO_LARGE" : "E_INVALID_INPUT", message);
  }
  return undefined;
}

interface ZodLikeError {
  name: string;
  issues: { path: PropertyKey[]; message: string }[];
}

function isZodError(error: object): error is ZodLikeError {
  return (error as ZodLikeError).name === "ZodError" && Array.isArray((error as ZodLikeError).issues);
}
