// The permission invariant at the engine, for every read path: a caller is given nothing it may not
// read (no answer sentence, citation, closest source, passage, document, count, job or ledger entry),
// with BM25 alone and with vectors. One collection holds a public document, an `hr` document and a
// `finance` document; another collection stands for what a key limited to it may read.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Access } from "../src/core/access.js";
import type { Answer } from "../src/core/answer.js";
import { createEmbedderFromSpec } from "../src/embed/embedder-spec.js";
import { createVerity, type SearchResult, type Verity } from "../src/engine.js";
import { type FakeEmbeddingServer, startFakeEmbeddingServer } from "./fakes/fake-embedding-server.js";

type Document = "handbook" | "salaries" | "budget";

const callers: Record<string, { access: Access; sees: readonly Document[] }> = {
  "every group": { access: { collections: "*", groups: "*" }, sees: ["handbook", "salaries", "budget"] },
  "no group": { access: { collections: "*", groups: [] }, sees: ["handbook"] },
  "group hr": { access: { collections: "*", groups: ["hr"] }, sees: ["handbook", "salaries"] },
  "group finance": { access: { collections: "*", groups: ["finance"] }, sees: ["handbook", "budget"] },
  "another collection only": { access: { collections: ["archive"], groups: "*" }, sees: [] },
};
const callerNames = Object.keys(callers);

/** What each document says that only its readers may see. */
const secrets: Record<Document, string> = {
  handbook: "25 vacation days",
  salaries: "900000 euros",
  budget: "4 million euros",
};
const files: Record<Document, string> = {
  handbook: "public/handbook.md",
  salaries: "hr/salaries.md",
  budget: "finance/budget.md",
};
const everyDocument = Object.keys(files) as Document[];
const salaryQuestion = "What is the salary of the chief executive?";

function writeCorpus(dir: string): void {
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  write(
    join("docs", files.handbook),
    "# Handbook\n\nNew staff get 25 vacation days a year.\n\nThe office opens at nine every weekday.\n",
  );
  write(
    join("docs", files.salaries),
    "# Salaries\n\nThe salary of the chief executive is 900000 euros a year.\n\nSalary reviews happen every March.\n",
  );
  write(
    join("docs", files.budget),
    "# Budget\n\nThe marketing budget for 2027 is 4 million euros, set by the chief financial officer.\n",
  );
  write("archive/notes.md", "# Notes\n\nThe archive room key is kept at reception.\n");
}

interface World {
  verity: Verity;
  dir: string;
  idOf: Record<Document, string>;
}

/** A data dir with the corpus ingested (without the hr folder when `withoutHr`), hybrid when `embedder`. */
async function buildWorld(dir: string, embedderSpec: string | undefined, withoutHr = false): Promise<World> {
  const embedder = embedderSpec ? createEmbedderFromSpec(embedderSpec) : undefined;
  const verity = createVerity({ dataDir: join(dir, withoutHr ? "data-without-hr" : "data"), embedder });
  await verity.ingest([join(dir, "docs")], {
    collection: "company",
    groupRules: [
      { match: "hr/**", groups: ["hr"] },
      { match: "finance/**", groups: ["finance"] },
    ],
    ...(withoutHr ? { exclude: ["hr/**"] } : {}),
  });
  await verity.ingest([join(dir, "archive")], { collection: "archive" });
  if (embedder) {
    for (const collection of ["company", "archive"]) {
      const { space } = await verity.reindex({ collection });
      await verity.store.activateSpace(collection, space.name);
    }
  }
  const idOf = Object.fromEntries(
    (await verity.listDocuments("company")).map((document) => [
      everyDocument.find((name) => document.source.endsWith(files[name])) as Document,
      document.id,
    ]),
  ) as Record<Document, string>;
  return { verity, dir, idOf };
}

/** Which of the three documents a list of document ids covers. */
function documentsIn(world: World, ids: readonly string[]): Document[] {
  return everyDocument.filter((name) => ids.includes(world.idOf[name]));
}

/**
 * An answer as a caller sees it, without timings, scores and probabilities: those are computed with
 * term statistics of the whole index (src/store/store.ts, termStatistics), so they may move with
 * documents a caller cannot read, while what it is shown and quotes may not.
 */
function shown(answer: Answer) {
  return {
    question: answer.question,
    status: answer.status,
    sentences: answer.sentences.map((sentence) => ({ text: sentence.text, citations: sentence.citations })),
    abstention: answer.abstention && {
      reason: answer.abstention.reason,
      detail: answer.abstention.detail.replaceAll(/\d+(\.\d+)?/gu, "#"),
      closestSources: answer.abstention.closestSources.map(({ score: _, ...source }) => source),
    },
    passages: answer.trace.passages,
  };
}

function shownPassages(result: SearchResult) {
  return result.passages.map(({ score: _, ...passage }) => passage);
}

describe.each([
  { mode: "bm25", hybrid: false },
  { mode: "hybrid", hybrid: true },
])("what each caller may read ($mode)", ({ mode, hybrid }) => {
  let dir: string;
  let server: FakeEmbeddingServer | undefined;
  let world: World;
  let embedderSpec: string | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `verity-permissions-${mode}-`));
    writeCorpus(dir);
    if (hybrid) {
      server = await startFakeEmbeddingServer({ dimensions: 32 });
      embedderSpec = `openai-compatible:fake@${server.url}/v1`;
    }
    world = await buildWorld(dir, embedderSpec);
  });

  afterAll(async () => {
    await world?.verity.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(callerNames)(
    "lists only the documents a caller with %s may read, with their groups",
    async (name) => {
      const { access, sees } = callers[name] as (typeof callers)[string];
      const listed = await world.verity.listDocuments("company", access);
      expect(
        documentsIn(
          world,
          listed.map((document) => document.id),
        ),
      ).toEqual(sees);
      const groupsOf = Object.fromEntries(listed.map((document) => [document.id, document.groups]));
      if (sees.includes("salaries")) expect(groupsOf[world.idOf.salaries]).toEqual(["hr"]);
      if (sees.includes("handbook")) expect(groupsOf[world.idOf.handbook]).toEqual([]);
      const everywhere = (await world.verity.listDocuments(undefined, access)).map(
        (document) => document.collection,
      );
      expect(everywhere.includes("archive")).toBe(
        access.collections === "*" || access.collections.includes("archive"),
      );
    },
  );

  it.each(callerNames)(
    "gives a caller with %s a document, its text and its chunks only when it may read it",
    async (name) => {
      const { access, sees } = callers[name] as (typeof callers)[string];
      for (const document of everyDocument) {
        const id = world.idOf[document];
        const readable = sees.includes(document);
        const record = await world.verity.getDocument(id, { access });
        expect(record !== undefined).toBe(readable);
        const bySource = await world.verity.getDocument(join(dir, "docs", files[document]), {
          collection: "company",
          access,
        });
        expect(bySource?.id).toBe(readable ? id : undefined);
        if (readable) expect(record?.file).toBe(join(dir, "docs", files[document]));
        expect(
          (await world.verity.getDocumentText(id, { access }))?.includes(secrets[document]) ?? false,
        ).toBe(readable);
        expect((await world.verity.getChunks(id, { access })).length > 0).toBe(readable);
      }
    },
  );

  it.each(callerNames)(
    "lists the collections a caller with %s may read, counting what it may read",
    async (name) => {
      const { access, sees } = callers[name] as (typeof callers)[string];
      const collections = await world.verity.listCollections(access);
      const company = collections.find((collection) => collection.name === "company");
      expect(company?.documentCount ?? 0).toBe(sees.length);
      let chunks = 0;
      for (const document of sees) chunks += (await world.verity.getChunks(world.idOf[document])).length;
      expect(company?.chunkCount ?? 0).toBe(chunks);
      expect(collections.some((collection) => collection.name === "archive")).toBe(
        access.collections === "*" || access.collections.includes("archive"),
      );
    },
  );

  it.each(callerNames)("counts in stats only what a caller with %s may read", async (name) => {
    const { access, sees } = callers[name] as (typeof callers)[string];
    const archive = access.collections === "*" || access.collections.includes("archive") ? 1 : 0;
    const stats = await world.verity.stats({ access });
    expect(stats.store).toMatchObject({ documents: sees.length + archive, files: sees.length + archive });
    expect(stats.store.databaseBytes > 0).toBe(access.collections === "*" && access.groups === "*");
    // Jobs name the files they stored, of every group.
    const jobCollections = [...new Set(stats.jobs.map((job) => job.collection))];
    if (access.groups !== "*") expect(jobCollections).toEqual([]);
    else if (access.collections !== "*") expect(jobCollections).toEqual(["archive"]);
    else expect(jobCollections.sort()).toEqual(["archive", "company"]);
  });

  it.each(callerNames)("searches only what a caller with %s may read", async (name) => {
    const { access, sees } = callers[name] as (typeof callers)[string];
    if (sees.length === 0) {
      await expect(
        world.verity.search(salaryQuestion, { collection: "company", access }),
      ).rejects.toMatchObject({
        code: "E_NOT_FOUND",
      });
      return;
    }
    const result = await world.verity.search(salaryQuestion, { collection: "company", access });
    expect(result.mode).toBe(mode);
    const found = documentsIn(
      world,
      result.passages.map((passage) => passage.documentId),
    );
    for (const document of found) expect(sees).toContain(document);
    if (sees.includes("salaries")) expect(result.passages[0]?.documentId).toBe(world.idOf.salaries);
    const text = JSON.stringify(result);
    for (const document of everyDocument)
      if (!sees.includes(document)) expect(text).not.toContain(secrets[document]);
  });

  it.each(callerNames)("answers a caller with %s from, and cites, only what it may read", async (name) => {
    const { access, sees } = callers[name] as (typeof callers)[string];
    if (sees.length === 0) {
      await expect(world.verity.ask(salaryQuestion, { collection: "company", access })).rejects.toMatchObject(
        {
          code: "E_NOT_FOUND",
        },
      );
      return;
    }
    const answer = await world.verity.ask(salaryQuestion, { collection: "company", access });
    expect(answer.trace.retrieval).toBe(mode);
    const cited = answer.sentences.flatMap((sentence) =>
      sentence.citations.map((citation) => citation.documentId),
    );
    const closest = answer.abstention?.closestSources.map((source) => source.documentId) ?? [];
    for (const document of documentsIn(world, [...cited, ...closest])) expect(sees).toContain(document);
    const text = JSON.stringify(answer);
    for (const document of everyDocument) {
      if (!sees.includes(document)) {
        expect(text).not.toContain(secrets[document]);
        expect(text).not.toContain(world.idOf[document]);
        expect(text).not.toContain(files[document]);
      }
    }
    if (sees.includes("salaries")) {
      expect(answer.status).toBe("answered");
      expect(answer.sentences[0]?.text).toContain("900000 euros");
    }
  });

  it("changes nothing a caller without the group gets when a restricted document best matches the question", async () => {
    const without = await buildWorld(dir, embedderSpec, true);
    try {
      for (const name of ["no group", "group finance"]) {
        const { access } = callers[name] as (typeof callers)[string];
        const asked = { collection: "company", access };
        expect(shown(await world.verity.ask(salaryQuestion, asked))).toEqual(
          shown(await without.verity.ask(salaryQuestion, asked)),
        );
        expect(shownPassages(await world.verity.search(salaryQuestion, asked))).toEqual(
          shownPassages(await without.verity.search(salaryQuestion, asked)),
        );
      }
    } finally {
      await without.verity.close();
    }
  });

  it("says a collection the caller may not read is not found, exactly as one that does not exist", async () => {
    const limited = (callers["another collection only"] as (typeof callers)[string]).access;
    const failure = async (run: Promise<unknown>) => {
      const error = await run.then(
        () => undefined,
        (caught: { code: string; message: string; option?: string }) => caught,
      );
      return {
        code: error?.code,
        message: error?.message.replaceAll(/"[^"]+"/gu, '"…"'),
        option: error?.option,
      };
    };
    const hidden = await failure(
      world.verity.ask(salaryQuestion, { collection: "company", access: limited }),
    );
    const missing = await failure(world.verity.ask(salaryQuestion, { collection: "nowhere" }));
    expect(hidden).toEqual(missing);
    expect(hidden.code).toBe("E_NOT_FOUND");
    expect(
      await failure(world.verity.search(salaryQuestion, { collection: "company", access: limited })),
    ).toEqual(await failure(world.verity.search(salaryQuestion, { collection: "nowhere" })));
  });
});

describe("the ledger, per caller", () => {
  let dir: string;
  let world: World;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "verity-permissions-ledger-"));
    writeCorpus(dir);
    world = await buildWorld(dir, undefined);
    for (const name of ["no group", "group hr", "every group"]) {
      const { access } = callers[name] as (typeof callers)[string];
      await world.verity.ask(salaryQuestion, { collection: "company", access, apiKey: `key ${name}` });
    }
    await world.verity.ask("Where is the archive room key?", {
      collection: "archive",
      access: (callers["another collection only"] as (typeof callers)[string]).access,
      apiKey: "key another collection only",
    });
  });

  afterAll(async () => {
    await world?.verity.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists to a caller that may not read everything only the answers asked with its own key", async () => {
    const hr = callers["group hr"] as (typeof callers)[string];
    const own = await world.verity.listAnswers({ access: hr.access, apiKey: "key group hr" });
    expect(own.map((entry) => entry.apiKey)).toEqual(["key group hr"]);
    const publicOwn = await world.verity.listAnswers({
      access: (callers["no group"] as (typeof callers)[string]).access,
      apiKey: "key no group",
    });
    expect(publicOwn.map((entry) => entry.apiKey)).toEqual(["key no group"]);
  });

  it("lists every answer to a caller that reads everything", async () => {
    expect(await world.verity.listAnswers({ access: { collections: "*", groups: "*" } })).toHaveLength(4);
  });

  it("sums for a caller only the answers of the collections it may read", async () => {
    const limited = (callers["another collection only"] as (typeof callers)[string]).access;
    expect((await world.verity.stats({ access: limited })).answers.answers).toBe(1);
    expect((await world.verity.stats({ access: limited, collection: "company" })).answers.answers).toBe(0);
    expect((await world.verity.stats()).answers.answers).toBe(4);
    expect(await world.verity.listAnswers({ access: limited, apiKey: "key group hr" })).toEqual([]);
  });
});
