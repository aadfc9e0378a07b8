// The series the scan tests, as ratios of daily components, and their values against the rest of the market.
import { logLevel } from "./baseline.model.ts";
import type { Component, SeriesKey } from "./series.model.ts";

export const SERIES = [
  "spend",
  "impressions",
  "clicks",
  "cpc",
  "cvr",
  "orders",
  "revenue",
  "roas",
  "new_customers",
  "claimed_conversions",
] as const;
export type Series = (typeof SERIES)[number];

/**
 * What a scan watches unless asked for more: efficiency and outcomes. Spend, impressions and clicks follow the
 * advertiser's own budget moves (a campaign re-budgeted 3x from one week to the next is ordinary), so on the demo's
 * year they were 159 of 221 unexplained flags; `include_volume` (detect_anomalies) scans them too.
 */
export const VOLUME_SERIES = ["spend", "impressions", "clicks"] as const satisfies readonly Series[];
export const WATCHED_SERIES: readonly Series[] = SERIES.filter(
  (series) => !(VOLUME_SERIES as readonly string[]).includes(series),
);

/** A metric is a component or a ratio of two; `volume` is the count that must reach the minimum for a verdict. */
export interface MetricDef {
  num: Component;
  den?: Component;
  /** Counts are judged with a Poisson tail too; money and ratios are not. */
  count: boolean;
  volume?: Component;
  /** The count that must reach the minimum on the day judged itself (a CPC of 3 clicks says nothing). */
  dayVolume?: Component;
  label: string;
}

export const METRICS: Record<Series | "aov", MetricDef> = {
  spend: { num: "spend", count: false, label: "spend" },
  impressions: { num: "impressions", count: true, label: "impressions" },
  clicks: { num: "clicks", count: true, label: "clicks" },
  cpc: { num: "spend", den: "clicks", count: false, volume: "clicks", dayVolume: "clicks", label: "CPC" },
  cvr: { num: "orders", den: "clicks", count: false, volume: "orders", dayVolume: "clicks", label: "CVR" },
  orders: { num: "orders", count: true, label: "orders" },
  revenue: { num: "revenue", count: false, volume: "orders", label: "revenue" },
  roas: { num: "revenue", den: "spend", count: false, volume: "orders", dayVolume: "clicks", label: "ROAS" },
  new_customers: { num: "new_customers", count: true, label: "new customers" },
  claimed_conversions: { num: "claims", count: true, label: "platform-reported conversions" },
  aov: { num: "revenue", den: "orders", count: false, volume: "orders", dayVolume: "orders", label: "AOV" },
};

/** What each series' driver compares: the components (or component ratios) that make it up. */
export const DRIVER_PARTS: Record<Series, (Series | "aov")[]> = {
  spend: ["clicks", "cpc"],
  impressions: ["spend"],
  clicks: ["spend", "cpc"],
  cpc: ["spend", "clicks"],
  cvr: ["orders", "clicks"],
  orders: ["clicks", "cvr"],
  revenue: ["orders", "aov"],
  roas: ["cpc", "cvr", "aov"],
  new_customers: ["orders", "clicks"],
  claimed_conversions: ["orders"],
};

/** Per-day totals of every component over all keys of one level (the market a key is compared with). */
export type LevelTotals = Record<Component, Float64Array>;

/** The metric's natural value on day d: the component, or the ratio (null when the denominator is 0). */
export function valueAt(key: SeriesKey, def: MetricDef, d: number): number | null {
  const num = key.values[def.num][d] as number;
  if (!def.den) return num;
  const den = key.values[def.den][d] as number;
  return den > 0 ? num / den : null;
}

/**
 * The market's value on day d without the key itself: everyone else's total, or everyone else's ratio. Moves
 * every channel shares (a sale day, a holiday, dearer auctions in peak season) are the calendar, not an anomaly
 * of one channel, so each key is judged by its level against the rest: ln(key) - ln(rest).
 */
export function restAt(key: SeriesKey, def: MetricDef, totals: LevelTotals, d: number): number | null {
  const num = (totals[def.num][d] as number) - (key.values[def.num][d] as number);
  if (!def.den) return Math.max(0, num);
  const den = (totals[def.den][d] as number) - (key.values[def.den][d] as number);
  return den > 0 && num > 0 ? num / den : null;
}

/** ln(key value) - ln(rest): the quantity whose seasonal median and MAD make the baseline. */
export function relativeLog(key: SeriesKey, def: MetricDef, totals: LevelTotals, d: number): number {
  const rest = restAt(key, def, totals, d);
  if (rest === null) return Number.NaN;
  if (!def.den) return logLevel(key.values[def.num][d] as number) - logLevel(rest);
  const den = key.values[def.den][d] as number;
  if (den <= 0) return Number.NaN;
  // Ratios on the log scale; half a unit on the numerator keeps a zero (no orders at all) finite.
  return Math.log(((key.values[def.num][d] as number) + 0.5) / den) - Math.log(rest);
}

/** The natural value a relative log maps back to on day d (expected value from the baseline's center). */
export function fromRelativeLog(def: MetricDef, rest: number, y: number): number {
  if (!def.den) return Math.max(0, Math.exp(y + logLevel(rest)) - 0.5);
  return Math.exp(y) * rest;
}

/** Component totals per day over keys of one level; ratio totals only over keys where the denominator exists. */
export function levelTotals(keys: readonly SeriesKey[], days: number): LevelTotals {
  const totals = Object.fromEntries(
    (Object.keys(keys[0]?.values ?? {}) as Component[]).map((c) => [c, new Float64Array(days)]),
  ) as LevelTotals;
  for (const k of keys) {
    for (const [c, arr] of Object.entries(k.values) as [Component, Float64Array][]) {
      const total = totals[c];
      for (let d = 0; d < days; d++) total[d] = (total[d] as number) + (arr[d] as number);
    }
  }
  return totals;
}

/** Whether the key has the metric at all (a channel without ad spend has no CPC). */
export function hasMetric(key: SeriesKey, def: MetricDef): boolean {
  const some = (c: Component) => key.values[c].some((v) => v > 0);
  return some(def.num) && (def.den === undefined || some(def.den));
}
