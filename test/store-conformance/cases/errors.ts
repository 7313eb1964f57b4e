// Bad input: each refusal is a rejected Promise carrying a VerityError with an E_ code (and the option
// at fault, where one is), and nothing stored before is lost.
import { expect, it } from "vitest";
import { VerityError } from "../../../src/core/errors.js";
import { type ConformanceContext, vectorCase } from "../context.js";
import { documentOf, fileOf, filesDocuments, spaceOf, tilted } from "../fixtures.js";

export function errorCases(context: ConformanceContext): void {
  const { store } = context;
  const verityError = (code: string, extra: Record<string, unknown> = {}) =>
    expect.objectContaining({ name: "VerityError", code, message: expect.stringMatching(/\S/u), ...extra });

  it("refuses a file holding two documents of one source, and keeps the stored version", async () => {
    await store().putFile(fileOf("/a.txt", ["good version"]));
    const before = await store().getFile("c", "/a.txt");
    const duplicate = filesDocuments("/a.txt", [
      documentOf("/a.txt", ["bad one"]),
      documentOf("/a.txt", ["bad two"]),
    ]);
    const failure = store().putFile(duplicate);
    await expect(failure).rejects.toBeInstanceOf(VerityError);
    await expect(failure).rejects.toEqual(verityError("E_INVALID_INPUT"));
    expect(await store().getFile("c", "/a.txt")).toEqual(before);
    expect(await store().getDocumentText((await store().getDocument("/a.txt"))?.id as string)).toBe(
      "good version",
    );
    const found = await store().searchBm25({ collection: "c", terms: ["good", "bad"], limit: 5 });
    expect(found.map((hit) => hit.chunk.text)).toEqual(["good version"]);
    expect(await store().stats()).toMatchObject({ files: 1, documents: 1, chunks: 1 });
  });

  it("refuses an access group that is not a plain name, naming the option, and stores nothing", async () => {
    await expect(store().putFile(fileOf("/a.txt", ["alpha"], { groups: ["hr team"] }))).rejects.toEqual(
      verityError("E_INVALID_INPUT", { option: "groups" }),
    );
    expect(await store().stats()).toMatchObject({ files: 0, documents: 0 });
    await store().putFile(fileOf("/b.txt", ["beta"], { groups: ["hr"] }));
    await expect(store().setFileGroups("c", "/b.txt", ["", "hr"])).rejects.toEqual(
      verityError("E_INVALID_INPUT", { option: "groups" }),
    );
    expect((await store().getDocument("/b.txt"))?.groups).toEqual(["hr"]);
  });

  it("refuses an unknown tokenizer, naming the option", async () => {
    await expect(
      store().createCollection("c", { tokenizer: "klingon" as unknown as "default" }),
    ).rejects.toEqual(verityError("E_INVALID_INPUT", { option: "tokenizer" }));
    expect(await store().hasCollection("c")).toBe(false);
  });

  it("refuses a listing limit outside 1 to 1000, naming the option", async () => {
    await store().recordAnswer({
      at: "2026-12-01T10:00:00.000Z",
      collection: "c",
      status: "answered",
      answerer: "extractive",
      escalated: false,
      costUsd: 0,
      latencyMs: 1,
      trace: {},
      calls: [],
    });
    for (const limit of [0, -1, 1001, 1.5]) {
      await expect(store().listAnswers({ limit })).rejects.toEqual(
        verityError("E_INVALID_INPUT", { option: "limit" }),
      );
    }
    expect(await store().listAnswers({ limit: 1000 })).toHaveLength(1);
  });

  vectorCase(context, "refuses bad space settings", async () => {
    await expect(store().createSpace({ ...spaceOf("zero"), dimensions: 0 })).rejects.toEqual(
      verityError("E_INVALID_INPUT"),
    );
    await expect(store().createSpace({ ...spaceOf("huge"), dimensions: 100_000 })).rejects.toEqual(
      verityError("E_INVALID_INPUT"),
    );
    await expect(store().createSpace({ ...spaceOf("bits", "binary"), dimensions: 12 })).rejects.toEqual(
      verityError("E_INVALID_INPUT"),
    );
    await expect(store().createSpace(spaceOf("bad name; DROP TABLE chunks"))).rejects.toEqual(
      verityError("E_INVALID_INPUT"),
    );
    expect(await store().listSpaces()).toEqual([]);
  });

  vectorCase(
    context,
    "refuses vectors and queries of the wrong dimension, storing none of the batch",
    async () => {
      await store().putFile(fileOf("/a.txt", ["one", "two"]));
      await store().createSpace(spaceOf("v1"));
      const [first, second] = await store().chunksToEmbed("c", "v1", 10);
      await expect(
        store().putVectors("c", "v1", [
          { chunkId: first?.chunkId as string, vector: tilted(0) },
          { chunkId: second?.chunkId as string, vector: new Float32Array(3) },
        ]),
      ).rejects.toEqual(verityError("E_INVALID_INPUT"));
      expect(await store().getSpace("c", "v1")).toMatchObject({ embeddedChunks: 0 });
      await expect(
        store().searchVectors({ collection: "c", space: "v1", vector: new Float32Array(3), limit: 1 }),
      ).rejects.toEqual(verityError("E_INVALID_INPUT"));
    },
  );

  vectorCase(context, "says which space is missing", async () => {
    await store().putFile(fileOf("/a.txt", ["one"]));
    await expect(store().chunksToEmbed("c", "missing", 1)).rejects.toEqual(verityError("E_NOT_FOUND"));
    await expect(store().putVectors("c", "missing", [])).rejects.toEqual(verityError("E_NOT_FOUND"));
    await expect(store().activateSpace("c", "missing")).rejects.toEqual(verityError("E_NOT_FOUND"));
    await expect(store().removeSpace("c", "missing")).rejects.toEqual(verityError("E_NOT_FOUND"));
    await expect(
      store().searchVectors({ collection: "c", space: "missing", vector: tilted(0), limit: 1 }),
    ).rejects.toEqual(verityError("E_NOT_FOUND"));
  });
}
