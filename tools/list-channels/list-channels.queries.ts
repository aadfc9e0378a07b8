import type { Queryable } from "../../db/pool.ts";

export interface ChannelFilter {
  type: string | null;
  platform: string | null;
  search: string | null;
  start: string;
  end: string;
}

export interface ChannelListRow {
  code: string;
  name: string;
  type: string;
  platform: string;
  is_paid: boolean;
  campaigns: number;
  campaigns_active_in_period: number;
  spend: number;
}

/** Channels with campaign counts and ad spend over [start, end] (inclusive days). */
export async function fetchChannelList(db: Queryable, f: ChannelFilter): Promise<ChannelListRow[]> {
  const { rows } = await db.query<ChannelListRow>(
    `SELECT ch.code, ch.name, ch.type, ch.platform, ch.is_paid,
            (SELECT count(*)::int FROM campaigns cp WHERE cp.channel_id = ch.id) AS campaigns,
            (SELECT count(*)::int FROM campaigns cp WHERE cp.channel_id = ch.id
               AND cp.start_date <= $5::date AND (cp.end_date IS NULL OR cp.end_date >= $4::date)) AS campaigns_active_in_period,
            (SELECT coalesce(sum(s.spend), 0)::float8 FROM ad_spend_daily s JOIN campaigns cp ON cp.id = s.campaign_id
               WHERE cp.channel_id = ch.id AND s.day BETWEEN $4::date AND $5::date) AS spend
     FROM channels ch
     WHERE ($1::text IS NULL OR ch.type = $1)
       AND ($2::text IS NULL OR lower(ch.platform) = lower($2))
       AND ($3::text IS NULL OR strpos(lower(ch.name), lower($3)) > 0 OR strpos(ch.code, lower($3)) > 0)
     ORDER BY spend DESC, ch.code`,
    [f.type, f.platform, f.search, f.start, f.end],
  );
  return rows;
}

/** Every platform name, for validating the platform filter. */
export async function fetchPlatforms(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ platform: string }>("SELECT DISTINCT platform FROM channels ORDER BY 1");
  return rows.map((r) => r.platform);
}

/** Latest day with ad spend: the freshness of spend figures. */
export async function fetchSpendFreshness(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ day: string | null }>("SELECT max(day)::text AS day FROM ad_spend_daily");
  return rows[0]?.day ?? null;
}
