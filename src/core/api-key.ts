// API keys for HTTP adapters: given directly, or read from an injected environment at each call, so a
// missing key never fails at start-up and nothing reads the process's environment behind the caller.
import { VerityError } from "./errors.js";

/** Environment variables as the caller chose to expose them (`process.env`, or a test's own object). */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface ApiKeySettings {
  /** Sent as a Bearer token. Wins over `apiKeyEnv`. */
  apiKey?: string;
  /** Variable in `env` holding the key, read at each call. */
  apiKeyEnv?: string;
  /** Where `apiKeyEnv` (and OPENAI_API_KEY for api.openai.com) is read from. Nothing is read without it. */
  env?: Environment;
}

/**
 * The key to send to `baseUrl`, if any: `apiKey`, else the variable `apiKeyEnv` names, else
 * OPENAI_API_KEY when the host is api.openai.com (that key is never sent to another host).
 * `what` names the adapter in the error, e.g. "the embedder".
 */
export function apiKeyFor(settings: ApiKeySettings, baseUrl: string, what: string): string | undefined {
  if (settings.apiKey) return settings.apiKey;
  const variable = settings.apiKeyEnv ?? (isOpenAiHost(baseUrl) ? "OPENAI_API_KEY" : undefined);
  if (variable === undefined) return undefined;
  const key = settings.env?.[variable];
  if (key) return key;
  throw new VerityError(
    "E_CONFIG",
    `${what} at ${baseUrl} needs an API key: pass 'apiKey', or 'env' with ${variable} set`,
    { option: "apiKey" },
  );
}

function isOpenAiHost(baseUrl: string): boolean {
  try {
    return new URL(baseUrl).hostname === "api.openai.com";
  } catch {
    return false;
  }
}
