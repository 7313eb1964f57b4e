// Routing quality against cost as the RouteLLM paper (Ong et al., 2024) defines it. A router ranks
// prompts by how much they need the strong model; sending the top share of them there gives a
// quality-versus-cost curve. PGR (performance gap recovered) at a cost is (router − weak) / (strong −
// weak); APGR is the area under PGR against the share of strong calls; CPT(x%) (call-performance
// threshold) is the smallest share of strong calls whose PGR reaches x%.

export interface RoutedOutcome {
  weakCorrect: boolean;
  strongCorrect: boolean;
}

export interface QualityCostCurve {
  prompts: number;
  weakAccuracy: number;
  strongAccuracy: number;
  /** `accuracies[k]`: accuracy when k prompts (k = 0…prompts) go to the strong model. */
  accuracies: number[];
}

/**
 * The curve of a router that sends the prompts with the highest `escalation` scores to the strong
 * model first. Prompts with equal scores share the calls evenly (the expected value of breaking the
 * tie at random), so a router that scores every prompt alike is exactly the random router.
 */
export function qualityCostCurve(
  outcomes: readonly RoutedOutcome[],
  escalation: readonly number[],
): QualityCostCurve {
  if (outcomes.length !== escalation.length) {
    throw new Error(`${outcomes.length} outcomes but ${escalation.length} escalation scores`);
  }
  const prompts = outcomes.length;
  if (prompts === 0) throw new Error("no outcomes: a curve needs at least one prompt");
  const gain = outcomes.map((outcome) => Number(outcome.strongCorrect) - Number(outcome.weakCorrect));
  const order = outcomes
    .map((_, index) => index)
    .sort((a, b) => (escalation[b] as number) - (escalation[a] as number));
  const weakCorrect = outcomes.filter((outcome) => outcome.weakCorrect).length;
  const strongCorrect = outcomes.filter((outcome) => outcome.strongCorrect).length;
  const accuracies = [weakCorrect / prompts];
  for (let start = 0; start < prompts; ) {
    let end = start;
    let groupGain = 0;
    const score = escalation[order[start] as number];
    while (end < prompts && escalation[order[end] as number] === score) {
      groupGain += gain[order[end] as number] as number;
      end++;
    }
    const before = accuracies[start] as number;
    const size = end - start;
    for (let taken = 1; taken <= size; taken++)
      accuracies.push(before + (taken / size) * (groupGain / prompts));
    start = end;
  }
  return {
    prompts,
    weakAccuracy: weakCorrect / prompts,
    strongAccuracy: strongCorrect / prompts,
    accuracies,
  };
}

/**
 * The scores of a router that defers some prompts (to the cascade, in Verity) instead of scoring
 * them: a deferred prompt carries no information from the router, so each gets `tied[i]` (the same
 * for every prompt of one fitted router), and the tie rule above orders them at random among
 * themselves.
 */
export function withDeferral(
  escalation: readonly number[],
  deferred: readonly boolean[],
  tied: number | readonly number[],
): number[] {
  if (escalation.length !== deferred.length) {
    throw new Error(`${escalation.length} escalation scores but ${deferred.length} deferral flags`);
  }
  return escalation.map((score, index) =>
    deferred[index] ? (typeof tied === "number" ? tied : (tied[index] as number)) : score,
  );
}

/** A router that knows the outcomes: escalates only prompts the strong model gets right and the weak one wrong. */
export function oracleEscalation(outcomes: readonly RoutedOutcome[]): number[] {
  return outcomes.map((outcome) => Number(outcome.strongCorrect) - Number(outcome.weakCorrect));
}

/** Accuracy at a share (0–1) of strong calls; between whole prompts the last one is split. */
export function accuracyAt(curve: QualityCostCurve, share: number): number {
  const position = Math.min(Math.max(share, 0), 1) * curve.prompts;
  const low = Math.floor(position);
  const high = Math.min(low + 1, curve.prompts);
  const lowAccuracy = curve.accuracies[low] as number;
  return lowAccuracy + ((curve.accuracies[high] as number) - lowAccuracy) * (position - low);
}

/** PGR of an accuracy: the share of the weak-to-strong gap it closes (NaN when the models tie). */
export function performanceGapRecovered(curve: QualityCostCurve, accuracy: number): number {
  const gap = curve.strongAccuracy - curve.weakAccuracy;
  return gap === 0 ? Number.NaN : (accuracy - curve.weakAccuracy) / gap;
}

/**
 * APGR: PGR averaged over strong-call shares from 0 to 1, by the trapezoid rule. With `intervals` it
 * samples that many equal steps (RouteLLM's code uses 10, the deciles); without, every whole number
 * of strong calls, which is the exact area under the piecewise-linear curve.
 */
export function averagePerformanceGapRecovered(curve: QualityCostCurve, intervals?: number): number {
  const steps = intervals ?? curve.prompts;
  let area = 0;
  let previous = performanceGapRecovered(curve, accuracyAt(curve, 0));
  for (let step = 1; step <= steps; step++) {
    const current = performanceGapRecovered(curve, accuracyAt(curve, step / steps));
    area += (previous + current) / 2;
    previous = current;
  }
  return area / steps;
}

/** CPT(target): the smallest share (0–1) of strong calls whose PGR reaches `target` (0.5 for CPT(50%)). */
export function callPerformanceThreshold(curve: QualityCostCurve, target: number): number {
  const pgr = (calls: number) => performanceGapRecovered(curve, curve.accuracies[calls] as number);
  let previous = pgr(0);
  if (previous >= target) return 0;
  for (let calls = 1; calls <= curve.prompts; calls++) {
    const current = pgr(calls);
    if (current >= target - 1e-12) {
      const fraction = current === previous ? 1 : (target - previous) / (current - previous);
      return (calls - 1 + Math.min(Math.max(fraction, 0), 1)) / curve.prompts;
    }
    previous = current;
  }
  return Number.NaN;
}

/** Spend relative to sending every prompt to the strong model, when a call costs in proportion to its price per token. */
export function costRelativeToStrong(share: number, priceWeak: number, priceStrong: number): number {
  return share + (1 - share) * (priceWeak / priceStrong);
}
