// The source panel: the cited document opened where the citation points — text with the span
// marked, a PDF at its page, a recording at its moment.
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { api, documentPath } from "../api/client";
import type { DocumentRecord } from "../api/types";
import type { SourceTarget } from "../ask/answer-view";
import { ErrorAlert } from "../ui/error-alert";
import { MediaSource } from "./media-source";
import { TextSource } from "./text-source";

const PdfSource = lazy(() => import("./pdf-source").then((module) => ({ default: module.PdfSource })));

/** Recordings are stored with the media type `audio` (video files too: their sound is transcribed). */
export function sourceKind(record: Pick<DocumentRecord, "mediaType">): "pdf" | "media" | "text" {
  if (record.mediaType === "application/pdf") return "pdf";
  return /^(audio|video)(\/|$)/u.test(record.mediaType) ? "media" : "text";
}

const videoExtensions = /\.(mp4|m4v|mov|webm|mkv)$/iu;

export function SourcePanel({ target, onClose }: { target: SourceTarget; onClose: () => void }) {
  const [record, setRecord] = useState<DocumentRecord | null>(null);
  const [error, setError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    const controller = new AbortController();
    setRecord(null);
    setError(null);
    api<DocumentRecord>(documentPath(target.collection, target.documentId), { signal: controller.signal })
      .then(setRecord)
      .catch((failure: unknown) => {
        if ((failure as Error).name !== "AbortError") setError(failure);
      });
    heading.current?.focus();
    return () => controller.abort();
  }, [target.collection, target.documentId]);

  const kind = record ? sourceKind(record) : null;
  return (
    <aside aria-label="Source" className="source-panel">
      <div className="source-head">
        <h2 ref={heading} tabIndex={-1}>
          {target.label}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close source">
          Close
        </button>
      </div>
      {record ? <p className="muted">{record.title}</p> : null}
      <ErrorAlert error={error} title="The source could not be opened" />
      {kind === "text" ? <TextSource target={target} /> : null}
      {kind === "media" && record ? (
        <MediaSource
          target={target}
          video={videoExtensions.test(record.file) || record.mediaType.startsWith("video/")}
        />
      ) : null}
      {kind === "pdf" ? (
        <Suspense fallback={<p>Loading the PDF viewer…</p>}>
          <PdfSource target={target} />
        </Suspense>
      ) : null}
      {target.quote ? (
        <details>
          <summary>Cited text</summary>
          <blockquote>{target.quote}</blockquote>
        </details>
      ) : null}
    </aside>
  );
}
