// Dashboard: the ledger as the server aggregates it for this key (GET /api/v1/stats/daily) — answers
// per day, abstention and escalation rates, cost per answered question, latency per model, budgets.
import { useEffect, useMemo, useState } from "react";
import { api } from "../api/client";
import type { BudgetUse, DailyStats } from "../api/types";
import { ErrorAlert } from "../ui/error-alert";
import { dailySeries, dollars, percent } from "./daily-series";
import { LineChart } from "./line-chart";

const ms = (value: number) => `${Math.round(value)} ms`;
const count = (value: number) => (Number.isInteger(value) ? String(value) : "");

function BudgetRow({ budget }: { budget: BudgetUse }) {
  const name = budget.kind === "collection" ? `Collection ${budget.name}` : `API key ${budget.name}`;
  const line = (period: "daily" | "monthly") => {
    const { spentUsd, limitUsd } = budget[period];
    const label = `${name}, ${period === "daily" ? "today" : "this month"}`;
    return (
      <div className="budget-line">
        <span>
          {label}: {dollars(spentUsd)} {limitUsd === null ? "(no limit)" : `of ${dollars(limitUsd)}`}
        </span>
        {limitUsd !== null ? (
          <meter
            aria-label={label}
            min={0}
            max={limitUsd || 1}
            high={(limitUsd || 1) * 0.8}
            value={spentUsd}
          />
        ) : null}
      </div>
    );
  };
  return (
    <li>
      {line("daily")}
      {line("monthly")}
    </li>
  );
}

export function DashboardPage() {
  const [days, setDays] = useState(30);
  const [stats, setStats] = useState<DailyStats | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const controller = new AbortController();
    setError(null);
    api<DailyStats>(`/api/v1/stats/daily?days=${days}`, { signal: controller.signal })
      .then(setStats)
      .catch((failure: unknown) => {
        if ((failure as Error).name !== "AbortError") setError(failure);
      });
    return () => controller.abort();
  }, [days]);
  const series = useMemo(() => (stats ? dailySeries(stats.since, stats.days) : null), [stats]);
  const totals = useMemo(() => {
    const all = stats?.days ?? [];
    const sum = (pick: (day: (typeof all)[number]) => number) =>
      all.reduce((total, day) => total + pick(day), 0);
    return {
      answers: sum((day) => day.answers),
      answered: sum((day) => day.answered),
      abstained: sum((day) => day.abstained),
      escalated: sum((day) => day.escalated),
      answeredCost: sum((day) => day.answeredCostUsd),
      cost: sum((day) => day.costUsd),
    };
  }, [stats]);
  const answerSeries = useMemo(
    () =>
      series
        ? [
            { label: "Answered", values: series.answered, color: "#2f7d4f", format: count },
            { label: "I don't know", values: series.abstained, color: "#b8641c", format: count },
          ]
        : [],
    [series],
  );
  const rateSeries = useMemo(
    () =>
      series
        ? [
            { label: "Abstention rate", values: series.abstentionRate, color: "#b8641c", format: percent },
            { label: "Escalation rate", values: series.escalationRate, color: "#5a4fcf", format: percent },
          ]
        : [],
    [series],
  );
  const costSeries = useMemo(
    () =>
      series
        ? [
            {
              label: "Cost per answered question",
              values: series.costPerAnswered,
              color: "#1f6fa8",
              format: dollars,
            },
          ]
        : [],
    [series],
  );
  const slowest = Math.max(1, ...(stats?.models.map((model) => model.p95Ms) ?? [1]));

  return (
    <section aria-labelledby="dashboard-title" className="dashboard">
      <h1 id="dashboard-title">Dashboard</h1>
      <div className="row">
        <div className="field">
          <label htmlFor="dashboard-days">Period</label>
          <select id="dashboard-days" value={days} onChange={(event) => setDays(Number(event.target.value))}>
            <option value={7}>Last 7 days</option>
            <option value={30}>Last 30 days</option>
            <option value={90}>Last 90 days</option>
          </select>
        </div>
        {stats ? (
          <p className="muted">
            {totals.answers} answers: {totals.answered} answered, {totals.abstained} "I don't know",{" "}
            {totals.escalated} escalated; {dollars(totals.cost)} in all. Counted over the collections this key
            may read.
          </p>
        ) : null}
      </div>
      <ErrorAlert error={error} title="The figures could not be loaded" />
      {!stats && !error ? <p aria-live="polite">Loading…</p> : null}
      {stats && series ? (
        <div className="panels">
          <section className="card" aria-labelledby="chart-answers">
            <h2 id="chart-answers">Answers per day</h2>
            <LineChart title="Answers per day" dates={series.dates} series={answerSeries} />
          </section>
          <section className="card" aria-labelledby="chart-rates">
            <h2 id="chart-rates">Abstention and escalation</h2>
            <p className="muted">
              Over the period: {percent(totals.answers ? totals.abstained / totals.answers : 0)} abstained,{" "}
              {percent(totals.answers ? totals.escalated / totals.answers : 0)} escalated.
            </p>
            <LineChart title="Abstention and escalation rates" dates={series.dates} series={rateSeries} />
          </section>
          <section className="card" aria-labelledby="chart-cost">
            <h2 id="chart-cost">Cost per answered question</h2>
            <p className="muted">
              Over the period: {dollars(totals.answered ? totals.answeredCost / totals.answered : 0)} per
              answered question.
            </p>
            <LineChart title="Cost per answered question" dates={series.dates} series={costSeries} />
          </section>
          <section className="card" aria-labelledby="chart-latency">
            <h2 id="chart-latency">Latency by model</h2>
            {stats.models.length === 0 ? (
              <p>No model was called in this period (extractive answers need none).</p>
            ) : (
              <table className="latency">
                <caption className="visually-hidden">
                  Latency p50 and p95 per model, with calls and failures
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Model</th>
                    <th scope="col">Calls</th>
                    <th scope="col">p50</th>
                    <th scope="col">p95</th>
                    <th scope="col">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.models.map((model) => (
                    <tr key={model.model}>
                      <th scope="row">{model.model}</th>
                      <td>
                        {model.calls}
                        {model.failed > 0 ? ` (${model.failed} failed)` : ""}
                      </td>
                      <td>
                        <span
                          className="bar"
                          style={{ width: `${(model.p50Ms / slowest) * 100}%` }}
                          aria-hidden="true"
                        />
                        {ms(model.p50Ms)}
                      </td>
                      <td>
                        <span
                          className="bar p95"
                          style={{ width: `${(model.p95Ms / slowest) * 100}%` }}
                          aria-hidden="true"
                        />
                        {ms(model.p95Ms)}
                      </td>
                      <td>{dollars(model.costUsd)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="card" aria-labelledby="chart-budget">
            <h2 id="chart-budget">Budget</h2>
            {stats.budgets.length === 0 ? (
              <p>No budget is configured for what this key may see (the catalogue's routing.budget).</p>
            ) : (
              <ul className="budgets">
                {stats.budgets.map((budget) => (
                  <BudgetRow key={`${budget.kind}:${budget.name}`} budget={budget} />
                ))}
              </ul>
            )}
          </section>
        </div>
      ) : null}
    </section>
  );
}
