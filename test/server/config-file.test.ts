// One config file for every front end: models (a path or inline), embedder, transcriber and the
// server's settings, resolved with flags first, then the file, then VERITY_* variables.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveVerityOptions } from "../../src/resolve-options.js";
import { parseServerSettings } from "../../src/server/settings/server-settings.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "verity-config-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const catalogue = {
  models: [
    {
      id: "local",
      provider: "openai-compatible",
      model: "llama3.2:3b",
      baseUrl: "http://127.0.0.1:11434/v1",
      contextWindow: 8192,
      tier: "small",
      local: true,
    },
  ],
};

function configFile(contents: unknown): string {
  const path = join(dir, "verity.json");
  writeFileSync(path, JSON.stringify(contents));
  return path;
}

describe("the config file", () => {
  it("resolves the data dir against its own folder and reads an inline model catalogue", async () => {
    const config = configFile({ dataDir: "./data", models: catalogue, server: { port: 9000 } });
    const options = await resolveVerityOptions({ config, env: {}, cwd: dir });
    expect(options.dataDir).toBe(join(dir, "data"));
    expect(options.models?.models.map((model) => model.id)).toEqual(["local"]);
    expect(options.configFile).toEqual({ path: config, server: { port: 9000 } });
  });

  it("reads a catalogue file named in it, relative to the config file", async () => {
    writeFileSync(join(dir, "models.json"), JSON.stringify(catalogue));
    const options = await resolveVerityOptions({
      config: configFile({ models: "models.json" }),
      env: {},
      cwd: dir,
    });
    expect(options.models?.default ?? options.models?.models[0]?.id).toBe("local");
  });

  it("loses to flags and wins over VERITY_* variables", async () => {
    const config = configFile({ dataDir: "from-file" });
    const fromEnv = join(dir, "from-env");
    const env = { VERITY_DATA_DIR: fromEnv };
    const cwd = join(dir, "cwd");
    expect((await resolveVerityOptions({ config, env, cwd })).dataDir).toBe(join(dir, "from-file"));
    expect((await resolveVerityOptions({ config, env, cwd, dataDir: "flag" })).dataDir).toBe(
      join(cwd, "flag"),
    );
    expect((await resolveVerityOptions({ env, cwd })).dataDir).toBe(fromEnv);
  });

  it("is found through VERITY_CONFIG", async () => {
    const options = await resolveVerityOptions({
      env: { VERITY_CONFIG: configFile({ dataDir: "d" }) },
      cwd: dir,
    });
    expect(options.dataDir).toBe(join(dir, "d"));
  });

  it("names the field that is wrong", async () => {
    const config = configFile({ dataDir: 3, embeder: "ollama:x" });
    await expect(resolveVerityOptions({ config, env: {}, cwd: dir })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(
        /dataDir: .*expected string.*\(top level\): Unrecognized key: "embeder"/su,
      ),
    });
  });

  it("refuses a secret in an inline catalogue: keys come from the environment", async () => {
    const config = configFile({ models: { models: [{ ...catalogue.models[0], apiKey: "sk-secret" }] } });
    await expect(resolveVerityOptions({ config, env: {}, cwd: dir })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining('models.0: Unrecognized key: "apiKey"'),
    });
  });

  it("says when it is not JSON", async () => {
    const path = join(dir, "broken.json");
    writeFileSync(path, "{ dataDir: ");
    await expect(resolveVerityOptions({ config: path, env: {}, cwd: dir })).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining("is not valid JSON"),
    });
  });
});

describe("server settings", () => {
  it("fill every default from nothing", () => {
    const settings = parseServerSettings(undefined);
    expect(settings).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      limits: { bodyBytes: 1024 * 1024, uploadBytes: 100 * 1024 * 1024, uploadFiles: 20 },
      rateLimit: { max: 600, windowMs: 60_000 },
      concurrentAsksPerKey: 4,
    });
  });

  it("name the field that is wrong, under server.", () => {
    expect(() =>
      parseServerSettings({ port: 70_000, limits: { uploadBytes: "big" } }, "verity.json"),
    ).toThrow(/verity\.json is not valid: server\.port: .*65535.*server\.limits\.uploadBytes: .*number/su);
  });
});
