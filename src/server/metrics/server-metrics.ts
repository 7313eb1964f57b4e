// Prometheus metrics of one server (its own registry, no global state): requests and latency by route
// and status, answers by outcome, model calls, tokens and cost from each answer's trace, and ingestion
// progress. Routes and plugins report through these functions; /metrics renders the registry.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Answer } from "../../core/answer.js";
import type { ModelCallRecord } from "../../core/ledger.js";

export interface ServerMetrics {
  readonly registry: Registry;
  observeRequest(request: { method: string; route: string; status: number; seconds: number }): void;
  /** An answer given (answered or abstained), with the model calls in its trace. */
  observeAnswer(answer: Answer): void;
  /** A question that failed with an error code instead of an answer. */
  observeAskFailure(code: string): void;
  /** One file of an ingestion job finished, with its status (added, unchanged, failed…) and size. */
  observeIngestedFile(status: string, bytes: number): void;
  /** Ingestion jobs running now. */
  setRunningJobs(count: number): void;
  render(): Promise<string>;
  readonly contentType: string;
}

export function createServerMetrics(): ServerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "verity_http_requests_total",
    help: "HTTP requests by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "verity_http_request_duration_seconds",
    help: "HTTP request latency by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const answers = new Counter({
    name: "verity_answers_total",
    help: "Questions by outcome: answered, abstained (with the reason), or failed (with the error code)",
    labelNames: ["outcome", "reason"] as const,
    registers: [registry],
  });
  const modelCalls = new Counter({
    name: "verity_model_calls_total",
    help: "Model calls made for answers, by model and outcome (grounded, ungrounded, failed…)",
    labelNames: ["model", "outcome"] as const,
    registers: [registry],
  });
  const modelTokens = new Counter({
    name: "verity_model_tokens_total",
    help: "Tokens sent to (input) and received from (output) each model",
    labelNames: ["model", "direction"] as const,
    registers: [registry],
  });
  const modelCost = new Counter({
    name: "verity_model_cost_usd_total",
    help: "What model calls cost, in US dollars, by model",
    labelNames: ["model"] as const,
    registers: [registry],
  });
  const ingestedFiles = new Counter({
    name: "verity_ingested_files_total",
    help: "Files processed by ingestion jobs, by status",
    labelNames: ["status"] as const,
    registers: [registry],
  });
  const ingestedBytes = new Counter({
    name: "verity_ingested_bytes_total",
    help: "Bytes of files processed by ingestion jobs",
    registers: [registry],
  });
  const runningJobs = new Gauge({
    name: "verity_jobs_running",
    help: "Ingestion and reindex jobs running in this server",
    registers: [registry],
  });

  return {
    registry,
    contentType: registry.contentType,
    observeRequest({ method, route, status, seconds }) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      latency.observe(labels, seconds);
    },
    observeAnswer(answer) {
      answers.inc({ outcome: answer.status, reason: answer.abstention?.reason ?? "" });
      const route = answer.trace.route as { calls?: ModelCallRecord[] } | undefined;
      for (const call of route?.calls ?? []) {
        modelCalls.inc({ model: call.model, outcome: call.outcome });
        if (call.inputTokens) modelTokens.inc({ model: call.model, direction: "input" }, call.inputTokens);
        if (call.outputTokens) modelTokens.inc({ model: call.model, direction: "output" }, call.outputTokens);
        if (call.costUsd > 0) modelCost.inc({ model: call.model }, call.costUsd);
      }
    },
    observeAskFailure(code) {
      answers.inc({ outcome: "failed", reason: code });
    },
    observeIngestedFile(status, bytes) {
      ingestedFiles.inc({ status });
      ingestedBytes.inc(bytes);
    },
    setRunningJobs(count) {
      runningJobs.set(count);
    },
    render: () => registry.metrics(),
  };
}
