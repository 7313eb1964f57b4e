// The OpenAI-compatible endpoint and MCP inside the server's app, as `verity serve` runs them: real
// API keys created in the data dir, the app's authentication, rate limits and ask slots in front.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerApp, type ServerApp } from "../../src/server/app.js";
import type { VerityField } from "../../src/server/openai/chat-completion.js";
import { parseServerSettings } from "../../src/server/settings/server-settings.js";
import { createHandbook, type Handbook } from "./handbook-fixture.js";

let handbook: Handbook;
let server: ServerApp;
let origin: string;
let staffKey: string;
let hrKey: string;

beforeAll(async () => {
  handbook = await createHandbook();
  staffKey = (
    await handbook.verity.keys.create({ name: "staff", scopes: ["read"], collections: ["handbook"] })
  ).secret;
  hrKey = (await handbook.verity.keys.create({ name: "hr", scopes: ["read"], groups: ["hr"] })).secret;
  server = await createServerApp({
    verity: handbook.verity,
    settings: parseServerSettings({ port: 0 }),
    dataDir: handbook.dataDir,
  });
  origin = await server.app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await server.app.close();
  handbook.close();
});

const openai = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${origin}/v1`, maxRetries: 0 });
const question = [{ role: "user" as const, content: "How much do senior engineers earn a year?" }];

describe("through the server's app", () => {
  it("answers the OpenAI client with each key's access", async () => {
    const hr = await openai(hrKey).chat.completions.create({ model: "verity/handbook", messages: question });
    expect(hr.choices[0]?.message.content).toMatch(/^Senior engineers earn 95,000 euros a year\. \[1\]/u);
    expect((hr as unknown as { verity: VerityField }).verity.sources[0]?.label).toBe("salaries.md, Salaries");

    const staff = await openai(staffKey).chat.completions.create({
      model: "verity/handbook",
      messages: question,
    });
    expect(JSON.stringify(staff)).not.toMatch(/95,000|salaries/u);
    const models = [];
    for await (const model of openai(staffKey).models.list()) models.push(model.id);
    expect(models).toEqual(["verity/handbook"]);
  });

  it("refuses an unknown key in OpenAI's shape, with the header that says how to authenticate", async () => {
    const response = await fetch(`${origin}/v1/models`, {
      headers: { authorization: "Bearer vty_nope_nope" },
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await response.json()).toMatchObject({
      error: { type: "authentication_error", code: "E_UNAUTHORIZED" },
    });
  });

  it("serves MCP with each key's access", async () => {
    const client = new Client({ name: "verity-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${staffKey}` } },
      }),
    );
    try {
      const collections = (await client.callTool({
        name: "list_collections",
        arguments: {},
      })) as CallToolResult;
      expect(collections.structuredContent).toEqual({
        collections: [expect.objectContaining({ name: "handbook", documentCount: 2 })],
      });
      const answer = (await client.callTool({
        name: "ask",
        arguments: { question: question[0]?.content, collection: "handbook" },
      })) as CallToolResult;
      expect(JSON.stringify(answer)).not.toMatch(/95,000|salaries/u);
    } finally {
      await client.close();
    }
  });
});
