// One resolver from what a front end was told (command-line flags, later a server's config file), the
// environment and the data folder to the engine's options, used by every front end alike. Adapters
// are loaded only when named, so a plain BM25 question loads neither the AI SDK nor an HTTP client,
// and every adapter reads its secrets from the same injected environment.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Environment } from "./core/api-key.js";
import { defaultDataDir } from "./core/defaults.js";
import type { Logger } from "./core/logger.js";
import type { VerityOptions } from "./engine.js";

export interface OptionSources {
  /** Where the embedded database lives; else VERITY_DATA_DIR, else `./.verity`. */
  dataDir?: string;
  /** Embedder spec (`ollama:nomic-embed-text`…); else VERITY_EMBEDDER, else none (BM25 only). */
  embedder?: string;
  /** Transcriber spec (`pocketsphinx`, `openai:whisper-1`…); else VERITY_TRANSCRIBER, else pocketsphinx. */
  transcriber?: string;
  /**
   * Model catalogue file; else VERITY_MODELS, else `<dataDir>/models.json` when it exists, else none
   * (extractive answers). A file named explicitly must exist.
   */
  models?: string;
  /** Read for the variables above and for API keys. */
  env: Environment;
  /** Relative paths are resolved against it. */
  cwd: string;
  logger?: Logger;
}

export type ResolvedOptions = VerityOptions & { dataDir: string; env: Environment };

/** The engine's options from `sources`; throws E_CONFIG for a spec or catalogue that cannot be used. */
export async function resolveVerityOptions(sources: OptionSources): Promise<ResolvedOptions> {
  const { env, cwd } = sources;
  const dataDir = resolve(cwd, setting(sources.dataDir, env.VERITY_DATA_DIR) ?? defaultDataDir);
  const embedderSpec = setting(sources.embedder, env.VERITY_EMBEDDER);
  const transcriberSpec = setting(sources.transcriber, env.VERITY_TRANSCRIBER);
  const explicitModels = setting(sources.models, env.VERITY_MODELS);
  const modelsPath = explicitModels ? resolve(cwd, explicitModels) : join(dataDir, "models.json");

  const [embedder, transcriber, models] = await Promise.all([
    embedderSpec
      ? import("./embed/embedder-spec.js").then((spec) => spec.createEmbedderFromSpec(embedderSpec, { env }))
      : undefined,
    transcriberSpec
      ? import("./transcribe/transcriber-spec.js").then((spec) =>
          spec.createTranscriberFromSpec(transcriberSpec, { env }),
        )
      : undefined,
    explicitModels || existsSync(modelsPath)
      ? import("./models/catalogue.js").then((catalogue) => catalogue.loadModelCatalogue(modelsPath))
      : undefined,
  ]);
  return {
    dataDir,
    env,
    ...(sources.logger ? { logger: sources.logger } : {}),
    ...(embedder ? { embedder } : {}),
    ...(transcriber ? { transcriber } : {}),
    ...(models ? { models } : {}),
  };
}

/** The explicit value, else the environment's; an empty string counts as unset. */
function setting(explicit: string | undefined, fromEnv: string | undefined): string | undefined {
  return explicit || fromEnv || undefined;
}
