// `verity ask` with a model catalogue: the generative answer through a real OpenAI-compatible server
// on loopback, its verification in the JSON contract, and the fallback when the model fails.
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import type { Answer } from "../src/core/answer.js";
import { type FakeChatServer, startFakeChatServer } from "./fakes/fake-chat-server.js";
import { unusedLoopbackUrl } from "./fakes/fake-embedding-server.js";
import { Capture } from "./support/capture.js";

let dir: string;
let server: FakeChatServer | undefined;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, { stdout, stderr, env, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

function writeCatalogue(baseUrl: string, extra: Record<string, unknown> = {}) {
  writeFileSync(
    join(dir, "models.json"),
    JSON.stringify({
      models: [
        {
          id: "local-small",
          provider: "openai-compatible",
          model: "llama3.2:3b",
          baseUrl,
          contextWindow: 8192,
          tier: "small",
          local: true,
          maxRetries: 0,
          ...extra,
        },
      ],
    }),
  );
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-cli-models-"));
  mkdirSync(join(dir, "docs"));
  writeFileSync(
    join(dir, "docs", "plans.md"),
    "# Plans\n\n## Team plan\n\nThe Team plan costs $8 per user per month, billed annually.\n\n## Free plan\n\nThe Free plan includes 3 notebooks.",
  );
  expect((await cli(["ingest", "docs"])).code).toBe(0);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe("verity ask with a model", () => {
  it("answers through the model with verified sentences, usage and cost in the JSON trace", async () => {
    server = await startFakeChatServer(() => ({
      content: "The Team plan costs $8 per user per month [1]. It is billed monthly [1].",
      usage: { prompt_tokens: 300, completion_tokens: 25 },
    }));
    writeCatalogue(`${server.url}/v1`, { price: { input: 1, output: 2 } });
    const result = await cli(["ask", "How much is the Team plan?", "--models", "models.json", "--json"]);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as Answer;
    expect(answer.status).toBe("answered");
    expect(answer.sentences.map((s) => [s.text, s.verification?.verdict])).toEqual([
      ["The Team plan costs $8 per user per month.", "supported"],
    ]);
    expect(answer.sentences[0]?.citations[0]?.source).toMatch(/plans\.md$/);
    expect(answer.trace).toMatchObject({
      answerer: "generative:local-small",
      usage: { inputTokens: 300, outputTokens: 25 },
      costUsd: (300 * 1 + 25 * 2) / 1e6,
      verification: { supported: 1, contradicted: 1 },
    });
    expect(server.requests).toHaveLength(1);

    const stats = await cli(["stats"]);
    expect(stats.stdout).toContain("answers 1: answered 100.0%, abstained 0.0%, escalated 0.0%");
    expect(stats.stdout).toMatch(/local-small: 1 calls, 0 failed, \$0\.000350, latency p50 \d+ ms/u);
    const json = JSON.parse((await cli(["stats", "--json", "--since", "2000-01-01"])).stdout);
    expect(json.answers).toMatchObject({ answers: 1, answered: 1, costUsd: 0.00035 });
    expect(JSON.parse((await cli(["stats", "--json", "--since", "2999-01-01"])).stdout).answers.answers).toBe(
      0,
    );
    const bad = await cli(["stats", "--since", "last tuesday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a date");
  });

  it("uses <data-dir>/models.json without a flag, and lenient policy shows flagged sentences", async () => {
    server = await startFakeChatServer(() => ({ content: "The Free plan includes 5 notebooks [1]." }));
    writeCatalogue(`${server.url}/v1`);
    renameSync(join(dir, "models.json"), join(dir, ".verity", "models.json"));
    const result = await cli(["ask", "How many notebooks are free?", "--policy", "lenient"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("The Free plan includes 5 notebooks.");
    expect(result.stdout).toContain("⚠ contradicted: says 5 notebooks where the source says 3 notebooks");
  });

  it("falls back to the extractive answer with a note when the model cannot be reached", async () => {
    writeCatalogue(`${await unusedLoopbackUrl()}/v1`);
    const result = await cli(["ask", "How much is the Team plan?", "--models", "models.json", "--json"]);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as Answer;
    expect(answer.status).toBe("answered");
    expect(answer.trace.answerer).toBe("extractive");
    expect(answer.trace.fallback).toMatchObject({
      from: "generative:local-small",
      code: "E_PROVIDER_UNREACHABLE",
    });
    expect(String(answer.trace.warnings)).toContain("answered extractively instead");
  });

  it("rejects an invalid catalogue, an unknown model and a missing key with errors that say what to fix", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ models: [{ id: "x", provider: "openai-compatible" }] }),
    );
    const invalid = await cli(["ask", "Team plan?", "--models", "bad.json"]);
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/bad\.json is not valid: models\.0\.model/);
    writeFileSync(join(dir, "broken.json"), "{ not json");
    expect((await cli(["ask", "Team plan?", "--models", "broken.json"])).stderr).toMatch(/not valid JSON/);
    expect((await cli(["ask", "Team plan?", "--models", "missing.json"])).stderr).toMatch(
      /cannot read the model catalogue/,
    );
    writeCatalogue("http://127.0.0.1:9/v1");
    const unknown = await cli(["ask", "Team plan?", "--models", "models.json", "--model", "gpt-9"]);
    expect(unknown.stderr).toMatch(/no model "gpt-9" in the catalogue; known: local-small/);
    writeFileSync(
      join(dir, "openai.json"),
      JSON.stringify({
        models: [
          {
            id: "gpt",
            provider: "openai",
            model: "gpt-4o-mini",
            contextWindow: 128000,
            tier: "large",
            local: false,
          },
        ],
      }),
    );
    const keyless = await cli(["ask", "Team plan?", "--models", "openai.json"]);
    expect(keyless.code).toBe(2);
    expect(keyless.stderr).toMatch(/set OPENAI_API_KEY/);
  });
});
