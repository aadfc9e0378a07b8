import { z } from "zod";
import { AppError } from "../../errors.ts";
import { fetchTierThresholds } from "../find-customers/value-tier.queries.ts";
import { fetchFreshness } from "../freshness.ts";
import { assertKnownRegion, channelIdFor } from "../known-values.ts";
import { formatChange, formatCount, formatMoney, formatRatio } from "../number-format.ts";
import { addDays, IsoDate, resolvePeriod, todayIn } from "../period.ts";
import { rollupNote, rollupStatus } from "../rollups.ts";
import { defineTool, ROLES, type ToolContext } from "../tool.ts";
import {
  buildRows,
  changesOf,
  money,
  present,
  presentKpi,
  type Row,
  r4,
  rowId,
  sharesOf,
  sumRows,
} from "./kpi-rows.ts";
import { KPI_DEFINITIONS, type Kpi, nps, ratio } from "./kpis.model.ts";
import {
  DIMENSIONS,
  type Dimension,
  fetchCampaignLabels,
  fetchNps,
  fetchOrderAggregates,
  fetchOrderAggregatesFromRollups,
  fetchRetention,
  fetchSpendAggregates,
  orderAttributionIsStale,
  rollupAnswers,
  spendByDimensions,
} from "./kpis.queries.ts";
import { biggestMovers, MOVERS_DEFINITION } from "./movers.model.ts";
import { isTimeDimension, partialBucket, type TimeDimension } from "./time-buckets.ts";
import { webDefinitions, webInputs, webSummary } from "./web-sessions.model.ts";
import { fetchWebAggregates, webByDimensions } from "./web-sessions.queries.ts";

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
    limit: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(100)
      .describe("Most rows to return: the highest revenue, or for day/week/month the latest periods."),
  })
  .strict();

/** Retention over a shorter window mostly measures how often people shop, not whether they stay. */
export const MIN_RETENTION_DAYS = 28;

export const computeKpisTool = defineTool({
  name: "compute_kpis",
  description:
    "The KPI table: impressions, clicks, spend, orders, revenue, new customers, CTR, CVR, CPC, CPM, CPA, paid and fully " +
    "loaded CAC, ROAS, ROI (named convention), AOV, repeat-purchase rate, plus retention, churn and NPS for the period, and " +
    "GA4 sessions, engagement rate and session conversion rate where web analytics was imported; by " +
    "channel, platform, campaign, region, value segment and/or day/week/month, with each row's revenue and spend share, " +
    "period-over-period change (absolute and relative) and the biggest movers by money impact. Day/week/month rows come in " +
    "date order, with partial ones flagged. Orders are credited to channels by last touch. Zero denominators and unpaid " +
    "channels' costs come back as null with the reason.",
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
    const customerFilter = { region: input.region ?? null, acquisitionChannelId };
    const rollups = await rollupStatus(context.db, context.timezone);
    const fromRollups = rollups.usable && rollupAnswers(dims, customerFilter, tiers);
    const load = async (period: { start: string; end: string }) => {
      const orders = fromRollups
        ? await fetchOrderAggregatesFromRollups(context.db, { ...period, timezone: context.timezone }, dims)
        : await fetchOrderAggregates(
            context.db,
            { ...period, timezone: context.timezone, ...customerFilter },
            dims,
            tiers,
          );
      // Ad spend is not recorded per customer, so it cannot follow customer filters or customer dimensions.
      const spend = !filtered && spendByDimensions(dims) ? await fetchSpendAggregates(context.db, period, dims) : null;
      // GA4 sessions are not recorded per customer either; where they exist they join rows on the same key.
      const web = filtered ? [] : await fetchWebAggregates(context.db, period, dims);
      const rows = buildRows(dims, orders, spend, input.overhead_cost, input.roi_convention, web);
      const total = orders.find((o) => o.is_total);
      const totalRow = sumRows(rows, total, input.overhead_cost, input.roi_convention, spend !== null);
      const webTotal = web.find((w) => w.is_total);
      totalRow.web = webInputs(webTotal);
      return { rows, total: totalRow, webTotal };
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
    const retentionKpi = await retentionOf(context, input.compare, { start, end }, days);
    const npsCounts = await fetchNps(context.db, { start, end }, context.timezone);
    const total = current.total;
    const previousTotal = previous?.total ?? null;
    const previousById = new Map((previous?.rows ?? []).map((r) => [rowId(r), r]));
    const timeDim = dims.find(isTimeDimension);
    const byRevenue = [...current.rows].sort(
      (a, b) => b.inputs.revenue - a.inputs.revenue || rowId(a).localeCompare(rowId(b)),
    );
    // A time series reads in date order; when it must be cut, the latest periods are the ones asked about.
    const shown = timeDim ? chronological(byRevenue, timeDim).slice(-input.limit) : byRevenue.slice(0, input.limit);
    const movers = previous
      ? biggestMovers(new Map(current.rows.map((r) => [rowId(r), r])), new Map(previous.rows.map((r) => [rowId(r), r])))
      : [];
    const moverKeys = movers.map((m) => JSON.parse(m.key) as Record<string, string>);
    const labels = dims.includes("campaign")
      ? await fetchCampaignLabels(
          context.db,
          [...shown.map((r) => r.key), ...moverKeys].map((k) => k.campaign ?? ""),
        )
      : null;
    const today = todayIn(context);
    const roiName = input.roi_convention === "google_ads" ? "roi_google_ads" : "roi_incremental_ratio";
    const npsKpi = nps(npsCounts.promoters, npsCounts.passives, npsCounts.detractors);
    const top = byRevenue[0];
    return {
      summary:
        `${start}..${end}: revenue ${formatMoney(total.inputs.revenue, context.currency)} from ${formatCount(total.inputs.orders)} orders` +
        (total.kpis.roas?.value != null ? `, ROAS ${formatRatio(total.kpis.roas.value)}` : "") +
        (total.kpis.cac_paid?.value != null
          ? `, paid CAC ${formatMoney(total.kpis.cac_paid.value, context.currency)}`
          : "") +
        (previousTotal && previousTotal.inputs.revenue > 0
          ? ` (revenue ${formatChange(total.inputs.revenue / previousTotal.inputs.revenue - 1)} vs ${input.compare.replace("_", " ")})`
          : "") +
        (top && dims.length > 0 ? `; top ${dims.join(" x ")} by revenue: ${Object.values(top.key).join(" / ")}` : "") +
        webSummary(total.web) +
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
        ...webDefinitions(
          current.webTotal,
          filtered,
          webByDimensions(dims),
          dims.includes("channel") || dims.includes("platform"),
        ),
        shares:
          "revenue_share = the row's revenue / total revenue; spend_share = the row's spend / total spend (each order has exactly one row, so shares add up to 1).",
        change:
          "change = (this period - previous) / |previous| per metric (null when the previous value is 0); change_absolute = this period - previous.",
        rows: timeDim
          ? `Rows in date order (the latest ${input.limit} when cut); partial = a ${timeDim} the period cuts or that is not over, with the days it covers.`
          : `Rows by revenue, highest first (the top ${input.limit} when cut).`,
        biggest_movers: previous ? MOVERS_DEFINITION : undefined,
        currency: context.currency,
      },
      totals: {
        ...present(total),
        previous: previousTotal ? present(previousTotal) : undefined,
        ...(previousTotal ? changesOf(total, previousTotal) : {}),
        retention: presentKpi(retentionKpi),
        churn: retentionKpi.value === null ? presentKpi(retentionKpi) : r4(1 - retentionKpi.value),
        nps: presentKpi(npsKpi),
        nps_responses: npsCounts.promoters + npsCounts.passives + npsCounts.detractors,
      },
      rows: shown.map((r) => {
        const before = previousById.get(rowId(r));
        const campaign = labels?.get(r.key.campaign ?? "");
        return {
          ...present(r),
          ...(campaign ? { campaign_name: campaign.name, campaign_channel: campaign.channel } : {}),
          ...sharesOf(r, total),
          ...(timeDim ? { partial: partialBucket(timeDim, r.key[timeDim] ?? "", { start, end }, today) } : {}),
          ...(before ? changesOf(r, before) : {}),
        };
      }),
      rows_total: current.rows.length,
      top_by_revenue: top && dims.length > 0 ? { key: top.key, revenue: money(top.inputs.revenue) } : undefined,
      biggest_movers: movers.map((m, i) => {
        const key = moverKeys[i] ?? {};
        const name = labels?.get(key.campaign ?? "")?.name;
        return {
          key,
          ...(name ? { campaign_name: name } : {}),
          kpi: m.kpi,
          previous: r4(m.previous),
          current: r4(m.current),
          absolute_change: r4(m.absolute_change),
          change: m.change === null ? null : r4(m.change),
          impact: money(m.impact),
        };
      }),
      data_freshness: {
        ...(await fetchFreshness(context.db)),
        daily_rollups: fromRollups
          ? `orders, revenue and new customers read ${rollupNote(rollups, context.timezone)}`
          : rollups.usable
            ? "orders read from order_attribution (the daily rollups have no customer attributes or value tiers)"
            : `orders read ${rollupNote(rollups, context.timezone)}`,
      },
    };
  },
});

/** Retention against the preceding equally long period; null with the reason when not asked for or not meaningful. */
async function retentionOf(
  context: ToolContext,
  compare: "previous_period" | "previous_year" | "none",
  period: { start: string; end: string },
  days: number,
): Promise<Kpi> {
  // Retention is itself a comparison with the preceding period, so compare "none" skips it (and its scan).
  if (compare === "none") {
    return { value: null, reason: "retention compares with the preceding period: ask with compare previous_period" };
  }
  if (days < MIN_RETENTION_DAYS) {
    return {
      value: null,
      reason: `a ${days}-day window is too short for retention (customers reorder less often than that): ask for ${MIN_RETENTION_DAYS} days or more`,
    };
  }
  const retention = await fetchRetention(
    context.db,
    period,
    { start: addDays(period.start, -days), end: addDays(period.start, -1) },
    context.timezone,
  );
  return ratio(retention.retained, retention.previous_customers, "nobody ordered in the previous period");
}

/** Rows by their calendar bucket, oldest first; within a bucket, by revenue (the order they arrive in). */
function chronological(rows: readonly Row[], dim: TimeDimension): Row[] {
  return [...rows].sort((a, b) => (a.key[dim] ?? "").localeCompare(b.key[dim] ?? ""));
}

function shiftYear(date: string): string {
  const shifted = `${Number(date.slice(0, 4)) - 1}${date.slice(4)}`;
  return shifted.endsWith("-02-29") ? `${shifted.slice(0, 8)}28` : shifted;
}
