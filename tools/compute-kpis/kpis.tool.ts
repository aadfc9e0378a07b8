import { z } from "zod";
import { AppError } from "../../errors.ts";
import { fetchTierThresholds } from "../find-customers/value-tier.queries.ts";
import { fetchFreshness } from "../freshness.ts";
import { assertKnownRegion, channelIdFor } from "../known-values.ts";
import { addDays, IsoDate, resolvePeriod } from "../period.ts";
import { defineTool, ROLES } from "../tool.ts";
import {
  biggestMovers,
  computeKpis,
  KPI_DEFINITIONS,
  type Kpi,
  type KpiInputs,
  nps,
  type RoiConvention,
  ratio,
} from "./kpis.model.ts";
import {
  DIMENSIONS,
  type Dimension,
  fetchNps,
  fetchOrderAggregates,
  fetchRetention,
  fetchSpendAggregates,
  orderAttributionIsStale,
  spendByDimensions,
} from "./kpis.queries.ts";

export const ComputeKpisInput = z
  .object({
    start: IsoDate.optional().describe("First day of the period, YYYY-MM-DD. Default: 30 days before end."),
    end: IsoDate.optional().describe("Last day of the period, inclusive, YYYY-MM-DD. Default: yesterday."),
    group_by: z
      .array(z.enum(DIMENSIONS))
      .max(2)
      .default(["channel"])
      .refine((d) => new Set(d).size === d.length, { error: "the same dimension twice" })
      .describe(
        "Up to two of channel, platform, campaign, region, segment (value tier), day, week, month; [] for one total row.",
      ),
    compare: z
      .enum(["previous_period", "previous_year", "none"])
      .default("previous_period")
      .describe(
        "Period-over-period comparison: the equally long period just before, the same dates a year earlier, or none.",
      ),
    roi_convention: z
      .enum(["google_ads", "incremental_ratio"])
      .default("google_ads")
      .describe(
        "ROI as Google Ads defines it ((revenue - cost) / cost, 0 = break-even) or as a ratio like Meridian (revenue / spend, 1 = break-even).",
      ),
    overhead_cost: z
      .number()
      .nonnegative()
      .default(0)
      .describe(
        "Non-media sales and marketing cost in the period (salaries, tools, agency fees) for fully loaded CAC; shared by spend.",
      ),
    region: z.string().min(1).optional().describe("Only customers in this region."),
    acquisition_channel: z.string().min(1).optional().describe("Only customers acquired through this channel code."),
    limit: z.number().int().min(1).max(500).default(100).describe("Most rows to return, by revenue."),
  })
  .strict();

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const money = (x: number) => Math.round(x * 100) / 100;
const KEY_KPIS = ["roas", "cvr", "cac_paid", "aov"] as const;

interface Row {
  key: Record<string, string>;
  inputs: KpiInputs;
  kpis: Record<string, Kpi>;
}

export const computeKpisTool = defineTool({
  name: "compute_kpis",
  description:
    "The KPI table: impressions, clicks, spend, orders, revenue, new customers, CTR, CVR, CPC, CPM, CPA, paid and fully " +
    "loaded CAC, ROAS, ROI (named convention), AOV, repeat-purchase rate, plus retention, churn and NPS for the period; by " +
    "channel, platform, campaign, region, value segment and/or day/week/month, with period-over-period change and the " +
    "biggest movers. Orders are credited to channels by last touch. Zero denominators come back as null with the reason.",
  input: ComputeKpisInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const { start, end } = resolvePeriod(input.start, input.end, context, 30);
    const days = Math.round((Date.parse(end) - Date.parse(start)) / 86_400_000) + 1;
    const acquisitionChannelId = input.acquisition_channel
      ? await channelIdFor(context.db, "acquisition_channel", input.acquisition_channel)
      : null;
    if (input.region) await assertKnownRegion(context.db, "region", input.region);
    const dims = input.group_by as Dimension[];
    const tiers = dims.includes("segment") ? await fetchTierThresholds(context.db, context) : null;
    const filtered = input.region !== undefined || acquisitionChannelId !== null;
    const load = async (period: { start: string; end: string }) => {
      const orders = await fetchOrderAggregates(
        context.db,
        { ...period, timezone: context.timezone, region: input.region ?? null, acquisitionChannelId },
        dims,
        tiers,
      );
      // Ad spend is not recorded per customer, so it cannot follow customer filters or customer dimensions.
      const spend = !filtered && spendByDimensions(dims) ? await fetchSpendAggregates(context.db, period, dims) : null;
      const rows = buildRows(dims, orders, spend, input.overhead_cost, input.roi_convention);
      const total = orders.find((o) => o.is_total);
      return { rows, total: sumRows(rows, total, input.overhead_cost, input.roi_convention, spend !== null) };
    };
    if (await orderAttributionIsStale(context.db)) {
      throw new AppError(
        "stale_data",
        "orders were added without rebuilding order_attribution: run `beacon db refresh`",
      );
    }
    const current = await load({ start, end });
    const previousPeriod =
      input.compare === "none"
        ? null
        : input.compare === "previous_year"
          ? { start: shiftYear(start), end: shiftYear(end) }
          : { start: addDays(start, -days), end: addDays(start, -1) };
    const previous = previousPeriod ? await load(previousPeriod) : null;
    // Retention is itself a comparison with the preceding period, so compare "none" skips it (and its scan).
    const retention =
      input.compare === "none"
        ? null
        : await fetchRetention(
            context.db,
            { start, end },
            { start: addDays(start, -days), end: addDays(start, -1) },
            context.timezone,
          );
    const npsCounts = await fetchNps(context.db, { start, end }, context.timezone);
    const total = current.total;
    const previousTotal = previous?.total ?? null;
    const keyOf = (r: Row) => JSON.stringify(r.key);
    const previousByKey = new Map((previous?.rows ?? []).map((r) => [keyOf(r), r]));
    const sorted = [...current.rows].sort(
      (a, b) => b.inputs.revenue - a.inputs.revenue || keyOf(a).localeCompare(keyOf(b)),
    );
    const movers = previous
      ? biggestMovers(
          new Map(current.rows.filter((r) => r.inputs.orders >= 20).map((r) => [keyOf(r), r.kpis])),
          new Map(previous.rows.map((r) => [keyOf(r), r.kpis])),
          KEY_KPIS,
        )
      : [];
    const retentionKpi: Kpi = retention
      ? ratio(retention.retained, retention.previous_customers, "nobody ordered in the previous period")
      : { value: null, reason: "retention compares with the preceding period: ask with compare previous_period" };
    const roiName = input.roi_convention === "google_ads" ? "roi_google_ads" : "roi_incremental_ratio";
    const npsKpi = nps(npsCounts.promoters, npsCounts.passives, npsCounts.detractors);
    const top = sorted[0];
    return {
      summary:
        `${start}..${end}: revenue ${money(total.inputs.revenue).toLocaleString("en-US")} ${context.currency} from ${total.inputs.orders.toLocaleString("en-US")} orders` +
        (total.kpis.roas?.value != null ? `, ROAS ${total.kpis.roas.value.toFixed(2)}` : "") +
        (total.kpis.cac_paid?.value != null ? `, paid CAC ${money(total.kpis.cac_paid.value)}` : "") +
        (previousTotal && previousTotal.inputs.revenue > 0
          ? ` (revenue ${((total.inputs.revenue / previousTotal.inputs.revenue - 1) * 100).toFixed(1)}% vs ${input.compare.replace("_", " ")})`
          : "") +
        (top && dims.length > 0 ? `; top ${dims.join(" x ")}: ${Object.values(top.key).join(" / ")}` : "") +
        ".",
      period: { start, end, days, timezone: context.timezone, previous: previousPeriod },
      group_by: dims,
      definitions: {
        ...Object.fromEntries(Object.entries(KPI_DEFINITIONS).filter(([k]) => !k.startsWith("roi_") || k === roiName)),
        attribution:
          "Orders are credited to channel, platform and campaign by last touch: the customer's latest touch in the 30 days before the order, after their previous order (precomputed in order_attribution); orders without one are '(no touch)'.",
        segment: dims.includes("segment")
          ? "Segment = current value tier (trailing-12-month revenue Pareto cut, see find_customers)."
          : undefined,
        spend:
          filtered || !spendByDimensions(dims)
            ? "Ad spend is not recorded per customer, region or segment: spend-based KPIs are null for this view."
            : undefined,
        currency: context.currency,
      },
      totals: {
        ...present(total),
        previous: previousTotal ? present(previousTotal) : undefined,
        retention: presentKpi(retentionKpi),
        churn: retentionKpi.value === null ? presentKpi(retentionKpi) : r4(1 - retentionKpi.value),
        nps: presentKpi(npsKpi),
        nps_responses: npsCounts.promoters + npsCounts.passives + npsCounts.detractors,
      },
      rows: sorted.slice(0, input.limit).map((r) => {
        const before = previousByKey.get(keyOf(r));
        return { ...present(r), change: before ? changeOf(r, before) : undefined };
      }),
      rows_total: sorted.length,
      biggest_movers: movers.map((m) => ({
        ...m,
        key: JSON.parse(m.key) as Record<string, string>,
        change: r4(m.change),
        previous: r4(m.previous),
        current: r4(m.current),
      })),
      data_freshness: await fetchFreshness(context.db),
    };
  },
});

function buildRows(
  dims: Dimension[],
  orders: Awaited<ReturnType<typeof fetchOrderAggregates>>,
  spend: Awaited<ReturnType<typeof fetchSpendAggregates>> | null,
  overhead: number,
  roi: RoiConvention,
): Row[] {
  const rows = new Map<string, Row>();
  const keyOf = (k1: string, k2: string) => {
    const key: Record<string, string> = {};
    if (dims[0]) key[dims[0]] = k1;
    if (dims[1]) key[dims[1]] = k2;
    return key;
  };
  const entry = (k1: string, k2: string) => {
    const id = `${k1}\u0000${k2}`;
    let row = rows.get(id);
    if (!row) {
      row = {
        key: keyOf(k1, k2),
        inputs: {
          impressions: spend ? 0 : null,
          clicks: spend ? 0 : null,
          spend: spend ? 0 : null,
          orders: 0,
          revenue: 0,
          newCustomers: 0,
          customers: 0,
          repeatCustomers: 0,
          overhead: 0,
        },
        kpis: {},
      };
      rows.set(id, row);
    }
    return row;
  };
  for (const o of orders) {
    if (o.is_total) continue;
    const row = entry(o.k1, o.k2);
    Object.assign(row.inputs, {
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
  for (const row of rows.values()) row.kpis = computeKpis(row.inputs, roi);
  return [...rows.values()];
}

/** The total row: spend summed over rows; orders, customers and repeat customers from SQL's total grouping set. */
function sumRows(
  rows: Row[],
  total: Awaited<ReturnType<typeof fetchOrderAggregates>>[number] | undefined,
  overhead: number,
  roi: RoiConvention,
  withSpend: boolean,
): Row {
  const inputs: KpiInputs = {
    impressions: withSpend ? 0 : null,
    clicks: withSpend ? 0 : null,
    spend: withSpend ? 0 : null,
    orders: total?.orders ?? 0,
    revenue: total?.revenue ?? 0,
    newCustomers: total?.new_customers ?? 0,
    customers: total?.customers ?? 0,
    repeatCustomers: total?.repeat_customers ?? 0,
    overhead,
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

function presentKpi(k: Kpi): number | { value: null; reason: string } {
  return k.value === null ? { value: null, reason: k.reason } : r4(k.value);
}

function present(r: Row) {
  return {
    ...(Object.keys(r.key).length ? { key: r.key } : {}),
    spend: r.inputs.spend === null ? null : money(r.inputs.spend),
    impressions: r.inputs.impressions,
    clicks: r.inputs.clicks,
    orders: r.inputs.orders,
    revenue: money(r.inputs.revenue),
    new_customers: r.inputs.newCustomers,
    ...Object.fromEntries(Object.entries(r.kpis).map(([k, v]) => [k, presentKpi(v)])),
  };
}

/** Relative change of the headline numbers against the same key in the previous period. */
function changeOf(now: Row, before: Row): Record<string, number | null> {
  const rel = (a: number | null | undefined, b: number | null | undefined) =>
    a == null || b == null || b === 0 ? null : r4((a - b) / Math.abs(b));
  return {
    revenue: rel(now.inputs.revenue, before.inputs.revenue),
    orders: rel(now.inputs.orders, before.inputs.orders),
    spend: rel(now.inputs.spend, before.inputs.spend),
    roas: rel(now.kpis.roas?.value, before.kpis.roas?.value),
    cvr: rel(now.kpis.cvr?.value, before.kpis.cvr?.value),
    cac_paid: rel(now.kpis.cac_paid?.value, before.kpis.cac_paid?.value),
  };
}

function shiftYear(date: string): string {
  const shifted = `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`;
  return shifted.endsWith("-02-29") ? `${shifted.slice(0, 8)}28` : shifted;
}
