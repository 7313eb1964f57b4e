import { describe, expect, it } from "vitest";
import type { LedgerDay } from "../api/types";
import { dailySeries, dollars, percent } from "./daily-series";

const day = (date: string, fields: Partial<LedgerDay>): LedgerDay => ({
  date,
  answers: 0,
  answered: 0,
  abstained: 0,
  escalated: 0,
  costUsd: 0,
  answeredCostUsd: 0,
  p50Ms: 0,
  p95Ms: 0,
  ...fields,
});

describe("the dashboard's daily series", () => {
  it("fills days without answers with zeros and computes rates and cost per answered question", () => {
    const series = dailySeries(
      "2026-12-01T00:00:00.000Z",
      [
        day("2026-12-01", { answers: 4, answered: 3, abstained: 1, escalated: 2, answeredCostUsd: 0.03 }),
        day("2026-12-03", { answers: 1, answered: 0, abstained: 1 }),
      ],
      new Date("2026-12-03T12:00:00Z"),
    );
    expect(series.dates).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
    expect(series.answered).toEqual([3, 0, 0]);
    expect(series.abstentionRate).toEqual([0.25, 0, 1]);
    expect(series.escalationRate).toEqual([0.5, 0, 0]);
    expect(series.costPerAnswered[0]).toBeCloseTo(0.01);
    expect(series.costPerAnswered.slice(1)).toEqual([0, 0]);
  });

  it("formats rates and money for people", () => {
    expect(percent(0.25)).toBe("25%");
    expect(percent(0.015)).toBe("1.5%");
    expect(dollars(0)).toBe("$0");
    expect(dollars(0.0012)).toBe("$0.00120");
  });
});
