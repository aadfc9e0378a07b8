import { z } from "zod";
import { AppError } from "../../errors.ts";
import { fetchNps, orderAttributionIsStale } from "../compute-kpis/kpis.queries.ts";
import { KPI_DEFINITIONS, nps } from "../compute-kpis/kpis.model.ts";
import { fetchFreshness } from "../freshness.ts";
import { CHANNEL_CODE_EXAMPLES } from "../known-values.ts";
import { formatCount, formatMoney, formatRatio } from "../number-format.ts";
import { IsoDate } from "../period.ts";
import { defineTool, ROLES, type ToolContext } from "../tool.ts";
import { METHOD, METHOD_DEFINITION } from "./decomposition.model.ts";
import { driverSentence } from "./driver-sentence.ts";
import {
  type Comparison,
  comparisonLabel,
  comparisonSpan,
  daysIn,
  NAMED_PERIODS,
  type ResolvedPeriod,
  resolveSummaryPeriod,
  type Span,
} from "./periods.ts";
import { resolveFilter } from "./summary-filter.ts";
import {
  changeOf,
  driversOf,
  groupCells,
  metricsOf,
  type Pair,
  presentDecomposition,
  rankMovers,
} from "./summary.model.ts";
import {
  fetchDataStart,
  fetchLabels,
  fetchLoggedClaims,
  fetchOpenProposals,
  fetchOpenTickets,
  fetchOrders,
  fetchSpend,
  fetchTickets,
  type Labels,
  type Periods,
} from "./summary.queries.ts";
import { type MoverView, summaryText } from "./summary-text.ts";

export const SummarizePeriodInput = z
  .object({
    period: z
      .enum(NAMED_PERIODS)
      .optional()
      .describe(
        "A named period in the business time zone: last_week (Monday to Sunday), last_month, last_quarter, month_to_date " +
          "(the 1st to yesterday). Default last_week; leave out when giving start/end.",
      ),
    start: IsoDate.optional().describe("Instead of period: first day, YYYY-MM-DD. Default: 7 days before end."),
    end: IsoDate.optional().describe("Instead of period: last day, inclusive, YYYY-MM-DD. Default: yesterday."),
    compare: z
      .enum(["previous_period", "previous_year"])
      .default("previous_period")
      .describe(
        "Compare with the period before (the week, month or quarter before; the same days of last month for month_to_date) " +
          "or with the same dates a year earlier (only where the data reaches back; otherwise the previous period, with a note).",
      ),
    channel: z
      .string()
      .min(1)
      .optional()
      .describe(`Only this channel code, e.g. ${CHANNEL_CODE_EXAMPLES.join(" or ")} (list_channels lists them).`),
    platform: z.string().min(1).optional().describe("Only channels on this ad platform, e.g. Douyin or Google Ads."),
    campaign: z
      .string()
      .min(1)
      .optional()
      .describe("Only this campaign: its external id (e.g. CMP-0019) or exact name."),
    view: z
      .enum(["manager", "marketer"])
      .default("manager")
      .describe("manager: short, numbers first, channel movers; marketer: adds campaign movers and more drivers."),
  })
  .strict();

type Input = z.output<typeof SummarizePeriodInput>;

const TOP = { manager: 3, marketer: 5 } as const;

export const summarizePeriodTool = defineTool({
  name: "summarize_period",
  description:
    "The period summary for managers and marketers ('summary of last week', 'what happened on Douyin last month', a " +
    "weekly digest): spend, revenue, orders, new customers, CAC, ROAS (de-duplicated last-touch attribution, with the " +
    "platforms' own claimed conversions and value beside it), conversion rate, AOV, repeat-purchase rate, NPS, tickets " +
    "by priority and status, open budget proposals, each with its change vs the previous period or the same dates a " +
    "year earlier; the top movers up and down by channel and campaign, each with the driver that moved it from an " +
    "exact LMDI decomposition (revenue = spend x 1/CPC x CVR x AOV), as ready-to-read sentences. Optional channel, " +
    "platform or campaign filter.",
  input: SummarizePeriodInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const period = resolveSummaryPeriod(input, context);
    const filter = await resolveFilter(context.db, input);
    if (await orderAttributionIsStale(context.db)) {
      throw new AppError(
        "stale_data",
        "orders were added without rebuilding order_attribution: run `beacon db refresh`",
      );
    }
    const { compare, previous, note } = await chooseComparison(context, period, input.compare);
    const periods: Periods = { current: period, previous, timezone: context.timezone };
    const [orders, spend, logged] = [
      await fetchOrders(context.db, periods, filter.ids),
      await fetchSpend(context.db, periods, filter.ids),
      await fetchLoggedClaims(context.db, periods, filter.ids),
    ];
    const campaignIds = [
      ...new Set([...orders.cells, ...spend, ...logged].map((c) => c.campaign_id).filter((x) => x !== null)),
    ] as number[];
    const labels = await fetchLabels(context.db, campaignIds);
    const channelOf = new Map([...labels.campaigns].map(([id, c]) => [id, c.channel_id]));
    const grouped = groupCells(orders.cells, spend, logged, channelOf);
    const totals = (p: number) => orders.totals.find((t) => t.p === p);
    const headline = {
      ...metricsOf(grouped.total),
      repeat_purchase_rate: changeOf(
        rate(totals(1)?.repeat_customers, totals(1)?.customers),
        rate(totals(0)?.repeat_customers, totals(0)?.customers),
      ),
    };
    const npsNow = await fetchNps(context.db, period, context.timezone);
    const npsBefore = await fetchNps(context.db, previous, context.timezone);
    const npsValue = changeOf(npsOf(npsNow), npsOf(npsBefore), 1);
    const npsResponses = npsNow.promoters + npsNow.passives + npsNow.detractors;
    const tickets = await ticketSummary(context, periods, filter.ids);
    const proposals = await fetchOpenProposals(context.db, 10);
    const top = TOP[input.view];
    const money = (x: number) => wholeMoney(x, context.currency);
    const totalDrivers = driversOf(grouped.total);
    const channelMovers = movers(grouped.channels, top, (id) => channelLabel(labels, id), money);
    const campaignMovers = movers(grouped.campaigns, top, (id) => campaignLabel(labels, id), money);
    const where = filter.label ? ` on ${filter.label}` : "";
    const roasSentence = totalDrivers.roas
      ? driverSentence(`ROAS${where}`, totalDrivers.roas, (x) => signedRatio(x))
      : null;
    const revenueSentence = driverSentence(`Revenue${where}`, totalDrivers.revenue, money);
    const newSentence = driverSentence(`New customers${where}`, totalDrivers.new_customers, (x) => signedCount(x));
    const claims = headline.claimed_value;
    const claimsNote =
      claims.current === null
        ? null
        : `Platforms claim ${formatCount(headline.claimed_conversions.current ?? 0)} conversions worth ` +
          `${formatMoney(claims.current, context.currency)} against ${formatCount(headline.orders.current ?? 0)} real orders worth ` +
          `${formatMoney(headline.revenue.current ?? 0, context.currency)} (de-duplicated, last touch).`;
    const heading =
      `Summary of ${period.label}${where} (${period.start} to ${period.end}) vs ${comparisonLabel(period, compare)} ` +
      `(${previous.start} to ${previous.end}), ${input.view} view:`;
    const rows = channelRows(grouped.channels, labels);
    return {
      summary: summaryText({
        view: input.view,
        heading,
        note,
        currency: context.currency,
        headline,
        roasDriver: roasSentence,
        revenueDriver: revenueSentence,
        newCustomersDriver: newSentence,
        claimsNote,
        channelMovers: { up: channelMovers.up, down: channelMovers.down },
        campaignMovers: { up: campaignMovers.up, down: campaignMovers.down },
        tickets: { filed: tickets.filed, byPriority: tickets.by_priority, openNow: tickets.open_now_by_priority },
        nps: { value: npsValue, responses: npsResponses },
        proposals: { total: proposals.total, rows: proposals.rows },
        anomalies: null,
      }),
      period: {
        start: period.start,
        end: period.end,
        days: period.days,
        name: period.kind,
        timezone: context.timezone,
      },
      comparison: { compare, ...previous, days: daysIn(previous), ...(note ? { note } : {}) },
      filter: filter.label ? filter.applied : null,
      view: input.view,
      method: METHOD,
      headline: { ...headline, nps: npsValue, nps_responses: npsResponses },
      drivers: {
        revenue: { ...presentDecomposition(totalDrivers.revenue, 2), sentence: revenueSentence },
        roas: totalDrivers.roas ? { ...presentDecomposition(totalDrivers.roas, 4), sentence: roasSentence } : null,
        new_customers: { ...presentDecomposition(totalDrivers.new_customers, 2), sentence: newSentence },
      },
      movers: {
        channels: { up: channelMovers.up.map((m) => m.result), down: channelMovers.down.map((m) => m.result) },
        campaigns: { up: campaignMovers.up.map((m) => m.result), down: campaignMovers.down.map((m) => m.result) },
      },
      tickets,
      open_budget_proposals: { total: proposals.total, rows: proposals.rows },
      rows,
      definitions: {
        method: METHOD_DEFINITION,
        attribution:
          "Orders, revenue and new customers are de-duplicated: each real order counts once, credited to its last touch " +
          "(order_attribution, as compute_kpis); orders without a touch are '(no touch)'.",
        claimed:
          `Claimed conversions and value are what the platforms report themselves (${[...grouped.claimSources].join(" and ") || "none reported"}: ` +
          "the ad reports' conversion columns where present, else the platforms' conversion log); summed across platforms they " +
          "count shared orders more than once. claimed_roas = claimed value / spend.",
        roas: KPI_DEFINITIONS.roas,
        cac: "CAC = ad spend / new customers (first orders), paid media only",
        conversion_rate: "Conversion rate = attributed orders / ad clicks",
        aov: KPI_DEFINITIONS.aov,
        repeat_purchase_rate: KPI_DEFINITIONS.repeat_purchase_rate,
        nps: `${KPI_DEFINITIONS.nps}${filter.label ? "; company-wide (answers are not linked to channels)" : ""}`,
        tickets:
          "Tickets filed in each period by priority and current status; open now = new, triaged or in progress, whenever filed" +
          (filter.label ? "; only tickets linked to the filtered channels or campaign" : ""),
        movers: `Top ${top} channels and campaigns by revenue change up and down; each driver sentence names the factors that account for most of the change (a factor within ±2% "held").`,
        change:
          "change = (this period - comparison) / |comparison| (null from 0); change_absolute = this period - comparison.",
        currency: context.currency,
      },
      data_freshness: await fetchFreshness(context.db),
    };
  },
});

const rate = (n: number | undefined, d: number | undefined) =>
  n === undefined || d === undefined || d === 0 ? null : n / d;
const npsOf = (c: { promoters: number; passives: number; detractors: number }) =>
  nps(c.promoters, c.passives, c.detractors).value;
/** Driver terms in whole currency units, signed: cents in a "why" sentence are noise. */
const wholeMoney = (x: number, currency: string) => formatMoney(Math.round(x), currency, true).replace(/\.0+$/, "");
const signedRatio = (x: number) => `${x >= 0 ? "+" : "\u2212"}${formatRatio(Math.abs(x))}`;
const signedCount = (x: number) => `${x >= 0 ? "+" : "\u2212"}${formatCount(Math.abs(x))}`;

/** previous_year only when the data reaches back that far; else the previous period, and a note saying so. */
async function chooseComparison(
  context: ToolContext,
  period: ResolvedPeriod,
  asked: Comparison,
): Promise<{ compare: Comparison; previous: Span; note: string | null }> {
  const first = await fetchDataStart(context.db, context.timezone);
  const wanted = comparisonSpan(period, asked);
  if (first === null || wanted.start >= first) return { compare: asked, previous: wanted, note: null };
  if (asked === "previous_year") {
    const fallback = comparisonSpan(period, "previous_period");
    return {
      compare: "previous_period",
      previous: fallback,
      note:
        `compare=previous_year needs data from ${wanted.start}, but the data starts on ${first}: compared with ` +
        `${comparisonLabel(period, "previous_period")} instead` +
        (fallback.start < first ? ` (itself only partly covered: it starts on ${fallback.start})` : ""),
    };
  }
  return {
    compare: asked,
    previous: wanted,
    note: `the comparison period starts on ${wanted.start}, before the data (from ${first}): its numbers are partial`,
  };
}

async function ticketSummary(context: ToolContext, periods: Periods, ids: Parameters<typeof fetchTickets>[2]) {
  const cells = await fetchTickets(context.db, periods, ids);
  const open = await fetchOpenTickets(context.db, ids);
  const count = (p: number, key: "priority" | "status") => {
    const out: Record<string, number> = {};
    for (const c of cells.filter((x) => x.p === p)) out[c[key]] = (out[c[key]] ?? 0) + c.tickets;
    return out;
  };
  const filed = (p: number) => cells.filter((c) => c.p === p).reduce((s, c) => s + c.tickets, 0);
  return {
    filed: changeOf(filed(1), filed(0), 0),
    by_priority: count(1, "priority"),
    by_status: count(1, "status"),
    previous_by_priority: count(0, "priority"),
    open_now_by_priority: Object.fromEntries(open.map((o) => [o.priority, o.tickets])),
  };
}

function channelLabel(labels: Labels, id: number | null): { key: string; name: string | null; channel: string } {
  const ch = id === null ? undefined : labels.channels.get(id);
  const code = ch?.code ?? "(no touch)";
  return { key: code, name: ch?.name ?? null, channel: code };
}

function campaignLabel(labels: Labels, id: number): { key: string; name: string | null; channel: string } {
  const cp = labels.campaigns.get(id);
  return {
    key: cp?.external_id ?? String(id),
    name: cp?.name ?? null,
    channel: labels.channels.get(cp?.channel_id ?? -1)?.code ?? "(unknown)",
  };
}

/** The top movers with their drivers: the revenue decomposition (money), ROAS's and new customers', and a sentence. */
function movers<K>(
  pairs: ReadonlyMap<K, Pair>,
  top: number,
  label: (key: K) => { key: string; name: string | null; channel: string },
  money: (x: number) => string,
) {
  const ranked = rankMovers(pairs, top);
  const build = (key: K): MoverView & { result: Record<string, unknown> } => {
    const p = pairs.get(key) as Pair;
    const l = label(key);
    const drivers = driversOf(p);
    const m = metricsOf(p);
    const subject = l.name && l.name !== l.key && l.channel !== l.key ? `${l.key} ${l.name} (${l.channel})` : l.key;
    const driver =
      driverSentence(`Revenue on ${subject}`, drivers.revenue, money) + ` (${money(drivers.revenue.change)})`;
    const roas = drivers.roas ? driverSentence("ROAS", drivers.roas, signedRatio) : null;
    return {
      label: subject,
      revenue: m.revenue,
      driver: roas ? `${driver}; ${roas}` : driver,
      result: {
        key: l.key,
        ...(l.name ? { name: l.name } : {}),
        channel: l.channel,
        revenue: m.revenue,
        spend: m.spend,
        roas: m.roas,
        orders: m.orders,
        new_customers: m.new_customers,
        drivers: {
          revenue: presentDecomposition(drivers.revenue, 2),
          roas: drivers.roas ? presentDecomposition(drivers.roas, 4) : null,
          new_customers: presentDecomposition(drivers.new_customers, 2),
        },
        sentence: roas ? `${driver}; ${roas}` : driver,
      },
    };
  };
  return { up: ranked.up.map(build), down: ranked.down.map(build) };
}

/** One row per channel, this period with its change, for the table and the chart (previous values nested). */
function channelRows(channels: ReadonlyMap<number | null, Pair>, labels: Labels) {
  return [...channels]
    .map(([id, p]) => {
      const m = metricsOf(p);
      const v = (k: keyof typeof m) => m[k].current;
      const c = (k: keyof typeof m) => m[k].change;
      return {
        key: { channel: channelLabel(labels, id).key },
        revenue: v("revenue"),
        revenue_change_pct: c("revenue"),
        spend: v("spend"),
        roas: v("roas"),
        roas_change_pct: c("roas"),
        orders: v("orders"),
        new_customers: v("new_customers"),
        cac: v("cac"),
        conversion_rate: v("conversion_rate"),
        aov: v("aov"),
        claimed_value: v("claimed_value"),
        claimed_roas: v("claimed_roas"),
        previous: {
          revenue: m.revenue.previous,
          spend: m.spend.previous,
          roas: m.roas.previous,
        },
      };
    })
    .sort((a, b) => (b.revenue ?? 0) - (a.revenue ?? 0) || a.key.channel.localeCompare(b.key.channel));
}

export type SummarizePeriodArgs = Input;
