// One question and its answer as it streams: each verified sentence with its citation chips, or the
// abstention card with the reason and the closest sources; the trace and Markdown copy once done.
import { useState } from "react";
import type { Answer, AnswerSentence, Citation, Location } from "../api/types";
import { ErrorAlert } from "../ui/error-alert";
import { answerMarkdown, citationKey, numberCitations } from "./answer-markdown";
import { citationLabel } from "./citation-label";
import { TraceView } from "./trace-view";

/** What the source panel opens: a document, where in it, and the text to highlight. */
export interface SourceTarget {
  collection: string;
  documentId: string;
  source: string;
  location: Location;
  quote: string;
  label: string;
}

export interface Exchange {
  id: number;
  question: string;
  collection: string;
  sentences: AnswerSentence[];
  answer: Answer | null;
  error: unknown;
  streaming: boolean;
}

const reasons: Record<string, string> = {
  no_relevant_sources: "No source in this collection is about the question.",
  unsupported_by_sources: "The sources found do not back an answer.",
  conflicting_sources: "The sources disagree.",
  model_declined: "The model declined to answer from these sources.",
};

export function AnswerView({
  exchange,
  onOpen,
}: {
  exchange: Exchange;
  onOpen: (target: SourceTarget) => void;
}) {
  const [showTrace, setShowTrace] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const { numbers } = numberCitations(exchange.sentences);
  const abstention = exchange.answer?.abstention ?? null;
  const open = (citation: Citation, label: string) =>
    onOpen({
      collection: exchange.collection,
      documentId: citation.documentId,
      source: citation.source,
      location: citation.location,
      quote: citation.quote,
      label,
    });
  const copy = async () => {
    if (!exchange.answer) return;
    const text = answerMarkdown(exchange.answer);
    try {
      await navigator.clipboard.writeText(text);
      setCopied("Copied as Markdown.");
    } catch {
      setCopied("The browser refused the clipboard; select the answer and copy it instead.");
    }
  };
  return (
    <article aria-label="Answer" className="exchange" aria-busy={exchange.streaming}>
      <h2 className="question">
        <span className="visually-hidden">Question: </span>
        {exchange.question}
      </h2>
      {exchange.sentences.length > 0 ? (
        <p className="answer-text">
          {exchange.sentences.map((sentence, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: sentences arrive in order and never move
            <span key={index} className={`sentence verdict-${sentence.verification?.verdict ?? "quoted"}`}>
              {sentence.text}
              {sentence.citations.map((citation) => {
                const number = numbers.get(citationKey(citation)) ?? 0;
                const label = citationLabel(citation.source, citation.location);
                return (
                  <button
                    key={citationKey(citation)}
                    type="button"
                    className="chip"
                    aria-label={`Source ${number}: ${label}`}
                    title={label}
                    onClick={() => open(citation, label)}
                  >
                    {number}
                  </button>
                );
              })}{" "}
            </span>
          ))}
        </p>
      ) : null}
      {exchange.streaming ? (
        <p className="muted" aria-live="polite">
          {exchange.sentences.length === 0 ? "Searching and verifying…" : "Verifying the next sentence…"}
        </p>
      ) : null}
      {abstention ? (
        <section aria-label="I don't know" className="abstention">
          <h3>I don't know</h3>
          <p>
            {reasons[abstention.reason] ?? abstention.reason} {sentence(abstention.detail)}
          </p>
          {abstention.closestSources.length > 0 ? (
            <>
              <h4>Closest sources</h4>
              <ol>
                {abstention.closestSources.map((source, index) => {
                  const label = citationLabel(source.source, source.location);
                  return (
                    <li key={`${source.chunkId}-${source.location.charStart}`}>
                      <button
                        type="button"
                        className="link-button"
                        onClick={() =>
                          onOpen({
                            collection: exchange.collection,
                            documentId: source.documentId,
                            source: source.source,
                            location: source.location,
                            quote: source.snippet,
                            label,
                          })
                        }
                      >
                        Open source {index + 1}: {label}
                      </button>
                      <blockquote>{source.snippet}</blockquote>
                    </li>
                  );
                })}
              </ol>
            </>
          ) : (
            <p>Nothing in this collection came close.</p>
          )}
        </section>
      ) : null}
      <ErrorAlert error={exchange.error} title="The question was not answered" />
      {exchange.answer ? (
        <div className="answer-actions">
          <button type="button" aria-expanded={showTrace} onClick={() => setShowTrace((shown) => !shown)}>
            {showTrace ? "Hide trace" : "Show trace"}
          </button>
          <button type="button" onClick={copy}>
            Copy as Markdown
          </button>
          <span role="status">{copied}</span>
        </div>
      ) : null}
      {showTrace && exchange.answer ? <TraceView answer={exchange.answer} /> : null}
    </article>
  );
}

/** The engine's detail as a sentence of its own: a capital first letter and a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "") return "";
  const capitalised = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/u.test(capitalised) ? capitalised : `${capitalised}.`;
}
