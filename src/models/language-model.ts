// A catalogue entry as an AI SDK language model. Keys are read when the model is created, never at
// import, and a missing one names the variable to set.
import { createAnthropic } from "@ai-sdk/anthropic";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModel } from "ai";
import type { Environment } from "../core/api-key.js";
import { VerityError } from "../core/errors.js";
import type { ModelEntry } from "./catalogue.js";

const defaultKeyVariables = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY" } as const;

function apiKeyOf(model: ModelEntry, env: Environment): string | undefined {
  const variable =
    model.apiKeyEnv ??
    (model.provider === "openai-compatible" ? undefined : defaultKeyVariables[model.provider]);
  if (variable === undefined) return undefined;
  const key = env[variable];
  if (key) return key;
  if (model.provider === "openai-compatible") {
    throw new VerityError(
      "E_CONFIG",
      `model "${model.id}" reads its API key from ${variable}, which is not set`,
    );
  }
  throw new VerityError(
    "E_CONFIG",
    `model "${model.id}" (${model.provider}) needs an API key: set ${variable}, or name another variable with "apiKeyEnv" in the model catalogue`,
  );
}

/** The AI SDK model for a catalogue entry; its key is read from `env` (nothing is read without it). */
export function createLanguageModel(model: ModelEntry, env: Environment = {}): LanguageModel {
  const apiKey = apiKeyOf(model, env);
  switch (model.provider) {
    case "openai":
      return createOpenAI({ apiKey, baseURL: model.baseUrl })(model.model);
    case "anthropic":
      return createAnthropic({ apiKey, baseURL: model.baseUrl })(model.model);
    case "openai-compatible":
      return createOpenAICompatible({
        name: model.id,
        baseURL: model.baseUrl as string,
        apiKey,
        includeUsage: true,
      }).chatModel(model.model);
  }
}
