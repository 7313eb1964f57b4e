// A small uPlot line chart over days, with its numbers in a visually hidden table for screen readers
// (the canvas itself is hidden from them).
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  values: number[];
  color: string;
  format: (value: number) => string;
}

export function LineChart({ title, dates, series }: { title: string; dates: string[]; series: Series[] }) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element || dates.length === 0) return;
    const xs = dates.map((date) => Date.parse(`${date}T00:00:00Z`) / 1000);
    const styles = getComputedStyle(document.documentElement);
    const ink = styles.getPropertyValue("--ink").trim() || "#222";
    const grid = styles.getPropertyValue("--line").trim() || "#ddd";
    const axis = { stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 280),
        height: 220,
        series: [
          {},
          ...series.map((entry) => ({
            label: entry.label,
            stroke: entry.color,
            width: 2,
            points: { show: dates.length < 40 },
            value: (_self: uPlot, value: number | null) => (value === null ? "–" : entry.format(value)),
          })),
        ],
        axes: [
          axis,
          {
            ...axis,
            size: 70,
            values: (_self: uPlot, ticks: number[]) =>
              ticks.map((tick) => series[0]?.format(tick) ?? String(tick)),
          },
        ],
        scales: { x: { time: true } },
        legend: { show: true },
      },
      [xs, ...series.map((entry) => entry.values)],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(element.clientWidth, 280), height: 220 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [dates, series]);
  return (
    <figure className="chart">
      <div ref={holder} aria-hidden="true" />
      {/* A table is at least as wide as its content, whatever its own width: the box around it is what hides it. */}
      <div className="visually-hidden">
        <table>
          <caption>{title}, per day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {series.map((entry) => (
                <th scope="col" key={entry.label}>
                  {entry.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {dates.map((date, index) => (
              <tr key={date}>
                <th scope="row">{date}</th>
                {series.map((entry) => (
                  <td key={entry.label}>{entry.format(entry.values[index] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
