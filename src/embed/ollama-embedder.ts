// Embeds through Ollama's native API, POST {baseUrl}/api/embed.
import { z } from "zod";
import { VerityError } from "../core/errors.js";
import { displayUrl } from "../core/http-client.js";
import type { Embedder } from "./embedder.js";
import { type HttpSettings, httpSettingsOf, postJson } from "./http.js";

export const defaultOllamaBaseUrl = "http://127.0.0.1:11434";

export interface OllamaEmbedderOptions extends HttpSettings {
  /** e.g. `nomic-embed-text`, `mxbai-embed-large`, `bge-m3`. */
  model: string;
  /** Server root, without `/api`. Default `http://127.0.0.1:11434`. */
  baseUrl?: string;
  /** Truncates vectors to this length (models that support it); also the length `embedAll` checks. */
  dimensions?: number;
  /** Texts per request. Default 64. */
  maxBatchSize?: number;
}

const responseSchema = z.object({
  embeddings: z.array(z.array(z.number())),
  prompt_eval_count: z.number().nullish(),
});

export function createOllamaEmbedder(options: OllamaEmbedderOptions): Embedder {
  const baseUrl = (options.baseUrl ?? defaultOllamaBaseUrl).replace(/\/+$/, "");
  const url = `${baseUrl}/api/embed`;
  const maxBatchSize = options.maxBatchSize ?? 64;
  return {
    provider: "ollama",
    model: options.model,
    dimensions: options.dimensions,
    maxBatchSize,
    async doEmbed({ texts, signal }) {
      if (texts.length === 0) return { embeddings: [] };
      if (texts.length > maxBatchSize) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `ollama:${options.model} embeds at most ${maxBatchSize} texts per call, got ${texts.length}: use embedAll`,
        );
      }
      const response = await postJson({
        ...httpSettingsOf(options),
        url,
        signal,
        body: {
          model: options.model,
          input: texts,
          ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
        },
        schema: responseSchema,
      });
      if (response.embeddings.length !== texts.length) {
        throw new VerityError(
          "E_PROVIDER_RESPONSE",
          `the embedding endpoint POST ${displayUrl(url)} returned ${response.embeddings.length} embeddings ` +
            `for ${texts.length} inputs`,
        );
      }
      const embeddings = response.embeddings.map((vector) => Float32Array.from(vector));
      const tokens = response.prompt_eval_count;
      return typeof tokens === "number" ? { embeddings, usage: { tokens } } : { embeddings };
    },
  };
}
