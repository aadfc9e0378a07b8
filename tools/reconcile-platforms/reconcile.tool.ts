import { fetchJourneys, fetchSpend } from "../attribution/attribution.queries.ts";
import { runModel } from "../attribution/index.model.ts";
import { resolvePeriod } from "../period.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import {
  type ClaimFilter,
  fetchClaimPlatforms,
  fetchClaimTotals,
  fetchOverlap,
  fetchPlatformClaims,
  fetchReportClaims,
  type ReportClaimRow,
} from "./reconcile.queries.ts";
import { ReconcilePlatformsInput } from "./reconcile.schema.ts";

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const money = (x: number) => Math.round(x * 100) / 100;
/** Ratio rounded, or null when the denominator is zero (never NaN or Infinity). */
const ratio = (a: number, b: number) => (b > 0 ? r4(a / b) : null);

/** Claims beyond the real orders they stand for, as a count and as a fraction of those orders. */
const excessOf = (claims: number, realOrders: number) => ({
  excess_claims: r4(claims - realOrders),
  excess_claims_pct: ratio(claims - realOrders, realOrders),
});

export const reconcilePlatformsTool = defineTool({
  name: "reconcile_platform_conversions",
  description:
    "Reconciles what each ad platform claims (its own conversion reports) with real orders: per platform claimed conversions " +
    "and value, matched real orders, exclusive vs shared with other platforms, over-claim ratio and excess claims (claimed - real, and as % of real), platform-reported ROAS vs " +
    "de-duplicated ROAS vs model-attributed ROAS, the overlap matrix between platforms, orders claimed by 3+ platforms, and " +
    "the spend that pays twice for the same order. Answers 'how many orders did Meta and Google both claim?'.",
  input: ReconcilePlatformsInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const { start, end } = resolvePeriod(input.start, input.end, context, 30);
    if (input.platforms) {
      const known = await fetchClaimPlatforms(context.db);
      const unknown = input.platforms.filter((p) => !known.includes(p));
      if (unknown.length > 0) {
        throw new ToolInputError(
          `platforms: unknown platform(s) ${unknown.join(", ")}; platforms with claims: ${known.join(", ")}`,
        );
      }
    }
    const filter: ClaimFilter = {
      start,
      end,
      timezone: context.timezone,
      platforms: input.platforms ?? null,
      matchRule: input.match_rule,
      windowHours: input.match_window_hours,
    };
    const [platforms, overlap, totals, spend, reported] = [
      await fetchPlatformClaims(context.db, filter),
      await fetchOverlap(context.db, filter),
      await fetchClaimTotals(context.db, filter),
      await fetchSpend(context.db, { start, end, granularity: "platform" }),
      await fetchReportClaims(context.db, filter),
    ];
    const aggregate = await fetchJourneys(context.db, {
      start,
      end,
      timezone: context.timezone,
      lookbackDays: 30,
      firstOrdersOnly: false,
      region: null,
      acquisitionChannelId: null,
      granularity: "platform",
    });
    const attributed = new Map(
      runModel(input.attribution_model, aggregate.journeys).credits.map((c) => [c.channel, c]),
    );
    const reportedBy = new Map(reported.map((r) => [r.platform, r]));
    const logged = platforms.map((p) => {
      const platformSpend = spend.get(p.platform) ?? null;
      const model = attributed.get(p.platform);
      const overClaimed = p.claimed - p.dedup_conversions;
      // What the platform's own CPA charges for conversions other platforms also claim, or no real order backs.
      const paidTwice =
        platformSpend !== null && p.claimed > 0 ? money((platformSpend * overClaimed) / p.claimed) : null;
      return {
        platform: p.platform,
        claims_source: "conversion_log" as ClaimsSource,
        claimed_conversions: p.claimed,
        claimed_revenue: money(p.claimed_value),
        matched_orders: p.matched_orders,
        unmatched_claims: p.unmatched_claims,
        exclusive_orders: p.exclusive_orders,
        shared_orders: p.shared_orders,
        dedup_conversions: r4(p.dedup_conversions),
        dedup_revenue: money(p.dedup_revenue),
        over_claim_ratio: ratio(p.claimed, p.dedup_conversions),
        ...excessOf(p.claimed, p.dedup_conversions),
        spend: platformSpend,
        platform_roas: platformSpend === null ? null : ratio(p.claimed_value, platformSpend),
        dedup_roas: platformSpend === null ? null : ratio(p.dedup_revenue, platformSpend),
        model_attributed_conversions: model ? r4(model.conversions) : 0,
        model_roas: platformSpend === null || !model ? null : ratio(model.value, platformSpend),
        claimed_vs_model_ratio: model ? ratio(p.claimed, model.conversions) : null,
        spend_on_double_counted_conversions: paidTwice,
        ad_report_claimed_conversions: reportedBy.has(p.platform) ? r4(reportedBy.get(p.platform)?.claimed ?? 0) : null,
      };
    });
    // Platforms without a conversion log in the period fall back to what their ad reports claim (daily totals).
    const withLog = new Set(platforms.map((p) => p.platform));
    const fromReports = reported
      .filter((r) => !withLog.has(r.platform))
      .map((r) => reportRow(r, spend.get(r.platform) ?? null, attributed.get(r.platform)));
    const rows = [...logged, ...fromReports];
    const reportClaims = fromReports.reduce((s, r) => s + r.claimed_conversions, 0);
    const claimsTotal = logged.reduce((s, r) => s + r.claimed_conversions, 0);
    const worst = [...rows]
      .filter((r) => r.over_claim_ratio !== null)
      .sort((a, b) => (b.over_claim_ratio ?? 0) - (a.over_claim_ratio ?? 0))[0];
    const logSummary =
      claimsTotal === 0
        ? fromReports.length === 0
          ? `No platform claims between ${start} and ${end}.`
          : ""
        : `Platforms claimed ${claimsTotal.toLocaleString("en-US")} conversions between ${start} and ${end}, ` +
          `but they match ${totals.claimed_orders.toLocaleString("en-US")} distinct real orders ` +
          `(${totals.real_orders.toLocaleString("en-US")} orders in total): summed platform reports overstate sales ` +
          `${ratio(claimsTotal, totals.claimed_orders)?.toFixed(2)}x (${(claimsTotal - totals.claimed_orders).toLocaleString("en-US")} excess claims). ${totals.orders_claimed_by_3_plus.toLocaleString("en-US")} orders were claimed by 3+ platforms.` +
          (worst ? ` ${worst.platform} over-claims most (${worst.over_claim_ratio?.toFixed(2)}x).` : "");
    const summary = [logSummary, reportSummary(fromReports, claimsTotal + reportClaims, totals.real_orders, start, end)]
      .filter((s) => s !== "")
      .join(" ");
    return {
      summary,
      period: { start, end, timezone: context.timezone },
      definitions: {
        match_rule:
          input.match_rule === "order_id"
            ? "A claim matches the real order whose id the platform passed back; claims without an id stay unmatched."
            : input.match_rule === "customer_window"
              ? `A claim matches the same customer's order nearest to the claimed conversion time, within ${input.match_window_hours} hours.`
              : `A claim matches by the order id the platform passed back; claims without one match the same customer's nearest order within ${input.match_window_hours} hours.`,
        dedup_conversions: "Each real order counts once in total: an order claimed by k platforms gives each 1/k.",
        over_claim_ratio: "claimed conversions / de-duplicated conversions (1.0 = no over-claim).",
        excess_claims:
          "claims beyond the real orders behind them: per platform claimed - de-duplicated conversions, in total claims - distinct claimed orders; the platforms' excess adds up to the total.",
        excess_claims_pct: "excess_claims / those real orders (0.25 = 25% more claims than real orders).",
        platform_roas: "platform-reported revenue / platform spend (the platform's own view).",
        dedup_roas: "de-duplicated real revenue / platform spend.",
        model_roas: `revenue attributed by the ${input.attribution_model} model (platform level, all orders, 30-day lookback) / platform spend.`,
        spend_on_double_counted_conversions:
          "platform spend x (claimed - de-duplicated conversions) / claimed: the part of the bill that pays for conversions other platforms also claim or no real order backs.",
        claims_source:
          "where each row's claims come from: conversion_log = platform_conversions (one row per claimed conversion, matched to real orders); " +
          "ad_report = the conversion columns of the platform's own ad reports (ad_spend_daily.claimed_conversions and claimed_value, daily per campaign), " +
          "used only for platforms with no conversion log in the period: they carry no order ids, so matched, de-duplicated and over-claim figures are null.",
        claimed_vs_model_ratio:
          "claimed conversions / conversions the attribution model credits to the platform (an over-claim estimate that needs no order ids).",
        ad_report_claimed_conversions:
          "conversion_log rows: what the platform's ad reports claim for the same period, for comparison (null without such reports).",
        currency: context.currency,
      },
      totals: {
        real_orders: totals.real_orders,
        real_revenue: money(totals.real_revenue),
        claims: totals.claims,
        claimed_value: money(totals.claimed_value),
        distinct_claimed_orders: totals.claimed_orders,
        orders_claimed_by_3_plus: totals.orders_claimed_by_3_plus,
        overstatement_ratio: ratio(totals.claims, totals.claimed_orders),
        ...excessOf(totals.claims, totals.claimed_orders),
        ad_report_claims: r4(reportClaims),
        ad_report_claimed_value: money(fromReports.reduce((s, r) => s + (r.claimed_revenue ?? 0), 0)),
        all_claims: r4(claimsTotal + reportClaims),
        all_claims_vs_real_orders: ratio(claimsTotal + reportClaims, totals.real_orders),
      },
      rows,
      overlap,
    };
  },
});

type ClaimsSource = "conversion_log" | "ad_report";

/** A platform known only from its ad reports: claims and ROAS as it reports them; nothing to match orders with. */
function reportRow(r: ReportClaimRow, spend: number | null, model: { conversions: number; value: number } | undefined) {
  return {
    platform: r.platform,
    claims_source: "ad_report" as ClaimsSource,
    claimed_conversions: r4(r.claimed),
    claimed_revenue: r.claimed_value === null ? null : money(r.claimed_value),
    matched_orders: null,
    unmatched_claims: null,
    exclusive_orders: null,
    shared_orders: null,
    dedup_conversions: null,
    dedup_revenue: null,
    over_claim_ratio: null,
    excess_claims: null,
    excess_claims_pct: null,
    spend,
    platform_roas: spend === null || r.claimed_value === null ? null : ratio(r.claimed_value, spend),
    dedup_roas: null,
    model_attributed_conversions: model ? r4(model.conversions) : 0,
    model_roas: spend === null || !model ? null : ratio(model.value, spend),
    claimed_vs_model_ratio: model ? ratio(r.claimed, model.conversions) : null,
    spend_on_double_counted_conversions: null,
    ad_report_claimed_conversions: r4(r.claimed),
  };
}

/** The ad-report platforms in words: what they claim, and all claims against the real orders. */
function reportSummary(
  rows: readonly ReturnType<typeof reportRow>[],
  allClaims: number,
  realOrders: number,
  start: string,
  end: string,
): string {
  if (rows.length === 0) return "";
  const each = rows.map((r) => `${r.platform} ${r.claimed_conversions.toLocaleString("en-US")}`).join(", ");
  const against = ratio(allClaims, realOrders);
  return (
    `From their ad reports (daily totals without order ids, so not matched to orders): ${each} claimed conversions between ${start} and ${end}. ` +
    `All platforms together claim ${allClaims.toLocaleString("en-US")} conversions against ${realOrders.toLocaleString("en-US")} real orders` +
    (against === null ? "." : ` (${against.toFixed(2)}x).`)
  );
}
