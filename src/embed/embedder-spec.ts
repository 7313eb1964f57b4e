// Reads an embedder from one CLI/config string, e.g. `ollama:nomic-embed-text`.
import type { Environment } from "../core/api-key.js";
import { VerityError } from "../core/errors.js";
import type { Embedder } from "./embedder.js";
import type { HttpSettings } from "./http.js";
import { createOllamaEmbedder, defaultOllamaBaseUrl } from "./ollama-embedder.js";
import { createOpenAiCompatibleEmbedder } from "./openai-compatible-embedder.js";

export const openAiBaseUrl = "https://api.openai.com/v1";

export type EmbedderSpec =
  | { provider: "openai-compatible"; model: string; baseUrl: string }
  | { provider: "ollama"; model: string; baseUrl: string }
  | { provider: "openai"; model: string; baseUrl: string };

const examples = [
  "  ollama:<model>[@<baseUrl>]           e.g. ollama:nomic-embed-text",
  "  openai-compatible:<model>@<baseUrl>  e.g. openai-compatible:nomic-embed-text@http://127.0.0.1:11434/v1",
  "  openai:<model>                       e.g. openai:text-embedding-3-small (key from OPENAI_API_KEY)",
].join("\n");

/** Parses `provider:model[@baseUrl]`; the model may contain `:` (`bge-m3:latest`). */
export function parseEmbedderSpec(spec: string): EmbedderSpec {
  const text = spec.trim();
  const colon = text.indexOf(":");
  const provider = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  // Split at the first "@" that starts a URL, so a model or a URL's user:password part may hold "@".
  const at = rest.search(/@https?:\/\//i);
  const model = at < 0 ? rest : rest.slice(0, at);
  const baseUrl = at < 0 ? undefined : rest.slice(at + 1);
  if (provider !== "openai-compatible" && provider !== "ollama" && provider !== "openai") {
    throw invalid(spec, `unknown provider "${provider}"`);
  }
  if (model.trim() === "" || /\s/.test(model)) throw invalid(spec, "the model name is missing or has spaces");
  if (at < 0 && rest.includes("@")) throw invalid(spec, "the base URL must start with http:// or https://");
  if (baseUrl !== undefined) checkUrl(spec, baseUrl);
  switch (provider) {
    case "openai-compatible":
      if (baseUrl === undefined) throw invalid(spec, "openai-compatible needs @<baseUrl>");
      return { provider, model, baseUrl };
    case "ollama":
      return { provider, model, baseUrl: baseUrl ?? defaultOllamaBaseUrl };
    case "openai":
      if (baseUrl !== undefined) {
        throw invalid(spec, "openai always uses api.openai.com; for another server use openai-compatible");
      }
      return { provider, model, baseUrl: openAiBaseUrl };
  }
}

export interface EmbedderFromSpecOptions extends HttpSettings {
  /** For `openai-compatible`: variable in `env` holding the server's API key. */
  apiKeyEnv?: string;
  /** Where API keys are read from (OPENAI_API_KEY for `openai:`); nothing is read without it. */
  env?: Environment;
  maxBatchSize?: number;
  dimensions?: number;
}

/** Builds the embedder a spec names; no request is made and no key is read until it embeds. */
export function createEmbedderFromSpec(spec: string, options: EmbedderFromSpecOptions = {}): Embedder {
  const parsed = parseEmbedderSpec(spec);
  const { apiKeyEnv, env, ...shared } = options;
  switch (parsed.provider) {
    case "ollama":
      return createOllamaEmbedder({ ...shared, model: parsed.model, baseUrl: parsed.baseUrl });
    case "openai":
      return createOpenAiCompatibleEmbedder({
        ...shared,
        provider: "openai",
        model: parsed.model,
        baseUrl: parsed.baseUrl,
        apiKeyEnv: "OPENAI_API_KEY",
        env,
      });
    case "openai-compatible":
      return createOpenAiCompatibleEmbedder({
        ...shared,
        model: parsed.model,
        baseUrl: parsed.baseUrl,
        ...(apiKeyEnv ? { apiKeyEnv } : {}),
        env,
      });
  }
}

function checkUrl(spec: string, baseUrl: string): void {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw invalid(spec, `"${baseUrl}" is not a URL`);
  }
  if (url.hostname === "") throw invalid(spec, `"${baseUrl}" has no host`);
}

function invalid(spec: string, problem: string): VerityError {
  return new VerityError("E_CONFIG", `cannot read embedder "${spec}": ${problem}. Use one of:\n${examples}`);
}
