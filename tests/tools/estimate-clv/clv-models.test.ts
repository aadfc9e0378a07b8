// The CLV models against the lifetimes package's published numbers on CDNOW (Fader, Hardie & Lee 2005).
import { describe, expect, it } from "vitest";
import {
  bgNbdConditionalExpected,
  bgNbdExpected,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from "../../../tools/estimate-clv/bg-nbd.model.ts";
import { discountedClv, simpleClv } from "../../../tools/estimate-clv/clv.model.ts";
import {
  fitGammaGamma,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
} from "../../../tools/estimate-clv/gamma-gamma.model.ts";
import {
  fitParetoNbd,
  paretoNbdConditionalExpected,
  paretoNbdLogLikelihood,
} from "../../../tools/estimate-clv/pareto-nbd.model.ts";
import { simulateBgNbd } from "../../../tools/estimate-clv/simulate.model.ts";
import { hyp2f1, lnGamma, lnHyp2f1 } from "../../../tools/estimate-clv/special.model.ts";
import { readReference } from "../../helpers/reference.ts";

const text = readReference;
const expected = JSON.parse(text("clv_lifetimes_cdnow/expected.json"));
const kpi = JSON.parse(text("kpi_formulas/kpi_examples.json"));

function readCdnow() {
  const lines = text("clv_lifetimes_cdnow/cdnow_customers_summary_with_transactions.csv").trim().split("\n").slice(1);
  const rows = lines.map((l) => l.split(",").map(Number));
  return {
    id: rows.map((r) => r[0] as number),
    x: rows.map((r) => r[1] as number),
    tx: rows.map((r) => r[2] as number),
    T: rows.map((r) => r[3] as number),
    m: rows.map((r) => r[4] as number),
  };
}
const cdnow = readCdnow();
/** Equal to n significant digits. */
const sig = (actual: number, wanted: number, digits = 3) =>
  expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(
    0.5 * 10 ** (Math.floor(Math.log10(Math.abs(wanted))) - digits + 1),
  );

describe("special functions", () => {
  it("lnGamma matches known values", () => {
    expect(lnGamma(1)).toBeCloseTo(0, 14);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(lnGamma(10)).toBeCloseTo(Math.log(362880), 12);
    let lnFactorial170 = 0;
    for (let k = 2; k <= 170; k++) lnFactorial170 += Math.log(k);
    expect(lnGamma(171) / lnFactorial170).toBeCloseTo(1, 13);
  });
  it("hyp2f1 matches closed forms", () => {
    // 2F1(1,1;2;z) = -ln(1-z)/z; 2F1(a,b;b;z) = (1-z)^-a; 2F1(1/2,1/2;3/2;z^2) = asin(z)/z.
    for (const z of [0.1, 0.5, 0.9, 0.99, -0.5]) expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(-Math.log1p(-z) / z, 10);
    expect(hyp2f1(2.5, 3, 3, 0.7)).toBeCloseTo(0.3 ** -2.5, 9);
    expect(hyp2f1(0.5, 0.5, 1.5, 0.81)).toBeCloseTo(Math.asin(0.9) / 0.9, 10);
    // Large parameters (a customer with x = 150 repeat purchases) stay finite through Euler's transformation.
    expect(Number.isFinite(hyp2f1(150.2, 152.4, 152.2, 0.9))).toBe(true);
    expect(lnHyp2f1(150.2, 152.4, 152.4, 0.9) / (150.2 * Math.log(10))).toBeCloseTo(1, 12);
  });
});

describe("BG/NBD on CDNOW", () => {
  const fit = fitBgNbd(cdnow);
  const pub = expected.bg_nbd.published_docs_summary;
  it("reproduces the published parameters and log-likelihood", () => {
    sig(fit.params.r, pub.r);
    sig(fit.params.alpha, pub.alpha);
    sig(fit.params.a, pub.a);
    sig(fit.params.b, pub.b);
    expect(fit.logLikelihood).toBeCloseTo(expected.bg_nbd.published_paper_loglik, 1);
    expect(bgNbdLogLikelihood(pub, cdnow)).toBeCloseTo(-9582.43, 1);
  });
  it("gives E[X(39) | 2, 30.43, 38.86] = 1.226 and the unconditional expectations", () => {
    const c = expected.bg_nbd.conditional_expected_purchases;
    expect(Math.abs(bgNbdConditionalExpected(pub, c.t, c.x, c.t_x, c.T) - c.expected)).toBeLessThan(c.tol);
    const u = expected.bg_nbd.unconditional_expected_purchases;
    u.t.forEach((t: number, i: number) => {
      expect(bgNbdExpected(pub, t)).toBeCloseTo(u.expected[i], 3);
    });
    for (const row of expected.bg_nbd.top5_predicted_purchases_t1_docs) {
      expect(bgNbdConditionalExpected(fit.params, 1, row.x, row.t_x, row.T)).toBeCloseTo(row.pred, 3);
    }
  });
  it("P(alive) is 1 without repeat purchases and falls with a long silence", () => {
    expect(bgNbdProbabilityAlive(pub, 0, 0, 38.86)).toBe(1);
    expect(bgNbdProbabilityAlive(pub, 5, 5, 38)).toBeLessThan(bgNbdProbabilityAlive(pub, 5, 37, 38));
  });
});

describe("Pareto/NBD on CDNOW", () => {
  it("reproduces the published parameters and log-likelihood", () => {
    const fit = fitParetoNbd(cdnow);
    const pub = expected.pareto_nbd.published_test;
    sig(fit.params.r, pub.r);
    sig(fit.params.alpha, pub.alpha);
    sig(fit.params.s, pub.s);
    sig(fit.params.beta, pub.beta);
    expect(fit.logLikelihood).toBeCloseTo(expected.pareto_nbd.published_paper_loglik, 0);
    expect(paretoNbdLogLikelihood(expected.pareto_nbd.reproduced_here, cdnow)).toBeCloseTo(-9594.97, 1);
    const c = expected.pareto_nbd.conditional_expected_R_BTYD;
    expect(Math.abs(paretoNbdConditionalExpected(fit.params, c.t, c.x, c.t_x, c.T) - c.expected)).toBeLessThan(0.05);
  });
});

describe("Gamma-Gamma and discounted CLV on CDNOW", () => {
  const repeat = { x: cdnow.x.filter((x) => x > 0), m: cdnow.m.filter((_, i) => (cdnow.x[i] as number) > 0) };
  const gg = fitGammaGamma(repeat);
  it("fits p 6.25, q 3.74, v 15.44 on the 946 repeat buyers", () => {
    expect(repeat.x.length).toBe(946);
    const pub = expected.gamma_gamma.published_test_Hardie;
    sig(gg.params.p, pub.p);
    sig(gg.params.q, pub.q);
    sig(gg.params.v, pub.v);
    expect(gg.logLikelihood).toBeCloseTo(expected.gamma_gamma.reproduced_here.loglik_incl_jacobian, 1);
    expect(gammaGammaLogLikelihood(gg.params, repeat)).toBeCloseTo(gg.logLikelihood, 9);
  });
  it("gives the docs' expected average profit and CLV for the first 10 customers", () => {
    const bg = fitBgNbd(cdnow).params;
    const profit = expected.gamma_gamma.conditional_expected_average_profit_first10.with_fitted_params_docs;
    for (let i = 0; i < 10; i++) {
      const spend = gammaGammaExpectedSpend(gg.params, cdnow.x[i] as number, cdnow.m[i] as number);
      expect(spend).toBeCloseTo(profit[i], 2);
      // The docs call uses freq "D" (30 time units per "month") on data in weeks: 12 steps of 30 weeks.
      const clv = discountedClv(
        (t) => bgNbdConditionalExpected(bg, t, cdnow.x[i] as number, cdnow.tx[i] as number, cdnow.T[i] as number),
        spend,
        { horizon: 360, stepLength: 30, discountRate: 0.01 },
      );
      const want = expected.clv_docs_example.expected_first10[String(i + 1)];
      expect(Math.abs(clv - want) / want).toBeLessThan(1e-5);
    }
  });
});

describe("retention-formula CLV", () => {
  it("m r / (1 + i - r) = 2.667 m for r 0.8, i 0.1", () => {
    const e = kpi.clv_simple_retention.example;
    expect(simpleClv(1, e.r, e.i)).toBeCloseTo(e.multiplier, 12);
    expect(simpleClv(100, e.r, e.i)).toBeCloseTo(266.667, 3);
  });
});

describe("BG/NBD recovery on simulated customers", () => {
  it("recovers the generating parameters from 20,000 seeded customers within 10%", () => {
    const truth = { r: 0.5, alpha: 8, a: 0.9, b: 3.2 };
    const fit = fitBgNbd(simulateBgNbd(truth, 20_000, { seed: 7, minT: 20, maxT: 80 }));
    expect(fit.converged).toBe(true);
    for (const key of ["r", "alpha", "a", "b"] as const) {
      expect(Math.abs(fit.params[key] / truth[key] - 1), key).toBeLessThan(0.1);
    }
  });
});
