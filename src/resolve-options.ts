// One resolver from what a front end was told (command-line flags, a config file), the environment and
// the data folder to the engine's options, used by every front end alike (CLI, server, MCP). Each
// setting comes from the flag, else the config file, else its VERITY_* variable, else its default.
// Adapters are loaded only when named, so a plain BM25 question loads neither the AI SDK, zod nor an
// HTTP client, and every adapter reads its secrets from the same injected environment.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Environment } from "./core/api-key.js";
import { defaultDataDir } from "./core/defaults.js";
import { VerityError } from "./core/errors.js";
import type { Logger } from "./core/logger.js";
import type { VerityOptions } from "./engine.js";
import type { ModelCatalogue } from "./models/catalogue.js";

export interface OptionSources {
  /** Where the embedded database lives; else the config file's, else VERITY_DATA_DIR, else `./.verity`. */
  dataDir?: string;
  /**
   * A PostgreSQL database (`postgres://user@host:5432/verity`) to use instead of the embedded one; else
   * the config file's, else VERITY_DATABASE_URL, else none. The data dir still holds uploads and keys'
   * media-link secret. A password goes in PGPASSWORD (or the URL given as a flag or variable), never in
   * the config file.
   */
  databaseUrl?: string;
  /** Embedder spec (`ollama:nomic-embed-text`…); else the config file's, else VERITY_EMBEDDER, else none. */
  embedder?: string;
  /** Transcriber spec (`pocketsphinx`, `openai:whisper-1`…); else the config file's, else VERITY_TRANSCRIBER. */
  transcriber?: string;
  /**
   * Model catalogue file; else the config file's (a path or an inline catalogue), else VERITY_MODELS,
   * else `<dataDir>/models.json` when it exists, else none (extractive answers). A file named
   * explicitly must exist.
   */
  models?: string;
  /**
   * A config file (JSON; see `ConfigFile`); else VERITY_CONFIG, else none. Relative paths inside it
   * are resolved against its own folder. Secrets never go in it: they come from `env`.
   */
  config?: string;
  /** Read for the variables above and for API keys. */
  env: Environment;
  /** Relative paths given as flags or variables are resolved against it. */
  cwd: string;
  logger?: Logger;
}

/** The parts of a config file the resolver does not use itself, for the front end that reads them. */
export interface ConfigFile {
  /** Absolute path of the file. */
  path: string;
  /** The `server` section as written, validated by the server (`parseServerSettings`). */
  server?: Record<string, unknown>;
  /** The `mcp` section as written, for the MCP front end. */
  mcp?: Record<string, unknown>;
}

export type ResolvedOptions = VerityOptions & { dataDir: string; env: Environment; configFile?: ConfigFile };

interface ConfigFileContents {
  dataDir?: string;
  databaseUrl?: string;
  models?: string | Record<string, unknown>;
  embedder?: string;
  transcriber?: string;
  server?: Record<string, unknown>;
  mcp?: Record<string, unknown>;
}

/** The engine's options from `sources`; throws E_CONFIG for a file, spec or catalogue that cannot be used. */
export async function resolveVerityOptions(sources: OptionSources): Promise<ResolvedOptions> {
  const { env, cwd } = sources;
  const configPath = setting(sources.config, env.VERITY_CONFIG);
  const file = configPath ? await readConfigFile(resolve(cwd, configPath)) : undefined;
  const fileDir = file ? dirname(file.path) : cwd;
  const fromFile = (value: string | undefined) => (value ? resolve(fileDir, value) : undefined);

  const dataDir = sources.dataDir
    ? resolve(cwd, sources.dataDir)
    : (fromFile(file?.contents.dataDir) ?? resolve(cwd, env.VERITY_DATA_DIR || defaultDataDir));
  const databaseUrl = setting(sources.databaseUrl, file?.contents.databaseUrl, env.VERITY_DATABASE_URL);
  if (databaseUrl !== undefined) checkDatabaseUrl(databaseUrl);
  const embedderSpec = setting(sources.embedder, file?.contents.embedder, env.VERITY_EMBEDDER);
  const transcriberSpec = setting(sources.transcriber, file?.contents.transcriber, env.VERITY_TRANSCRIBER);

  const [embedder, transcriber, models] = await Promise.all([
    embedderSpec
      ? import("./embed/embedder-spec.js").then((spec) => spec.createEmbedderFromSpec(embedderSpec, { env }))
      : undefined,
    transcriberSpec
      ? import("./transcribe/transcriber-spec.js").then((spec) =>
          spec.createTranscriberFromSpec(transcriberSpec, { env }),
        )
      : undefined,
    resolveModels(sources, file, dataDir),
  ]);
  const configFile = file
    ? {
        path: file.path,
        ...(file.contents.server ? { server: file.contents.server } : {}),
        ...(file.contents.mcp ? { mcp: file.contents.mcp } : {}),
      }
    : undefined;
  return {
    dataDir,
    env,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(sources.logger ? { logger: sources.logger } : {}),
    ...(embedder ? { embedder } : {}),
    ...(transcriber ? { transcriber } : {}),
    ...(models ? { models } : {}),
    ...(configFile ? { configFile } : {}),
  };
}

/** The flag's catalogue file, else the config file's (path or inline), else VERITY_MODELS, else `<dataDir>/models.json`. */
async function resolveModels(
  sources: OptionSources,
  file: { path: string; contents: ConfigFileContents } | undefined,
  dataDir: string,
): Promise<ModelCatalogue | undefined> {
  const load = async () => import("./models/catalogue.js");
  if (sources.models) return (await load()).loadModelCatalogue(resolve(sources.cwd, sources.models));
  const inFile = file?.contents.models;
  if (typeof inFile === "object") return (await load()).parseModelCatalogue(inFile, `${file?.path}: models`);
  if (typeof inFile === "string")
    return (await load()).loadModelCatalogue(resolve(dirname(file?.path ?? ""), inFile));
  if (sources.env.VERITY_MODELS)
    return (await load()).loadModelCatalogue(resolve(sources.cwd, sources.env.VERITY_MODELS));
  const beside = join(dataDir, "models.json");
  return existsSync(beside) ? (await load()).loadModelCatalogue(beside) : undefined;
}

/**
 * Reads and checks a config file: its own settings typed, `server` and `mcp` kept as objects for
 * their front ends to validate. zod is loaded only here, so commands without a config file skip it.
 */
async function readConfigFile(path: string): Promise<{ path: string; contents: ConfigFileContents }> {
  const [{ z }, { readJsonConfig }] = await Promise.all([import("zod"), import("./core/config-file.js")]);
  const spec = z.string().trim().min(1, "give a non-empty spec string");
  const section = z.record(z.string(), z.unknown());
  const schema = z
    .object({
      /** Lets editors validate the file; ignored. */
      $schema: z.string().optional(),
      dataDir: z.string().min(1).optional(),
      databaseUrl: z
        .string()
        .min(1)
        .refine((url) => !/^postgres(ql)?:\/\/[^/@]*:[^/@]*@/.test(url), {
          error: "holds a password; put it in PGPASSWORD instead (the config file is not for secrets)",
        })
        .optional(),
      models: z
        .union([z.string().min(1), section], {
          error: "give a catalogue file path or the catalogue itself (an object with models)",
        })
        .optional(),
      embedder: spec.optional(),
      transcriber: spec.optional(),
      server: section.optional(),
      mcp: section.optional(),
    })
    .strict();
  const value = readJsonConfig(path, "the config file", "Create it (see the README) or name another file.");
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
    throw new VerityError("E_CONFIG", `${path} is not a valid config file: ${problems.join("; ")}`, {
      option: "config",
    });
  }
  return { path, contents: result.data as ConfigFileContents };
}

/** The first value given; an empty string counts as unset. */
function setting(...values: (string | undefined)[]): string | undefined {
  return values.find((value) => value !== undefined && value !== "") || undefined;
}

/** E_CONFIG unless `url` is a postgres:// (or postgresql://) URL; the message never repeats a password. */
function checkDatabaseUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:")) {
    throw new VerityError(
      "E_CONFIG",
      "the database URL is not a postgres:// URL; give one like postgres://verity@db.example.com:5432/verity (the password in PGPASSWORD), or leave it unset to use the embedded database",
      { option: "databaseUrl" },
    );
  }
}
