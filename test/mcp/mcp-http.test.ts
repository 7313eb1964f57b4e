// MCP over streamable HTTP as an agent uses it: the SDK's Client on loopback, with an API key in the
// Authorization header deciding what the tools may read.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { mcpRoutes } from "../../src/server/mcp/mcp-routes.js";
import { createHandbook, type Handbook } from "../openai/handbook-fixture.js";

let handbook: Handbook;
let app: FastifyInstance;
let url: URL;
const clients: Client[] = [];

beforeAll(async () => {
  handbook = await createHandbook();
  app = Fastify();
  await app.register(mcpRoutes(handbook.context));
  url = new URL(`${await app.listen({ host: "127.0.0.1", port: 0 })}/mcp`);
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  await app.close();
  handbook.close();
});

async function connect(apiKey: string): Promise<Client> {
  const client = new Client({ name: "verity-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(url, {
      requestInit: { headers: { authorization: `Bearer ${apiKey}` } },
    }),
  );
  clients.push(client);
  return client;
}

const call = async (client: Client, name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const textOf = (result: CallToolResult) =>
  result.content.map((part) => (part.type === "text" ? part.text : "")).join("\n");

describe("MCP over HTTP", () => {
  it("lists the four tools with their input schemas", async () => {
    const { tools } = await (await connect("staff-key")).listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      "ask",
      "get_document",
      "list_collections",
      "search",
    ]);
    const ask = tools.find((tool) => tool.name === "ask");
    expect(ask?.inputSchema.required).toEqual(["question"]);
    expect(ask?.outputSchema?.properties).toHaveProperty("sources");
  });

  it("lists only the collections the key may read", async () => {
    const result = await call(await connect("staff-key"), "list_collections", {});
    expect(result.structuredContent).toEqual({
      collections: [expect.objectContaining({ name: "handbook", documentCount: 2 })],
    });
    expect(textOf(result)).toBe("handbook: 2 documents, 4 passages");
  });

  it("searches passages, each with its source and location", async () => {
    const result = await call(await connect("staff-key"), "search", {
      query: "When do vacation days expire?",
      collection: "handbook",
      limit: 2,
    });
    const { passages } = result.structuredContent as { passages: Record<string, unknown>[] };
    expect(passages).toHaveLength(2);
    expect(passages[0]).toMatchObject({
      rank: 1,
      source: expect.stringMatching(/leave\.md$/u),
      text: expect.stringContaining("expire at the end of March"),
      location: { headingPath: ["Leave", "Expiry"] },
    });
    expect(textOf(result)).toMatch(/^\[1\] leave\.md, Leave › Expiry\n/u);
  });

  it("answers with cited sentences as structured content and the text with markers and sources", async () => {
    const result = await call(await connect("staff-key"), "ask", {
      question: "How many vacation days do new staff get?",
      collection: "handbook",
    });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({
      status: "answered",
      sentences: [
        {
          text: "New staff get 25 vacation days a year.",
          citations: [{ source: expect.stringMatching(/leave\.md$/u), location: { headingPath: ["Leave"] } }],
        },
      ],
      sources: [{ number: 1, label: "leave.md, Leave" }],
    });
    expect(textOf(result)).toBe(
      "New staff get 25 vacation days a year. [1]\n\nSources:\n[1] leave.md, Leave",
    );
  });

  it("answers a follow-up from the history it is given", async () => {
    const result = await call(await connect("staff-key"), "ask", {
      question: "When do they expire?",
      collection: "handbook",
      history: [
        { role: "user", content: "Tell me about vacation days." },
        { role: "assistant", content: "New staff get 25 vacation days a year." },
      ],
    });
    expect(textOf(result)).toContain("end of March");
  });

  it("reads a document it found, in parts", async () => {
    const client = await connect("staff-key");
    const search = await call(client, "search", { query: "travel expense claims", collection: "handbook" });
    const { passages } = search.structuredContent as { passages: { documentId: string }[] };
    const documentId = passages[0]?.documentId;
    const first = await call(client, "get_document", {
      document: documentId,
      collection: "handbook",
      maxChars: 20,
    });
    expect(first.structuredContent).toMatchObject({
      document: { id: documentId, title: "Travel" },
      offset: 0,
      nextOffset: 20,
    });
    const rest = await call(client, "get_document", {
      document: documentId,
      collection: "handbook",
      offset: 20,
    });
    const texts = [first, rest].map((result) => (result.structuredContent as { text: string }).text);
    expect(texts.join("")).toContain("Travel expense claims must be filed within 90 days of the trip.");
    expect(rest.structuredContent).toMatchObject({ nextOffset: null });
  });

  it("treats a document the key's groups may not read as not found", async () => {
    const hr = await call(await connect("hr-key"), "search", {
      query: "senior engineers earn",
      collection: "handbook",
    });
    const { passages } = hr.structuredContent as { passages: { documentId: string; source: string }[] };
    const salaries = passages.find((passage) => passage.source.endsWith("salaries.md"));
    expect(salaries).toBeDefined();

    const staff = await connect("staff-key");
    for (const document of [salaries?.documentId, salaries?.source]) {
      const result = await call(staff, "get_document", { document, collection: "handbook" });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^E_NOT_FOUND: no document/u);
      expect(textOf(result)).not.toContain("95,000");
    }
    const search = await call(staff, "search", { query: "senior engineers earn", collection: "handbook" });
    expect(JSON.stringify(search)).not.toContain("salaries");
    const answer = await call(staff, "ask", {
      question: "How much do senior engineers earn?",
      collection: "handbook",
    });
    expect(JSON.stringify(answer)).not.toContain("95,000");
    expect(JSON.stringify(answer)).not.toContain("salaries");
  });

  it("reports a bad argument as a tool error that names it", async () => {
    const client = await connect("staff-key");
    const result = await call(client, "search", { query: "vacation", limit: 0 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/Input validation error.*limit/su);
    const empty = await call(client, "ask", { question: "   " });
    expect(textOf(empty)).toContain("question is empty");
  });

  it("reports a collection the key may not read as not found", async () => {
    const result = await call(await connect("staff-key"), "ask", {
      question: "What is the hotel budget in Paris?",
      collection: "finance",
    });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^E_NOT_FOUND: /u);
    expect(textOf(result)).not.toContain("180");
  });

  it("refuses a request without a valid key with 401", async () => {
    await expect(connect("no-such-key")).rejects.toThrow(/401|E_UNAUTHORIZED/u);
    const response = await fetch(url, { method: "GET" });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="verity"');
    expect(await response.json()).toMatchObject({ error: { code: "E_UNAUTHORIZED" } });
  });

  it("answers GET with 405, since it keeps no sessions", async () => {
    const response = await fetch(url, { method: "GET", headers: { authorization: "Bearer staff-key" } });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});
