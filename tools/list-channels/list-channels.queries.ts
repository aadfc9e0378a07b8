import { type ChannelFilter, type ChannelListing, listChannels, listPlatforms } from "../../db/channels.ts";
import type { Queryable } from "../../db/pool.ts";

export interface ChannelListFilter extends ChannelFilter {
  /** First and last day of the spend period (inclusive). */
  start: string;
  end: string;
}

/** A catalogue channel (with its aliases) and its campaigns and ad spend in the period. */
export interface ChannelListRow extends ChannelListing {
  campaigns: number;
  campaigns_active_in_period: number;
  spend: number;
}

interface ChannelFigures {
  code: string;
  campaigns: number;
  campaigns_active_in_period: number;
  spend: number;
}

/** Channels (the catalogue query of db/channels.ts) with campaign counts and ad spend over [start, end], most spend first. */
export async function fetchChannelList(db: Queryable, f: ChannelListFilter): Promise<ChannelListRow[]> {
  const channels = await listChannels(db, f);
  if (channels.length === 0) return [];
  const { rows } = await db.query<ChannelFigures>(
    `SELECT ch.code,
            (SELECT count(*)::int FROM campaigns cp WHERE cp.channel_id = ch.id) AS campaigns,
            (SELECT count(*)::int FROM campaigns cp WHERE cp.channel_id = ch.id
               AND cp.start_date <= $3::date AND (cp.end_date IS NULL OR cp.end_date >= $2::date)) AS campaigns_active_in_period,
            (SELECT coalesce(sum(s.spend), 0)::float8 FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id
               WHERE cp.channel_id = ch.id AND s.day BETWEEN $2::date AND $3::date) AS spend
     FROM channels ch WHERE ch.code = ANY($1::text[])`,
    [channels.map((c) => c.code), f.start, f.end],
  );
  const figures = new Map(rows.map((r) => [r.code, r]));
  const listed = channels.map((c) => {
    const n = figures.get(c.code);
    return {
      ...c,
      campaigns: n?.campaigns ?? 0,
      campaigns_active_in_period: n?.campaigns_active_in_period ?? 0,
      spend: n?.spend ?? 0,
    };
  });
  // Codes are already in order, and the sort is stable: equal spend keeps code order.
  return listed.sort((a, b) => b.spend - a.spend);
}

/** Every platform name, for validating the platform filter. */
export const fetchPlatforms = listPlatforms;

/** Latest day with ad spend: the freshness of spend figures. */
export async function fetchSpendFreshness(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ day: string | null }>("SELECT max(day)::text AS day FROM ad_spend_daily");
  return rows[0]?.day ?? null;
}
