// Reads a transcription engine from one CLI/config string, e.g. `pocketsphinx` or
// `openai-compatible:whisper-1@http://127.0.0.1:8080/v1`.
import type { Environment } from "../core/api-key.js";
import { VerityError } from "../core/errors.js";
import { createOpenAiCompatibleTranscriber } from "./openai-compatible.js";
import { createPocketsphinxTranscriber } from "./pocketsphinx.js";
import type { Transcriber } from "./transcriber.js";
import { createWhisperCppTranscriber } from "./whisper-cpp.js";

const examples = [
  "  pocketsphinx                               offline, low accuracy (apt-get install pocketsphinx pocketsphinx-en-us)",
  "  openai-compatible:<model>@<baseUrl>        e.g. openai-compatible:whisper-1@http://127.0.0.1:8080/v1",
  "  openai:<model>                             e.g. openai:whisper-1 (key from OPENAI_API_KEY)",
  "  whisper-cpp:<model file>                   e.g. whisper-cpp:/models/ggml-base.en.bin (npm install @fugood/whisper.node)",
].join("\n");

function invalid(spec: string, why: string): VerityError {
  return new VerityError("E_CONFIG", `transcriber "${spec}" is not valid: ${why}. Use one of:\n${examples}`);
}

export interface TranscriberFromSpecOptions {
  /** Where API keys are read from (OPENAI_API_KEY for `openai:`); nothing is read without it. */
  env?: Environment;
}

/** The engine `spec` names; no request is made and no key is read until it transcribes. */
export function createTranscriberFromSpec(
  spec: string,
  options: TranscriberFromSpecOptions = {},
): Transcriber {
  const text = spec.trim();
  if (text === "pocketsphinx") return createPocketsphinxTranscriber();
  if (text.startsWith("whisper-cpp:")) {
    const modelPath = text.slice("whisper-cpp:".length).trim();
    if (!modelPath)
      throw invalid(spec, "name the ggml model file, e.g. whisper-cpp:/models/ggml-base.en.bin");
    return createWhisperCppTranscriber({ modelPath });
  }
  const colon = text.indexOf(":");
  const provider = colon < 0 ? text : text.slice(0, colon);
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  const at = rest.search(/@https?:\/\//iu);
  const model = at < 0 ? rest : rest.slice(0, at);
  const baseUrl = at < 0 ? undefined : rest.slice(at + 1);
  if (model.trim() === "" || /\s/u.test(model))
    throw invalid(spec, "the model name is missing or has spaces");
  if (baseUrl !== undefined && !URL.canParse(baseUrl)) throw invalid(spec, `"${baseUrl}" is not a URL`);
  switch (provider) {
    case "openai-compatible":
      if (baseUrl === undefined) throw invalid(spec, "openai-compatible needs @<baseUrl>");
      return createOpenAiCompatibleTranscriber({ baseUrl, model, env: options.env });
    case "openai":
      return createOpenAiCompatibleTranscriber({
        baseUrl: baseUrl ?? "https://api.openai.com/v1",
        model,
        apiKeyEnv: "OPENAI_API_KEY",
        env: options.env,
      });
    default:
      throw invalid(spec, `unknown engine "${provider}"`);
  }
}
