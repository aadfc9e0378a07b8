// Anomalies planted in the demo so the anomaly scan can be checked against a known truth: a CPC spike on one
// paid channel, a tracking outage (a platform reports no conversions for a day) and a ticket surge about one
// product. Each is placed deterministically from the period and the campaign calendar, small enough that the
// analytics tests on the demo keep their planted curves, and recorded in dataset_facts.plantedAnomalies.
import { dayString, SECONDS_PER_DAY } from "./calendar.ts";
import type { ChannelSpec } from "./catalog.ts";
import type { ClaimRules } from "./claims.ts";
import type { Period } from "./period.ts";
import type { DemoPlan } from "./plan.ts";
import type { Campaign, SpendPlan } from "./spend.ts";

export const CPC_SPIKE_CHANNEL = "douyin_ads";
/** Clicks and impressions are divided by this on the spike days at unchanged spend: CPC and CPM x3. */
export const CPC_SPIKE_FACTOR = 3;
export const CPC_SPIKE_DAYS = 4;
export const OUTAGE_CHANNEL = "baidu_search";
export const SURGE_CATEGORY = "product_quality";
/** Surge tickets on each of its two days. */
export const SURGE_TICKETS = [7, 6] as const;
/** Weeks before a planted day whose campaign calendar must not change, so the anomaly is the only news. */
const QUIET_WEEKS = 8;

export interface PlantedAnomaly {
  kind: "cpc_spike" | "tracking_outage" | "ticket_surge";
  /** The series the scan should flag, and the series the plant moves as a consequence. */
  series: string;
  alsoMoves: string[];
  level: "channel" | "ticket_category";
  channel: string | null;
  platform: string | null;
  category: string | null;
  /** ISO dates (Asia/Shanghai). */
  days: string[];
  what: string;
}

/** A planted ticket: created at `ts` by a caller not in the CRM. */
export interface PlantedTicket {
  ts: number;
  lang: "zh" | "en";
  body: string;
  hint: string;
}

export interface Plants {
  anomalies: PlantedAnomaly[];
  /** Day numbers (not offsets) per planted kind. */
  spikeDays: number[];
  outageDay: number | null;
  tickets: PlantedTicket[];
}

const SURGE_BODIES = [
  { lang: "zh", body: "收到的玻尿酸精华瓶口漏液,整盒都湿了,要求换货。" },
  { lang: "en", body: "My hyaluronic serum arrived leaking from the pump, the box was soaked." },
  { lang: "zh", body: "玻尿酸精华的泵头按不出来,还在漏,是不是这批有问题?" },
] as const;

/** Whether the channel's campaign calendar is the same on every day of [from, to] (day offsets). */
function steadyCalendar(spend: SpendPlan, channelIndex: number, from: number, to: number): boolean {
  const ids = (d: number) => (spend.active[channelIndex]?.[d] ?? []).map((c: Campaign) => c.id).join(",");
  const first = ids(from);
  for (let d = from + 1; d <= to; d++) if (ids(d) !== first) return false;
  return true;
}

/** The latest start offset <= `latest` whose window (and the quiet weeks before it) has a steady calendar. */
function quietStart(spend: SpendPlan, channelIndex: number, latest: number, length: number): number | null {
  for (let d = latest; d >= 7 * QUIET_WEEKS; d--) {
    if (steadyCalendar(spend, channelIndex, d - 7 * QUIET_WEEKS, d + length - 1)) return d;
  }
  return null;
}

/** Decides where the anomalies go; pure (the demo applies them with applyPlants). */
export function planAnomalies(period: Period, channels: readonly ChannelSpec[], spend: SpendPlan): Plants {
  const anomalies: PlantedAnomaly[] = [];
  const iso = (offset: number) => dayString(period.startDay + offset);
  const spikeChannel = channels.findIndex((c) => c.code === CPC_SPIKE_CHANNEL);
  const outageChannel = channels.findIndex((c) => c.code === OUTAGE_CHANNEL);
  // About fourteen weeks before the end for the spike (outside the last two months, which the rendered KPI goldens
  // show) and seven for the outage: clean stretches around both, never in the same week.
  const spike = spikeChannel < 0 ? null : quietStart(spend, spikeChannel, period.days - 100, CPC_SPIKE_DAYS);
  const outage = outageChannel < 0 ? null : quietStart(spend, outageChannel, period.days - 50, 1);
  const spikeDays = spike === null ? [] : Array.from({ length: CPC_SPIKE_DAYS }, (_, i) => spike + i);
  if (spike !== null) {
    anomalies.push({
      kind: "cpc_spike",
      series: "cpc",
      alsoMoves: ["clicks", "impressions", "cvr"],
      level: "channel",
      channel: CPC_SPIKE_CHANNEL,
      platform: (channels[spikeChannel] as ChannelSpec).platform,
      category: null,
      days: spikeDays.map(iso),
      what: `auction price shock: the same spend bought 1/${CPC_SPIKE_FACTOR} of the impressions and clicks (CPC x${CPC_SPIKE_FACTOR})`,
    });
  }
  if (outage !== null) {
    anomalies.push({
      kind: "tracking_outage",
      series: "claimed_conversions",
      alsoMoves: [],
      level: "channel",
      channel: OUTAGE_CHANNEL,
      platform: (channels[outageChannel] as ChannelSpec).platform,
      category: null,
      days: [iso(outage)],
      what: "the platform's conversion tracking was down for the day: it reported no conversions (orders were unaffected)",
    });
  }
  // Tickets exist for the last 45 days only; the surge sits 12 days before the end, 28 days of history before it.
  const surge = period.days - 12;
  const tickets: PlantedTicket[] = [];
  SURGE_TICKETS.forEach((count, day) => {
    for (let k = 0; k < count; k++) {
      const text = SURGE_BODIES[(k + day) % SURGE_BODIES.length] as (typeof SURGE_BODIES)[number];
      tickets.push({
        ts: (period.startDay + surge + day) * SECONDS_PER_DAY + 9 * 3600 + k * 3517,
        lang: text.lang,
        body: text.body,
        hint:
          text.lang === "zh"
            ? `客服热线来电,尾号 ${3100 + 17 * k + day}`
            : `Hotline caller, phone ending ${3100 + 17 * k + day}`,
      });
    }
  });
  anomalies.push({
    kind: "ticket_surge",
    series: "tickets",
    alsoMoves: [],
    level: "ticket_category",
    channel: null,
    platform: null,
    category: SURGE_CATEGORY,
    days: [iso(surge), iso(surge + 1)],
    what: `${tickets.length} product_quality tickets in two days about one product (a leaking hyaluronic serum batch)`,
  });
  return {
    anomalies,
    spikeDays: spikeDays.map((o) => period.startDay + o),
    outageDay: outage === null ? null : period.startDay + outage,
    tickets,
  };
}

/** Applies the ad-side plants to the plan: the CPC spike to the spend rows, the outage to the claim rules. */
export function applyPlants(plan: DemoPlan, plants: Plants): void {
  const spikeChannel = plan.channels.findIndex((c) => c.code === CPC_SPIKE_CHANNEL);
  const days = new Set(plants.spikeDays);
  const campaignChannel = new Map(plan.spend.campaigns.map((c) => [c.id, c.channelIndex]));
  for (const row of plan.spend.rows) {
    if (!days.has(row.day) || campaignChannel.get(row.campaignId) !== spikeChannel) continue;
    // Spend stays as planned (so the acquisition curves hold); the auction simply delivered less for it.
    row.impressions = Math.round(row.impressions / CPC_SPIKE_FACTOR);
    row.clicks = Math.round(row.clicks / CPC_SPIKE_FACTOR);
  }
  if (plants.outageDay !== null) {
    const platform = plan.claimRules.platformOfChannel[plan.channels.findIndex((c) => c.code === OUTAGE_CHANNEL)];
    if (platform !== undefined && platform >= 0) setOutage(plan.claimRules, platform, plants.outageDay);
  }
}

function setOutage(rules: ClaimRules, platform: number, day: number): void {
  rules.outages.push({ platform, fromTs: day * SECONDS_PER_DAY, toTs: (day + 1) * SECONDS_PER_DAY });
}
