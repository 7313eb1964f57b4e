// How long an HTTP response asks a client to wait before retrying: `retry-after-ms` (OpenAI and
// Azure send it), else `Retry-After` in seconds or as an HTTP date. Shared by every HTTP client.

/**
 * Milliseconds to wait, or undefined when the response does not say. `header` looks a header up by
 * its lower-case name; `now` is the wall clock for HTTP dates (ms since the epoch).
 */
export function retryAfterMs(header: (name: string) => string | undefined, now: number): number | undefined {
  const milliseconds = Number.parseFloat(header("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = header("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/u.test(value)) return Number.parseFloat(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
