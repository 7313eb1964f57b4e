// What a key may read, over every endpoint that reads: a key without the `payroll` group never sees
// the payroll document, in no list, count, search, answer, citation, closest source, stats, ledger,
// job, OpenAI-compatible reply or MCP tool, while a key in the group sees it everywhere.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, startTestServer, type TestServer, uploadForm } from "./server-harness.js";

const secret = "The chief executive salary is 950,000 euros per year.";
const secretWords = ["950,000", "euros per year", "salaries.md"];

let server: TestServer;
let admin: string;
let staff: string;
let payroll: string;
let secretId: string;

beforeAll(async () => {
  server = await startTestServer();
  admin = (await server.verity.keys.create({ name: "admin", scopes: ["admin"], groups: "*" })).secret;
  staff = (await server.verity.keys.create({ name: "staff", scopes: ["read", "write"], collections: ["hr"] }))
    .secret;
  payroll = (
    await server.verity.keys.create({
      name: "payroll",
      scopes: ["read"],
      collections: ["hr"],
      groups: ["payroll"],
    })
  ).secret;
  await server.send("/api/v1/collections", { name: "hr" }, { key: admin });
  const upload = async (name: string, contents: string, groups?: string) => {
    const response = await server.fetch("/api/v1/collections/hr/documents?wait=true", {
      method: "POST",
      headers: { authorization: `Bearer ${admin}` },
      body: uploadForm([{ name, contents }], groups ? { groups } : {}),
    });
    expect(response.status).toBe(201);
    return (await json(response)).job.result.files[0].documents[0] as string;
  };
  await upload(
    "leave.md",
    "# Leave\n\nNew staff get 25 vacation days a year. The salary review happens in March.\n",
  );
  secretId = await upload("salaries.md", `# Salaries\n\n${secret}\n`, "payroll");
  // Each key asks once, so the ledger holds an answer of each.
  for (const key of [payroll, staff]) {
    await server.send(
      "/api/v1/ask",
      { question: "What is the chief executive salary?", collection: "hr" },
      { key },
    );
  }
});
afterAll(async () => server?.close());

const as = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

/** Every read a key can make, with the body each returned. */
async function everythingReadBy(key: string): Promise<Record<string, { status: number; body: string }>> {
  const reads: Record<string, Promise<Response>> = {
    collections: server.fetch("/api/v1/collections", as(key)),
    collection: server.fetch("/api/v1/collections/hr", as(key)),
    documents: server.fetch("/api/v1/collections/hr/documents", as(key)),
    document: server.fetch(`/api/v1/collections/hr/documents/${secretId}`, as(key)),
    content: server.fetch(`/api/v1/collections/hr/documents/${secretId}/content`, as(key)),
    search: server.send(
      "/api/v1/search",
      { question: "chief executive salary euros", collection: "hr" },
      { key },
    ),
    ask: server.send(
      "/api/v1/ask",
      { question: "What is the chief executive salary?", collection: "hr" },
      { key },
    ),
    askStream: server.send(
      "/api/v1/ask",
      { question: "What is the chief executive salary?", collection: "hr", stream: true },
      { key },
    ),
    stats: server.fetch("/api/v1/stats", as(key)),
    ledger: server.fetch("/api/v1/ledger", as(key)),
    jobs: server.fetch("/api/v1/jobs", as(key)),
    openAi: server.send(
      "/v1/chat/completions",
      { model: "verity/hr", messages: [{ role: "user", content: "What is the chief executive salary?" }] },
      { key },
    ),
  };
  const entries = await Promise.all(
    Object.entries(reads).map(async ([name, pending]) => {
      const response = await pending;
      return [name, { status: response.status, body: await response.text() }] as const;
    }),
  );
  return { ...Object.fromEntries(entries), ...(await everythingMcpReadsBy(key)) };
}

/** The same reads through the server's MCP endpoint, as an agent with the key makes them. */
async function everythingMcpReadsBy(key: string): Promise<Record<string, { status: number; body: string }>> {
  const client = new Client({ name: "permission-matrix", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  try {
    const calls: Record<string, [string, Record<string, unknown>]> = {
      mcpCollections: ["list_collections", {}],
      mcpSearch: ["search", { query: "chief executive salary euros", collection: "hr" }],
      mcpAsk: ["ask", { question: "What is the chief executive salary?", collection: "hr" }],
      mcpDocument: ["get_document", { document: secretId, collection: "hr" }],
    };
    const reads: Record<string, { status: number; body: string }> = {};
    for (const [name, [tool, args]] of Object.entries(calls)) {
      const result = await client.callTool({ name: tool, arguments: args });
      // A tool's failure is a result with isError; read it as the HTTP routes' 404.
      reads[name] = { status: result.isError ? 404 : 200, body: JSON.stringify(result) };
    }
    return reads;
  } finally {
    await client.close();
  }
}

describe("a key without the document's group", () => {
  it("never receives the document's text, name or id from any endpoint", async () => {
    const reads = await everythingReadBy(staff);
    for (const [name, { body }] of Object.entries(reads)) {
      // The document routes echo the id the client asked for in their 404; every other body must not hold it.
      const words = ["document", "content", "mcpDocument"].includes(name)
        ? secretWords
        : [...secretWords, secretId];
      for (const word of words) {
        expect(body.includes(word), `${name} revealed ${word}`).toBe(false);
      }
    }
  });

  it("counts only the documents it may read, and reads the hidden one as missing (404)", async () => {
    const reads = await everythingReadBy(staff);
    expect(JSON.parse(reads.collection?.body ?? "").documentCount).toBe(1);
    expect(JSON.parse(reads.documents?.body ?? "").documents).toHaveLength(1);
    expect(JSON.parse(reads.stats?.body ?? "").store.documents).toBe(1);
    expect(reads.document?.status).toBe(404);
    expect(reads.content?.status).toBe(404);
    expect(reads.mcpDocument?.status).toBe(404);
  });

  it("gets an abstention whose closest sources are only documents it may read", async () => {
    const answer = JSON.parse((await everythingReadBy(staff)).ask?.body ?? "");
    const sources = [
      ...answer.sentences.flatMap((sentence: { citations: { source: string }[] }) => sentence.citations),
      ...(answer.abstention?.closestSources ?? []),
    ].map((source: { source: string }) => source.source);
    expect(sources.every((source) => source.endsWith("leave.md"))).toBe(true);
  });

  it("sees only its own answers in the ledger, and no upload jobs of other keys", async () => {
    const reads = await everythingReadBy(staff);
    const ledger = JSON.parse(reads.ledger?.body ?? "").answers as { apiKey?: string }[];
    expect(ledger.length).toBeGreaterThan(0);
    expect(new Set(ledger.map((answer) => answer.apiKey)).size).toBe(1);
    expect(JSON.parse(reads.jobs?.body ?? "").jobs).toEqual([]);
  });

  it("cannot remove the hidden document: 404 as if it did not exist", async () => {
    const response = await server.fetch(`/api/v1/collections/hr/documents/${secretId}`, {
      method: "DELETE",
      ...as(staff),
    });
    expect(response.status).toBe(404);
  });
});

describe("a key in the document's group", () => {
  it("finds it in the list, the search and the answer", async () => {
    const reads = await everythingReadBy(payroll);
    expect(reads.documents?.body).toContain("salaries.md");
    expect(reads.search?.body).toContain("950,000");
    expect(reads.ask?.body).toContain("950,000");
    expect(reads.document?.status).toBe(200);
    expect(reads.content?.body).toContain(secret);
    expect(reads.mcpSearch?.body).toContain("950,000");
    expect(reads.mcpAsk?.body).toContain("950,000");
    expect(reads.mcpDocument?.body).toContain("950,000");
  });
});
