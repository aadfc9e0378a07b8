import { describe, expect, it } from "vitest";
import { biggestDrop, funnelSteps, sumCounts, withPrevious } from "../../../tools/funnel/funnel.model.ts";

const counts = (clicks: number, firstOrders: number, repeatBuyers: number, sessions: number | null = null) => ({
  channel: "x",
  impressions: 100_000,
  clicks,
  sessions,
  firstOrders,
  repeatBuyers,
});

describe("funnel model", () => {
  it("converts each step from the one before and leaves sessions out without web data", () => {
    const steps = funnelSteps(counts(2000, 100, 20));
    expect(steps.map((s) => s.step)).toEqual(["impressions", "clicks", "first_orders", "repeat_buyers"]);
    expect(steps.map((s) => s.conversion)).toEqual([null, 0.02, 0.05, 0.2]);
    const withWeb = funnelSteps(counts(2000, 100, 20, 1600));
    expect(withWeb.find((s) => s.step === "first_orders")?.conversion).toBe(100 / 1600);
    expect(withWeb.find((s) => s.step === "sessions")?.conversion).toBe(0.8);
  });

  it("names a significant fall and ignores a large relative fall on a handful of buyers", () => {
    const steps = withPrevious(funnelSteps(counts(2000, 40, 0)), funnelSteps(counts(2000, 100, 2)));
    const firstOrders = steps.find((s) => s.step === "first_orders");
    expect(firstOrders?.relative_change).toBeCloseTo(-0.6, 10);
    // 40/2000 vs 100/2000: z = -5.01, p ~ 5e-7; repeat buyers 0/40 vs 2/100 is -100% but p = 0.37.
    expect(firstOrders?.p_value).toBeLessThan(1e-5);
    expect(steps.find((s) => s.step === "repeat_buyers")?.p_value).toBeGreaterThan(0.3);
    expect(biggestDrop(steps)?.step).toBe("first_orders");
    expect(biggestDrop(withPrevious(funnelSteps(counts(2000, 99, 20)), funnelSteps(counts(2000, 100, 20))))).toBeNull();
  });

  it("sums channels, keeping sessions null when none had web data", () => {
    const total = sumCounts([counts(10, 2, 1), counts(20, 3, 0)]);
    expect(total).toMatchObject({ clicks: 30, firstOrders: 5, repeatBuyers: 1, sessions: null, impressions: 200_000 });
  });
});
