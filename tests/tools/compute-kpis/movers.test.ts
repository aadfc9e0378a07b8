// Biggest movers rank by money impact: a campaign whose spend tripled while revenue fell outranks small CAC swings.
import { describe, expect, it } from "vitest";
import { computeKpis, type KpiInputs } from "../../../tools/compute-kpis/kpis.model.ts";
import { biggestMovers, type MoverRow } from "../../../tools/compute-kpis/movers.model.ts";

const row = (x: Partial<KpiInputs>): MoverRow => {
  const inputs: KpiInputs = {
    impressions: 100_000,
    clicks: 2_000,
    spend: 10_000,
    orders: 100,
    revenue: 30_000,
    newCustomers: 40,
    customers: 90,
    repeatCustomers: 10,
    overhead: 0,
    ...x,
  };
  return { inputs, kpis: computeKpis(inputs, "google_ads") };
};

describe("biggestMovers", () => {
  it("puts spend up 209% and revenue down 38% ahead of CAC changes on steady rows", () => {
    const previous = new Map([
      ["CMP-0019", row({ spend: 10_000, revenue: 50_000, orders: 200, newCustomers: 80 })],
      ["CMP-0001", row({ newCustomers: 40 })],
      ["CMP-0002", row({ newCustomers: 40 })],
      ["CMP-0003", row({ newCustomers: 40 })],
    ]);
    const current = new Map([
      ["CMP-0019", row({ spend: 30_900, revenue: 31_000, orders: 124, newCustomers: 50 })],
      // CAC doubles or halves on these, but on little money.
      ["CMP-0001", row({ newCustomers: 20 })],
      ["CMP-0002", row({ newCustomers: 80 })],
      ["CMP-0003", row({ newCustomers: 25 })],
    ]);
    const movers = biggestMovers(current, previous);
    // ROAS 5.0 -> 1.00 x 30,900 = 123,500; CAC 125 -> 618 x 50 = 24,650; spend 20,900; revenue, orders x AOV 250
    // and CVR x clicks x AOV all 19,000. The steady rows' CAC swings account for 5,000 at most.
    expect(movers.map((m) => m.key)).toEqual(Array(5).fill("CMP-0019"));
    expect(movers.slice(0, 3).map((m) => m.kpi)).toEqual(["roas", "cac_paid", "spend"]);
    for (const tied of movers.slice(3)) expect(["revenue", "orders", "cvr"]).toContain(tied.kpi);
    const spend = movers.find((m) => m.kpi === "spend");
    expect(spend).toMatchObject({ previous: 10_000, current: 30_900, absolute_change: 20_900, impact: 20_900 });
    expect(spend?.change).toBeCloseTo(2.09, 10);
    const revenue = biggestMovers(current, previous, 10).find((m) => m.kpi === "revenue");
    expect(revenue).toMatchObject({ absolute_change: -19_000, impact: 19_000 });
    expect(revenue?.change).toBeCloseTo(-0.38, 10);
    expect(movers[0]?.impact).toBeCloseTo((31_000 / 30_900 - 5) * -30_900, 6);
    expect(movers.map((m) => m.impact)).toEqual([...movers.map((m) => m.impact)].sort((a, b) => b - a));
  });

  it("counts a new row's revenue from zero and skips ratios on small rows", () => {
    const movers = biggestMovers(
      new Map([["new", row({ orders: 5, revenue: 800, spend: 300, newCustomers: 2 })]]),
      new Map(),
    );
    expect(movers.map((m) => m.kpi).sort()).toEqual(["orders", "revenue", "spend"]);
    expect(movers.find((m) => m.kpi === "revenue")).toMatchObject({ previous: 0, current: 800, change: null });
  });
});
