// Errors in OpenAI's shape, `{ error: { message, type, param, code } }`, so its clients raise the error
// class that matches the status (BadRequestError, NotFoundError…). `code` keeps Verity's stable code
// (E_NOT_FOUND, E_INVALID_INPUT…), except for an unknown model, where OpenAI's own `model_not_found`
// is what clients look for.
import { httpStatusFor, isVerityError, VerityError } from "../../core/errors.js";
import { ChatRequestError } from "./chat-request.js";

export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/** OpenAI's error types by HTTP status. */
function typeFor(status: number): string {
  if (status === 400 || status === 413 || status === 415 || status === 422) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 402) return "insufficient_quota";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  return "server_error";
}

/** A model no one may use, or that this caller may not read: the same answer, so neither is revealed. */
export class ModelNotFoundError extends VerityError {
  constructor(readonly model: string) {
    super(
      "E_NOT_FOUND",
      `the model "${model}" does not exist or you do not have access to it; models are verity/<collection> (GET /v1/models lists yours)`,
    );
  }
}

/** The status and body for `error`; anything that is not a VerityError is a 500 that says nothing more. */
export function openAiError(error: unknown): { status: number; body: OpenAiErrorBody } {
  if (error instanceof ModelNotFoundError) {
    return {
      status: 404,
      body: {
        error: {
          message: error.message,
          type: "invalid_request_error",
          param: "model",
          code: "model_not_found",
        },
      },
    };
  }
  if (isVerityError(error)) {
    const status = httpStatusFor(error);
    const param = error instanceof ChatRequestError ? error.param : (error.option ?? null);
    return {
      status,
      body: { error: { message: error.message, type: typeFor(status), param, code: error.code } },
    };
  }
  // Fastify's own errors before a handler runs: a body that is not JSON, too large, a wrong type.
  const status = (error as { statusCode?: unknown })?.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const code = status === 413 ? "E_TOO_LARGE" : status === 415 ? "E_UNSUPPORTED_MEDIA" : "E_INVALID_INPUT";
    return {
      status,
      body: {
        error: { message: (error as Error).message, type: typeFor(status), param: null, code },
      },
    };
  }
  return {
    status: 500,
    body: {
      error: {
        message: "Verity failed unexpectedly; the server's log has the details",
        type: "server_error",
        param: null,
        code: "E_INTERNAL",
      },
    },
  };
}

/**
 * Headers a refusal carries for clients to act on: when to retry a rate-limited request, and how to
 * authenticate (a 401 without WWW-Authenticate leaves MCP clients guessing).
 */
export function errorHeaders(error: unknown, status: number): Record<string, string> {
  const retryAfter = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return {
    ...(typeof retryAfter === "number" ? { "retry-after": String(retryAfter) } : {}),
    ...(status === 401 ? { "www-authenticate": 'Bearer realm="verity"' } : {}),
  };
}
