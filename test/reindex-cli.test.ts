// Re-embedding end to end through the CLI, against a fake OpenAI-compatible embedding server on loopback.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/run-cli.js";
import {
  type FakeEmbeddingServer,
  startFakeEmbeddingServer,
  unusedLoopbackUrl,
} from "./fakes/fake-embedding-server.js";
import { Capture } from "./support/capture.js";

let dir: string;
let server: FakeEmbeddingServer;

async function cli(args: string[]) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(args, { stdout, stderr, env: {}, cwd: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "verity-reindex-cli-"));
  mkdirSync(join(dir, "docs"));
  for (let index = 0; index < 6; index++) {
    writeFileSync(
      join(dir, "docs", `n${index}.md`),
      `# Note ${index}\n\nThe lantern number ${index} is kept in room ${index}.`,
    );
  }
  server = await startFakeEmbeddingServer({ dimensions: 32 });
  expect((await cli(["ingest", "docs"])).code).toBe(0);
});

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("verity reindex and spaces", () => {
  it("builds a space over the wire, activates it, and ask then searches hybrid", async () => {
    const embedder = `openai-compatible:fake@${server.url}/v1`;
    const built = await cli(["--embedder", embedder, "reindex", "--activate", "--batch-size", "4"]);
    expect(built.code).toBe(0);
    const summary = JSON.parse(built.stdout);
    expect(summary.space).toMatchObject({ embeddedChunks: 6, totalChunks: 6, active: true, dimensions: 32 });
    expect(
      server.requests.filter((request) => request.path === "/v1/embeddings").length,
    ).toBeGreaterThanOrEqual(2);

    const answer = JSON.parse(
      (await cli(["--embedder", embedder, "ask", "Where is lantern number 3 kept?", "--json"])).stdout,
    );
    expect(answer.trace).toMatchObject({ retrieval: "hybrid", space: summary.space.name });
    expect(answer.sentences[0]?.text).toContain("room 3");

    const listed = JSON.parse((await cli(["spaces", "--json"])).stdout);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ active: true });
  });

  it("compares retrieval now and with the new space before switching, with nDCG@10 when judged", async () => {
    const records = Array.from({ length: 8 }, (_, index) =>
      JSON.stringify({
        _id: `r${index}`,
        title: `Record ${index}`,
        text: `Candle ${index} burns for ${index} hours.`,
      }),
    );
    writeFileSync(join(dir, "records.jsonl"), records.join("\n"));
    writeFileSync(
      join(dir, "queries.jsonl"),
      '{"_id":"q1","text":"How long does candle 3 burn?"}\n{"_id":"q2","text":"candle 5"}\n',
    );
    writeFileSync(join(dir, "qrels.tsv"), "query-id\tcorpus-id\tscore\nq1\tr3\t1\nq2\tr5\t1\n");
    expect((await cli(["ingest", "records.jsonl", "--collection", "records"])).code).toBe(0);
    const embedder = `openai-compatible:fake@${server.url}/v1`;
    const result = await cli([
      "--embedder",
      embedder,
      "reindex",
      "--collection",
      "records",
      "--compare",
      "queries.jsonl",
      "--qrels",
      "qrels.tsv",
    ]);
    expect(result.code).toBe(0);
    const { comparison, space } = JSON.parse(result.stdout);
    expect(space.active).toBe(false);
    expect(comparison).toMatchObject({ queries: 2, current: "BM25", candidate: `hybrid (${space.name})` });
    expect(comparison.overlapAt10).toBeGreaterThan(0);
    expect(comparison.ndcgAt10.judgedQueries).toBe(2);
    expect(comparison.ndcgAt10.current).toBeGreaterThan(0.5);
  });

  it("says clearly when the embedding endpoint cannot be reached, and stores nothing", async () => {
    const nobody = await unusedLoopbackUrl();
    const result = await cli([
      "--embedder",
      `openai-compatible:fake@${nobody}/v1`,
      "reindex",
      "--space",
      "unreachable",
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/E_PROVIDER_UNREACHABLE: cannot reach the embedding endpoint/);
    expect(result.stderr).toMatch(/Check the embedder's baseUrl \(command line: --embedder <spec>\)/u);
    expect(
      JSON.parse((await cli(["spaces", "--json"])).stdout).map((space: { name: string }) => space.name),
    ).not.toContain("unreachable");
  });

  it("refuses to remove the active space and rejects a bad quantisation", async () => {
    const listed = JSON.parse((await cli(["spaces", "--json"])).stdout);
    const removed = await cli(["spaces", "remove", listed[0].name]);
    expect(removed.code).toBe(2);
    expect(removed.stderr).toMatch(/active embedding space/);
    const bad = await cli(["--embedder", "ollama:x", "reindex", "--quantization", "int4"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/float32, int8, binary/);
  });
});
