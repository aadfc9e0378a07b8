// KPI rows from the SQL aggregates, the total row, and how a row is presented (values, changes, shares).
import { computeKpis, type Kpi, type KpiInputs, type RoiConvention } from "./kpis.model.ts";
import type { Dimension, OrderAggregate, SpendAggregate } from "./kpis.queries.ts";
import { presentWeb, type WebInputs, webInputs, webValues } from "./web-sessions.model.ts";
import type { WebAggregate } from "./web-sessions.queries.ts";

/** One KPI row: its grouping key, raw aggregates and every KPI. */
export interface Row {
  key: Record<string, string>;
  inputs: KpiInputs;
  kpis: Record<string, Kpi>;
  /** GA4 sessions of the row's key; absent when web_sessions has none for it. */
  web?: WebInputs;
}

export const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
export const money = (x: number) => Math.round(x * 100) / 100;

/** A stable identity for a row across periods. */
export const rowId = (r: Row) => JSON.stringify(r.key);

const emptyInputs = (withSpend: boolean, overhead: number): KpiInputs => ({
  impressions: withSpend ? 0 : null,
  clicks: withSpend ? 0 : null,
  spend: withSpend ? 0 : null,
  orders: 0,
  revenue: 0,
  newCustomers: 0,
  customers: 0,
  repeatCustomers: 0,
  overhead,
});

/** Rows keyed by the grouping dimensions, orders and spend joined on the same key, overhead shared by spend. */
export function buildRows(
  dims: readonly Dimension[],
  orders: readonly OrderAggregate[],
  spend: readonly SpendAggregate[] | null,
  overhead: number,
  roi: RoiConvention,
  web: readonly WebAggregate[] = [],
): Row[] {
  const rows = new Map<string, Row>();
  const entry = (k1: string, k2: string) => {
    const id = `${k1}\u0000${k2}`;
    let row = rows.get(id);
    if (!row) {
      const key: Record<string, string> = {};
      if (dims[0]) key[dims[0]] = k1;
      if (dims[1]) key[dims[1]] = k2;
      row = { key, inputs: emptyInputs(spend !== null, 0), kpis: {} };
      rows.set(id, row);
    }
    return row;
  };
  for (const o of orders) {
    // With no dimensions the total grouping set is the one row, and spend's constant key ('all', '') matches it.
    if (o.is_total && dims.length > 0) continue;
    Object.assign(entry(o.k1, o.k2).inputs, {
      orders: o.orders,
      revenue: o.revenue,
      newCustomers: o.new_customers,
      customers: o.customers,
      repeatCustomers: o.repeat_customers,
    });
  }
  const totalSpend = (spend ?? []).reduce((s, x) => s + x.spend, 0);
  for (const s of spend ?? []) {
    const row = entry(s.k1, s.k2);
    Object.assign(row.inputs, { spend: s.spend, impressions: s.impressions, clicks: s.clicks });
    row.inputs.overhead = totalSpend > 0 ? (overhead * s.spend) / totalSpend : 0;
  }
  // Sessions of channel groups that map to no channel have no key here: they count in the total only.
  for (const w of web) {
    if ((w.is_total && dims.length > 0) || w.k1 === null) continue;
    entry(w.k1, w.k2 ?? "").web = webInputs(w);
  }
  for (const row of rows.values()) row.kpis = computeKpis(row.inputs, roi);
  return [...rows.values()];
}

/** The total row: spend summed over rows; orders, customers and repeat customers from SQL's total grouping set. */
export function sumRows(
  rows: readonly Row[],
  total: OrderAggregate | undefined,
  overhead: number,
  roi: RoiConvention,
  withSpend: boolean,
): Row {
  const inputs: KpiInputs = {
    ...emptyInputs(withSpend, overhead),
    orders: total?.orders ?? 0,
    revenue: total?.revenue ?? 0,
    newCustomers: total?.new_customers ?? 0,
    customers: total?.customers ?? 0,
    repeatCustomers: total?.repeat_customers ?? 0,
  };
  if (withSpend) {
    for (const r of rows) {
      inputs.spend = (inputs.spend ?? 0) + (r.inputs.spend ?? 0);
      inputs.impressions = (inputs.impressions ?? 0) + (r.inputs.impressions ?? 0);
      inputs.clicks = (inputs.clicks ?? 0) + (r.inputs.clicks ?? 0);
    }
  }
  return { key: {}, inputs, kpis: computeKpis(inputs, roi) };
}

/** A KPI as a number, or null with its reason. */
export function presentKpi(k: Kpi): number | { value: null; reason: string } {
  return k.value === null ? { value: null, reason: k.reason } : r4(k.value);
}

/** A row's aggregates and KPIs as the result shows them. */
export function present(r: Row) {
  return {
    ...(Object.keys(r.key).length ? { key: r.key } : {}),
    spend: r.inputs.spend === null ? null : money(r.inputs.spend),
    impressions: r.inputs.impressions,
    clicks: r.inputs.clicks,
    orders: r.inputs.orders,
    revenue: money(r.inputs.revenue),
    new_customers: r.inputs.newCustomers,
    ...Object.fromEntries(Object.entries(r.kpis).map(([k, v]) => [k, presentKpi(v)])),
    ...presentWeb(r.web),
  };
}

/** Every numeric metric of a row, unrounded; null where the row has none. */
function metricValues(r: Row): Record<string, number | null> {
  return {
    spend: r.inputs.spend,
    impressions: r.inputs.impressions,
    clicks: r.inputs.clicks,
    orders: r.inputs.orders,
    revenue: r.inputs.revenue,
    new_customers: r.inputs.newCustomers,
    ...Object.fromEntries(Object.entries(r.kpis).map(([k, v]) => [k, v.value])),
    ...webValues(r.web),
  };
}

/**
 * Each metric's change against the previous period: `change` relative ((now - before) / |before|, null when before
 * is 0 or either is missing) and `change_absolute` (now - before, null when either is missing).
 */
export function changesOf(
  now: Row,
  before: Row,
): { change: Record<string, number | null>; change_absolute: Record<string, number | null> } {
  const a = metricValues(before);
  const b = metricValues(now);
  const change: Record<string, number | null> = {};
  const absolute: Record<string, number | null> = {};
  for (const [metric, current] of Object.entries(b)) {
    const previous = a[metric];
    const known = current !== null && current !== undefined && previous !== null && previous !== undefined;
    absolute[metric] = known ? r4(current - previous) : null;
    change[metric] = known && previous !== 0 ? r4((current - previous) / Math.abs(previous)) : null;
  }
  return { change, change_absolute: absolute };
}

/** The row's share of the total's revenue and spend: rows partition the total (each order has one key). */
export function sharesOf(r: Row, total: Row): { revenue_share: number | null; spend_share: number | null } {
  const share = (part: number | null, whole: number | null) =>
    part === null || whole === null || whole === 0 ? null : r4(part / whole);
  return {
    revenue_share: share(r.inputs.revenue, total.inputs.revenue),
    spend_share: share(r.inputs.spend, total.inputs.spend),
  };
}
