// Shared by benchmarks and evaluations: the machine description, table printing, and writing a
// section of BENCHMARKS.md (each script owns one section, replaced on every run).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { fileURLToPath } from "node:url";

export const benchmarksPath = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));

/** A path in the shared benchmark data beside the repository (`../shared/data/...`): the default data. */
export function sharedData(path: string): string {
  return fileURLToPath(new URL(`../../shared/data/${path}`, import.meta.url));
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 1024 ** 3)} GB RAM, Node ${process.version}, ${process.platform}`;
}

export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile of unsorted values. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

/** Replaces (or appends) the section `id` of BENCHMARKS.md with `body`, stamped with command, date and machine. */
export function writeSection(id: string, title: string, command: string, body: string): void {
  const start = `<!-- section:${id} -->`;
  const end = `<!-- /section:${id} -->`;
  const section = [
    start,
    `## ${title}`,
    "",
    `Command: \`${command}\`  `,
    `Date: ${new Date().toISOString().slice(0, 10)}  `,
    `Machine: ${machine()}`,
    "",
    body.trim(),
    end,
  ].join("\n");
  const current = existsSync(benchmarksPath)
    ? readFileSync(benchmarksPath, "utf8")
    : "# Benchmarks\n\nFigures measured by the scripts under `bench/` and `eval/`; each section names the command that reproduces it.\n";
  const startIndex = current.indexOf(start);
  const endIndex = current.indexOf(end);
  const next =
    startIndex >= 0 && endIndex > startIndex
      ? current.slice(0, startIndex) + section + current.slice(endIndex + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(benchmarksPath, next);
}
