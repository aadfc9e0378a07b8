// The planted truth, stored as dataset_facts['demo'] so analytics tests can compare estimates against it.
import type { PlantedAnomaly } from "./anomalies.ts";
import { dayString } from "./calendar.ts";
import { BG_NBD, type ChannelSpec, MONETARY, NPS_RESPONSE_RATE, PAID_SHARE, VALUE_TIERS } from "./catalog.ts";
import { LONG_JOURNEY_RATE, LOOKBACK_SECONDS } from "./journeys.ts";
import type { DemoPlan } from "./plan.ts";
import type { StreamStats } from "./rows.ts";

const round = (value: number, digits = 6) => Number(value.toFixed(digits));

export const DEMO_RULES_TEXT = [
  "Acquisition: for paid channel c and Monday-start week w (date_trunc('week', day)), expected new customers",
  "(by signup_date and acquisition_channel_id) = K_c * (1 - exp(-b_c * spend_cw)) for form 'exponential' and",
  "K_c * spend^shape / (spend^shape + halfSaturation^shape) for form 'hill', where spend_cw is the channel's",
  "ad_spend_daily total that week in CNY (partial first/last weeks included as they are). Unpaid channels add",
  "perDay new customers every day. Each customer places a first order with probability firstOrderRate, soon",
  "after signup; the last touch before the first order is always on the acquisition channel.",
  "Repeat buying (BG/NBD, days): lambda ~ Gamma(r, alpha), dropout after every purchase (the first included)",
  "p ~ Beta(a, b); while active, purchases follow a Poisson process with rate lambda x orderSeason(day)",
  "(618 and Double 11 peaks, CNY dip). Order net amount = level x category factor x log-normal noise",
  "(x1.25 on promotion days) minus discount; margin = amount x category margin rate.",
  "Touchpoints: journeys of 1-8 touches (rarely > 100) within 30 days before each order, never before the",
  "previous order; some customers get a non-converting journey after their last order or signup.",
  "Platform claims: a platform claims an order when the customer has a touch on one of its channels with",
  "occurred_at in [ordered_at - windows[type] days, ordered_at) and the type listed in windows (clicks win",
  "over impressions), then with probability captureRate. reported_value = amount x (1 + valueBias);",
  "order_external_id only when passesOrderId; otherwise converted_at is up to timeJitterSeconds late.",
  "All money is CNY (international customers too). Times are Asia/Shanghai wall-clock, written with +08:00;",
  "dates (signup_date, ad_spend_daily.day) are Shanghai dates.",
].join(" ");

/** The JSON stored under dataset_facts key 'demo'. */
export function buildFacts(
  plan: DemoPlan,
  stats: StreamStats,
  placed: ReadonlyMap<number, "zh" | "en">,
  generatedAt: string,
  plantedAnomalies: readonly PlantedAnomaly[] = [],
) {
  const { channels, allocation, period, claimRules } = plan;
  const channelFacts = (i: number) => {
    const spec = channels[i] as ChannelSpec;
    const firstOrders = stats.firstOrders[i] as number;
    return {
      channel: spec.code,
      platform: spec.platform,
      firstOrderRate: spec.firstOrderRate,
      valueMultiplier: spec.valueMultiplier,
      acquired: stats.acquired[i] as number,
      firstOrders,
      meanFirstOrderRevenue:
        firstOrders > 0 ? round((stats.firstOrderRevenueCents[i] as number) / 100 / firstOrders, 2) : null,
    };
  };
  return {
    generator: "beacon-demo",
    version: 1,
    seed: plan.seed,
    customers: plan.customers,
    startDate: dayString(period.startDay),
    endDate: plan.endDate,
    months: plan.months,
    generatedAt,
    currency: "CNY",
    timezone: "Asia/Shanghai",
    weekDefinition: "Monday-start weeks, date_trunc('week', day)",
    acquisition: {
      paidShare: PAID_SHARE,
      curves: allocation.curves.map((c) => ({
        ...channelFacts(c.channelIndex),
        form: c.form,
        K: round(c.K, 6),
        b: c.b === null ? null : round(c.b, 12),
        halfSaturation: c.halfSaturation === null ? null : round(c.halfSaturation, 4),
        shape: c.shape,
        targetCac: (channels[c.channelIndex] as ChannelSpec).cac,
        totalSpend: round(c.totalSpend, 2),
        meanWeeklySpend: round(c.meanWeeklySpend, 2),
      })),
      baseline: allocation.baselines.map((b) => ({ ...channelFacts(b.channelIndex), perDay: round(b.perDay, 6) })),
    },
    repeatPurchase: {
      model: "BG/NBD",
      timeUnit: "day",
      ...BG_NBD,
      seasonality:
        "purchase rate x orderSeason(day): ramp to x3 on Jun 18, to x5 on Nov 11, x1.5 Dec 20-25, x0.4 around CNY",
    },
    monetary: { model: "log-normal per customer (Gamma-Gamma-like)", ...MONETARY, valueTiersCny: VALUE_TIERS },
    journeys: {
      lookbackDays: LOOKBACK_SECONDS / 86_400,
      lengths: "geometric on 1..8",
      longJourneyRate: LONG_JOURNEY_RATE,
    },
    platformClaims: claimRules.rules.map((r, p) => ({
      platform: r.platform,
      channels: r.channels,
      lookbackDays: Math.max(...Object.values(r.windows)),
      windows: r.windows,
      captureRate: r.captureRate,
      passesOrderId: r.passesOrderId,
      valueBias: r.valueBias,
      timeJitterSeconds: r.timeJitterSeconds,
      eligibleOrders: plan.context.eligible[p] as number,
      claims: stats.claimsByPlatform[p] as number,
    })),
    nps: {
      responseRate: NPS_RESPONSE_RATE,
      responses: stats.nps,
      nps: stats.nps > 0 ? round(((stats.npsPromoters - stats.npsDetractors) / stats.nps) * 100, 1) : null,
    },
    totals: {
      orders: stats.orders,
      touchpoints: stats.touchpoints,
      platformConversions: stats.claims,
      revenue: round(stats.revenueCents / 100, 2),
      longJourneys: stats.longJourneys,
    },
    specialCustomers: [...placed].map(([index, lang]) => ({
      name: lang === "zh" ? "李伟" : "Li Wei",
      externalId: `CUS-${String(index + 1).padStart(7, "0")}`,
      why: "support staff look these customers up by name; each has an ad-promise ticket",
    })),
    plantedAnomalies,
    rules: DEMO_RULES_TEXT,
  };
}

export type DemoFacts = ReturnType<typeof buildFacts>;
