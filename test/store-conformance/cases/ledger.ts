// The answer ledger: answers recorded with their model calls, spending per collection and key per day
// and month, summaries and days, and listings, each over what the caller may read.
import { expect, it } from "vitest";
import type { ConformanceContext } from "../context.js";
import { answerOf, hr, otherOnly } from "../fixtures.js";

export function ledgerCases(context: ConformanceContext): void {
  const { store } = context;

  it("sums spending per collection and per API key, by UTC day and by month", async () => {
    await store().recordAnswer(
      answerOf({ at: "2026-11-28T10:00:00.000Z", collection: "a", costUsd: 0.5, apiKey: "k1" }),
    );
    await store().recordAnswer(answerOf({ at: "2026-11-29T10:00:00.000Z", collection: "a", costUsd: 0.25 }));
    await store().recordAnswer(
      answerOf({ at: "2026-11-29T23:59:59.999Z", collection: "b", costUsd: 1, apiKey: "k1" }),
    );
    await store().recordAnswer(
      answerOf({ at: "2026-12-01T00:00:00.000Z", collection: "a", costUsd: 2, apiKey: "k1" }),
    );
    expect(await store().spent({ collection: "a" }, "2026-11-29")).toBe(0.25);
    expect(await store().spent({ collection: "a" }, "2026-11")).toBe(0.75);
    expect(await store().spent({ collection: "a" }, "2026-12")).toBe(2);
    expect(await store().spent({ apiKey: "k1" }, "2026-11")).toBe(1.5);
    expect(await store().spent({ apiKey: "k1" }, "2026-11-29")).toBe(1);
    expect(await store().spent({ apiKey: "k2" }, "2026-11")).toBe(0);
    expect(await store().spent({ collection: "b" }, "2026-10")).toBe(0);
  });

  it("summarises answers, model answers and each model's calls, costs and latencies", async () => {
    const call = (model: string, latencyMs: number, outcome = "grounded") => ({
      model,
      outcome,
      costUsd: 0.25,
      latencyMs,
    });
    await store().recordAnswer(
      answerOf({
        costUsd: 0.5,
        strongestCostUsd: 2,
        escalated: true,
        calls: [call("small", 10, "ungrounded"), call("big", 100)],
      }),
    );
    await store().recordAnswer(answerOf({ costUsd: 0.25, strongestCostUsd: 1, calls: [call("small", 20)] }));
    await store().recordAnswer(
      answerOf({ costUsd: 0.25, calls: [call("small", 30, "failed"), call("big", 0, "skipped")] }),
    );
    await store().recordAnswer(
      answerOf({ status: "abstained", answerer: "extractive", costUsd: 0, calls: [] }),
    );
    const summary = await store().ledgerSummary();
    expect(summary).toMatchObject({
      answers: 4,
      answered: 3,
      abstained: 1,
      escalated: 1,
      costUsd: 1,
      modelAnswers: { count: 2, costUsd: 0.75, strongestCostUsd: 3 },
    });
    expect(summary.perModel).toEqual([
      // A skipped call took no time, so it leaves the latencies out.
      { model: "big", calls: 2, failed: 0, costUsd: 0.5, p50Ms: 100, p95Ms: 100 },
      { model: "small", calls: 3, failed: 1, costUsd: 0.75, p50Ms: 20, p95Ms: expect.closeTo(29, 6) },
    ]);
  });

  it("summarises nothing on a new store", async () => {
    expect(await store().ledgerSummary()).toEqual({
      answers: 0,
      answered: 0,
      abstained: 0,
      escalated: 0,
      costUsd: 0,
      modelAnswers: { count: 0, costUsd: 0, strongestCostUsd: 0 },
      perModel: [],
    });
    expect(await store().ledgerDays()).toEqual([]);
    expect(await store().listAnswers()).toEqual([]);
  });

  it("summarises from a time and for one collection", async () => {
    await store().recordAnswer(answerOf({ at: "2026-11-28T10:00:00.000Z", collection: "a", costUsd: 0.5 }));
    await store().recordAnswer(answerOf({ at: "2026-11-29T10:00:00.000Z", collection: "a", costUsd: 0.25 }));
    await store().recordAnswer(answerOf({ at: "2026-11-29T11:00:00.000Z", collection: "b", costUsd: 1 }));
    expect(await store().ledgerSummary({ since: "2026-11-29T00:00:00.000Z" })).toMatchObject({
      answers: 2,
      costUsd: 1.25,
    });
    expect(await store().ledgerSummary({ collection: "a" })).toMatchObject({ answers: 2, costUsd: 0.75 });
    expect(await store().ledgerSummary({ collection: "a", since: "2026-11-29T00:00:00.000Z" })).toMatchObject(
      { answers: 1, costUsd: 0.25 },
    );
  });

  it("gives each UTC day's answers, costs and latencies, oldest first", async () => {
    await store().recordAnswer(answerOf({ at: "2026-11-29T23:00:00.000Z", costUsd: 0.5, latencyMs: 30 }));
    await store().recordAnswer(answerOf({ at: "2026-11-28T10:00:00.000Z", costUsd: 0.25, latencyMs: 10 }));
    await store().recordAnswer(
      answerOf({
        at: "2026-11-29T01:00:00.000Z",
        status: "abstained",
        escalated: true,
        costUsd: 0.25,
        latencyMs: 10,
      }),
    );
    await store().recordAnswer(answerOf({ at: "2026-11-29T02:00:00.000Z", costUsd: 1, latencyMs: 20 }));
    expect(await store().ledgerDays()).toEqual([
      {
        date: "2026-11-28",
        answers: 1,
        answered: 1,
        abstained: 0,
        escalated: 0,
        costUsd: 0.25,
        answeredCostUsd: 0.25,
        p50Ms: 10,
        p95Ms: 10,
      },
      {
        date: "2026-11-29",
        answers: 3,
        answered: 2,
        abstained: 1,
        escalated: 1,
        costUsd: 1.75,
        answeredCostUsd: 1.5,
        p50Ms: 20,
        p95Ms: expect.closeTo(29, 6),
      },
    ]);
    expect((await store().ledgerDays({ since: "2026-11-29T00:00:00.000Z" })).map((day) => day.date)).toEqual([
      "2026-11-29",
    ]);
  });

  it("lists answers newest first with their calls, as recorded", async () => {
    await store().recordAnswer(
      answerOf({ at: "2026-11-28T10:00:00.000Z", trace: { route: ["small"], n: 1 } }),
    );
    await store().recordAnswer(
      answerOf({
        at: "2026-11-29T10:00:00.000Z",
        apiKey: "k1",
        strongestCostUsd: 2,
        escalated: true,
        calls: [
          {
            model: "small",
            outcome: "ungrounded",
            inputTokens: 100,
            outputTokens: 20,
            costUsd: 0.125,
            latencyMs: 7,
          },
          { model: "big", outcome: "grounded", costUsd: 0.375, latencyMs: 70 },
        ],
      }),
    );
    const [newest, oldest] = await store().listAnswers();
    expect(newest).toEqual({
      id: expect.any(Number),
      at: "2026-11-29T10:00:00.000Z",
      collection: "c",
      apiKey: "k1",
      status: "answered",
      answerer: "generative:m",
      escalated: true,
      costUsd: 0.5,
      latencyMs: 10,
      strongestCostUsd: 2,
      trace: { question: "what?" },
      calls: [
        {
          model: "small",
          outcome: "ungrounded",
          inputTokens: 100,
          outputTokens: 20,
          costUsd: 0.125,
          latencyMs: 7,
        },
        { model: "big", outcome: "grounded", costUsd: 0.375, latencyMs: 70 },
      ],
    });
    expect(oldest).toEqual({
      id: expect.any(Number),
      at: "2026-11-28T10:00:00.000Z",
      collection: "c",
      status: "answered",
      answerer: "generative:m",
      escalated: false,
      costUsd: 0.5,
      latencyMs: 10,
      trace: { route: ["small"], n: 1 },
      calls: [{ model: "m", outcome: "grounded", costUsd: 0.5, latencyMs: 10 }],
    });
    expect((await store().listAnswers({ limit: 1 })).map((answer) => answer.id)).toEqual([newest?.id]);
    expect(await store().listAnswers({ since: "2026-11-29T00:00:00.000Z" })).toHaveLength(1);
  });

  it("lists the last 50 answers unless asked for another number", async () => {
    for (let index = 0; index < 53; index++) await store().recordAnswer(answerOf({ latencyMs: index }));
    const listed = await store().listAnswers();
    expect(listed).toHaveLength(50);
    expect(listed[0]?.latencyMs).toBe(52);
    expect(await store().listAnswers({ limit: 53 })).toHaveLength(53);
  });

  it("sums only the answers of collections the caller may read", async () => {
    await store().recordAnswer(answerOf({ collection: "c", apiKey: "k1" }));
    await store().recordAnswer(answerOf({ collection: "other", apiKey: "k2" }));
    expect(await store().ledgerSummary({ access: otherOnly })).toMatchObject({ answers: 1, costUsd: 0.5 });
    expect(await store().ledgerDays({ access: otherOnly })).toMatchObject([{ answers: 1 }]);
    expect(await store().ledgerSummary()).toMatchObject({ answers: 2, costUsd: 1 });
  });

  it("lists a restricted caller's own answers only, and every answer to one that reads everything", async () => {
    await store().recordAnswer(answerOf({ apiKey: "k1" }));
    await store().recordAnswer(answerOf({ apiKey: "k2" }));
    await store().recordAnswer(answerOf({}));
    await store().recordAnswer(answerOf({ collection: "other", apiKey: "k1" }));
    expect(
      (await store().listAnswers({ access: hr, apiKey: "k1" })).map((entry) => entry.collection),
    ).toEqual(["other", "c"]);
    expect(await store().listAnswers({ access: hr })).toEqual([]);
    expect(
      (await store().listAnswers({ access: otherOnly, apiKey: "k1" })).map((entry) => entry.collection),
    ).toEqual(["other"]);
    expect(await store().listAnswers({ access: otherOnly, apiKey: "k2" })).toEqual([]);
    expect(await store().listAnswers()).toHaveLength(4);
  });
}
