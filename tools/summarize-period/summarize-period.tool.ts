import { z } from "zod";
import { AppError } from "../../errors.ts";
import { KPI_DEFINITIONS, nps } from "../compute-kpis/kpis.model.ts";
import { fetchNps, orderAttributionIsStale } from "../compute-kpis/kpis.queries.ts";
import { type Anomaly, scanAnomalies } from "../detect-anomalies/scan.ts";
import { fetchFreshness } from "../freshness.ts";
import { CHANNEL_CODE_EXAMPLES } from "../known-values.ts";
import { formatCount, formatMoney, formatRatio } from "../number-format.ts";
import { IsoDate } from "../period.ts";
import { rollupNote, rollupStatus } from "../rollups.ts";
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
import {
  brief,
  changeOf,
  compactDecomposition,
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
  tuneSession,
} from "./summary.queries.ts";
import { resolveFilter } from "./summary-filter.ts";
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

/** Movers per direction: channels, and campaigns (the manager view keeps the result short). */
const TOP = { manager: 3, marketer: 5 } as const;
const TOP_CAMPAIGNS = { manager: 2, marketer: 5 } as const;

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
    await tuneSession(context.db);
    const rollups = await rollupStatus(context.db, context.timezone);
    const [orders, spend, logged] = [
      await fetchOrders(context.db, periods, filter.ids, rollups.usable),
      await fetchSpend(context.db, periods, filter.ids, rollups.usable),
      await fetchLoggedClaims(context.db, periods, filter.ids, rollups.usable),
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
    const anomalies = await periodAnomalies(context, period, filter);
    const money = (x: number) => wholeMoney(x, context.currency);
    const totalDrivers = driversOf(grouped.total);
    const channelMovers = movers(grouped.channels, top, (id) => channelLabel(labels, id), money);
    const campaignMovers = movers(
      grouped.campaigns,
      TOP_CAMPAIGNS[input.view],
      (id) => campaignLabel(labels, id),
      money,
    );
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
        anomalies: anomalies.slice(0, top).map(anomalyLine),
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
      anomalies: anomalies.slice(0, MAX_ANOMALIES).map(briefAnomaly),
      anomalies_total: anomalies.length,
      tickets,
      open_budget_proposals: { total: proposals.total, rows: proposals.rows },
      rows,
      definitions: {
        method: METHOD_DEFINITION,
        attribution: "Orders, revenue, new customers: each real order once, by last touch (as compute_kpis).",
        claimed: `What the platforms claim themselves (${[...grouped.claimSources].join(" and ") || "none reported"}); shared orders count once per claimant. claimed_roas = claimed value / spend.`,
        kpis: "ROAS = revenue / spend; CAC = spend / new customers; conversion rate = orders / clicks; AOV = revenue / orders; repeat-purchase rate = ordering customers with 2+ orders by the period end / ordering customers",
        nps: `${KPI_DEFINITIONS.nps}${filter.label ? "; company-wide (answers are not linked to channels)" : ""}`,
        tickets: `Filed in each period by priority and current status; open now = new, triaged or in progress${filter.label ? "; only tickets linked to the filter" : ""}`,
        movers: `Top ${top} channels, ${TOP_CAMPAIGNS[input.view]} campaigns by revenue change each way; a factor within ±2% "held".`,
        change: "change = (now - comparison) / |comparison|; change_absolute = now - comparison.",
        currency: context.currency,
      },
      data_freshness: {
        ...(await fetchFreshness(context.db)),
        daily_rollups: `orders, spend and claims read ${rollupNote(rollups, context.timezone)}`,
      },
    };
  },
});

const MAX_ANOMALIES = 10;

/** An anomaly as the summary lists it: what, where, when, actual against the expected range, and why. */
function briefAnomaly(a: Anomaly) {
  return {
    series: a.series,
    day: a.day,
    ...(a.days > 1 ? { through: a.through } : {}),
    channel: a.channel,
    campaign: a.campaign,
    ...(a.category ? { category: a.category } : {}),
    actual: a.actual,
    expected_low: a.expected_low,
    expected_high: a.expected_high,
    severity: a.severity,
    driver: a.driver,
  };
}
const SEVERITY = { high: 0, medium: 1, low: 2 } as const;

/** The period's anomalies under the same filter, most severe first. */
async function periodAnomalies(context: ToolContext, period: Span, filter: Awaited<ReturnType<typeof resolveFilter>>) {
  const found = await scanAnomalies(
    context.db,
    { start: period.start, end: period.end, ...filter.scan },
    { timezone: context.timezone },
  );
  return found.sort(
    (a, b) => SEVERITY[a.severity] - SEVERITY[b.severity] || b.score - a.score || a.day.localeCompare(b.day),
  );
}

/** "2026-11-28 cpc on douyin_ads (high): CPC +98% (spend normal, clicks −51%) on douyin_ads from 2026-11-28". */
function anomalyLine(a: Anomaly): string {
  const where = a.campaign ?? a.channel ?? a.platform ?? a.category ?? "";
  const days = a.days > 1 ? ` to ${a.through}` : "";
  return `${a.day}${days} ${a.series}${where ? ` on ${where}` : ""} (${a.severity}): ${a.driver}`;
}

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
    const driver = driverSentence(`Revenue on ${subject}`, drivers.revenue, money);
    const roas = drivers.roas ? driverSentence("ROAS", drivers.roas, signedRatio) : null;
    return {
      label: subject,
      revenue: m.revenue,
      driver: roas ? `${driver}; ${roas}` : driver,
      result: {
        key: l.key,
        ...(l.name ? { name: l.name } : {}),
        channel: l.channel,
        revenue: brief(m.revenue),
        roas: brief(m.roas),
        drivers: {
          revenue: compactDecomposition(drivers.revenue, 2),
          roas: drivers.roas ? compactDecomposition(drivers.roas, 4) : null,
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
        previous: { revenue: m.revenue.previous, spend: m.spend.previous },
      };
    })
    .sort((a, b) => (b.revenue ?? 0) - (a.revenue ?? 0) || a.key.channel.localeCompare(b.key.channel));
}

export type SummarizePeriodArgs = Input;
