import { afterEach, describe, expect, it, vi } from "vitest";
import { apiKeyFor } from "./api-key.js";
import { VerityError } from "./errors.js";

const local = "http://127.0.0.1:8080/v1";
const openAi = "https://api.openai.com/v1";

function errorOf(run: () => unknown): VerityError {
  try {
    run();
  } catch (error) {
    if (error instanceof VerityError) return error;
  }
  throw new Error("expected a VerityError");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("apiKeyFor", () => {
  it("prefers the key passed directly over any variable", () => {
    expect(apiKeyFor({ apiKey: "sk-direct", apiKeyEnv: "KEY", env: { KEY: "sk-env" } }, local, "x")).toBe(
      "sk-direct",
    );
  });

  it("reads the named variable from the env it is given", () => {
    expect(apiKeyFor({ apiKeyEnv: "KEY", env: { KEY: "sk-env" } }, local, "x")).toBe("sk-env");
  });

  it("sends no key to a local server when none is configured", () => {
    expect(apiKeyFor({ env: { OPENAI_API_KEY: "sk-openai" } }, local, "x")).toBeUndefined();
  });

  it("reads OPENAI_API_KEY for api.openai.com", () => {
    expect(apiKeyFor({ env: { OPENAI_API_KEY: "sk-openai" } }, openAi, "x")).toBe("sk-openai");
  });

  it("ignores the process environment when no env is given", () => {
    vi.stubEnv("OPENAI_API_KEY", "sk-process");
    const error = errorOf(() => apiKeyFor({}, openAi, "the transcriber"));
    expect(error.code).toBe("E_CONFIG");
    expect(error.option).toBe("apiKey");
    expect(error.message).toBe(
      "the transcriber at https://api.openai.com/v1 needs an API key: pass 'apiKey', or 'env' with OPENAI_API_KEY set",
    );
  });

  it("treats an empty variable as missing, naming it", () => {
    const error = errorOf(() =>
      apiKeyFor({ apiKeyEnv: "MY_KEY", env: { MY_KEY: "" } }, local, "the embedder"),
    );
    expect(error.message).toContain("MY_KEY set");
  });
});
