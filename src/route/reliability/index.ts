// Reliability primitives the router composes: retries, a circuit breaker per provider, hedging.
export {
  type BreakerState,
  type BreakerStats,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitBreakers,
  createCircuitBreakers,
  providerKey,
} from "./circuit-breaker.js";
export {
  type HedgeAttempt,
  type HedgeAttemptContext,
  type HedgeAttemptReport,
  type Hedged,
  type HedgeOptions,
  type HedgeTimers,
  hedged,
} from "./hedge.js";
export {
  isNetworkFailure,
  isRetryable,
  isRetryableStatus,
  type RetryAfterOptions,
  retryAfterFromHeaders,
  retryAfterOf,
  statusOf,
} from "./provider-failure.js";
export {
  type AttemptContext,
  backoffDelay,
  type Retried,
  type RetryOptions,
  sleep,
  withRetries,
} from "./retry.js";
