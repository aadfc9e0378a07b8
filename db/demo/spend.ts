// Campaigns and daily ad spend. Spend is planned per channel-day (seasonality x weekly flighting x noise),
// scaled so that each channel's total spend equals its target CAC x planned acquisitions, then split over the
// campaigns active that day. Money is integer cents so sums are exact.
import { chineseNewYear, dateParts, dayOf, SECONDS_PER_DAY } from "./calendar.ts";
import { type ChannelSpec, PAID_SHARE } from "./catalog.ts";
import type { Period } from "./period.ts";
import { weekOfOffset } from "./period.ts";
import { Rng } from "./random.ts";

export type Objective = "awareness" | "traffic" | "engagement" | "leads" | "conversion" | "retention" | "winback";

export interface Campaign {
  id: number;
  externalId: string;
  channelIndex: number;
  name: string;
  objective: Objective;
  /** Day numbers; endDay null = still running. */
  startDay: number;
  endDay: number | null;
  budgetCents: number | null;
  targetRegion: string | null;
  createdTs: number;
  /** Relative share of the channel's daily spend while active. */
  weight: number;
}

export interface SpendRow {
  campaignId: number;
  day: number;
  cents: number;
  impressions: number;
  clicks: number;
}

export interface SpendPlan {
  campaigns: Campaign[];
  rows: SpendRow[];
  /** Per channel index: spend (CNY, from the rounded cents) per day offset and per week. Unpaid channels: zeros. */
  channelDaySpend: Float64Array[];
  channelWeekSpend: Float64Array[];
  /** Per channel index, per day offset: the campaigns running that day (for touchpoints). */
  active: Campaign[][][];
}

interface SeasonEvent {
  key: string;
  zh: string;
  en: string;
  start: number;
  end: number;
  objective: Objective;
  /** How likely a channel runs a burst for it. */
  weight: number;
}

/** Promotional moments of each year the period touches, clipped to the period. */
function eventsIn(period: Period): SeasonEvent[] {
  const first = dateParts(period.startDay).year;
  const last = dateParts(period.endDay).year;
  const events: SeasonEvent[] = [];
  for (let y = first; y <= last; y++) {
    const cny = chineseNewYear(y);
    const list: Omit<SeasonEvent, "start" | "end">[] = [];
    const ranges: [number, number][] = [];
    const add = (e: Omit<SeasonEvent, "start" | "end">, start: number, end: number) => {
      list.push(e);
      ranges.push([start, end]);
    };
    add(
      { key: "cny", zh: "年货节", en: "Lunar New Year Gifting", objective: "conversion", weight: 1.2 },
      cny - 28,
      cny - 8,
    );
    add(
      { key: "spring", zh: "春季新品上市", en: "Spring Launch", objective: "awareness", weight: 1 },
      dayOf(y, 3, 1),
      dayOf(y, 3, 31),
    );
    add(
      { key: "520", zh: "520 心动季", en: "520 Love Week", objective: "engagement", weight: 0.7 },
      dayOf(y, 5, 8),
      dayOf(y, 5, 20),
    );
    add(
      { key: "618", zh: "618 年中大促", en: "618 Mid-year Sale", objective: "conversion", weight: 3 },
      dayOf(y, 5, 20),
      dayOf(y, 6, 20),
    );
    add(
      { key: "summer", zh: "夏日清凉季", en: "Summer Essentials", objective: "traffic", weight: 0.8 },
      dayOf(y, 7, 5),
      dayOf(y, 8, 5),
    );
    add(
      { key: "school", zh: "开学季", en: "Back to School", objective: "traffic", weight: 0.7 },
      dayOf(y, 8, 15),
      dayOf(y, 9, 10),
    );
    add(
      { key: "d11", zh: "双11 大促", en: "Singles' Day 11.11", objective: "conversion", weight: 4 },
      dayOf(y, 10, 20),
      dayOf(y, 11, 12),
    );
    add(
      { key: "bf", zh: "黑五海淘季", en: "Black Friday & Cyber Monday", objective: "conversion", weight: 1 },
      dayOf(y, 11, 20),
      dayOf(y, 12, 2),
    );
    add(
      { key: "xmas", zh: "圣诞礼遇季", en: "Christmas Gifting", objective: "engagement", weight: 1 },
      dayOf(y, 12, 5),
      dayOf(y, 12, 26),
    );
    list.forEach((e, i) => {
      const [start, end] = ranges[i] as [number, number];
      const s = Math.max(start, period.startDay);
      const t = Math.min(end, period.endDay);
      // A burst needs a week inside the period to be worth a campaign.
      if (t - s >= 6) events.push({ ...e, key: `${e.key}-${y}`, start: s, end: t });
    });
  }
  return events;
}

function alwaysOnObjective(spec: ChannelSpec): Objective {
  switch (spec.type) {
    case "video":
      return "awareness";
    case "display":
      return "traffic";
    case "kol":
      return "engagement";
    default:
      return "conversion";
  }
}

const WEEKDAY_FACTOR = [1.0, 1.0, 1.02, 1.04, 1.08, 0.95, 0.91];

/** Campaign names, dates, budgets and every active campaign's daily delivery. */
export function planSpend(
  seed: number,
  period: Period,
  channels: readonly ChannelSpec[],
  customers: number,
): SpendPlan {
  const events = eventsIn(period);
  const campaigns: Campaign[] = [];
  const newCampaign = (c: Omit<Campaign, "id" | "externalId" | "budgetCents" | "createdTs">, rng: Rng) => {
    const id = campaigns.length + 1;
    const campaign: Campaign = {
      ...c,
      id,
      externalId: `CMP-${String(id).padStart(4, "0")}`,
      budgetCents: null,
      createdTs: (c.startDay - 3 - rng.int(8)) * SECONDS_PER_DAY + 9 * 3600 + rng.int(8 * 3600),
    };
    campaigns.push(campaign);
    return campaign;
  };

  channels.forEach((spec, channelIndex) => {
    const rng = Rng.of(seed, "campaigns", channelIndex);
    const region = spec.lang === "zh" ? "China" : spec.international >= 0.5 ? "International" : null;
    if (spec.isPaid) {
      newCampaign(
        {
          channelIndex,
          name: spec.lang === "zh" ? `常驻投放 · ${spec.label}` : `Always-on – ${spec.label}`,
          objective: alwaysOnObjective(spec),
          startDay: period.startDay,
          endDay: null,
          targetRegion: region,
          weight: 1,
        },
        rng,
      );
      const bursts = 1 + rng.int(3);
      const pool = events.filter((e) =>
        spec.lang === "zh" ? e.key.slice(0, 2) !== "bf" : e.key.slice(0, 3) !== "520",
      );
      const chosen: SeasonEvent[] = [];
      for (let k = 0; k < bursts && pool.length > 0; k++) {
        const total = pool.reduce((s, e) => s + e.weight, 0);
        let target = rng.float() * total;
        let index = 0;
        for (; index < pool.length - 1; index++) {
          target -= (pool[index] as SeasonEvent).weight;
          if (target < 0) break;
        }
        chosen.push(...pool.splice(index, 1));
      }
      chosen.sort((a, b) => a.start - b.start);
      for (const e of chosen) {
        newCampaign(
          {
            channelIndex,
            name: spec.lang === "zh" ? `${e.zh} · ${spec.label}` : `${e.en} – ${spec.label}`,
            objective: e.objective,
            startDay: e.start,
            endDay: e.end,
            targetRegion: region,
            weight: 1.8,
          },
          rng,
        );
      }
    } else if (spec.type === "email") {
      // Owned e-mail runs retention programmes: no media spend, but touches carry the campaign.
      newCampaign(
        {
          channelIndex,
          name: "会员月度关怀 EDM (Member Newsletter)",
          objective: "retention",
          startDay: period.startDay,
          endDay: null,
          targetRegion: null,
          weight: 1,
        },
        rng,
      );
      const winbackStart = Math.max(period.startDay, period.endDay - 90);
      newCampaign(
        {
          channelIndex,
          name: "沉睡会员唤醒 Win-back",
          objective: "winback",
          startDay: winbackStart,
          endDay: period.endDay,
          targetRegion: null,
          weight: 1,
        },
        rng,
      );
    }
  });

  const active: Campaign[][][] = channels.map(() => Array.from({ length: period.days }, () => [] as Campaign[]));
  for (const c of campaigns) {
    const from = c.startDay - period.startDay;
    const to = (c.endDay ?? period.endDay) - period.startDay;
    for (let d = from; d <= to; d++) active[c.channelIndex]?.[d]?.push(c);
  }

  const rows: SpendRow[] = [];
  const channelDaySpend = channels.map(() => new Float64Array(period.days));
  const channelWeekSpend = channels.map(() => new Float64Array(period.weeks));
  const spentByCampaign = new Float64Array(campaigns.length + 1);
  channels.forEach((spec, channelIndex) => {
    if (!spec.isPaid) return;
    const rng = Rng.of(seed, "spend", channelIndex);
    // Weekly flighting: log-normal budget levels, so the response curve is sampled over a wide spend range.
    const flight = Array.from({ length: period.weeks }, () =>
      Math.min(3.5, Math.max(0.15, rng.lognormalMean(1, 0.55))),
    );
    const raw = new Float64Array(period.days);
    let rawTotal = 0;
    for (let d = 0; d < period.days; d++) {
      const running = active[channelIndex]?.[d] ?? [];
      const bursts = running.filter((c) => c.weight > 1).length;
      const trend = 0.85 + (0.3 * d) / period.days;
      raw[d] =
        (period.spendSeason[d] as number) *
        (flight[weekOfOffset(period, d)] as number) *
        trend *
        (WEEKDAY_FACTOR[period.weekday[d] as number] as number) *
        rng.lognormalMean(1, 0.12) *
        (1 + 0.5 * bursts);
      rawTotal += raw[d] as number;
    }
    const targetTotal = spec.cac * spec.share * PAID_SHARE * customers;
    const scale = rawTotal > 0 ? targetTotal / rawTotal : 0;
    for (let d = 0; d < period.days; d++) {
      const running = active[channelIndex]?.[d] ?? [];
      const weights = running.reduce((s, c) => s + c.weight, 0);
      const dayYuan = (raw[d] as number) * scale;
      // Auctions get dearer when everyone spends (618, Double 11).
      const cpm = spec.cpm * Math.max(0.7, 1 + 0.25 * ((period.spendSeason[d] as number) - 1));
      for (const c of running) {
        const cents = Math.round((dayYuan * 100 * c.weight) / weights);
        const impressions = Math.round((cents / 100 / cpm) * 1000 * rng.lognormalMean(1, 0.15));
        const clicks = Math.round(impressions * spec.ctr * rng.lognormalMean(1, 0.2));
        rows.push({ campaignId: c.id, day: period.startDay + d, cents, impressions, clicks });
        spentByCampaign[c.id] = (spentByCampaign[c.id] as number) + cents;
        const yuan = cents / 100;
        (channelDaySpend[channelIndex] as Float64Array)[d] =
          ((channelDaySpend[channelIndex] as Float64Array)[d] as number) + yuan;
        const w = weekOfOffset(period, d);
        (channelWeekSpend[channelIndex] as Float64Array)[w] =
          ((channelWeekSpend[channelIndex] as Float64Array)[w] as number) + yuan;
      }
    }
  });

  for (const c of campaigns) {
    if (!channels[c.channelIndex]?.isPaid) continue;
    const rng = Rng.of(seed, "budget", c.id);
    // Budgets are set in whole hundreds a little above what was delivered (under-delivery is normal).
    const spent = spentByCampaign[c.id] as number;
    c.budgetCents = Math.ceil((spent * (1.02 + 0.13 * rng.float())) / 10_000) * 10_000;
  }
  return { campaigns, rows, channelDaySpend, channelWeekSpend, active };
}
