// The drivers' decomposition must add up: property tests over random positive and zero inputs, a worked LMDI
// example checked by hand, and the driver sentence built only from the decomposition's numbers.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decompose,
  decomposeNewCustomers,
  decomposeRevenue,
  decomposeRoas,
  type Factor,
  logMean,
  METHOD,
  type Volumes,
  ZERO_FALLBACK,
} from "../../tools/summarize-period/decomposition.model.ts";
import { driverSentence } from "../../tools/summarize-period/driver-sentence.ts";

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const tolerance = (...values: number[]) => 1e-9 * Math.max(1, ...values.map(Math.abs));
// Float rounding scales with the largest product the decomposition forms: every factor at its larger value.
const scale = (factors: readonly Factor[]) => factors.reduce((p, f) => p * Math.max(f.previous, f.current, 1), 1);
const close = (actual: number, expected: number, magnitude: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, magnitude));

// Zero often, so the fallback is exercised as much as LMDI.
const amount = fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e7, noNaN: true }));
const factor = fc.record({ name: fc.constant("x"), previous: amount, current: amount });

describe("decompose", () => {
  it("terms add up to the total change for any positive or zero factors", () => {
    fc.assert(
      fc.property(fc.array(factor, { minLength: 1, maxLength: 5 }), (factors: Factor[]) => {
        const d = decompose("m", "m = product", factors);
        const total = sum(d.terms.map((t) => t.contribution));
        close(total, d.change, scale(factors));
        expect(d.method).toBe(factors.every((f) => f.previous > 0 && f.current > 0) ? METHOD : ZERO_FALLBACK);
      }),
      { numRuns: 2000 },
    );
  });

  it("a factor that does not change gets no share", () => {
    fc.assert(
      fc.property(amount, amount, amount, (a, b, fixed) => {
        const d = decompose("m", "", [
          { name: "moves", previous: a, current: b },
          { name: "fixed", previous: fixed, current: fixed },
        ]);
        expect(Math.abs(d.terms[1]?.contribution ?? Number.NaN)).toBeLessThanOrEqual(tolerance(d.previous, d.current));
      }),
    );
  });

  it("matches LMDI-I worked by hand: V = x*y from 2*5=10 to 3*4=12", () => {
    const d = decompose("v", "v = x*y", [
      { name: "x", previous: 2, current: 3 },
      { name: "y", previous: 5, current: 4 },
    ]);
    const L = (12 - 10) / Math.log(12 / 10);
    expect(logMean(12, 10)).toBeCloseTo(L, 12);
    expect(d.terms[0]?.contribution).toBeCloseTo(L * Math.log(3 / 2), 12);
    expect(d.terms[1]?.contribution).toBeCloseTo(L * Math.log(4 / 5), 12);
    expect(d.change).toBe(2);
  });

  it("uses Shapley where a factor is zero: 0*5 to 3*4 gives x 9.5 and y 2.5 (averaged over both orders)", () => {
    const d = decompose("v", "", [
      { name: "x", previous: 0, current: 3 },
      { name: "y", previous: 5, current: 4 },
    ]);
    expect(d.method).toBe(ZERO_FALLBACK);
    // x first: 3*5 - 0 = 15, then y: 12 - 15 = -3; y first: 0 - 0 = 0, then x: 12. Averages: x 13.5, y -1.5.
    expect(d.terms[0]?.contribution).toBeCloseTo(13.5, 12);
    expect(d.terms[1]?.contribution).toBeCloseTo(-1.5, 12);
  });
});

// Volumes as the data has them: revenue only with orders, orders and new customers never negative.
const volumes = fc
  .record({
    spend: amount,
    clicks: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 })),
    orders: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
    aov: fc.double({ min: 1, max: 5000, noNaN: true }),
    newShare: fc.double({ min: 0, max: 1, noNaN: true }),
  })
  .map(
    (v): Volumes => ({
      spend: v.spend,
      clicks: v.clicks,
      orders: v.orders,
      revenue: v.orders * v.aov,
      newCustomers: Math.floor(v.orders * v.newShare),
    }),
  );

describe("driver identities", () => {
  it("revenue, ROAS and new customers: terms add up and the identity reproduces both periods", () => {
    fc.assert(
      fc.property(volumes, volumes, (a, b) => {
        const revenue = decomposeRevenue(a, b);
        close(revenue.previous, a.revenue, a.revenue);
        close(revenue.current, b.revenue, b.revenue);
        close(sum(revenue.terms.map((t) => t.contribution)), b.revenue - a.revenue, scale(revenue.terms));
        const fresh = decomposeNewCustomers(a, b);
        expect(fresh.previous).toBeCloseTo(a.newCustomers, 6);
        expect(fresh.current).toBeCloseTo(b.newCustomers, 6);
        close(sum(fresh.terms.map((t) => t.contribution)), b.newCustomers - a.newCustomers, scale(fresh.terms));
        const roas = decomposeRoas(a, b);
        if (a.spend > 0 && b.spend > 0 && (a.clicks > 0 || a.orders === 0) && (b.clicks > 0 || b.orders === 0)) {
          expect(roas).not.toBeNull();
          const r = roas as NonNullable<typeof roas>;
          close(r.previous, a.revenue / a.spend, a.revenue / a.spend);
          close(r.current, b.revenue / b.spend, b.revenue / b.spend);
          close(sum(r.terms.map((t) => t.contribution)), r.change, scale(r.terms));
        } else {
          expect(roas).toBeNull();
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("falls back to orders x AOV for revenue without paid traffic", () => {
    const d = decomposeRevenue(
      { spend: 0, clicks: 0, orders: 10, revenue: 1000, newCustomers: 2 },
      { spend: 0, clicks: 0, orders: 12, revenue: 1320, newCustomers: 3 },
    );
    expect(d.identity).toBe("revenue = orders x AOV");
    expect(sum(d.terms.map((t) => t.contribution))).toBeCloseTo(320, 9);
  });
});

describe("driverSentence", () => {
  it("names the factors that moved, with their terms, and those that held", () => {
    // CPC 1.00 -> 1.40 (clicks per spend 1 -> 1/1.4), CVR 5% -> 5.05%, AOV 40 -> 40: ROAS 2.00 -> 1.44.
    const d = decomposeRoas(
      { spend: 1000, clicks: 1000, orders: 50, revenue: 2000, newCustomers: 10 },
      { spend: 1400, clicks: 1000, orders: 50.5, revenue: 2020, newCustomers: 10 },
    );
    const text = driverSentence("ROAS on douyin_ads", d as NonNullable<typeof d>, (x) => x.toFixed(2));
    expect(text).toMatch(
      /^ROAS on douyin_ads fell 27\.9% \(-0\.56\): CPC rose 40\.0% \(-0\.\d\d\) while CVR and AOV held$/,
    );
  });

  it("says a metric held when nothing changed", () => {
    const v = { spend: 10, clicks: 5, orders: 1, revenue: 30, newCustomers: 1 };
    expect(driverSentence("Revenue", decomposeRevenue(v, v), String)).toBe("Revenue held");
  });
});
