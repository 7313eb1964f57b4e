import { describe, expect, it } from "vitest";
import type { AnswerRecord, Ledger } from "../core/ledger.js";
import { type ModelEntry, parseModelCatalogue } from "../models/catalogue.js";
import { createBudgetGuard, worstCaseCost } from "./budget.js";
import { planRoute, ruleMatches, taskOf } from "./plan.js";
import { parseRoutingSettings, routeFor } from "./settings.js";

const catalogue = parseModelCatalogue({
  models: [
    {
      id: "big",
      provider: "openai",
      model: "x",
      price: { input: 3, output: 15 },
      contextWindow: 100_000,
      tier: "large",
      local: false,
    },
    {
      id: "mid",
      provider: "openai",
      model: "y",
      price: { input: 0.15, output: 0.6 },
      contextWindow: 100_000,
      tier: "medium",
      local: false,
    },
    {
      id: "tiny",
      provider: "openai-compatible",
      model: "z",
      baseUrl: "http://127.0.0.1:1/v1",
      contextWindow: 8192,
      tier: "small",
      local: true,
    },
  ],
  routing: {
    rules: [{ when: { task: "summary", minContextTokens: 1000 }, use: "big" }],
    collections: { secret: { onPremiseOnly: true }, short: { maxSteps: 1 } },
  },
});
const settings = parseRoutingSettings(catalogue);
const ids = (models: readonly ModelEntry[]) => models.map((model) => model.id);

describe("route plans", () => {
  it("reads the kind of request from the question", () => {
    expect(taskOf("Summarise the refund policy")).toBe("summary");
    expect(taskOf("What is the difference between Team and Free?")).toBe("comparison");
    expect(taskOf("Why was my card declined?")).toBe("explanation");
    expect(taskOf("How much is the Team plan?")).toBe("lookup");
  });

  it("matches rules on every condition given, keywords as whole words or phrases", () => {
    const rule = { when: { keywords: ["team plan"], maxQuestionWords: 8 }, use: "big" };
    expect(ruleMatches(rule, { question: "How much is the Team plan?", contextTokens: 0 })).toBe(true);
    expect(ruleMatches(rule, { question: "How much is the teamwork plan?", contextTokens: 0 })).toBe(false);
    expect(
      ruleMatches(rule, {
        question: "How much is the Team plan for a school with many users?",
        contextTokens: 0,
      }),
    ).toBe(false);
  });

  it("orders the cascade cheapest first, trims it to maxSteps, and drops remote models for on-premise collections", () => {
    const request = { question: "How much is it?", contextTokens: 100 };
    expect(ids(planRoute(request, routeFor(settings, "any"), catalogue.models).chain)).toEqual([
      "tiny",
      "mid",
      "big",
    ]);
    expect(ids(planRoute(request, routeFor(settings, "short"), catalogue.models).chain)).toEqual(["tiny"]);
    const secret = planRoute(request, routeFor(settings, "secret"), catalogue.models);
    expect(ids(secret.chain)).toEqual(["tiny"]);
    expect(secret.excluded.map((entry) => entry.model)).toEqual(["mid", "big"]);
  });

  it("starts with the rule's model, or with the strongest when the learned router doubts the cheapest", () => {
    const rules = { ...routeFor(settings, "any"), policy: "rules" as const };
    const long = { question: "Summarise the contract", contextTokens: 5000 };
    expect(ids(planRoute(long, rules, catalogue.models).chain)).toEqual(["big", "tiny", "mid"]);
    expect(ids(planRoute({ ...long, contextTokens: 10 }, rules, catalogue.models).chain)).toEqual([
      "tiny",
      "mid",
      "big",
    ]);
    const learned = { ...routeFor(settings, "any"), policy: "learned" as const };
    const hard = planRoute(long, learned, catalogue.models, { weakModelSuccess: () => 0.2 });
    expect(ids(hard.chain)).toEqual(["big", "tiny", "mid"]);
    expect(hard.reason).toContain("0.20 < 0.5");
    const easy = planRoute(long, learned, catalogue.models, { weakModelSuccess: () => 0.9 });
    expect(ids(easy.chain)).toEqual(["tiny", "mid", "big"]);
  });

  it("with weights that rank by gain, starts with the strongest only when it is expected to gain enough", () => {
    const learned = { ...routeFor(settings, "any"), policy: "learned" as const };
    const question = { question: "Prove the lemma", contextTokens: 100 };
    const chances = (weakSuccess: number, strongSuccess: number) =>
      Object.assign(() => weakSuccess, {
        assess: () => ({ weakSuccess, strongSuccess, familiarity: undefined }),
      });
    // Both models likely wrong: a strong call buys little, so the cheapest goes first.
    const hopeless = planRoute(question, learned, catalogue.models, { weakModelSuccess: chances(0.2, 0.3) });
    expect(ids(hopeless.chain)).toEqual(["tiny", "mid", "big"]);
    expect(hopeless.reason).toContain("0.10 ≤ 0.5");
    const worth = planRoute(question, learned, catalogue.models, { weakModelSuccess: chances(0.2, 0.9) });
    expect(ids(worth.chain)).toEqual(["big", "tiny", "mid"]);
    expect(worth.reason).toContain("expected gain 0.70 > 0.5");
  });
});

describe("budget guard", () => {
  function ledgerWith(spent: number): Ledger {
    return {
      recordAnswer: async (_: AnswerRecord) => {},
      spent: async () => spent,
      ledgerSummary: () => {
        throw new Error("not used");
      },
      ledgerDays: () => {
        throw new Error("not used");
      },
      listAnswers: () => {
        throw new Error("not used");
      },
    };
  }
  const scope = {
    label: 'collection "c"',
    ledger: { collection: "c" },
    budget: { daily: 1, onExhausted: "cheaper" as const },
  };

  it("holds the worst case until settled, then counts what was spent until the ledger has it", async () => {
    const guard = createBudgetGuard(ledgerWith(0.5), () => new Date("2026-11-29T12:00:00Z"));
    const first = await guard.reserve([scope], 0.3);
    expect("exceeded" in first).toBe(false);
    const second = await guard.reserve([scope], 0.3);
    expect(second).toMatchObject({
      exceeded: expect.stringContaining('daily budget of $1.00 for collection "c" has $0.2000 left'),
    });
    if ("exceeded" in first) return;
    first.settle(0.05);
    const third = await guard.reserve([scope], 0.3);
    expect("exceeded" in third).toBe(false);
    guard.release([first]);
    if (!("exceeded" in third)) guard.release([third]);
    expect("exceeded" in (await guard.reserve([scope], 0.49))).toBe(false);
  });

  it("lets only one of two questions asked at once through a remainder that fits one", async () => {
    const guard = createBudgetGuard(ledgerWith(0.5), () => new Date("2026-11-29T12:00:00Z"));
    const both = await Promise.all([guard.reserve([scope], 0.3), guard.reserve([scope], 0.3)]);
    expect(both.filter((reservation) => !("exceeded" in reservation))).toHaveLength(1);
  });

  it("counts an answer released while another question was reading the ledger", async () => {
    // The ledger is read before the answer is recorded, and answers after it was released: the
    // released hold must still count, or the second question would spend the same money again.
    let spent = 0.5;
    let reading: (() => void) | undefined;
    const ledger = ledgerWith(0);
    ledger.spent = () =>
      new Promise((resolve) => {
        const seen = spent;
        reading = () => resolve(seen);
      });
    const guard = createBudgetGuard(ledger, () => new Date("2026-11-29T12:00:00Z"));
    const firstAsked = guard.reserve([scope], 0.3);
    (reading as () => void)();
    const first = await firstAsked;
    if ("exceeded" in first) throw new Error("the first question should pass");
    const secondAsked = guard.reserve([scope], 0.3);
    first.settle(0.3);
    spent = 0.8; // recorded in the ledger, after the second question's read began
    guard.release([first]);
    (reading as () => void)();
    expect(await secondAsked).toMatchObject({ exceeded: expect.stringContaining("daily budget") });
  });

  it("prices the worst case from the prompt and the longest answer, capped by the context window", () => {
    const big = catalogue.models[0] as ModelEntry;
    expect(worstCaseCost(big, 3000)).toBeCloseTo(((1000 + 400) * 3 + 1024 * 15) / 1e6, 12);
    expect(worstCaseCost(big, 3e9)).toBeCloseTo((100_000 * 3 + 1024 * 15) / 1e6, 12);
  });
});
