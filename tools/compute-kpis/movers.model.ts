// Biggest movers between two periods, ranked by money impact so volume changes (spend up 209%, revenue down 38%)
// outrank a noisy ratio on a small row. Pure: rows in, ranked moves out.
import type { Kpi, KpiInputs } from "./kpis.model.ts";

/** The inputs and KPIs of one row in one period. */
export interface MoverRow {
  inputs: KpiInputs;
  kpis: Record<string, Kpi>;
}

/** One metric of one row that moved, with the money its change accounts for. */
export interface Mover {
  key: string;
  kpi: MoverMetric;
  previous: number;
  current: number;
  absolute_change: number;
  /** Relative change; null when the previous value was 0. */
  change: number | null;
  impact: number;
}

export const MOVER_METRICS = ["revenue", "spend", "orders", "roas", "cvr", "cac_paid", "aov"] as const;
export type MoverMetric = (typeof MOVER_METRICS)[number];

/** Ratios on a handful of orders swing by chance: they are ranked only for rows with this many orders in both periods. */
export const MIN_ORDERS_FOR_RATIOS = 20;

export const MOVERS_DEFINITION =
  "Biggest movers: each row's change in revenue, spend, orders, ROAS, CVR, paid CAC and AOV, ranked by impact = the " +
  "money the change accounts for at this period's volume: revenue and spend by their own change; orders x average " +
  "order value; ROAS change x spend; CVR change x clicks x average order value; CAC change x new customers; AOV " +
  `change x orders. Ratio metrics only for rows with ${MIN_ORDERS_FOR_RATIOS}+ orders in both periods.`;

const EMPTY: MoverRow = {
  inputs: {
    impressions: 0,
    clicks: 0,
    spend: 0,
    orders: 0,
    revenue: 0,
    newCustomers: 0,
    customers: 0,
    repeatCustomers: 0,
    overhead: 0,
  },
  kpis: {},
};

const RATIOS: readonly MoverMetric[] = ["roas", "cvr", "cac_paid", "aov"];

/** The metric's value in one period, or null where the row has none (no spend, zero denominator). */
function metricValue(row: MoverRow, metric: MoverMetric): number | null {
  if (metric === "revenue") return row.inputs.revenue;
  if (metric === "spend") return row.inputs.spend;
  if (metric === "orders") return row.inputs.orders;
  return row.kpis[metric]?.value ?? null;
}

/** Money the change accounts for, holding this period's volume (see MOVERS_DEFINITION). */
function impactOf(metric: MoverMetric, delta: number, now: MoverRow, before: MoverRow): number {
  const orders = now.inputs.orders + before.inputs.orders;
  // Average order value over both periods, so a row that had no orders in one period still has one.
  const aov = orders > 0 ? (now.inputs.revenue + before.inputs.revenue) / orders : 0;
  const volume: Record<MoverMetric, number> = {
    revenue: 1,
    spend: 1,
    orders: aov,
    roas: now.inputs.spend ?? 0,
    cvr: (now.inputs.clicks ?? 0) * aov,
    cac_paid: now.inputs.newCustomers,
    aov: now.inputs.orders,
  };
  return Math.abs(delta * volume[metric]);
}

/** The `top` moves across rows and metrics, largest money impact first; rows new in this period start from zero. */
export function biggestMovers(
  current: ReadonlyMap<string, MoverRow>,
  previous: ReadonlyMap<string, MoverRow>,
  top = 5,
): Mover[] {
  const moves: Mover[] = [];
  for (const [key, now] of current) {
    const before = previous.get(key) ?? EMPTY;
    const ratiosCount = Math.min(now.inputs.orders, before.inputs.orders) >= MIN_ORDERS_FOR_RATIOS;
    for (const metric of MOVER_METRICS) {
      if (RATIOS.includes(metric) && !ratiosCount) continue;
      const a = metricValue(before, metric);
      const b = metricValue(now, metric);
      if (a === null || b === null || a === b) continue;
      const impact = impactOf(metric, b - a, now, before);
      if (impact === 0) continue;
      moves.push({
        key,
        kpi: metric,
        previous: a,
        current: b,
        absolute_change: b - a,
        change: a === 0 ? null : (b - a) / Math.abs(a),
        impact,
      });
    }
  }
  return moves.sort((x, y) => y.impact - x.impact || x.key.localeCompare(y.key)).slice(0, top);
}
