// SQL for compare_ab_test: visitors and last-touch converters of one campaign in a period.
import type { Queryable } from "../../db/pool.ts";

/** Campaign ids and names by external id. */
export async function fetchCampaignsByExternalId(
  db: Queryable,
  externalIds: string[],
): Promise<Map<string, { id: number; name: string }>> {
  const { rows } = await db.query<{ id: number; external_id: string; name: string }>(
    "SELECT id, external_id, name FROM campaigns WHERE external_id = ANY($1::text[])",
    [externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, { id: r.id, name: r.name }]));
}

/**
 * Visitors = distinct customers with a touch from the campaign in [start, end] (business days in $4); conversions =
 * those of them with an order in the period whose last touch (latest touch at or before the order, within
 * `lookbackDays`) came from the same campaign. Also how many visitors the other campaign touched too.
 */
export async function fetchCampaignArm(
  db: Queryable,
  args: {
    campaignId: number;
    otherCampaignId: number;
    start: string;
    end: string;
    timezone: string;
    lookbackDays: number;
  },
): Promise<{ visitors: number; conversions: number; overlap: number }> {
  const { rows } = await db.query<{ visitors: number; conversions: number; overlap: number }>(
    `WITH touched AS (
       SELECT DISTINCT tp.customer_id FROM touchpoints tp
       WHERE tp.campaign_id = $1
         AND tp.occurred_at >= ($2::date)::timestamp AT TIME ZONE $4
         AND tp.occurred_at < ($3::date + 1)::timestamp AT TIME ZONE $4
     ),
     converted AS (
       SELECT DISTINCT o.customer_id
       FROM orders o
       JOIN touched t ON t.customer_id = o.customer_id
       CROSS JOIN LATERAL (
         SELECT tp.campaign_id FROM touchpoints tp
         WHERE tp.customer_id = o.customer_id AND tp.occurred_at <= o.ordered_at
           AND tp.occurred_at > o.ordered_at - make_interval(days => $5::int)
         ORDER BY tp.occurred_at DESC, tp.id DESC LIMIT 1
       ) last_touch
       WHERE o.ordered_at >= ($2::date)::timestamp AT TIME ZONE $4
         AND o.ordered_at < ($3::date + 1)::timestamp AT TIME ZONE $4
         AND last_touch.campaign_id = $1
     )
     SELECT (SELECT count(*) FROM touched)::int AS visitors,
            (SELECT count(*) FROM converted)::int AS conversions,
            (SELECT count(*) FROM touched t WHERE EXISTS (
               SELECT 1 FROM touchpoints tp WHERE tp.customer_id = t.customer_id AND tp.campaign_id = $6
                 AND tp.occurred_at >= ($2::date)::timestamp AT TIME ZONE $4
                 AND tp.occurred_at < ($3::date + 1)::timestamp AT TIME ZONE $4))::int AS overlap`,
    [args.campaignId, args.start, args.end, args.timezone, args.lookbackDays, args.otherCampaignId],
  );
  return rows[0] ?? { visitors: 0, conversions: 0, overlap: 0 };
}
