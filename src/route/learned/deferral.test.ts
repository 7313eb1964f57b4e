// The learned policy defers a question unlike its training data to the cascade: the same chain the
// cascade would try, and a route reason that says why, with the familiarity and its threshold.
import { describe, expect, it } from "vitest";
import type { Ledger } from "../../core/ledger.js";
import { type ModelEntry, parseModelCatalogue } from "../../models/catalogue.js";
import { planRoute } from "../plan.js";
import { createRouting } from "../routing.js";
import { parseRoutingSettings, type RouteSettings, routeFor } from "../settings.js";
import type { LearnedAssessment, WeakModelSuccess } from "./learned-router.js";

const model = (id: string, tier: "small" | "large", price: number) => ({
  id,
  provider: "openai-compatible",
  model: id,
  // Nothing listens on the discard port: a call fails at once, and the answer is extractive.
  baseUrl: "http://127.0.0.1:9/v1",
  price: { input: price, output: price },
  contextWindow: 8192,
  tier,
  local: true,
  maxRetries: 0,
});
const catalogue = parseModelCatalogue({
  models: [model("strong", "large", 10), model("cheap", "small", 0)],
  routing: { policy: "learned" },
});
const learned: RouteSettings = routeFor(parseRoutingSettings(catalogue), "any");
const request = { question: "How much is the Team plan?", contextTokens: 100 };
const ids = (models: readonly ModelEntry[]) => models.map((entry) => entry.id);

/** An estimate as the learned router hands it to plans: a probability, and `assess` for the rest. */
function estimate(assessment: LearnedAssessment): WeakModelSuccess {
  return Object.assign(() => assessment.weakSuccess, { assess: () => assessment });
}
const unfamiliar = estimate({
  weakSuccess: 0.2,
  familiarity: { value: 0.03, threshold: 0.1, knownWords: 0.5, outside: ["options", "logLines"] },
});
const familiar = estimate({
  weakSuccess: 0.2,
  familiarity: { value: 0.8, threshold: 0.1, knownWords: 0.8, outside: [] },
});

describe("deferral in the learned route plan", () => {
  it("sends a question unlike the training data to the cascade, whatever its estimated chance", () => {
    const cascade = planRoute(request, { ...learned, policy: "cascade" }, catalogue.models);
    const deferred = planRoute(request, learned, catalogue.models, { weakModelSuccess: unfamiliar });
    expect(ids(deferred.chain)).toEqual(ids(cascade.chain));
    expect(ids(deferred.chain)).toEqual(["cheap", "strong"]);
    expect(deferred.escalates).toBe(true);
    expect(deferred.reason).toBe(
      "learned: deferred to the cascade, the question is unlike the router's training data (familiarity 0.03 < 0.10: 50% of its words known, 2 of its features outside the range the training prompts spanned); cheapest first (cheap → strong)",
    );
  });

  it("routes a familiar question by its chance, and shows its familiarity", () => {
    const plan = planRoute(request, learned, catalogue.models, { weakModelSuccess: familiar });
    expect(ids(plan.chain)).toEqual(["strong", "cheap"]);
    expect(plan.reason).toBe(
      "learned: start with the strongest model (cheapest model's chance 0.20 < 0.5; familiarity 0.80)",
    );
  });

  it("takes learned.minFamiliarity over the fitted threshold; 0 never defers", () => {
    const stricter = { ...learned, learned: { ...learned.learned, minFamiliarity: 0.9 } };
    expect(planRoute(request, stricter, catalogue.models, { weakModelSuccess: familiar }).reason).toContain(
      "familiarity 0.80 < 0.90",
    );
    const never = { ...learned, learned: { ...learned.learned, minFamiliarity: 0 } };
    expect(ids(planRoute(request, never, catalogue.models, { weakModelSuccess: unfamiliar }).chain)).toEqual([
      "strong",
      "cheap",
    ]);
  });

  it("never defers on an estimate that cannot say how familiar a question is", () => {
    const plain = planRoute(request, learned, catalogue.models, { weakModelSuccess: () => 0.9 });
    expect(plain.reason).toBe("learned: the cheapest model is likely enough to answer (0.90 ≥ 0.5)");
    const older = planRoute(request, learned, catalogue.models, {
      weakModelSuccess: estimate({ weakSuccess: 0.9, familiarity: undefined }),
    });
    expect(older.reason).toContain("familiarity not checked: these weights predate it, refit them");
  });
});

describe("deferral in the route trace", () => {
  it("records that the committed router deferred a support question to the cascade", async () => {
    const ledger = { recordAnswer: () => {}, spent: () => 0 } as unknown as Ledger;
    const routing = createRouting({ catalogue, ledger });
    const answer = await routing.answer({ question: request.question, passages: [], collection: "any" });
    answer.release();
    expect(answer.route.chain).toEqual(["cheap", "strong"]);
    expect(answer.route.reason).toMatch(
      /^learned: deferred to the cascade, the question is unlike the router's training data \(familiarity 0\.\d\d < 0\.\d\d: /u,
    );
  });
});
