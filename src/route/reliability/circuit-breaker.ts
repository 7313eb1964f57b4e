// A circuit breaker per provider endpoint: after repeated failures calls to it fail fast for a
// cooldown, then one probe decides whether it is back. Saves every request waiting out the same
// timeout on a provider that is down, and gives the provider room to recover.
//
// Policy: the breaker opens after `failureThreshold` failures with no success between them, all
// within `windowMs` of each other (older failures are forgotten, so rare errors spread over hours
// never add up). Open, it turns calls away for `cooldownMs`; then it is half-open and lets
// `halfOpenProbes` calls through at once. A probe's success closes it; a failure reopens it for
// another cooldown. A probe that never reports back frees its slot after `cooldownMs`.
import { VerityError } from "../../core/errors.js";
import type { ModelEntry } from "../../models/catalogue.js";
import { isRetryable } from "./provider-failure.js";

export type BreakerState = "closed" | "open" | "half-open";

export interface CircuitBreakerOptions {
  /** Failures in a row (within `windowMs`) that open the breaker. Default 5. */
  failureThreshold?: number;
  /** Failures further apart than this do not count together. Default 60 000. */
  windowMs?: number;
  /** How long an open breaker turns calls away before probing. Default 30 000. */
  cooldownMs?: number;
  /** Calls let through at once while half-open. Default 1. */
  halfOpenProbes?: number;
  /** Wall clock, ms since the epoch (errors show it as a date); default Date.now. */
  now?: () => number;
}

export interface BreakerStats {
  key: string;
  state: BreakerState;
  /** Failures counting towards opening (closed) or that opened it (open, half-open). */
  recentFailures: number;
  successes: number;
  failures: number;
  /** Calls turned away while open or while the probe slots were taken. */
  rejected: number;
  timesOpened: number;
  /** When it last opened, ms since the epoch. */
  openedAt?: number;
  /** When an open breaker lets a probe through. */
  retryAt?: number;
  lastFailure?: string;
}

export interface CircuitBreaker {
  readonly key: string;
  state(): BreakerState;
  /** Whether a call may go now; while half-open a true answer takes a probe slot, so make the call. */
  canPass(): boolean;
  /** The provider answered (a 4xx the caller caused counts as an answer). */
  success(): void;
  /** The provider failed; `error` is kept for the unavailable message. */
  failure(error?: unknown): void;
  /** The call was cancelled before the provider could show anything: frees its probe slot, nothing else. */
  release(): void;
  /** The E_PROVIDER_UNAVAILABLE error for a call turned away now. */
  unavailableError(): VerityError;
  /**
   * `call` if the breaker lets it pass, recording its outcome; otherwise an E_PROVIDER_UNAVAILABLE
   * rejection without calling. Errors for which `isFailure` is false (default: not `isRetryable`,
   * so a 400) count as a success: the provider is up, the request was wrong. A call that fails
   * after `signal` aborted, or with an AbortError, was cancelled and counts as neither.
   */
  run<T>(
    call: () => Promise<T>,
    options?: { isFailure?: (error: unknown) => boolean; signal?: AbortSignal },
  ): Promise<T>;
  stats(): BreakerStats;
}

export interface CircuitBreakers {
  /** The breaker for a provider key, created closed on first use. */
  for(key: string): CircuitBreaker;
  /** Every breaker's state and counts, e.g. for `verity stats` or a health endpoint. */
  snapshot(): BreakerStats[];
}

/** The breaker key of a catalogue model: one per provider endpoint, shared by its models. */
export function providerKey(model: Pick<ModelEntry, "provider" | "baseUrl">): string {
  return `${model.provider}:${model.baseUrl ?? "default"}`;
}

const isAbort = (error: unknown) => error instanceof Error && error.name === "AbortError";

const describeFailure = (error: unknown) =>
  error instanceof Error ? error.message.slice(0, 200) : error === undefined ? undefined : String(error);

function createCircuitBreaker(key: string, options: Required<CircuitBreakerOptions>): CircuitBreaker {
  const { failureThreshold, windowMs, cooldownMs, halfOpenProbes, now } = options;
  let phase: BreakerState = "closed";
  let recent: number[] = [];
  let openedAt: number | undefined;
  let probes: number[] = [];
  let lastFailure: string | undefined;
  const counts = { successes: 0, failures: 0, rejected: 0, timesOpened: 0 };

  // Open becomes half-open lazily, when someone looks after the cooldown.
  const refresh = (time: number) => {
    if (phase === "open" && openedAt !== undefined && time >= openedAt + cooldownMs) {
      phase = "half-open";
      probes = [];
    }
    if (phase === "half-open") probes = probes.filter((started) => time - started < cooldownMs);
  };
  const open = (time: number) => {
    phase = "open";
    openedAt = time;
    probes = [];
    counts.timesOpened++;
  };

  const breaker: CircuitBreaker = {
    key,
    state() {
      refresh(now());
      return phase;
    },
    canPass() {
      const time = now();
      refresh(time);
      if (phase === "closed") return true;
      if (phase === "half-open" && probes.length < halfOpenProbes) {
        probes.push(time);
        return true;
      }
      counts.rejected++;
      return false;
    },
    success() {
      refresh(now());
      counts.successes++;
      if (phase === "open") return;
      phase = "closed";
      recent = [];
      probes = [];
    },
    failure(error) {
      const time = now();
      refresh(time);
      counts.failures++;
      lastFailure = describeFailure(error) ?? lastFailure;
      if (phase === "open") return;
      if (phase === "half-open") {
        recent = [...recent, time];
        return open(time);
      }
      recent = [...recent.filter((at) => time - at < windowMs), time];
      if (recent.length >= failureThreshold) open(time);
    },
    release() {
      probes = probes.slice(1);
    },
    unavailableError() {
      const time = now();
      refresh(time);
      const since = openedAt === undefined ? "" : ` since ${new Date(openedAt).toISOString()}`;
      const why = `after ${recent.length} failure${recent.length === 1 ? "" : "s"} in a row${lastFailure ? ` (last: ${lastFailure})` : ""}`;
      const when =
        phase === "half-open"
          ? "a probe call is checking whether it is back; try again when it reports"
          : `it will be tried again at ${new Date((openedAt ?? time) + cooldownMs).toISOString()}`;
      return new VerityError(
        "E_PROVIDER_UNAVAILABLE",
        `provider ${key} is skipped${since} ${why}; ${when}. Fall back to another model meanwhile, or check that the endpoint is up.`,
      );
    },
    async run(call, runOptions = {}) {
      if (!breaker.canPass()) throw breaker.unavailableError();
      const isFailure = runOptions.isFailure ?? isRetryable;
      try {
        const value = await call();
        breaker.success();
        return value;
      } catch (error) {
        if (runOptions.signal?.aborted || isAbort(error)) breaker.release();
        else if (isFailure(error)) breaker.failure(error);
        else breaker.success();
        throw error;
      }
    },
    stats() {
      const time = now();
      refresh(time);
      const opened = phase !== "closed" && openedAt !== undefined;
      return {
        key,
        state: phase,
        recentFailures: recent.length,
        ...counts,
        ...(opened ? { openedAt, retryAt: (openedAt as number) + cooldownMs } : {}),
        ...(lastFailure !== undefined ? { lastFailure } : {}),
      };
    },
  };
  return breaker;
}

/** One breaker per provider key, all with the same settings and clock. */
export function createCircuitBreakers(options: CircuitBreakerOptions = {}): CircuitBreakers {
  const settings: Required<CircuitBreakerOptions> = {
    failureThreshold: Math.max(1, options.failureThreshold ?? 5),
    windowMs: options.windowMs ?? 60_000,
    cooldownMs: options.cooldownMs ?? 30_000,
    halfOpenProbes: Math.max(1, options.halfOpenProbes ?? 1),
    now: options.now ?? Date.now,
  };
  const breakers = new Map<string, CircuitBreaker>();
  return {
    for(key) {
      let breaker = breakers.get(key);
      if (!breaker) {
        breaker = createCircuitBreaker(key, settings);
        breakers.set(key, breaker);
      }
      return breaker;
    },
    snapshot: () => [...breakers.values()].map((breaker) => breaker.stats()),
  };
}
