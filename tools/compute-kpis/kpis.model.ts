// KPI formulas with their conventions, as pure functions. A zero denominator gives null plus the reason, never
// NaN or Infinity, so an answer can say "CPA: n/a (no conversions)" instead of printing nonsense.

/** A KPI value, or null with why it cannot be computed. */
export type Kpi = { value: number; reason?: undefined } | { value: null; reason: string };

/** numerator / denominator (times scale), or null with the reason when the denominator is zero or missing. */
export function ratio(numerator: number | null, denominator: number | null, reason: string, scale = 1): Kpi {
  if (numerator === null || denominator === null || !Number.isFinite(numerator) || !Number.isFinite(denominator)) {
    return { value: null, reason: "not available for this grouping" };
  }
  if (denominator === 0) return { value: null, reason };
  return { value: (numerator / denominator) * scale };
}

/** Bain's NPS: % promoters (9-10) minus % detractors (0-6), passives (7-8) only in the denominator; -100..100. */
export function nps(promoters: number, passives: number, detractors: number): Kpi {
  const respondents = promoters + passives + detractors;
  return ratio(promoters - detractors, respondents, "no NPS responses", 100);
}

/** NPS from raw 0-10 scores. */
export function npsFromScores(scores: readonly number[]): Kpi {
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return nps(promoters, scores.length - promoters - detractors, detractors);
}

/** Google Ads ROI: (revenue - cost) / cost; 0 is break-even. */
export function roiGoogleAds(revenue: number | null, cost: number | null): Kpi {
  if (revenue === null || cost === null) return ratio(null, null, "");
  return ratio(revenue - cost, cost, "no cost in the period");
}

/** Meridian-style ROI: (incremental) revenue / spend; 1.0 is break-even, like ROAS. */
export function roiIncremental(incrementalRevenue: number | null, spend: number | null): Kpi {
  return ratio(incrementalRevenue, spend, "no spend in the period");
}

/** Raw aggregates of one KPI row; null where the grouping has no such data (e.g. spend by region). */
export interface KpiInputs {
  impressions: number | null;
  clicks: number | null;
  spend: number | null;
  orders: number;
  revenue: number;
  newCustomers: number;
  customers: number;
  repeatCustomers: number;
  /** Non-media sales and marketing cost attributed to this row, for fully loaded CAC. */
  overhead: number;
}

/** Why a cost per customer or order is null without spend: 0 would read as "free", like ROAS's missing denominator. */
export const NO_SPEND_REASON = "no ad spend (unpaid channel or no spend in the period)";

/** Cost / count for CPA and CAC; null with a reason when there is no cost (unpaid traffic) or nothing to divide by. */
export function costPer(cost: number | null, count: number, noCountReason: string): Kpi {
  if (cost === 0) return { value: null, reason: NO_SPEND_REASON };
  return ratio(cost, cost === null ? null : count, noCountReason);
}

export type RoiConvention = "google_ads" | "incremental_ratio";

/** Every KPI of one row, each with its convention fixed in KPI_DEFINITIONS. */
export function computeKpis(x: KpiInputs, roiConvention: RoiConvention): Record<string, Kpi> {
  return {
    ctr: ratio(x.clicks, x.impressions, "no impressions"),
    cvr: ratio(x.clicks === null ? null : x.orders, x.clicks, "no clicks"),
    cpc: ratio(x.spend, x.clicks, "no clicks"),
    cpm: ratio(x.spend, x.impressions, "no impressions", 1000),
    cpa: costPer(x.spend, x.orders, "no conversions"),
    cac_paid: costPer(x.spend, x.newCustomers, "no new customers"),
    cac_fully_loaded: costPer(x.spend === null ? null : x.spend + x.overhead, x.newCustomers, "no new customers"),
    roas: ratio(x.revenue, x.spend, "no spend"),
    roi:
      roiConvention === "google_ads"
        ? roiGoogleAds(x.spend === null ? null : x.revenue, x.spend)
        : roiIncremental(x.revenue, x.spend),
    aov: ratio(x.revenue, x.orders, "no orders"),
    repeat_purchase_rate: ratio(x.repeatCustomers, x.customers, "no ordering customers"),
  };
}

/** The conventions every answer states. */
export const KPI_DEFINITIONS: Record<string, string> = {
  ctr: "CTR = clicks / impressions",
  cvr: "CVR = attributed orders / clicks",
  cpc: "CPC = spend / clicks",
  cpm: "CPM = spend / impressions x 1,000",
  cpa: "CPA = spend / attributed orders",
  cac_paid: "Paid-media CAC = ad spend / new customers (first orders) attributed to the row",
  cac_fully_loaded:
    "Fully loaded CAC = (ad spend + other sales & marketing cost given as overhead_cost, shared by spend) / new customers",
  roas: "ROAS = attributed revenue / ad spend",
  roi_google_ads: "ROI (Google Ads convention) = (revenue - cost) / cost, 0 = break-even; cost here is ad spend",
  roi_incremental_ratio:
    "ROI (incremental-ratio convention, as Meridian) = revenue / spend, 1.0 = break-even; revenue here is attributed, not experimentally incremental",
  aov: "AOV = revenue / orders",
  repeat_purchase_rate:
    "Repeat-purchase rate = ordering customers with 2+ orders up to the period end / ordering customers",
  retention:
    "Retention = customers who ordered in the previous period and again in this one / customers who ordered in the previous period; churn = 1 - retention",
  nps: "NPS (Bain) = % promoters (9-10) - % detractors (0-6) of responses in the period",
};
