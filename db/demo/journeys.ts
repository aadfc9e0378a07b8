// Marketing touches before each order (and after the last one, for journeys that never convert).
// Rules the analytics rely on: times strictly increase per customer; the last touch before the first order
// is on the acquisition channel; journeys look back at most 30 days and never cross the previous order.
import { SECONDS_PER_DAY } from "./calendar.ts";
import type { ChannelSpec, TouchType } from "./catalog.ts";
import type { Period } from "./period.ts";
import { type Rng, WeightedTable } from "./random.ts";
import type { Campaign, SpendPlan } from "./spend.ts";

export interface Touch {
  ts: number;
  channelIndex: number;
  campaignId: number | null;
  type: TouchType;
}

/** Journeys reach back at most 30 days before an order. */
export const LOOKBACK_SECONDS = 30 * SECONDS_PER_DAY;
/** Share of journeys that are very long (bots, obsessive comparison shoppers, heavy retargeting). */
export const LONG_JOURNEY_RATE = 0.003;

// Where people in China vs abroad meet the brand: Western platforms are marginal in China and vice versa.
const CHINA_REACH: Record<string, number> = {
  google_search: 0.4,
  baidu_search: 10,
  meta_ads: 0.2,
  wechat_ads: 12,
  weibo_ads: 5,
  xiaohongshu: 10,
  douyin_ads: 14,
  tiktok_ads: 0.2,
  youtube: 0.3,
  display_gdn: 0.4,
  affiliate: 4,
  kol: 5,
  offline_events: 2,
  email: 4,
  direct: 3.5,
  organic_search: 3.5,
};
const INTERNATIONAL_REACH: Record<string, number> = {
  google_search: 12,
  baidu_search: 0.2,
  meta_ads: 10,
  wechat_ads: 1,
  weibo_ads: 0.2,
  xiaohongshu: 0.6,
  douyin_ads: 0.2,
  tiktok_ads: 8,
  youtube: 5,
  display_gdn: 6,
  affiliate: 4,
  kol: 2,
  offline_events: 0.3,
  email: 4,
  direct: 3.5,
  organic_search: 3.5,
};
// Young people live on short video and social; older ones search, read WeChat and open e-mail.
const YOUNG: Partial<Record<string, number>> = {
  douyin_ads: 1.6,
  tiktok_ads: 1.6,
  xiaohongshu: 1.5,
  weibo_ads: 1.4,
  kol: 1.5,
  baidu_search: 0.7,
  google_search: 0.8,
  wechat_ads: 0.8,
  email: 0.6,
  offline_events: 0.7,
};
const SENIOR: Partial<Record<string, number>> = {
  wechat_ads: 1.5,
  baidu_search: 1.4,
  google_search: 1.3,
  email: 1.4,
  offline_events: 1.5,
  douyin_ads: 0.7,
  tiktok_ads: 0.6,
  xiaohongshu: 0.5,
  kol: 0.6,
  meta_ads: 1.2,
};
// Existing customers come back through owned channels far more than through prospecting ads.
const REPEAT: Partial<Record<string, number>> = { email: 2.2, direct: 1.5, organic_search: 1.2 };

/** Age band used by the preference tables: 0 under 30, 1 under 45, 2 older. */
export function ageBand(age: number): number {
  return age < 30 ? 0 : age < 45 ? 1 : 2;
}

export interface PreferenceTables {
  /** Indexed by (inChina ? 0 : 3) + ageBand. */
  prospect: WeightedTable<number>[];
  repeat: WeightedTable<number>[];
}

/** Channel-choice tables for every (geography, age band, journey kind). */
export function preferenceTables(channels: readonly ChannelSpec[]): PreferenceTables {
  const prospect: WeightedTable<number>[] = [];
  const repeat: WeightedTable<number>[] = [];
  for (const reach of [CHINA_REACH, INTERNATIONAL_REACH]) {
    for (const band of [YOUNG, {}, SENIOR] as Partial<Record<string, number>>[]) {
      const base = channels.map((c, i) => [i, (reach[c.code] ?? 0.1) * (band[c.code] ?? 1)] as const);
      prospect.push(new WeightedTable(base));
      repeat.push(
        new WeightedTable(base.map(([i, w]) => [i, w * (REPEAT[(channels[i] as ChannelSpec).code] ?? 1)] as const)),
      );
    }
  }
  return { prospect, repeat };
}

/** Touch type consistent with the channel; `closing` touches (right before an order) are clicks or visits. */
export function touchTypeFor(spec: ChannelSpec, rng: Rng, closing: boolean): TouchType {
  switch (spec.type) {
    case "direct":
    case "organic":
    case "offline":
      return "visit";
    case "email":
      return closing || rng.chance(0.25) ? "click" : "email_open";
    case "affiliate":
      return "click";
    case "search":
      return closing || rng.chance(0.75) ? "click" : "impression";
    default:
      return closing || rng.chance(0.4) ? "click" : "impression";
  }
}

/** Journey length: geometric on 1..8 with the given mean, and rarely a very long one (> 100 touches). */
export function journeyLength(rng: Rng, mean: number): number {
  if (rng.chance(LONG_JOURNEY_RATE)) return 101 + Math.floor(rng.exponential(80));
  for (;;) {
    const n = rng.geometric(mean);
    if (n <= 8) return n;
  }
}

/**
 * `count` strictly increasing integer times in [lo, hi], bunched towards hi (touches cluster near the order).
 * Returns fewer when the window is shorter than `count` seconds.
 */
export function placeTimes(rng: Rng, count: number, lo: number, hi: number): number[] {
  const span = hi - lo;
  if (span < 0 || count <= 0) return [];
  const n = Math.min(count, span + 1);
  const times = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const u = rng.float();
    times[i] = hi - Math.floor(span * u * u);
  }
  times.sort((a, b) => a - b);
  times[0] = Math.max(times[0] as number, lo);
  for (let i = 1; i < n; i++)
    if ((times[i] as number) <= (times[i - 1] as number)) times[i] = (times[i - 1] as number) + 1;
  // Bumping may push the tail past hi; pull it back down (the window holds n distinct seconds).
  if ((times[n - 1] as number) > hi) {
    times[n - 1] = hi;
    for (let i = n - 2; i >= 0; i--)
      if ((times[i] as number) >= (times[i + 1] as number)) times[i] = (times[i + 1] as number) - 1;
  }
  return times;
}

/** A campaign of the channel running on the touch's day, weighted like its spend; null if none. */
export function campaignAt(
  spend: SpendPlan,
  period: Period,
  channelIndex: number,
  ts: number,
  rng: Rng,
): number | null {
  const offset = Math.floor(ts / SECONDS_PER_DAY) - period.startDay;
  const running = spend.active[channelIndex]?.[offset];
  if (!running || running.length === 0) return null;
  if (running.length === 1) return (running[0] as Campaign).id;
  let total = 0;
  for (const c of running) total += c.weight;
  let target = rng.float() * total;
  for (const c of running) {
    target -= c.weight;
    if (target < 0) return c.id;
  }
  return (running[running.length - 1] as Campaign).id;
}

export interface JourneyInput {
  channels: readonly ChannelSpec[];
  spend: SpendPlan;
  period: Period;
  prospect: WeightedTable<number>;
  repeat: WeightedTable<number>;
  acquisitionChannel: number;
  signupTs: number;
  /** Order times, strictly increasing. */
  orderTs: readonly number[];
  /** Whether the customer keeps seeing ads after the last order (a journey that does not convert). */
  buyer: boolean;
}

/** All touches of one customer, in time order. */
export function buildTouches(rng: Rng, input: JourneyInput): Touch[] {
  const { channels, spend, period, acquisitionChannel } = input;
  const touches: Touch[] = [];
  const add = (ts: number, channelIndex: number, closing: boolean) => {
    const spec = channels[channelIndex] as ChannelSpec;
    touches.push({
      ts,
      channelIndex,
      campaignId: campaignAt(spend, period, channelIndex, ts, rng),
      type: touchTypeFor(spec, rng, closing),
    });
  };
  const pickFrom = (table: WeightedTable<number>, affinity: number) =>
    rng.chance(affinity) ? acquisitionChannel : table.pick(rng);

  // First journey: earlier touches, then the acquisition touch minutes before sign-up.
  const firstOrder = input.orderTs[0];
  const acquisitionTs = Math.max(period.startTs, input.signupTs - 60 - rng.int(1740));
  const lookbackFrom = Math.max(period.startTs, (firstOrder ?? acquisitionTs) - LOOKBACK_SECONDS);
  const earlier = journeyLength(rng, 4) - 1;
  for (const ts of placeTimes(rng, earlier, lookbackFrom, acquisitionTs - 1))
    add(ts, pickFrom(input.prospect, 0.3), false);
  add(acquisitionTs, acquisitionChannel, true);
  // An order days after sign-up gets a return visit on the same channel, so it is still the last touch.
  if (firstOrder !== undefined && firstOrder - acquisitionTs > 3600) {
    add(firstOrder - 30 - rng.int(Math.min(1800, firstOrder - acquisitionTs - 31)), acquisitionChannel, true);
  }

  // Repeat orders: a fresh journey in the 30 days before each, never reaching back past the previous order.
  for (let k = 1; k < input.orderTs.length; k++) {
    const at = input.orderTs[k] as number;
    const previous = input.orderTs[k - 1] as number;
    const lastTouch = (touches[touches.length - 1] as Touch).ts;
    const lo = Math.max(previous + 1, lastTouch + 1, at - LOOKBACK_SECONDS);
    const times = placeTimes(rng, journeyLength(rng, 3.2), lo, at - 1);
    for (let i = 0; i < times.length; i++) add(times[i] as number, pickFrom(input.repeat, 0.2), i === times.length - 1);
  }

  // A trailing journey that does not (yet) convert: retargeting after the last order or after sign-up.
  if (rng.chance(input.buyer ? 0.55 : 0.7)) {
    const lastOrder = input.orderTs[input.orderTs.length - 1] ?? 0;
    const lo = Math.max(lastOrder, (touches[touches.length - 1] as Touch).ts) + 1;
    const hi = Math.min(period.endTs, lo + 60 * SECONDS_PER_DAY);
    const table = input.buyer ? input.repeat : input.prospect;
    for (const ts of placeTimes(rng, Math.min(6, rng.geometric(2)), lo, hi)) add(ts, pickFrom(table, 0.25), false);
  }
  return touches;
}
