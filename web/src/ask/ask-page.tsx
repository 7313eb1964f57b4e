// Ask: a question to a collection, answered as Server-Sent Events (each sentence shown once the
// server has verified it), with the source panel beside the conversation.
import { type FormEvent, lazy, Suspense, useEffect, useRef, useState } from "react";
import { apiEvents } from "../api/client";
import type { Answer, AnswerSentence } from "../api/types";
import { useCollections, useSelectedCollection } from "../ui/collections";
import { ErrorAlert } from "../ui/error-alert";
import { AnswerView, type Exchange, type SourceTarget } from "./answer-view";

const SourcePanel = lazy(() =>
  import("../source/source-panel").then((module) => ({ default: module.SourcePanel })),
);

let nextId = 1;

export function AskPage() {
  const { collections, error: collectionsError } = useCollections();
  const [collection, setCollection] = useSelectedCollection(collections);
  const [question, setQuestion] = useState("");
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [source, setSource] = useState<SourceTarget | null>(null);
  const running = useRef<AbortController | null>(null);
  const endRef = useRef<HTMLDivElement>(null);

  useEffect(() => () => running.current?.abort(), []);
  const latest = exchanges[exchanges.length - 1];
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll whenever the last answer grows
  useEffect(() => {
    endRef.current?.scrollIntoView?.({ block: "nearest" });
  }, [latest?.sentences.length, latest?.answer]);

  const update = (id: number, change: (exchange: Exchange) => Exchange) =>
    setExchanges((all) => all.map((exchange) => (exchange.id === id ? change(exchange) : exchange)));

  const ask = async (event?: FormEvent) => {
    event?.preventDefault();
    const asked = question.trim();
    if (!asked || !collection) return;
    running.current?.abort();
    const controller = new AbortController();
    running.current = controller;
    const id = nextId++;
    const history = exchanges
      .filter((exchange) => exchange.answer?.status === "answered" && exchange.collection === collection)
      .slice(-3)
      .flatMap((exchange) => [
        { role: "user" as const, content: exchange.question },
        {
          role: "assistant" as const,
          content: exchange.sentences.map((sentence) => sentence.text).join(" "),
        },
      ]);
    setExchanges((all) => [
      ...all,
      { id, question: asked, collection, sentences: [], answer: null, error: null, streaming: true },
    ]);
    setQuestion("");
    try {
      for await (const message of apiEvents("/api/v1/ask", {
        body: { question: asked, collection, stream: true, ...(history.length > 0 ? { history } : {}) },
        signal: controller.signal,
      })) {
        const data = JSON.parse(message.data) as unknown;
        if (message.event === "sentence") {
          const { sentence } = data as { index: number; sentence: AnswerSentence };
          update(id, (exchange) => ({ ...exchange, sentences: [...exchange.sentences, sentence] }));
        } else if (message.event === "done") {
          const answer = data as Answer;
          update(id, (exchange) => ({ ...exchange, answer, sentences: answer.sentences, streaming: false }));
        } else if (message.event === "error") {
          const body = data as { error?: { message?: string } };
          throw new Error(body.error?.message ?? "the answer failed part-way");
        }
      }
      update(id, (exchange) =>
        exchange.streaming
          ? { ...exchange, streaming: false, error: new Error("the answer stream ended before it finished") }
          : exchange,
      );
    } catch (error) {
      if ((error as Error).name === "AbortError") {
        update(id, (exchange) => ({ ...exchange, streaming: false }));
        return;
      }
      update(id, (exchange) => ({ ...exchange, streaming: false, error }));
    }
  };

  return (
    <div className={`ask-layout${source ? " with-source" : ""}`}>
      <section className="conversation" aria-labelledby="ask-title">
        <h1 id="ask-title">Ask</h1>
        <ErrorAlert error={collectionsError} title="Collections could not be listed" />
        <form className="ask-form" onSubmit={ask}>
          <div className="field">
            <label htmlFor="ask-collection">Collection</label>
            <select
              id="ask-collection"
              value={collection}
              onChange={(event) => setCollection(event.target.value)}
            >
              {collections?.length === 0 ? <option value="">No collection yet</option> : null}
              {collections?.map((entry) => (
                <option key={entry.name} value={entry.name}>
                  {entry.name} ({entry.documentCount})
                </option>
              ))}
            </select>
          </div>
          <div className="field grow">
            <label htmlFor="ask-question">Question</label>
            <input
              id="ask-question"
              type="text"
              value={question}
              autoComplete="off"
              onChange={(event) => setQuestion(event.target.value)}
              placeholder="Ask about your documents"
              maxLength={4000}
            />
          </div>
          <button type="submit" disabled={!collection || question.trim() === ""}>
            Ask
          </button>
        </form>
        {collections?.length === 0 ? (
          <p>
            No collection to ask yet. <a href="#/library">Upload documents in the Library</a>.
          </p>
        ) : null}
        <div className="exchanges">
          {exchanges.map((exchange) => (
            <AnswerView key={exchange.id} exchange={exchange} onOpen={setSource} />
          ))}
          <div ref={endRef} />
        </div>
      </section>
      {source ? (
        <Suspense fallback={<aside aria-label="Source">Loading…</aside>}>
          <SourcePanel target={source} onClose={() => setSource(null)} />
        </Suspense>
      ) : null}
    </div>
  );
}
