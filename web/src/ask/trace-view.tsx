// The trace of one answer in words: route, models tried with tokens, cost and latency, each
// sentence's verification verdict, and why the route escalated.
import type { Answer } from "../api/types";

interface RouteTrace {
  policy?: string;
  chain?: string[];
  reason?: string;
  escalations?: string[];
  calls?: {
    model: string;
    outcome: string;
    inputTokens?: number;
    outputTokens?: number;
    costUsd: number;
    latencyMs: number;
  }[];
}

export const money = (usd: number) => `$${usd < 0.01 && usd > 0 ? usd.toFixed(5) : usd.toFixed(4)}`;
export const millis = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

export function TraceView({ answer }: { answer: Answer }) {
  const { trace } = answer;
  const route = (trace.route ?? {}) as RouteTrace;
  const fallback = (trace.fallback ?? undefined) as { reason?: string } | undefined;
  const cost = typeof trace.costUsd === "number" ? trace.costUsd : 0;
  const warnings = Array.isArray(trace.warnings) ? (trace.warnings as unknown[]).map(String) : [];
  return (
    <section aria-label="Trace" className="trace">
      <h3>Trace</h3>
      <dl>
        <dt>Answerer</dt>
        <dd>{trace.answerer}</dd>
        <dt>Route</dt>
        <dd>
          {route.policy
            ? `${route.policy}: ${route.chain?.join(" → ") || "no model"}`
            : "no model route (extractive)"}
          {route.reason ? ` (${route.reason})` : ""}
        </dd>
        <dt>Latency</dt>
        <dd>
          {millis(trace.totalMs)} in all, retrieval {millis(trace.retrievalMs)}
        </dd>
        <dt>Cost</dt>
        <dd>{money(cost)}</dd>
        <dt>Escalation</dt>
        <dd>
          {route.escalations && route.escalations.length > 0 ? route.escalations.join("; ") : "none"}
          {fallback?.reason ? `; fell back: ${fallback.reason}` : ""}
        </dd>
      </dl>
      {route.calls && route.calls.length > 0 ? (
        <table>
          <caption>Models tried</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Outcome</th>
              <th scope="col">Tokens in/out</th>
              <th scope="col">Cost</th>
              <th scope="col">Latency</th>
            </tr>
          </thead>
          <tbody>
            {route.calls.map((call, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: calls have no id; their order is fixed
              <tr key={index}>
                <td>{call.model}</td>
                <td>{call.outcome}</td>
                <td>
                  {call.inputTokens ?? "–"}/{call.outputTokens ?? "–"}
                </td>
                <td>{money(call.costUsd)}</td>
                <td>{millis(call.latencyMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {answer.sentences.length > 0 ? (
        <table>
          <caption>Verification per sentence</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Verdict</th>
              <th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {answer.sentences.map((sentence, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: sentences are in answer order
              <tr key={index}>
                <td>{index + 1}</td>
                <td>{sentence.verification?.verdict ?? "quoted from the source"}</td>
                <td>{sentence.verification?.reasons.join("; ") ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {warnings.length > 0 ? (
        <ul aria-label="Warnings">
          {warnings.map((warning) => (
            <li key={warning}>{warning}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
