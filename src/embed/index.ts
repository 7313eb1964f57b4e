// The embed layer's public API: the Embedder seam, its providers and embedding-space helpers.
export {
  type DescribeEmbeddingSpaceOptions,
  describeEmbeddingSpace,
  type EmbedAllOptions,
  type EmbedAllResult,
  type Embedder,
  type EmbedderUsage,
  type EmbeddingSpaceSpec,
  embedAll,
  embedOne,
  normalise,
} from "./embedder.js";
export {
  createEmbedderFromSpec,
  type EmbedderFromSpecOptions,
  type EmbedderSpec,
  openAiBaseUrl,
  parseEmbedderSpec,
} from "./embedder-spec.js";
export type { FetchFunction, HttpSettings } from "./http.js";
export { createOllamaEmbedder, defaultOllamaBaseUrl, type OllamaEmbedderOptions } from "./ollama-embedder.js";
export {
  createOpenAiCompatibleEmbedder,
  type OpenAiCompatibleEmbedderOptions,
} from "./openai-compatible-embedder.js";
