// recommend_budget math against outside ground truth in tests/fixtures/reference/budget_allocation (published optima).
import { describe, expect, it } from "vitest";
import { adstockMultipliers, type Curve, curveValue } from "../../../tools/recommend-budget/curves.model.ts";
import { type BudgetChannel, optimiseBudget } from "../../../tools/recommend-budget/optimise.model.ts";
import { readReferenceJson } from "../../helpers/reference.ts";

// biome-ignore lint/suspicious/noExplicitAny: the reference file is read as loose JSON and checked by the tests.
const ref: any = readReferenceJson("budget_allocation/budget_cases.json");

const spends = (a: ReturnType<typeof optimiseBudget>): number[] => a.channels.map((c) => c.spend);
const centsSum = (a: ReturnType<typeof optimiseBudget>): number =>
  a.channels.reduce((s, c) => s + Math.round(c.spend * 100), 0);

describe("Labonne log response (PUBLISHED, CVXPY)", () => {
  const L = ref.labonne_log_response;
  const channels: BudgetChannel[] = L.channels.map((name: string, i: number) => ({
    name,
    curve: { form: "log", alpha: L.alpha[i], beta: L.beta[i], shift: 0 },
  }));
  const a = optimiseBudget(channels, { total: L.total_budget });

  it("matches the published allocation to the unit and the return within 0.01%", () => {
    const pub = L.published_optimal_CVXPY_ECOS;
    L.channels.forEach((name: string, i: number) => {
      expect(Math.abs((spends(a)[i] as number) - pub[name])).toBeLessThan(1);
    });
    expect(Math.abs(a.totalOutcome - pub.returns_precise) / pub.returns_precise).toBeLessThan(1e-4);
    expect(centsSum(a)).toBe(L.total_budget * 100);
  });

  it("matches the closed form x_i = B beta_i / sum(beta) and its common marginal return", () => {
    const cf = L.closed_form_check;
    a.channels.forEach((c, i) => {
      expect(c.exactSpend).toBeCloseTo(cf.x[i], 5);
    });
    expect(a.lambda as number).toBeCloseTo(cf.marginal_return_each, 7);
    expect(a.totalOutcome).toBeCloseTo(cf.returns, 4);
    expect(a.optimality.relativeSpread).toBeLessThan(1e-5);
  });
});

describe("pymc-marketing Michaelis-Menten and sigmoid (PUBLISHED + DERIVED)", () => {
  const mm = ref.pymc_marketing_legacy_michaelis_menten;
  const [p1, p2] = [mm.published[0].parameters.channel1, mm.published[0].parameters.channel2];
  const curves: Curve[] = [
    { form: "hill", L: p1[0], h: p1[1], k: 1 },
    { form: "hill", L: p2[0], h: p2[1], k: 1 },
  ];
  const channels = (max?: number): BudgetChannel[] =>
    curves.map((curve, i) => ({ name: `channel${i + 1}`, curve, max }));

  it("reproduces the published contributions and objectives", () => {
    expect(curveValue(curves[0] as Curve, 5)).toBeCloseTo(5, 12);
    expect(curveValue(curves[1] as Curve, 10)).toBeCloseTo(10, 12);
    const [s1, s2] = [mm.published[2].parameters.channel1, mm.published[2].parameters.channel2];
    const sig =
      curveValue({ form: "logistic", beta: s1[0], lam: s1[1] }, 1) +
      curveValue({ form: "logistic", beta: s2[0], lam: s2[1] }, 2);
    expect(Math.abs(-sig - mm.published[2].expected) / Math.abs(mm.published[2].expected)).toBeLessThan(
      mm.published[2].rel_tol,
    );
  });

  it("finds the exact unbounded optimum 10 + x2 = 2 (5 + x1)", () => {
    const d = mm.derived_optimum.unbounded_total_100;
    const a = optimiseBudget(channels(), { total: 100 });
    expect(a.channels[0]?.exactSpend).toBeCloseTo(d.channel1, 8);
    expect(a.channels[1]?.exactSpend).toBeCloseTo(d.channel2, 8);
    expect(a.totalOutcome).toBeCloseTo(d.total_contribution, 4);
    expect(spends(a)).toEqual([33.33, 66.67]);
  });

  it("stops at the (0, 50) bounds", () => {
    const d = mm.derived_optimum.bounds_0_50;
    const a = optimiseBudget(channels(50), { total: 100 });
    expect(spends(a)).toEqual([d.channel1, d.channel2]);
    expect(a.totalOutcome).toBeCloseTo(d.total_contribution, 10);
    expect(a.channels.map((c) => c.bound)).toEqual(["max", "max"]);
  });
});

describe("exponential response closed form (DERIVED)", () => {
  const e = ref.exponential_response_closed_form.example;
  it("finds x1 = (b2 R + ln(k1 b1 / (k2 b2))) / (b1 + b2)", () => {
    const a = optimiseBudget(
      e.k.map((k: number, i: number) => ({ name: `c${i + 1}`, curve: { form: "exponential", k, b: e.b[i] } })),
      { total: e.R },
    );
    expect(a.channels[0]?.exactSpend).toBeCloseTo(e.x1, 9);
    expect(a.channels[1]?.exactSpend).toBeCloseTo(e.x2, 9);
    expect(a.lambda as number).toBeCloseTo(e.equal_marginal_response, 9);
    expect(a.totalOutcome).toBeCloseTo(e.total_response, 3);
  });
});

describe("pymc-marketing BudgetOptimizer, logistic saturation + normalised geometric adstock (PUBLISHED)", () => {
  const c = ref.pymc_marketing_budget_optimizer_logistic_geometric;
  const P = c.params;
  // Objective per channel: mean over posterior samples of sum over 30 spend periods + 3 carry-over periods of
  // beta * logistic(lam * adstocked level); for constant spend x the level in period t is x * multiplier_t.
  const channels: BudgetChannel[] = [0, 1].map((ch) => {
    const multipliers = adstockMultipliers(P.adstock_alpha[ch], 4, 30, true);
    const terms = P.lam_samples.flatMap((lams: number[]) =>
      multipliers.map((scale) => ({
        curve: { form: "logistic", beta: P.beta[ch], lam: lams[ch] } as Curve,
        scale,
        weight: 1 / P.lam_samples.length,
      })),
    );
    return { name: `channel_${ch + 1}`, curve: { form: "sum", terms } };
  });

  it("normalised l_max=4 adstock spreads a constant spend over 33 periods with full weight in steady state", () => {
    const m = adstockMultipliers(0.5, 4, 30, true);
    expect(m).toHaveLength(33);
    expect(m[10]).toBeCloseTo(1, 12);
    expect(m.reduce((s, v) => s + v, 0)).toBeCloseTo(30, 12);
  });

  it("matches the published allocation within 1e-3 (the objective is flat) and the response", () => {
    const pub = c.published[0];
    const a = optimiseBudget(channels, { total: 100 });
    expect(Math.abs((a.channels[0]?.exactSpend as number) - pub.expected_optimal.channel_1)).toBeLessThan(1e-3);
    expect(Math.abs((a.channels[1]?.exactSpend as number) - pub.expected_optimal.channel_2)).toBeLessThan(1e-3);
    expect(Math.abs(a.totalOutcome - pub.expected_response)).toBeLessThan(Math.max(1e-2, 1e-2 * pub.expected_response));
    // Same objective, not just the same argmax: at the unrounded optimum it equals the independent
    // re-implementation's best value to 1e-9 (a.totalOutcome is at the cent-rounded spends 54.78 / 45.22).
    const atExact = a.channels.reduce(
      (s, ch, i) => s + curveValue((channels[i] as BudgetChannel).curve, ch.exactSpend),
      0,
    );
    expect(atExact).toBeCloseTo(c.independent_reimplementation_here.response_at_optimum, 9);
    expect(
      curveValue((channels[0] as BudgetChannel).curve, 54.78357587906867) +
        curveValue((channels[1] as BudgetChannel).curve, 45.21642412093133),
    ).toBeCloseTo(c.independent_reimplementation_here.response_at_published_optimum, 9);
    expect(a.optimality.relativeSpread).toBeLessThan(1e-3);
  });

  it("respects (0, 50) bounds and a zero budget", () => {
    const bounded = channels.map((ch) => ({ ...ch, max: 50 }));
    const a = optimiseBudget(bounded, { total: 100 });
    expect(spends(a)).toEqual([50, 50]);
    expect(a.totalOutcome).toBeCloseTo(c.independent_reimplementation_here.response_at_50_50, 9);
    const zero = optimiseBudget(bounded, { total: 0 });
    expect(spends(zero)).toEqual([0, 0]);
    expect(zero.totalOutcome).toBeLessThan(1e-9);
  });
});
