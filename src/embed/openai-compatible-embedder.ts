// Embeds through POST {baseUrl}/embeddings: OpenAI, Ollama's /v1, vLLM, LM Studio, text-embeddings-inference.
import { z } from "zod";
import { type ApiKeySettings, apiKeyFor } from "../core/api-key.js";
import { VerityError } from "../core/errors.js";
import { displayUrl } from "../core/http-client.js";
import type { Embedder } from "./embedder.js";
import { type HttpSettings, httpSettingsOf, postJson } from "./http.js";

export interface OpenAiCompatibleEmbedderOptions extends HttpSettings, ApiKeySettings {
  /** API root, e.g. `http://127.0.0.1:11434/v1` or `https://api.openai.com/v1`. */
  baseUrl: string;
  model: string;
  /** Asks the model for shorter vectors (OpenAI text-embedding-3-*); also the length `embedAll` checks. */
  dimensions?: number;
  /** Texts per request. Default 64. */
  maxBatchSize?: number;
  /** Recorded in embedding spaces. Default `openai-compatible`. */
  provider?: string;
}

const vectorSchema = z.union([z.array(z.number()), z.string()]);
const responseSchema = z.object({
  data: z.array(z.object({ embedding: vectorSchema, index: z.number().int().nullish() })),
  usage: z.object({ prompt_tokens: z.number().nullish() }).nullish(),
});

export function createOpenAiCompatibleEmbedder(options: OpenAiCompatibleEmbedderOptions): Embedder {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const url = `${baseUrl}/embeddings`;
  const provider = options.provider ?? "openai-compatible";
  const maxBatchSize = options.maxBatchSize ?? 64;
  return {
    provider,
    model: options.model,
    dimensions: options.dimensions,
    maxBatchSize,
    async doEmbed({ texts, signal }) {
      if (texts.length === 0) return { embeddings: [] };
      if (texts.length > maxBatchSize) {
        throw new VerityError(
          "E_INVALID_INPUT",
          `${provider}:${options.model} embeds at most ${maxBatchSize} texts per call, got ${texts.length}: use embedAll`,
        );
      }
      const apiKey = apiKeyFor(options, baseUrl, "the embedder");
      const response = await postJson({
        ...httpSettingsOf(options),
        url,
        signal,
        body: {
          model: options.model,
          input: texts,
          encoding_format: "float",
          ...(options.dimensions === undefined ? {} : { dimensions: options.dimensions }),
        },
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        secrets: apiKey ? [apiKey] : [],
        schema: responseSchema,
      });
      const embeddings = inInputOrder(response.data, texts.length, url);
      const tokens = response.usage?.prompt_tokens;
      return typeof tokens === "number" ? { embeddings, usage: { tokens } } : { embeddings };
    },
  };
}

type Item = z.output<typeof responseSchema>["data"][number];

/** Vectors ordered by their `index` (servers may answer out of order); position when absent. */
function inInputOrder(data: Item[], count: number, url: string): Float32Array[] {
  const ordered: (Float32Array | undefined)[] = new Array(count);
  data.forEach((item, position) => {
    const index = item.index ?? position;
    if (index < 0 || index >= count || ordered[index] !== undefined) {
      throw malformed(url, `data[${position}].index is ${index}, not a fresh position among ${count} inputs`);
    }
    ordered[index] = toVector(item.embedding, url);
  });
  if (data.length !== count) throw malformed(url, `returned ${data.length} embeddings for ${count} inputs`);
  return ordered as Float32Array[];
}

function toVector(embedding: number[] | string, url: string): Float32Array {
  if (typeof embedding !== "string") return Float32Array.from(embedding);
  // base64 of little-endian float32s, as OpenAI sends for encoding_format "base64".
  const bytes = Buffer.from(embedding, "base64");
  if (bytes.byteLength % 4 !== 0) throw malformed(url, "returned a base64 embedding that is not float32s");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vector = new Float32Array(bytes.byteLength / 4);
  for (let index = 0; index < vector.length; index++) vector[index] = view.getFloat32(index * 4, true);
  return vector;
}

function malformed(url: string, problem: string): VerityError {
  return new VerityError("E_PROVIDER_RESPONSE", `the embedding endpoint POST ${displayUrl(url)} ${problem}`);
}
