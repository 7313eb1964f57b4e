// How a citation is named on its chip and in copied Markdown: the file's name, then where in it —
// the headings above the passage, the PDF page, or the moment in a recording.
import type { Location } from "../api/types";

/** `04:12`, or `1:02:03` past an hour, from milliseconds. */
export function formatTimestamp(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (value: number) => String(value).padStart(2, "0");
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${two(minutes)}:${two(seconds)}`;
}

/** The last segment of a path or URL, without a record id (`data.jsonl#17` keeps `#17`). */
export function fileName(source: string): string {
  const [path = source, record] = source.split("#", 2);
  const segments = path.split(/[\\/]/u).filter(Boolean);
  const name = segments[segments.length - 1] ?? path;
  return record ? `${name}#${record}` : name;
}

export function citationLabel(source: string, location: Location): string {
  const name = fileName(source);
  if (location.startMs !== undefined) return `${name}, ${formatTimestamp(location.startMs)}`;
  const where: string[] = [];
  if (location.page !== undefined) where.push(`page ${location.page}`);
  if (location.headingPath && location.headingPath.length > 0) where.push(location.headingPath.join(" › "));
  return where.length > 0 ? `${name}, ${where.join(", ")}` : name;
}
