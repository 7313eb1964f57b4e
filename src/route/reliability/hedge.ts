// Hedged requests: when a model has not started answering within `hedgeAfterMs`, start the next one
// too, keep the first good answer and cancel the rest. Trades a little extra spend for a bounded wait
// on a provider that is stuck in a queue.
//
// Rules. Attempt 0 starts at once. While no running attempt has streamed a token, every
// `hedgeAfterMs` after the latest start the next attempt starts as well. When the newest attempt
// fails (or answers unacceptably), or the last running one does, the next starts at once. The first
// attempt to complete with an acceptable result wins; the others are aborted through their signals
// and whatever they settle with later is ignored (never an unhandled rejection). When every attempt
// has failed, hedging rejects with an error listing each failure.
import { type ErrorCode, isVerityError, VerityError } from "../../core/errors.js";

export interface HedgeAttemptContext {
  /** Position in the attempts list. */
  index: number;
  /** Aborted when another attempt wins or the caller aborts: pass it to the request. */
  signal: AbortSignal;
  /** Call when the first token arrives: this attempt is alive, no need to hedge it. Idempotent. */
  onFirstToken(): void;
}

export type HedgeAttempt<T> = (context: HedgeAttemptContext) => Promise<T>;

export interface HedgeTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface HedgeOptions<T> {
  /** How long an attempt may go without a first token before the next one starts; Infinity never hedges. */
  hedgeAfterMs: number;
  /** Whether a completed attempt's result may win (say, a grounded answer); default every result. */
  isAcceptable?: (value: T, index: number) => boolean;
  /** Aborting it cancels every attempt and rejects with its reason. */
  signal?: AbortSignal;
  /** Milliseconds on any monotonic scale, for the report; default performance.now. */
  now?: () => number;
  /** Default the global setTimeout and clearTimeout. */
  timers?: HedgeTimers;
}

export interface HedgeAttemptReport {
  index: number;
  outcome: "won" | "failed" | "unacceptable" | "cancelled" | "not-started";
  /** Why it started: the first attempt, a hedge (no first token in time), or a fallback (one failed). */
  reason?: "first" | "hedge" | "fallback";
  /** Milliseconds since hedging began. */
  startedMs?: number;
  firstTokenMs?: number;
  endedMs?: number;
  /** What a failed attempt threw. */
  error?: unknown;
}

export interface Hedged<T> {
  value: T;
  /** Index of the attempt whose result is `value`. */
  winner: number;
  totalMs: number;
  attempts: HedgeAttemptReport[];
}

const globalTimers: HedgeTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function hedged<T>(
  attempts: readonly HedgeAttempt<T>[],
  options: HedgeOptions<T>,
): Promise<Hedged<T>> {
  if (attempts.length === 0) {
    return Promise.reject(new VerityError("E_INVALID_INPUT", "hedged() needs at least one attempt"));
  }
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const now = options.now ?? (() => performance.now());
  const timers = options.timers ?? globalTimers;
  const accept = options.isAcceptable ?? (() => true);
  const began = now();
  const since = () => now() - began;
  const reports: HedgeAttemptReport[] = attempts.map((_, index) => ({ index, outcome: "not-started" }));
  const controllers: AbortController[] = [];
  const running = new Set<number>();
  let next = 0;
  let timer: unknown;
  let settled = false;

  return new Promise<Hedged<T>>((resolve, reject) => {
    const streaming = () => [...running].some((index) => reports[index]?.firstTokenMs !== undefined);
    const disarm = () => {
      if (timer !== undefined) timers.clearTimeout(timer);
      timer = undefined;
    };
    const arm = () => {
      disarm();
      if (next >= attempts.length || !Number.isFinite(options.hedgeAfterMs)) return;
      timer = timers.setTimeout(
        () => {
          timer = undefined;
          if (!settled && !streaming()) start("hedge");
        },
        Math.max(0, options.hedgeAfterMs),
      );
    };
    const finish = (winner: number | undefined) => {
      settled = true;
      disarm();
      signal?.removeEventListener("abort", onCallerAbort);
      for (const index of running) {
        const report = reports[index] as HedgeAttemptReport;
        report.outcome = "cancelled";
        report.endedMs = since();
        controllers[index]?.abort(
          winner === undefined
            ? signal?.reason
            : new DOMException(`hedged attempt ${winner} answered first`, "AbortError"),
        );
      }
      running.clear();
    };
    const onCallerAbort = () => {
      if (settled) return;
      finish(undefined);
      reject(signal?.reason);
    };
    const settle = (index: number, outcome: { value: T } | { error: unknown }) => {
      if (settled || !running.has(index)) return;
      running.delete(index);
      const report = reports[index] as HedgeAttemptReport;
      report.endedMs = since();
      if ("value" in outcome) {
        let acceptable: boolean;
        try {
          acceptable = accept(outcome.value, index);
        } catch (error) {
          return fail(index, report, "failed", error);
        }
        if (acceptable) {
          report.outcome = "won";
          finish(index);
          resolve({ value: outcome.value, winner: index, totalMs: since(), attempts: reports });
          return;
        }
        return fail(index, report, "unacceptable", undefined);
      }
      return fail(index, report, "failed", outcome.error);
    };
    const fail = (
      index: number,
      report: HedgeAttemptReport,
      outcome: "failed" | "unacceptable",
      error: unknown,
    ) => {
      report.outcome = outcome;
      if (outcome === "failed") report.error = error;
      const newest = index === next - 1;
      if (next < attempts.length && (running.size === 0 || (newest && !streaming()))) {
        start("fallback");
      } else if (running.size === 0) {
        finish(undefined);
        reject(allFailed(reports));
      } else if (timer === undefined && !streaming()) {
        arm();
      }
    };
    const start = (reason: "first" | "hedge" | "fallback") => {
      const index = next++;
      const controller = new AbortController();
      controllers[index] = controller;
      running.add(index);
      const report = reports[index] as HedgeAttemptReport;
      report.reason = reason;
      report.startedMs = since();
      const context: HedgeAttemptContext = {
        index,
        signal: controller.signal,
        onFirstToken() {
          if (settled || !running.has(index) || report.firstTokenMs !== undefined) return;
          report.firstTokenMs = since();
          disarm();
        },
      };
      let promise: Promise<T>;
      try {
        promise = (attempts[index] as HedgeAttempt<T>)(context);
      } catch (error) {
        promise = Promise.reject(error);
      }
      // Both handlers attached at once: a loser's late rejection is always handled.
      promise.then(
        (value) => settle(index, { value }),
        (error: unknown) => settle(index, { error }),
      );
      if (!settled && !streaming()) arm();
    };

    signal?.addEventListener("abort", onCallerAbort, { once: true });
    start("first");
  });
}

function allFailed(reports: readonly HedgeAttemptReport[]): VerityError {
  const tried = reports.filter((report) => report.outcome !== "not-started");
  const lines = tried.map((report) => {
    const what =
      report.outcome === "unacceptable"
        ? "its result was not acceptable"
        : report.error instanceof Error
          ? report.error.message
          : String(report.error);
    return `#${report.index} (${report.reason}, ${Math.round(report.endedMs ?? 0)} ms): ${what}`;
  });
  const last = tried.at(-1)?.error;
  const code: ErrorCode = isVerityError(last) ? last.code : "E_PROVIDER_RESPONSE";
  const errors = tried.map((report) =>
    report.outcome === "unacceptable"
      ? new Error(`attempt ${report.index}: result not acceptable`)
      : report.error,
  );
  return new VerityError(code, `all ${tried.length} hedged attempts failed: ${lines.join("; ")}`, {
    cause: new AggregateError(errors, "hedged attempts"),
  });
}
