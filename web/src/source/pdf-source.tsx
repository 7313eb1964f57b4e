// A PDF at the cited page, rendered by pdf.js (loaded only when a PDF is opened, its worker a separate
// file of this app). pdf.js fetches the file with the key and byte ranges; the page's text layer marks
// the runs that hold the quote.
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy, TextLayer } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";
import { useEffect, useRef, useState } from "react";
import { authHeaders, documentPath } from "../api/client";
import type { SourceTarget } from "../ask/answer-view";
import { ErrorAlert } from "../ui/error-alert";
import { quotedRuns } from "./quote-match";

GlobalWorkerOptions.workerSrc = workerUrl;

export function PdfSource({ target }: { target: SourceTarget }) {
  const [pdf, setPdf] = useState<PDFDocumentProxy | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [page, setPage] = useState(target.location.page ?? 1);
  const canvas = useRef<HTMLCanvasElement>(null);
  const textLayer = useRef<HTMLDivElement>(null);
  const container = useRef<HTMLDivElement>(null);
  const url = `${documentPath(target.collection, target.documentId)}/content`;

  useEffect(() => setPage(target.location.page ?? 1), [target.location.page]);

  useEffect(() => {
    const task = getDocument({
      url,
      httpHeaders: authHeaders(),
      disableAutoFetch: true,
      disableStream: true,
      rangeChunkSize: 65_536,
      isEvalSupported: false,
    });
    // Destroying a task rejects its promise ("Worker was destroyed"): once this effect is cleaned up
    // (another URL, the panel closed, or React's development double run), its outcome is not shown.
    let current = true;
    setPdf(null);
    setError(null);
    task.promise.then(
      (loaded) => current && setPdf(loaded),
      (failure: unknown) =>
        current && setError(new Error(`the PDF could not be read: ${(failure as Error).message}`)),
    );
    return () => {
      current = false;
      void task.destroy();
    };
  }, [url]);

  useEffect(() => {
    if (!pdf || !canvas.current || !textLayer.current) return;
    let cancelled = false;
    let renderTask: { cancel(): void } | undefined;
    let layer: TextLayer | undefined;
    const draw = async () => {
      const pdfPage = await pdf.getPage(Math.min(Math.max(page, 1), pdf.numPages));
      if (cancelled || !canvas.current || !textLayer.current) return;
      const width = Math.min(container.current?.clientWidth || 600, 900);
      const viewport = pdfPage.getViewport({ scale: width / pdfPage.getViewport({ scale: 1 }).width });
      const ratio = window.devicePixelRatio || 1;
      const element = canvas.current;
      element.width = Math.floor(viewport.width * ratio);
      element.height = Math.floor(viewport.height * ratio);
      element.style.width = `${viewport.width}px`;
      element.style.height = `${viewport.height}px`;
      const render = pdfPage.render({
        canvas: element,
        viewport,
        ...(ratio !== 1 ? { transform: [ratio, 0, 0, ratio, 0, 0] } : {}),
      });
      renderTask = render;
      const holder = textLayer.current;
      holder.replaceChildren();
      holder.style.setProperty("--total-scale-factor", String(viewport.scale));
      layer = new TextLayer({ textContentSource: pdfPage.streamTextContent(), container: holder, viewport });
      await Promise.all([render.promise, layer.render()]);
      if (cancelled) return;
      if (page === (target.location.page ?? 1)) {
        const runs = quotedRuns(layer.textContentItemsStr, target.quote);
        let first: HTMLElement | undefined;
        for (const index of runs) {
          const div = layer.textDivs[index];
          if (!div) continue;
          div.dataset.highlight = "true";
          first ??= div;
        }
        first?.scrollIntoView?.({ block: "center" });
      }
    };
    draw().catch((failure: unknown) => {
      if (!cancelled && (failure as Error).name !== "RenderingCancelledException") setError(failure);
    });
    return () => {
      cancelled = true;
      renderTask?.cancel();
      layer?.cancel();
    };
  }, [pdf, page, target.quote, target.location.page]);

  if (error) return <ErrorAlert error={error} title="The PDF could not be shown" />;
  return (
    <div className="pdf-source" ref={container}>
      <div className="pdf-toolbar">
        <button type="button" disabled={!pdf || page <= 1} onClick={() => setPage((current) => current - 1)}>
          Previous page
        </button>
        <span aria-live="polite">{pdf ? `Page ${page} of ${pdf.numPages}` : "Loading the PDF…"}</span>
        <button
          type="button"
          disabled={!pdf || page >= pdf.numPages}
          onClick={() => setPage((current) => current + 1)}
        >
          Next page
        </button>
      </div>
      <div className="pdf-page" data-page={page}>
        <canvas ref={canvas} aria-label={`Page ${page} of the PDF`} role="img" />
        <div className="textLayer" ref={textLayer} />
      </div>
    </div>
  );
}
