// Curve fitting: parameters recovered from seeded synthetic data, and allocations under fitted curves near the truth.
import { describe, expect, it } from "vitest";
import { type Curve, curveValue, geometricAdstock } from "../../../tools/recommend-budget/curves.model.ts";
import {
  type FitForm,
  type FittedChannel,
  fitResponseCurve,
  predictOutcome,
} from "../../../tools/recommend-budget/fit.model.ts";
import { minimiseScalar, mulberry32, nelderMead, quantile } from "../../../tools/recommend-budget/minimise.model.ts";
import { optimiseBudget } from "../../../tools/recommend-budget/optimise.model.ts";

/** 104 weeks of spend around `mean` and outcome = curve(adstock(spend)) * (1 + noise * N(0, 1)). */
function simulate(
  curve: Curve,
  mean: number,
  seed: number,
  theta = 0,
  noise = 0.03,
): { spend: number[]; outcome: number[] } {
  const rand = mulberry32(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const spend = Array.from({ length: 104 }, () => Math.round(mean * (0.2 + 1.6 * rand()) * 100) / 100);
  const level = geometricAdstock(spend, theta, theta > 0 ? (spend[0] as number) / (1 - theta) : 0);
  return { spend, outcome: level.map((x) => curveValue(curve, x) * (1 + noise * gauss())) };
}

const ok = (f: ReturnType<typeof fitResponseCurve>): FittedChannel => {
  if (f.status !== "ok") throw new Error(f.reason);
  return f;
};

describe("minimisers", () => {
  it("Nelder-Mead finds the Rosenbrock minimum", () => {
    const r = nelderMead(
      (p) => 100 * ((p[1] as number) - (p[0] as number) ** 2) ** 2 + (1 - (p[0] as number)) ** 2,
      [-1.2, 1],
      {
        maxEvaluations: 2000,
        tolerance: 1e-14,
      },
    );
    expect(r.x[0]).toBeCloseTo(1, 3);
    expect(r.x[1]).toBeCloseTo(1, 3);
  });
  it("scalar search finds a parabola's minimum and quantile is type 7", () => {
    expect(minimiseScalar((x) => (x - 0.3) ** 2, -2, 2).x[0]).toBeCloseTo(0.3, 4);
    expect(quantile([1, 2, 3, 4], 0.05)).toBeCloseTo(1.15, 12);
  });
});

describe("fitResponseCurve", () => {
  const cases: { form: FitForm; curve: Curve; check: (c: Curve) => void }[] = [
    {
      form: "exponential",
      curve: { form: "exponential", k: 5000, b: 1 / 2000 },
      check: (c) => {
        if (c.form !== "exponential") throw new Error(c.form);
        expect(Math.abs(c.k / 5000 - 1)).toBeLessThan(0.1);
        expect(Math.abs(c.b * 2000 - 1)).toBeLessThan(0.1);
      },
    },
    {
      form: "hill",
      curve: { form: "hill", L: 8000, h: 1500, k: 1 },
      check: (c) => {
        if (c.form !== "hill") throw new Error(c.form);
        expect(Math.abs(c.L / 8000 - 1)).toBeLessThan(0.2);
        expect(Math.abs(c.h / 1500 - 1)).toBeLessThan(0.25);
        expect(Math.abs(c.k - 1)).toBeLessThan(0.15);
      },
    },
    {
      form: "hill",
      curve: { form: "hill", L: 6000, h: 1500, k: 2.5 },
      check: (c) => {
        if (c.form !== "hill") throw new Error(c.form);
        expect(Math.abs(c.h / 1500 - 1)).toBeLessThan(0.1);
        expect(Math.abs(c.k / 2.5 - 1)).toBeLessThan(0.15);
      },
    },
    {
      form: "logistic",
      curve: { form: "logistic", beta: 3000, lam: 1 / 1000 },
      check: (c) => {
        if (c.form !== "logistic") throw new Error(c.form);
        expect(Math.abs(c.beta / 3000 - 1)).toBeLessThan(0.1);
        expect(Math.abs(c.lam * 1000 - 1)).toBeLessThan(0.1);
      },
    },
    {
      form: "log",
      curve: { form: "log", alpha: -1000 * Math.log(800), beta: 1000, shift: 800 },
      check: (c) => {
        if (c.form !== "log") throw new Error(c.form);
        expect(Math.abs(c.beta / 1000 - 1)).toBeLessThan(0.25);
        expect(Math.abs(c.shift / 800 - 1)).toBeLessThan(0.4);
      },
    },
  ];
  for (const [i, c] of cases.entries()) {
    it(`recovers ${c.form} parameters (${JSON.stringify(c.curve)})`, () => {
      const d = simulate(c.curve, 2000, 10 + i, 0, 0.02);
      const f = ok(fitResponseCurve(d.spend, d.outcome, { forms: [c.form], thetaGrid: [0], bootstrap: 0 }));
      c.check(f.responseCurve);
      expect(f.quality.r2).toBeGreaterThan(0.9);
      expect(f.quality.mape).toBeLessThan(0.05);
    });
  }

  it("recovers adstock theta and reports a steady-state curve f(x / (1 - theta))", () => {
    const curve: Curve = { form: "exponential", k: 5000, b: 1 / 4000 };
    const d = simulate(curve, 2000, 3, 0.5, 0.02);
    const f = ok(fitResponseCurve(d.spend, d.outcome, { forms: ["exponential"], bootstrap: 0 }));
    expect(f.theta).toBe(0.5);
    expect(predictOutcome(f, 1500)).toBeCloseTo(curveValue(curve, 3000), -2);
  });

  // The band is conditional on the chosen form and theta (model-selection uncertainty is not in it), so the form is
  // fixed here to test the bootstrap itself.
  it("puts the truth inside a reproducible bootstrap band", () => {
    const curve: Curve = { form: "hill", L: 8000, h: 1500, k: 1 };
    const d = simulate(curve, 2000, 4, 0, 0.05);
    const opts = { forms: ["hill", "log"] as FitForm[], thetaGrid: [0], bandAt: [1000, 2000], seed: 7 };
    const f = ok(fitResponseCurve(d.spend, d.outcome, opts));
    expect(f.form).toBe("hill");
    const band = f.band as NonNullable<FittedChannel["band"]>;
    expect(band.resamples).toBe(200);
    expect(f.draws).toHaveLength(200);
    band.spend.forEach((s, i) => {
      expect(band.p05[i] as number).toBeLessThan(curveValue(curve, s));
      expect(band.p95[i] as number).toBeGreaterThan(curveValue(curve, s));
      expect((band.p95[i] as number) - (band.p05[i] as number)).toBeLessThan(0.1 * curveValue(curve, s));
    });
    const again = ok(fitResponseCurve(d.spend, d.outcome, opts));
    expect(again.band).toEqual(band);
    expect(f.validation).toBe("rolling-origin");
    expect(f.candidates.length).toBeGreaterThan(1);
  });

  it("refuses to invent a curve from too few weeks or flat spend", () => {
    const few = fitResponseCurve([100, 200, 0, 0, 300, 150, 120], [10, 20, 0, 0, 30, 15, 12]);
    expect(few).toEqual({ status: "insufficient_data", reason: expect.stringContaining("only 5 weeks with spend") });
    const flat = fitResponseCurve(
      Array.from({ length: 52 }, (_, i) => 1000 + (i % 2)),
      Array.from({ length: 52 }, (_, i) => 50 + (i % 3)),
    );
    expect(flat.status).toBe("insufficient_data");
    expect(flat.status === "insufficient_data" && flat.reason).toMatch(/coefficient of variation/);
    const unrelated = fitResponseCurve(
      Array.from({ length: 52 }, (_, i) => 500 + 40 * i),
      Array.from({ length: 52 }, (_, i) => 5000 - 40 * i),
    );
    expect(unrelated.status).toBe("insufficient_data");
  });

  // Per channel, |fitted - true| stays under 5% of the budget (here the worst channel is 6.5% of its own true spend,
  // because the objective is flat near the optimum), and the plan loses under 0.5% of the achievable outcome.
  it("optimal allocation under fitted curves is within 5% of the allocation under the true curves", () => {
    const truth: { curve: Curve; mean: number; theta: number }[] = [
      { curve: { form: "hill", L: 9000, h: 2500, k: 1 }, mean: 2000, theta: 0 },
      { curve: { form: "exponential", k: 6000, b: 1 / 2500 }, mean: 3000, theta: 0.3 },
      { curve: { form: "logistic", beta: 4000, lam: 1 / 1500 }, mean: 1500, theta: 0 },
      { curve: { form: "log", alpha: -3000 * Math.log(1000), beta: 3000, shift: 1000 }, mean: 2500, theta: 0.5 },
    ];
    const total = 9000;
    const fits = truth.map((t, i) => {
      const d = simulate(t.curve, t.mean, 100 + i, t.theta, 0.03);
      return ok(fitResponseCurve(d.spend, d.outcome, { bootstrap: 0 }));
    });
    const trueCurves: Curve[] = truth.map((t) =>
      t.theta ? { form: "sum", terms: [{ curve: t.curve, scale: 1 / (1 - t.theta), weight: 1 }] } : t.curve,
    );
    const best = optimiseBudget(
      trueCurves.map((curve, i) => ({ name: `c${i}`, curve })),
      { total },
    );
    const fitted = optimiseBudget(
      fits.map((f, i) => ({ name: `c${i}`, curve: f.curve })),
      { total },
    );
    best.channels.forEach((c, i) => {
      expect(Math.abs((fitted.channels[i]?.spend as number) - c.spend) / total).toBeLessThan(0.05);
    });
    const achieved = fitted.channels.reduce((s, c, i) => s + curveValue(trueCurves[i] as Curve, c.spend), 0);
    expect(achieved / best.totalOutcome).toBeGreaterThan(0.995);
  });
});
