import type { Queryable } from "../../db/pool.ts";
import { revenueSql, type TierThresholds, tierSql } from "../find-customers/value-tier.queries.ts";
import type { CohortActivity, CohortSize } from "./cohort.model.ts";
import type { CohortSplit } from "./cohort-retention.schema.ts";

export interface CohortQuery {
  /** Grid bounds (YYYY-MM-DD), N + 1 of them; see cohort-periods.ts. */
  bounds: string[];
  timezone: string;
  split: CohortSplit | null;
  acquisitionChannelId: number | null;
  region: string | null;
  /** Needed when split = value_tier. */
  tiers: TierThresholds | null;
}

export interface CohortCounts {
  sizes: CohortSize[];
  activity: CohortActivity[];
}

/** SQL for the group label of customer c (parameters from $5 on). */
function groupSql(split: CohortSplit | null, params: unknown[], query: CohortQuery): string {
  if (split === "acquisition_channel") {
    return "coalesce((SELECT ch.code FROM channels ch WHERE ch.id = c.acquisition_channel_id), '(unknown)')";
  }
  if (split === "region") return "coalesce(c.region, '(unknown)')";
  if (split === "campaign") {
    // The campaign of the first touch that carries one: the touchpoints (customer_id, occurred_at) index serves it.
    return `coalesce((SELECT cp.external_id FROM touchpoints t JOIN campaigns cp ON cp.id = t.campaign_id
              WHERE t.customer_id = c.id AND t.campaign_id IS NOT NULL ORDER BY t.occurred_at LIMIT 1), '(none)')`;
  }
  if (split === "value_tier") {
    const t = query.tiers as TierThresholds;
    params.push(t.since, t.until, t.highMin ?? Number.POSITIVE_INFINITY, t.midMin ?? Number.POSITIVE_INFINITY);
    const n = params.length;
    const revenue = revenueSql("c.id", `$${n - 3}`, `$${n - 2}`, "$2");
    return tierSql(revenue, `$${n - 1}`, `$${n}`);
  }
  return "'all'";
}

/**
 * Cohort members by signup period, and per (cohort, period since acquisition) the distinct buyers and their revenue.
 * Orders are bucketed with width_bucket on the grid's instants in the business time zone (no per-row time zone
 * conversion), grouped per customer and period first, then joined to the members.
 */
export async function fetchCohortCounts(db: Queryable, query: CohortQuery): Promise<CohortCounts> {
  const last = query.bounds.length - 1;
  const params: unknown[] = [query.bounds, query.timezone, query.acquisitionChannelId, query.region];
  const group = groupSql(query.split, params, query);
  const { rows } = await db.query<{ grp: string; cohort: number; k: number | null; n: number; revenue: number }>(
    `WITH grid AS (
       SELECT $1::date[] AS days,
              (SELECT array_agg((d::timestamp AT TIME ZONE $2) ORDER BY d) FROM unnest($1::date[]) AS d) AS instants
     ),
     members AS MATERIALIZED (
       SELECT c.id, width_bucket(c.signup_date, grid.days) - 1 AS cohort, ${group} AS grp
       FROM customers c CROSS JOIN grid
       WHERE c.signup_date >= grid.days[1] AND c.signup_date < grid.days[${last + 1}]
         AND ($3::int IS NULL OR c.acquisition_channel_id = $3)
         AND ($4::text IS NULL OR c.region = $4)
     ),
     activity AS (
       SELECT o.customer_id, width_bucket(o.ordered_at, grid.instants) - 1 AS period,
              sum((o.amount * 100)::bigint) AS cents
       FROM orders o CROSS JOIN grid
       WHERE o.ordered_at >= grid.instants[1] AND o.ordered_at < grid.instants[${last + 1}]
       GROUP BY 1, 2
     )
     SELECT grp, cohort, NULL::int AS k, count(*)::int AS n, 0::float8 AS revenue FROM members GROUP BY 1, 2
     UNION ALL
     SELECT m.grp, m.cohort, a.period - m.cohort, count(*)::int, sum(a.cents)::float8 / 100
     FROM members m JOIN activity a ON a.customer_id = m.id AND a.period >= m.cohort
     GROUP BY 1, 2, 3`,
    params,
  );
  const sizes: CohortSize[] = [];
  const activity: CohortActivity[] = [];
  for (const r of rows) {
    if (r.k === null) sizes.push({ group: r.grp, cohort: Number(r.cohort), customers: Number(r.n) });
    else
      activity.push({
        group: r.grp,
        cohort: Number(r.cohort),
        k: Number(r.k),
        active: Number(r.n),
        revenue: Number(r.revenue),
      });
  }
  return { sizes, activity };
}
