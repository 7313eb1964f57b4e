// A small data dir holding everything a migration copies: documents with and without access groups,
// a JSONL file of several records, a cjk collection, a job per ingestion, answers in the ledger (one
// with model calls and an API key), API keys (one revoked) and an embedding space with fixed vectors.
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createVerity } from "../../src/engine.js";
import { createSqliteStore } from "../../src/store/sqlite/sqlite-store.js";

export interface SourceFixture {
  dir: string;
  dataDir: string;
  /** Secrets of the keys made: the valid one, and the revoked one. */
  secrets: { valid: string; revoked: string };
  /** The chunk ids of the space's vectors, and the vectors. */
  vectors: { chunkId: string; vector: Float32Array }[];
}

export const dimensions = 8;

/** A fixed, distinct, normalised vector per index. */
export function vectorFor(index: number): Float32Array {
  const vector = Float32Array.from(
    { length: dimensions },
    (_, d) => Math.sin(index * 1.7 + d * 0.9) + 0.1 * d,
  );
  const norm = Math.hypot(...vector);
  return vector.map((value) => value / norm);
}

export async function makeSourceFixture(options: { extraFiles?: number } = {}): Promise<SourceFixture> {
  const dir = mkdtempSync(join(tmpdir(), "verity-migrate-"));
  const docs = join(dir, "docs");
  mkdirSync(join(docs, "hr"), { recursive: true });
  writeFileSync(
    join(docs, "leave.md"),
    "# Leave\n\nNew staff get 25 vacation days a year. Leave requests go to your manager.\n",
  );
  writeFileSync(
    join(docs, "hr", "salaries.md"),
    "# Salaries\n\nThe top salary is 900000 euros. Salary reviews happen in March.\n",
  );
  writeFileSync(
    join(docs, "records.jsonl"),
    '{"_id":"r1","text":"Record one says the lighthouse lamp is lit at dusk."}\n{"_id":"r2","text":"Record two says the keeper sleeps by day."}\n{"_id":"r3","text":"Record three holds a NUL \\u0000 and an escape \\u001b inside."}\n',
  );
  writeFileSync(
    join(docs, "handbook.md"),
    `# Handbook\n\n## Travel\n\n${"Travel must be booked through the portal. ".repeat(40)}\n\n## Expenses\n\n${"Expenses are paid monthly with the salary. ".repeat(40)}\n`,
  );
  for (let index = 0; index < (options.extraFiles ?? 0); index++) {
    mkdirSync(join(docs, "many"), { recursive: true });
    writeFileSync(
      join(docs, "many", `note-${index}.txt`),
      `Note ${index} mentions the harbour and tide number ${index}.\n`,
    );
  }
  const cjk = join(dir, "cjk");
  mkdirSync(cjk);
  writeFileSync(
    join(cjk, "tea.md"),
    "# 茶的历史\n\n茶起源于中国，最早被用作药物。唐代陆羽撰写了《茶经》。\n",
  );
  writeFileSync(join(cjk, "fuji.md"), "# 富士山\n\n富士山は静岡県と山梨県にまたがる活火山です。\n");

  const dataDir = join(dir, "data");
  const verity = createVerity({ dataDir });
  try {
    await verity.ingest([docs], { collection: "handbook", groupRules: [{ match: "hr/**", groups: ["hr"] }] });
    await verity.ingest([cjk], { collection: "cjk", tokenizer: "cjk" });
    await verity.ask("How many vacation days do new staff get?", { collection: "handbook" });
    await verity.ask("Who lights the lamp?", { collection: "handbook" });
  } finally {
    await verity.close();
  }

  const store = createSqliteStore({ path: join(dataDir, "verity.db") });
  try {
    const valid = await store.createApiKey({
      name: "reader",
      scopes: ["read"],
      collections: ["handbook"],
      groups: ["hr"],
    });
    const revoked = await store.createApiKey({
      name: "old",
      scopes: ["read", "write"],
      collections: "*",
      groups: "*",
    });
    await store.revokeApiKey(revoked.key.id);
    await store.recordAnswer({
      at: "2026-12-01T10:00:00.000Z",
      collection: "handbook",
      apiKey: valid.key.id,
      status: "answered",
      answerer: "generative",
      escalated: true,
      costUsd: 0.0123,
      latencyMs: 812.5,
      strongestCostUsd: 0.05,
      trace: { route: ["small", "large"], note: "escalated" },
      calls: [
        {
          model: "small",
          outcome: "ungrounded",
          inputTokens: 900,
          outputTokens: 40,
          costUsd: 0.0003,
          latencyMs: 300,
        },
        {
          model: "large",
          outcome: "grounded",
          inputTokens: 900,
          outputTokens: 42,
          costUsd: 0.012,
          latencyMs: 512.5,
        },
      ],
    });
    await store.createSpace({
      collection: "handbook",
      name: "test:fixed:v1",
      provider: "test",
      model: "fixed",
      dimensions,
      normalised: true,
      version: "1",
      quantization: "float32",
    });
    const chunks = [];
    for (let after = 0; ; ) {
      const batch = await store.chunksToEmbed("handbook", "test:fixed:v1", 100, after);
      if (batch.length === 0) break;
      chunks.push(...batch);
      after = batch.at(-1)?.cursor ?? after;
    }
    const vectors = chunks.map((chunk, index) => ({ chunkId: chunk.chunkId, vector: vectorFor(index) }));
    await store.putVectors("handbook", "test:fixed:v1", vectors);
    await store.activateSpace("handbook", "test:fixed:v1");
    // Quantised spaces too: Postgres keeps int8 ones as halfvec, binary ones as bits beside full vectors.
    for (const quantization of ["int8", "binary"] as const) {
      const name = `test:fixed:${quantization}`;
      await store.createSpace({
        collection: "handbook",
        name,
        provider: "test",
        model: "fixed",
        dimensions,
        normalised: true,
        version: "1",
        quantization,
      });
      await store.putVectors(
        "handbook",
        name,
        vectors.map((entry, index) => ({ chunkId: entry.chunkId, vector: vectorFor(index + 1000) })),
      );
    }
    return { dir, dataDir, secrets: { valid: valid.secret, revoked: revoked.secret }, vectors };
  } finally {
    await store.close();
  }
}
