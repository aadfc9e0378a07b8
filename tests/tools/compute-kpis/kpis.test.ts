import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  computeKpis,
  type KpiInputs,
  NO_SPEND_REASON,
  nps,
  npsFromScores,
  ratio,
  roiGoogleAds,
} from "../../../tools/compute-kpis/kpis.model.ts";
import { readReference } from "../../helpers/reference.ts";

const examples = JSON.parse(readReference("kpi_formulas/kpi_examples.json")) as {
  nps: {
    examples: {
      promoters_pct?: number;
      detractors_pct?: number;
      promoters?: number;
      passives?: number;
      detractors?: number;
      scores?: number[];
      nps: number;
    }[];
  };
  roi_google_ads: {
    example: { revenue: number; total_cost: number; roi: number };
    example2_exam: { unit_cost: number; unit_price: number; units: number; ad_cost: number; roi: number };
  };
  cac: { examples: { cost: number; new_customers: number; cac: number }[] };
};

describe("KPI formulas against kpi_examples.json", () => {
  it("computes NPS the Bain way", () => {
    const [pct, counts, scores] = examples.nps.examples;
    expect(
      nps(
        pct?.promoters_pct ?? 0,
        100 - (pct?.promoters_pct ?? 0) - (pct?.detractors_pct ?? 0),
        pct?.detractors_pct ?? 0,
      ).value,
    ).toBeCloseTo(pct?.nps ?? NaN, 9);
    expect(nps(counts?.promoters ?? 0, counts?.passives ?? 0, counts?.detractors ?? 0).value).toBeCloseTo(
      counts?.nps ?? NaN,
      4,
    );
    expect(npsFromScores(scores?.scores ?? []).value).toBeCloseTo(scores?.nps ?? NaN, 9);
  });

  it("computes ROI with the Google Ads convention", () => {
    const e = examples.roi_google_ads.example;
    expect(roiGoogleAds(e.revenue, e.total_cost).value).toBeCloseTo(e.roi, 12);
    const x = examples.roi_google_ads.example2_exam;
    expect(roiGoogleAds(x.unit_price * x.units, x.unit_cost * x.units + x.ad_cost).value).toBeCloseTo(x.roi, 12);
  });

  it("computes CAC, ROAS and the rest from aggregates", () => {
    for (const c of examples.cac.examples) expect(ratio(c.cost, c.new_customers, "no new customers").value).toBe(c.cac);
    const k = computeKpis(
      {
        impressions: 10_000,
        clicks: 200,
        spend: 100,
        orders: 10,
        revenue: 500,
        newCustomers: 4,
        customers: 9,
        repeatCustomers: 3,
        overhead: 60,
      },
      "google_ads",
    );
    expect(k.roas?.value).toBe(5);
    expect(k.roi?.value).toBe(4);
    expect(k.ctr?.value).toBe(0.02);
    expect(k.cvr?.value).toBe(0.05);
    expect(k.cpc?.value).toBe(0.5);
    expect(k.cpm?.value).toBe(10);
    expect(k.cpa?.value).toBe(10);
    expect(k.cac_paid?.value).toBe(25);
    expect(k.cac_fully_loaded?.value).toBe(40);
    expect(k.aov?.value).toBe(50);
    expect(k.repeat_purchase_rate?.value).toBeCloseTo(1 / 3, 12);
    expect(
      computeKpis(
        {
          impressions: 1,
          clicks: 1,
          spend: 100,
          orders: 1,
          revenue: 500,
          newCustomers: 1,
          customers: 1,
          repeatCustomers: 0,
          overhead: 0,
        },
        "incremental_ratio",
      ).roi?.value,
    ).toBe(5);
  });

  it("gives null with a reason for zero denominators, never NaN or Infinity", () => {
    const nat = fc.nat({ max: 1000 });
    const maybe = fc.option(nat, { nil: null });
    fc.assert(
      fc.property(
        maybe,
        maybe,
        maybe,
        nat,
        nat,
        nat,
        nat,
        nat,
        nat,
        (impressions, clicks, spend, orders, revenue, newCustomers, customers, repeat, overhead) => {
          const inputs: KpiInputs = {
            impressions,
            clicks,
            spend,
            orders,
            revenue,
            newCustomers,
            customers,
            repeatCustomers: Math.min(repeat, customers),
            overhead,
          };
          for (const [name, kpi] of Object.entries(computeKpis(inputs, "google_ads"))) {
            if (kpi.value === null) expect(kpi.reason, name).toMatch(/\w/);
            else expect(Number.isFinite(kpi.value), name).toBe(true);
          }
        },
      ),
    );
    expect(
      computeKpis(
        {
          impressions: 0,
          clicks: 0,
          spend: 100,
          orders: 0,
          revenue: 0,
          newCustomers: 0,
          customers: 0,
          repeatCustomers: 0,
          overhead: 0,
        },
        "google_ads",
      ).cpa,
    ).toEqual({
      value: null,
      reason: "no conversions",
    });
    expect(nps(0, 0, 0)).toEqual({ value: null, reason: "no NPS responses" });
    // Unpaid traffic: a cost per order or customer of 0 would read as "free", so it is null with the reason.
    const unpaid = computeKpis(
      {
        impressions: 0,
        clicks: 0,
        spend: 0,
        orders: 12,
        revenue: 900,
        newCustomers: 5,
        customers: 10,
        repeatCustomers: 2,
        overhead: 0,
      },
      "google_ads",
    );
    for (const kpi of ["cpa", "cac_paid", "cac_fully_loaded", "roas"] as const) {
      expect(unpaid[kpi]?.value, kpi).toBeNull();
    }
    expect(unpaid.cac_paid).toEqual({ value: null, reason: NO_SPEND_REASON });
    expect(unpaid.aov?.value).toBe(75);
  });
});

describe("KPI totals", () => {
  it("do not depend on the order rows are added in", () => {
    const row = fc.record({
      impressions: fc.nat({ max: 100_000 }),
      clicks: fc.nat({ max: 5_000 }),
      spend: fc.nat({ max: 50_000 }),
      orders: fc.nat({ max: 500 }),
      revenue: fc.nat({ max: 100_000 }),
      newCustomers: fc.nat({ max: 100 }),
    });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.integer(), (rows, seed) => {
        const total = (list: typeof rows): KpiInputs => {
          const t = { impressions: 0, clicks: 0, spend: 0, orders: 0, revenue: 0, newCustomers: 0 };
          for (const r of list) {
            t.impressions += r.impressions;
            t.clicks += r.clicks;
            t.spend += r.spend;
            t.orders += r.orders;
            t.revenue += r.revenue;
            t.newCustomers += r.newCustomers;
          }
          return { ...t, customers: 1, repeatCustomers: 0, overhead: 0 };
        };
        const shuffled = [...rows].sort((a, b) => ((a.orders * 31 + seed) % 7) - ((b.orders * 31 + seed) % 7));
        expect(computeKpis(total(shuffled), "google_ads")).toEqual(computeKpis(total(rows), "google_ads"));
      }),
    );
  });
});
