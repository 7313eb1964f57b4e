// Ingestion and reindex jobs: started, finished with a summary, listed newest first.
import { expect, it } from "vitest";
import type { ConformanceContext } from "../context.js";
import { isoTime, tick } from "../fixtures.js";

export function jobCases(context: ConformanceContext): void {
  const { store } = context;

  it("starts a running job and finishes it with its status and summary", async () => {
    const job = await store().startJob("ingest", "c", { paths: ["/docs"] });
    expect(job).toMatchObject({
      kind: "ingest",
      collection: "c",
      status: "running",
      finishedAt: null,
      summary: { paths: ["/docs"] },
    });
    expect(job.id).toMatch(/\S/u);
    expect(job.startedAt).toEqual(isoTime);
    expect(await store().listJobs()).toEqual([job]);
    await store().finishJob(job.id, "succeeded", { added: 3, failed: [] });
    const [finished] = await store().listJobs();
    expect(finished).toMatchObject({
      id: job.id,
      status: "succeeded",
      startedAt: job.startedAt,
      summary: { added: 3, failed: [] },
    });
    expect(finished?.finishedAt).toEqual(isoTime);
    expect(Date.parse(finished?.finishedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
  });

  it("starts a job with an empty summary when given none", async () => {
    expect((await store().startJob("reindex", "c")).summary).toEqual({});
  });

  it("lists jobs newest first, as many as asked", async () => {
    const started = [];
    for (const kind of ["ingest", "reindex", "ingest"]) {
      started.push(await store().startJob(kind, "c"));
      await tick();
    }
    await store().finishJob(started[0]?.id as string, "failed", { error: "E_CORRUPT" });
    await store().finishJob(started[1]?.id as string, "interrupted", {});
    const listed = await store().listJobs();
    expect(listed.map((job) => job.id)).toEqual(started.map((job) => job.id).reverse());
    expect(listed.map((job) => job.status)).toEqual(["running", "interrupted", "failed"]);
    expect((await store().listJobs(2)).map((job) => job.id)).toEqual(listed.slice(0, 2).map((job) => job.id));
  });

  it("lists the last 20 jobs unless asked for another number", async () => {
    for (let index = 0; index < 22; index++) await store().startJob("ingest", "c", { index });
    expect(await store().listJobs()).toHaveLength(20);
    expect(await store().listJobs(22)).toHaveLength(22);
  });

  it("lists no jobs on a new store", async () => {
    expect(await store().listJobs()).toEqual([]);
  });
}
