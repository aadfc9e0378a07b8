import type { Queryable } from "../../db/pool.ts";

export interface EntityCoverage {
  entity: string;
  rows: number;
  first: string | null;
  last: string | null;
}

/** Row counts and time coverage of every analytic table, in one round trip. */
export async function fetchCoverage(db: Queryable): Promise<EntityCoverage[]> {
  const { rows } = await db.query<EntityCoverage>(`
    SELECT 'customers' AS entity, count(*)::int AS rows, min(signup_date)::text AS first, max(signup_date)::text AS last FROM customers
    UNION ALL SELECT 'orders', count(*)::int, min(ordered_at)::text, max(ordered_at)::text FROM orders
    UNION ALL SELECT 'touchpoints', count(*)::int, min(occurred_at)::text, max(occurred_at)::text FROM touchpoints
    UNION ALL SELECT 'ad_spend_daily', count(*)::int, min(day)::text, max(day)::text FROM ad_spend_daily
    UNION ALL SELECT 'platform_conversions', count(*)::int, min(converted_at)::text, max(converted_at)::text FROM platform_conversions
    UNION ALL SELECT 'web_sessions', count(*)::int, min(day)::text, max(day)::text FROM web_sessions
    UNION ALL SELECT 'nps_responses', count(*)::int, min(responded_at)::text, max(responded_at)::text FROM nps_responses
    UNION ALL SELECT 'feedback_tickets', count(*)::int, min(created_at)::text, max(created_at)::text FROM feedback_tickets
    UNION ALL SELECT 'journey_paths', count(*)::int, NULL, NULL FROM journey_paths
    UNION ALL SELECT 'kb_chunks', count(*)::int, NULL, NULL FROM kb_chunks`);
  return rows;
}

export interface ChannelRow {
  id: number;
  code: string;
  name: string;
  type: string;
  platform: string;
  is_paid: boolean;
  campaigns: number;
}

/** The channel catalogue with campaign counts. */
export async function fetchChannels(db: Queryable): Promise<ChannelRow[]> {
  const { rows } = await db.query<ChannelRow>(`
    SELECT ch.id, ch.code, ch.name, ch.type, ch.platform, ch.is_paid, count(c.id)::int AS campaigns
    FROM channels ch LEFT JOIN campaigns c ON c.channel_id = ch.id
    GROUP BY ch.id ORDER BY ch.id`);
  return rows;
}

/** Journey data sets imported from aggregated path files. */
export async function fetchJourneyDatasets(db: Queryable): Promise<{ dataset: string; paths: number }[]> {
  const { rows } = await db.query<{ dataset: string; paths: number }>(
    "SELECT dataset, count(*)::int AS paths FROM journey_paths GROUP BY dataset ORDER BY dataset",
  );
  return rows;
}

/** Where the data came from: demo generator facts and the latest imports. */
export async function fetchProvenance(db: Queryable): Promise<{ demo: unknown; lastImports: unknown[] }> {
  // Only the headline facts: the planted parameters are for tests, not for answers.
  const demo = await db.query<{ value: unknown }>(
    `SELECT jsonb_build_object('seed', value->'seed', 'customers', value->'customers', 'startDate', value->'startDate',
            'endDate', value->'endDate', 'generatedAt', value->'generatedAt') AS value
     FROM dataset_facts WHERE key = 'demo'`,
  );
  const imports = await db.query(
    `SELECT entity, file_name, rows_total, inserted, updated, imported_at
     FROM import_log ORDER BY imported_at DESC, id DESC LIMIT 5`,
  );
  return { demo: demo.rows[0]?.value ?? null, lastImports: imports.rows };
}
