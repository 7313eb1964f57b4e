// The ledger's days as chart series: every day of the period present (days without answers as
// zeros), rates as fractions, cost per answered question only where there were answers.
import type { LedgerDay } from "../api/types";

export interface DailySeries {
  dates: string[];
  answered: number[];
  abstained: number[];
  abstentionRate: number[];
  escalationRate: number[];
  costPerAnswered: number[];
}

export function dailySeries(
  since: string,
  days: readonly LedgerDay[],
  today: Date = new Date(),
): DailySeries {
  const byDate = new Map(days.map((day) => [day.date, day]));
  const series: DailySeries = {
    dates: [],
    answered: [],
    abstained: [],
    abstentionRate: [],
    escalationRate: [],
    costPerAnswered: [],
  };
  const end = today.toISOString().slice(0, 10);
  const cursor = new Date(`${since.slice(0, 10)}T00:00:00Z`);
  for (let guard = 0; guard < 400; guard++) {
    const date = cursor.toISOString().slice(0, 10);
    if (date > end) break;
    const day = byDate.get(date);
    series.dates.push(date);
    series.answered.push(day?.answered ?? 0);
    series.abstained.push(day?.abstained ?? 0);
    series.abstentionRate.push(day && day.answers > 0 ? day.abstained / day.answers : 0);
    series.escalationRate.push(day && day.answers > 0 ? day.escalated / day.answers : 0);
    series.costPerAnswered.push(day && day.answered > 0 ? day.answeredCostUsd / day.answered : 0);
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return series;
}

export const percent = (fraction: number) =>
  `${(fraction * 100).toFixed(fraction > 0 && fraction < 0.1 ? 1 : 0)}%`;
export const dollars = (usd: number) =>
  usd === 0 ? "$0" : usd < 0.01 ? `$${usd.toFixed(5)}` : `$${usd.toFixed(4)}`;
