// AI SDK errors as VerityErrors with the codes the CLI and server map, saying which model failed.
import { APICallError, RetryError } from "ai";
import { VerityError } from "../../core/errors.js";
import type { ModelEntry } from "../../models/catalogue.js";

export function providerError(model: ModelEntry, error: unknown, timedOut: boolean): VerityError {
  if (error instanceof VerityError) return error;
  const name = `model "${model.id}" (${model.provider} ${model.model}${model.baseUrl ? ` at ${model.baseUrl}` : ""})`;
  if (timedOut) {
    return new VerityError(
      "E_PROVIDER_TIMEOUT",
      `${name} did not finish within ${model.timeoutMs} ms; raise timeoutMs in the model catalogue or use a faster model`,
      { cause: error },
    );
  }
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const attempts = RetryError.isInstance(error) ? ` after ${error.errors.length} attempts` : "";
  if (APICallError.isInstance(last) && last.statusCode !== undefined) {
    return new VerityError(
      "E_PROVIDER_HTTP",
      `${name} answered HTTP ${last.statusCode}${attempts}: ${last.message.slice(0, 200)}`,
      { cause: error },
    );
  }
  const message = (last as Error)?.message ?? String(last);
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|fetch failed|Cannot connect/iu.test(
      `${message} ${String((last as Error)?.cause)}`,
    )
  ) {
    return new VerityError(
      "E_PROVIDER_UNREACHABLE",
      `${name} cannot be reached${attempts}: ${message}. Is the server running, and is baseUrl right?`,
      { cause: error },
    );
  }
  return new VerityError("E_PROVIDER_RESPONSE", `${name} failed${attempts}: ${message}`, { cause: error });
}
