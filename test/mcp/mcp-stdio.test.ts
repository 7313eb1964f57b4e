// `verity mcp` as an agent runs it: a process of its own speaking MCP on stdin and stdout, started by
// the SDK's stdio client. The local user reads everything; with an API key, only what the key may.
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHandbook, type Handbook } from "../openai/handbook-fixture.js";
import { repositoryRoot, runCliProcess } from "../support/cli-process.js";

let handbook: Handbook;
/** A read key for the handbook collection, without the "hr" group. */
let staffKey: string;
const clients: Client[] = [];

beforeAll(async () => {
  handbook = await createHandbook();
  const created = await handbook.verity.keys.create({
    name: "staff",
    scopes: ["read"],
    collections: ["handbook"],
  });
  staffKey = created.secret;
  handbook.closeEngine();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(() => handbook.close());

/** Starts `verity mcp` from source on the handbook's data dir and connects to it. */
async function start(options: { args?: string[]; env?: Record<string, string> } = {}): Promise<Client> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  delete inherited.VERITY_API_KEY;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      "src/cli/main.ts",
      "mcp",
      "--data-dir",
      handbook.dataDir,
      ...(options.args ?? []),
    ],
    cwd: repositoryRoot,
    env: { ...inherited, ...options.env },
    stderr: "pipe",
  });
  const client = new Client({ name: "verity-test", version: "1.0.0" });
  clients.push(client);
  await client.connect(transport);
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const textOf = (result: CallToolResult) =>
  result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");

describe("verity mcp (stdio)", () => {
  it("serves the four tools, and the local user reads every collection and group", async () => {
    const client = await start();
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "ask",
      "get_document",
      "list_collections",
      "search",
    ]);

    const collections = await call(client, "list_collections", {});
    expect(collections.structuredContent).toMatchObject({
      collections: [{ name: "finance" }, { name: "handbook", documentCount: 3 }],
    });

    const answer = await call(client, "ask", {
      question: "How much do senior engineers earn a year?",
      collection: "handbook",
    });
    expect(answer.structuredContent).toMatchObject({ status: "answered" });
    expect(textOf(answer)).toMatch(
      /^Senior engineers earn 95,000 euros a year\. \[1\]\n\nSources:\n\[1\] salaries\.md/u,
    );

    const search = await call(client, "search", { query: "hotel budget Paris", collection: "finance" });
    const { passages } = search.structuredContent as { passages: { documentId: string; text: string }[] };
    expect(passages[0]?.text).toContain("180 euros a night");

    const document = await call(client, "get_document", {
      document: passages[0]?.documentId,
      collection: "finance",
    });
    expect(document.structuredContent).toMatchObject({ document: { title: "Budget" }, nextOffset: null });
    expect(textOf(document)).toContain("The hotel budget in Paris is 180 euros a night.");
  });

  it("reads only what the API key may when one is given, as --key or VERITY_API_KEY", async () => {
    const salariesSource = realpathSync(join(handbook.dir, "hr", "salaries.md"));
    const local = await call(await start(), "get_document", {
      document: salariesSource,
      collection: "handbook",
    });
    expect(textOf(local)).toContain("95,000");

    for (const client of [
      await start({ args: ["--key", staffKey] }),
      await start({ env: { VERITY_API_KEY: staffKey } }),
    ]) {
      const collections = await call(client, "list_collections", {});
      expect(collections.structuredContent).toEqual({
        collections: [expect.objectContaining({ name: "handbook", documentCount: 2 })],
      });
      const salaries = await call(client, "get_document", {
        document: salariesSource,
        collection: "handbook",
      });
      expect(salaries.isError).toBe(true);
      expect(textOf(salaries)).toMatch(/^E_NOT_FOUND: /u);
      const answer = await call(client, "ask", {
        question: "How much do senior engineers earn a year?",
        collection: "handbook",
      });
      expect(JSON.stringify(answer)).not.toContain("95,000");
    }
  });

  it("reports a bad argument as a tool error that names it", async () => {
    const client = await start();
    const result = await call(client, "get_document", { document: "" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain("name a document by its id or source");
    const missing = await call(client, "get_document", { document: "nothing.md", collection: "handbook" });
    expect(textOf(missing)).toMatch(/^E_NOT_FOUND: no document "nothing\.md"/u);
  });

  it("does not start with a key this data dir does not know, and says so on stderr", async () => {
    const run = await runCliProcess(["mcp", "--data-dir", handbook.dataDir, "--key", "vty_nope_nope"]);
    expect(run.code).toBe(9);
    expect(run.stderr).toContain("E_UNAUTHORIZED");
    expect(run.stdout).toBe("");
  });
});
