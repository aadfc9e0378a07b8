// Optimiser, curves and what-if: constraints, modes, S-curves, and fast-check properties of every allocation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Curve,
  curveInverseMarginal,
  curveMarginal,
  curveValue,
  geometricAdstock,
  steadyStateCurve,
} from "../../../tools/recommend-budget/curves.model.ts";
import { type BudgetChannel, optimiseBudget } from "../../../tools/recommend-budget/optimise.model.ts";
import { whatIfMove } from "../../../tools/recommend-budget/whatif.model.ts";

const concaveCurve: fc.Arbitrary<Curve> = fc.oneof(
  fc.record({
    form: fc.constant("log" as const),
    alpha: fc.constant(0),
    beta: fc.double({ min: 10, max: 1e4, noNaN: true }),
    shift: fc.double({ min: 10, max: 1e4, noNaN: true }),
  }),
  fc.record({
    form: fc.constant("hill" as const),
    L: fc.double({ min: 10, max: 1e5, noNaN: true }),
    h: fc.double({ min: 10, max: 1e4, noNaN: true }),
    k: fc.double({ min: 0.5, max: 1, noNaN: true }),
  }),
  fc.record({
    form: fc.constant("exponential" as const),
    k: fc.double({ min: 10, max: 1e5, noNaN: true }),
    b: fc.double({ min: 1e-4, max: 1e-1, noNaN: true }),
  }),
  fc.record({
    form: fc.constant("logistic" as const),
    beta: fc.double({ min: 10, max: 1e5, noNaN: true }),
    lam: fc.double({ min: 1e-4, max: 1e-1, noNaN: true }),
  }),
);
const anyCurve: fc.Arbitrary<Curve> = fc.oneof(
  concaveCurve,
  fc.record({
    form: fc.constant("hill" as const),
    L: fc.double({ min: 10, max: 1e5, noNaN: true }),
    h: fc.double({ min: 10, max: 1e4, noNaN: true }),
    k: fc.double({ min: 1.2, max: 4, noNaN: true }),
  }),
);
const cents = (lo: number, hi: number): fc.Arbitrary<number> =>
  fc.integer({ min: lo * 100, max: hi * 100 }).map((c) => c / 100);

/** Channels with cent-valued bounds and a feasible cent-valued total. */
const problem = (curve: fc.Arbitrary<Curve>) =>
  fc
    .array(
      fc.record({
        curve,
        min: cents(0, 500),
        width: cents(0, 5000),
        unbounded: fc.boolean(),
        current: cents(0, 3000),
        locked: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .chain((rows) => {
      const channels: BudgetChannel[] = rows.map((r, i) => ({
        name: `c${i}`,
        curve: r.curve,
        min: r.min,
        max: r.unbounded ? undefined : Math.round((r.min + r.width) * 100) / 100,
        current: r.current,
        locked: r.locked && r.current >= r.min && r.current <= r.min + r.width && i > 0,
      }));
      const lo = channels.reduce((s, c) => s + (c.locked ? (c.current as number) : (c.min as number)), 0);
      const hi = channels.every((c) => c.max !== undefined || c.locked)
        ? channels.reduce((s, c) => s + (c.locked ? (c.current as number) : (c.max as number)), 0)
        : lo + 20000;
      return fc.record({
        channels: fc.constant(channels),
        total: cents(0, 1).map((u) => Math.round((lo + (hi - lo) * u) * 100) / 100),
      });
    });

describe("curves", () => {
  it("marginal is the derivative and the inverse marginal inverts it", () => {
    fc.assert(
      fc.property(concaveCurve, fc.double({ min: 1, max: 5000, noNaN: true }), (c, x) => {
        const h = 1e-4 * x;
        const numeric = (curveValue(c, x + h) - curveValue(c, x - h)) / (2 * h);
        expect(Math.abs(numeric - curveMarginal(c, x))).toBeLessThan(1e-5 * Math.abs(curveMarginal(c, x)) + 1e-9);
        const m = curveMarginal(c, x);
        const inv = curveInverseMarginal(c, m);
        if (inv !== undefined && m > 1e-12) expect(Math.abs(inv - x)).toBeLessThan(1e-6 * x + 1e-6);
      }),
    );
  });
  it("adstock carries over and the steady state is x / (1 - theta)", () => {
    expect(geometricAdstock([100, 0, 0], 0.5)).toEqual([100, 50, 25]);
    const long = geometricAdstock(new Array(200).fill(100), 0.6);
    expect(long[199]).toBeCloseTo(250, 9);
    const c: Curve = { form: "exponential", k: 10, b: 0.01 };
    expect(curveValue(steadyStateCurve(c, 0.6), 100)).toBeCloseTo(curveValue(c, 250), 12);
    expect(() => steadyStateCurve(c, 1)).toThrow(RangeError);
  });
});

describe("optimiseBudget constraints", () => {
  const ch = (name: string, k: number, extra: Partial<BudgetChannel> = {}): BudgetChannel => ({
    name,
    curve: { form: "exponential", k, b: 1 / 20000 },
    current: 20000,
    ...extra,
  });

  it("names the conflict when constraints cannot be met", () => {
    const chans = [ch("TV", 1e5, { min: 70000 }), ch("Search", 1e5, { min: 50000 })];
    expect(() => optimiseBudget(chans, { total: 100000 })).toThrow(
      /^minimums add up to 120,000 but the total is 100,000/,
    );
    expect(() => optimiseBudget([ch("A", 1, { max: 30000 }), ch("B", 1, { max: 40000 })], { total: 100000 })).toThrow(
      /maximums add up to 70,000 but the total is 100,000/,
    );
    expect(() => optimiseBudget([ch("A", 1, { min: 5, max: 3 })], { total: 4 })).toThrow(
      /A: minimum 5 is above maximum 3/,
    );
    expect(() => optimiseBudget([{ name: "X", curve: ch("X", 1).curve, locked: true }], { total: 1 })).toThrow(
      /X is locked but has no current spend/,
    );
    expect(() => optimiseBudget([ch("A", 1)], {})).toThrow(RangeError);
  });

  it("labels locked, change-limited, min and max channels", () => {
    const a = optimiseBudget(
      [ch("Big", 1e6), ch("Small", 1e3), ch("Locked", 1e6, { locked: true }), ch("Capped", 1e6, { max: 21000 })],
      { total: 85000, maxChange: 0.3 },
    );
    expect(a.channels.map((c) => [c.name, c.bound, c.spend])).toEqual([
      ["Big", "change", 26000],
      ["Small", "none", 18000],
      ["Locked", "locked", 20000],
      ["Capped", "max", 21000],
    ]);
    const low = optimiseBudget([ch("Big", 1e6), ch("Small", 1e3, { min: 15000 })], { total: 41000, maxChange: 0.3 });
    expect(low.channels.map((c) => [c.bound, c.spend])).toEqual([
      ["change", 26000],
      ["min", 15000],
    ]);
    expect(() => optimiseBudget([ch("A", 1), ch("B", 1)], { total: 100000, maxChange: 0.3 })).toThrow(
      /maximums add up to 52,000/,
    );
  });

  it("target mode returns the largest budget whose marginal return stays above the threshold", () => {
    const chans = [ch("A", 50000), ch("B", 30000, { max: 5000 })];
    const a = optimiseBudget(chans, { targetMarginal: 1 });
    // A: 50000/20000 e^(-x/20000) = 1 -> x = 20000 ln 2.5; B would want 20000 ln 1.5 > 5000, so it stops at its max.
    expect(a.channels[0]?.spend).toBeCloseTo(20000 * Math.log(2.5), 1);
    expect(a.channels[1]?.bound).toBe("max");
    expect(a.total).toBeCloseTo(20000 * Math.log(2.5) + 5000, 1);
    expect(a.channels[0]?.marginal).toBeGreaterThanOrEqual(1);
  });

  it("S-shaped Hill curves: a channel below its hull slope gets nothing rather than a wasted sliver", () => {
    const s: Curve = { form: "hill", L: 1000, h: 500, k: 3 };
    const a = optimiseBudget(
      [
        { name: "S", curve: s },
        { name: "C", curve: { form: "exponential", k: 800, b: 1 / 300 } },
      ],
      { total: 200 },
    );
    expect(a.channels[0]?.spend).toBe(0);
    expect(a.channels[1]?.spend).toBe(200);
    const big = optimiseBudget(
      [
        { name: "S", curve: s },
        { name: "C", curve: { form: "exponential", k: 800, b: 1 / 300 } },
      ],
      { total: 2000 },
    );
    // Brute force over a 1-unit grid: the hull answer is within a unit of the true best split.
    let best = -1;
    for (let x = 0; x <= 2000; x++)
      best = Math.max(best, curveValue(s, x) + curveValue({ form: "exponential", k: 800, b: 1 / 300 }, 2000 - x));
    expect(big.totalOutcome).toBeGreaterThan(best - 1e-3);
    expect(big.optimality.exact).toBe(false);
  });
});

describe("optimiseBudget properties", () => {
  it("sums to the total to the cent, respects every bound, never negative, equal marginals when free", () => {
    fc.assert(
      fc.property(problem(concaveCurve), ({ channels, total }) => {
        const a = optimiseBudget(channels, { total });
        const sumCents = a.channels.reduce((s, c) => s + Math.round(c.spend * 100), 0);
        expect(sumCents).toBe(Math.round(total * 100));
        a.channels.forEach((c, i) => {
          const spec = channels[i] as BudgetChannel;
          expect(Math.abs(c.spend * 100 - Math.round(c.spend * 100))).toBeLessThan(1e-6);
          expect(c.spend).toBeGreaterThanOrEqual(0);
          if (spec.locked) expect(c.spend).toBe(spec.current);
          else {
            expect(c.spend).toBeGreaterThanOrEqual(spec.min as number);
            if (spec.max !== undefined) expect(c.spend).toBeLessThanOrEqual(spec.max);
          }
        });
        // KKT on the unrounded optimum: free channels share lambda, channels at a bound point the right way.
        if (a.lambda !== null) {
          const lam = a.lambda;
          a.channels.forEach((c) => {
            const m = curveMarginal((channels.find((s) => s.name === c.name) as BudgetChannel).curve, c.exactSpend);
            const tol = 1e-6 * lam + 1e-12;
            if (c.exactSpend > c.lower + 1e-6 && c.exactSpend < c.upper - 1e-6)
              expect(Math.abs(m - lam)).toBeLessThan(tol);
            else if (c.exactSpend <= c.lower + 1e-6 && c.upper > c.lower) expect(m).toBeLessThan(lam + tol);
            else if (c.upper > c.lower) expect(m).toBeGreaterThan(lam - tol);
          });
        }
      }),
      { numRuns: 300 },
    );
  });

  it("S-shaped curves still give allocations that sum to the cent and respect bounds", () => {
    fc.assert(
      fc.property(problem(anyCurve), ({ channels, total }) => {
        const a = optimiseBudget(channels, { total });
        expect(a.channels.reduce((s, c) => s + Math.round(c.spend * 100), 0)).toBe(Math.round(total * 100));
        a.channels.forEach((c) => {
          expect(c.spend).toBeGreaterThanOrEqual(Math.max(0, c.lower - 1e-9));
          expect(c.spend).toBeLessThanOrEqual(c.upper + 1e-9);
        });
      }),
      { numRuns: 200 },
    );
  });

  it("infeasible minimums or maximums give the specific error", () => {
    fc.assert(
      fc.property(problem(concaveCurve), cents(0.01, 1000), ({ channels }, gap) => {
        const sumMin = channels.reduce((s, c) => s + (c.locked ? (c.current as number) : (c.min as number)), 0);
        fc.pre(sumMin - gap > 0);
        expect(() => optimiseBudget(channels, { total: sumMin - gap })).toThrow(/^minimums add up to /);
        if (channels.every((c) => c.max !== undefined || c.locked)) {
          const sumMax = channels.reduce((s, c) => s + (c.locked ? (c.current as number) : (c.max as number)), 0);
          expect(() => optimiseBudget(channels, { total: sumMax + gap })).toThrow(/^maximums add up to /);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("whatIfMove", () => {
  it("reads the change off both curves and bands it with paired draws", () => {
    const a: Curve = { form: "exponential", k: 1000, b: 0.01 };
    const b: Curve = { form: "exponential", k: 1000, b: 0.002 };
    const r = whatIfMove({ name: "A", curve: a, spend: 300 }, { name: "B", curve: b, spend: 100 }, 50);
    expect(r.change).toBeCloseTo(curveValue(a, 250) - curveValue(a, 300) + curveValue(b, 150) - curveValue(b, 100), 12);
    expect(r.change).toBeGreaterThan(0);
    const draws = [0.9, 1, 1.1].map((f) => ({ form: "exponential", k: 1000 * f, b: 0.002 }) as Curve);
    const banded = whatIfMove({ name: "A", curve: a, spend: 300 }, { name: "B", curve: b, spend: 100, draws }, 50);
    expect(banded.band?.p05).toBeLessThan(r.change);
    expect(banded.band?.p95).toBeGreaterThan(r.change);
    expect(() => whatIfMove({ name: "A", curve: a, spend: 10 }, { name: "B", curve: b, spend: 0 }, 20)).toThrow(
      /only spends 10/,
    );
  });
});
