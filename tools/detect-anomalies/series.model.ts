// Daily component arrays per channel, platform and campaign, built from the grouped aggregates.
import type { CampaignMeta, DailyAggregates } from "./anomalies.queries.ts";

export const COMPONENTS = ["spend", "impressions", "clicks", "orders", "revenue", "new_customers", "claims"] as const;
export type Component = (typeof COMPONENTS)[number];

export type MarketingLevel = "channel" | "platform" | "campaign";

/** One channel, platform or campaign: its daily components and, per day, the campaigns planned to run. */
export interface SeriesKey {
  level: MarketingLevel;
  key: string;
  channel: string | null;
  platform: string | null;
  campaign: string | null;
  values: Record<Component, Float64Array>;
  /**
   * Per day, an id of the set of campaigns planned to run on the key's channel(s) (by start/end date). A burst
   * campaign starting is a planned change of level, so level series compare only days with the same mix.
   */
  mix: Int32Array;
  /** Per day, 1 when the key is planned to run (a campaign between its start and end date; others always). */
  running: Uint8Array;
}

/** Days [0, n) from `from`; index of an ISO date. */
export class DayIndex {
  readonly days: string[] = [];
  private readonly byDay = new Map<string, number>();
  constructor(from: string, to: string) {
    const d = new Date(`${from}T00:00:00Z`);
    const end = new Date(`${to}T00:00:00Z`).getTime();
    while (d.getTime() <= end) {
      const iso = d.toISOString().slice(0, 10);
      this.byDay.set(iso, this.days.length);
      this.days.push(iso);
      d.setUTCDate(d.getUTCDate() + 1);
    }
  }
  get length(): number {
    return this.days.length;
  }
  of(day: string): number | undefined {
    return this.byDay.get(day);
  }
}

function emptyValues(n: number): Record<Component, Float64Array> {
  return Object.fromEntries(COMPONENTS.map((c) => [c, new Float64Array(n)])) as Record<Component, Float64Array>;
}

/** Every channel, platform and campaign key with its daily components. */
export function buildSeries(data: DailyAggregates, index: DayIndex): SeriesKey[] {
  const n = index.length;
  const keys = new Map<string, SeriesKey>();
  const platformChannels = new Map<string, string[]>();
  for (const ch of data.channels) {
    platformChannels.set(ch.platform, [...(platformChannels.get(ch.platform) ?? []), ch.code]);
  }
  const get = (
    level: MarketingLevel,
    key: string,
    meta: Omit<SeriesKey, "level" | "key" | "values" | "mix" | "running">,
  ) => {
    const id = `${level}\u0000${key}`;
    let s = keys.get(id);
    if (!s) {
      s = { level, key, ...meta, values: emptyValues(n), mix: new Int32Array(n), running: new Uint8Array(n).fill(1) };
      keys.set(id, s);
    }
    return s;
  };
  const channelKey = (code: string) => {
    const platform = data.channels.find((c) => c.code === code)?.platform ?? null;
    return get("channel", code, { channel: code, platform, campaign: null });
  };
  const platformKey = (platform: string) => {
    const codes = platformChannels.get(platform) ?? [];
    return get("platform", platform, {
      channel: codes.length === 1 ? (codes[0] ?? null) : null,
      platform,
      campaign: null,
    });
  };
  const campaignById = new Map(data.campaigns.map((c) => [c.id, c]));
  const campaignKey = (id: number) => {
    const c = campaignById.get(id);
    if (!c) return null;
    return get("campaign", c.external_id, { channel: c.channel, platform: c.platform, campaign: c.external_id });
  };
  for (const ch of data.channels) {
    channelKey(ch.code);
    platformKey(ch.platform);
  }
  for (const c of data.campaigns) {
    const k = campaignKey(c.id);
    // Outside its dates a campaign has no series: its spend stopping at the planned end is not news.
    if (k) for (let d = 0; d < n; d++) k.running[d] = runs(c, index.days[d] as string) ? 1 : 0;
  }

  const add = (targets: (SeriesKey | null)[], day: number, component: Component, value: number) => {
    for (const t of targets) if (t) (t.values[component] as Float64Array)[day] += value;
  };
  const targetsOfCampaign = (id: number | null, channel: string | null) => {
    const c = id === null ? undefined : campaignById.get(id);
    const code = c?.channel ?? channel;
    if (!code) return [];
    const ch = channelKey(code);
    return [c ? campaignKey(c.id) : null, ch, ch.platform ? platformKey(ch.platform) : null];
  };
  for (const r of data.spend) {
    const day = index.of(r.day);
    if (day === undefined) continue;
    const targets = targetsOfCampaign(r.campaign_id, null);
    add(targets, day, "spend", r.spend);
    add(targets, day, "impressions", r.impressions);
    add(targets, day, "clicks", r.clicks);
  }
  for (const r of data.orders) {
    const day = index.of(r.day);
    if (day === undefined || r.channel === null) continue;
    const targets = targetsOfCampaign(r.campaign_id, r.channel);
    add(targets, day, "orders", r.orders);
    add(targets, day, "revenue", r.revenue);
    add(targets, day, "new_customers", r.new_customers);
  }
  for (const r of data.claims) {
    const day = index.of(r.day);
    if (day === undefined) continue;
    const c = r.campaign_id === null ? undefined : campaignById.get(r.campaign_id);
    // A claim names its platform; its campaign (when passed back) places it on a channel and campaign as well.
    const targets = c ? [campaignKey(c.id), channelKey(c.channel)] : [];
    add([...targets, platformKey(r.platform)], day, "claims", r.claims);
  }
  assignMixes([...keys.values()], data, index, platformChannels);
  return [...keys.values()];
}

function runs(c: CampaignMeta, day: string): boolean {
  return c.start_date <= day && (c.end_date === null || c.end_date >= day);
}

/** Fills each key's per-day campaign-mix id from the campaigns' planned start and end dates. */
function assignMixes(
  keys: SeriesKey[],
  data: DailyAggregates,
  index: DayIndex,
  platformChannels: Map<string, string[]>,
): void {
  const ids = new Map<string, number>();
  const mixOf = (channels: readonly string[], day: string) => {
    const running = data.campaigns
      .filter((c) => channels.includes(c.channel) && runs(c, day))
      .map((c) => c.id)
      .join(",");
    let id = ids.get(running);
    if (id === undefined) {
      id = ids.size;
      ids.set(running, id);
    }
    return id;
  };
  for (const k of keys) {
    const channels =
      k.level === "platform" ? (platformChannels.get(k.key) ?? []) : k.channel === null ? [] : [k.channel];
    for (let d = 0; d < index.length; d++) k.mix[d] = mixOf(channels, index.days[d] as string);
  }
}
