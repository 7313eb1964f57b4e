// A text, Markdown or HTML source: its extracted text with the cited span (charStart to charEnd, in
// that text) in a <mark>, scrolled into view.
import { useEffect, useRef, useState } from "react";
import { api, documentPath } from "../api/client";
import type { SourceTarget } from "../ask/answer-view";
import { ErrorAlert } from "../ui/error-alert";

export function TextSource({ target }: { target: SourceTarget }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const mark = useRef<HTMLElement>(null);
  useEffect(() => {
    const controller = new AbortController();
    setText(null);
    api<{ text: string }>(`${documentPath(target.collection, target.documentId)}/text`, {
      signal: controller.signal,
    })
      .then((body) => setText(body.text))
      .catch((failure: unknown) => {
        if ((failure as Error).name !== "AbortError") setError(failure);
      });
    return () => controller.abort();
  }, [target.collection, target.documentId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll when the text or the span changes
  useEffect(() => {
    mark.current?.scrollIntoView?.({ block: "center" });
  }, [text, target.location.charStart, target.location.charEnd]);

  if (error) return <ErrorAlert error={error} title="The text could not be loaded" />;
  if (text === null) return <p aria-live="polite">Loading the text…</p>;
  const start = Math.max(0, Math.min(target.location.charStart, text.length));
  const end = Math.max(start, Math.min(target.location.charEnd, text.length));
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section className="source-text" tabIndex={0} aria-label="Document text">
      {text.slice(0, start)}
      <mark ref={mark}>{text.slice(start, end)}</mark>
      {text.slice(end)}
    </section>
  );
}
