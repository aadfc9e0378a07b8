import type { Queryable } from "../../db/pool.ts";

export interface CampaignFilter {
  channelId: number | null;
  platform: string | null;
  status: "planned" | "active" | "ended" | null;
  activeFrom: string | null;
  activeTo: string | null;
  search: string | null;
  /** Today in the business time zone: decides status; spend and pacing count days before it. */
  today: string;
  limit: number;
}

export interface CampaignRow {
  external_id: string;
  name: string;
  channel: string;
  platform: string;
  objective: string;
  status: "planned" | "active" | "ended";
  start_date: string;
  end_date: string | null;
  budget: number | null;
  spend_to_date: number;
  elapsed_days: number;
  flight_days: number | null;
  elapsed_share: number | null;
  expected_spend: number | null;
  pacing: number | null;
  total: number;
}

// Status and pacing in one place. Spend "to date" and elapsed days both stop at yesterday (the last complete day)
// or the flight end, whichever is earlier: pacing = spend_to_date / (budget x elapsed_days / flight_days).
const CAMPAIGNS_SQL = `
  WITH base AS (
    SELECT cp.*, ch.code AS channel, ch.platform,
           CASE WHEN cp.start_date > $7::date THEN 'planned' WHEN cp.end_date < $7::date THEN 'ended' ELSE 'active' END AS status,
           greatest(0, least(coalesce(cp.end_date, $7::date - 1), $7::date - 1) - cp.start_date + 1) AS elapsed_days,
           CASE WHEN cp.end_date IS NULL THEN NULL ELSE cp.end_date - cp.start_date + 1 END AS flight_days
    FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id
    WHERE ($1::int IS NULL OR cp.channel_id = $1)
      AND ($2::text IS NULL OR lower(ch.platform) = lower($2))
      AND ($4::date IS NULL OR cp.end_date IS NULL OR cp.end_date >= $4::date)
      AND ($5::date IS NULL OR cp.start_date <= $5::date)
      AND ($6::text IS NULL OR strpos(lower(cp.name), lower($6)) > 0 OR upper(cp.external_id) = upper($6))
  ),
  filtered AS (SELECT * FROM base WHERE $3::text IS NULL OR status = $3),
  spent AS (
    SELECT f.id, coalesce(sum(s.spend), 0)::float8 AS spend_to_date
    FROM filtered f LEFT JOIN ad_spend_daily s ON s.campaign_id = f.id AND s.day < $7::date
    GROUP BY f.id
  )
  SELECT f.external_id, f.name, f.channel, f.platform, f.objective, f.status, f.start_date, f.end_date,
         f.budget::float8 AS budget, sp.spend_to_date, f.elapsed_days, f.flight_days,
         CASE WHEN f.flight_days IS NULL THEN NULL ELSE f.elapsed_days::float8 / f.flight_days END AS elapsed_share,
         CASE WHEN f.flight_days IS NULL OR f.budget IS NULL THEN NULL
              ELSE f.budget::float8 * f.elapsed_days / f.flight_days END AS expected_spend,
         CASE WHEN f.flight_days IS NULL OR f.budget IS NULL OR f.budget = 0 OR f.elapsed_days = 0 THEN NULL
              ELSE sp.spend_to_date / (f.budget::float8 * f.elapsed_days / f.flight_days) END AS pacing,
         count(*) OVER ()::int AS total
  FROM filtered f JOIN spent sp ON sp.id = f.id
  ORDER BY f.start_date DESC, f.external_id
  LIMIT $8`;

/** Campaigns with status, spend to date and budget pacing. */
export async function fetchCampaigns(db: Queryable, f: CampaignFilter): Promise<CampaignRow[]> {
  const { rows } = await db.query<CampaignRow>(CAMPAIGNS_SQL, [
    f.channelId,
    f.platform,
    f.status,
    f.activeFrom,
    f.activeTo,
    f.search,
    f.today,
    f.limit,
  ]);
  return rows;
}
