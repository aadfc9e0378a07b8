// GA4 sessions (web_sessions) in a period, aggregated in SQL by the KPI table's dimensions where the web data has them.
import type { Queryable } from "../../db/pool.ts";
import type { Dimension } from "./kpis.queries.ts";

/** Web-side key per dimension; null where web analytics has no such grain (campaign ids, customers). */
const WEB_KEY: Record<Dimension, string | null> = {
  channel: "ch.code",
  platform: "ch.platform",
  campaign: null,
  region: null,
  segment: null,
  day: "w.day::text",
  week: "date_trunc('week', w.day)::date::text",
  month: "to_char(w.day, 'YYYY-MM')",
};

/** Sums of one key (k1 null: sessions of channel groups that map to no channel, when grouped by channel). */
export interface WebAggregate {
  k1: string | null;
  k2: string | null;
  is_total: boolean;
  /** web_sessions rows behind the sums: 0 means no web data. */
  row_count: number;
  sessions: number;
  /** null when no row had engaged sessions (the export lacked the column). */
  engaged_sessions: number | null;
  /** Sessions of the rows that have engaged sessions: the engagement rate's denominator. */
  engaged_base: number;
  key_events: number | null;
  /** Sessions of the rows that have key events: the session conversion rate's denominator. */
  key_events_base: number;
  unmapped_sessions: number;
  /** Channel groups (or source / medium) of those sessions. */
  unmapped_groups: string[] | null;
}

/** Whether web sessions can be broken down by these dimensions. */
export function webByDimensions(dims: readonly Dimension[]): boolean {
  return dims.every((d) => WEB_KEY[d] !== null);
}

/**
 * Sessions, engaged sessions and key events per key of `dims` plus the total (the empty grouping set), for the
 * period's days. With dimensions web data cannot follow, only the total row is returned.
 */
export async function fetchWebAggregates(
  db: Queryable,
  period: { start: string; end: string },
  dims: readonly Dimension[],
): Promise<WebAggregate[]> {
  const keyed = dims.length > 0 && webByDimensions(dims);
  const keys = keyed ? dims.map((d) => WEB_KEY[d] as string) : [];
  // Without dimensions the one row has the orders' constant key ('all', '').
  const none = dims.length === 0;
  const [k1, k2] = [keys[0] ?? (none ? "'all'" : "NULL::text"), keys[1] ?? (none ? "''" : "NULL::text")];
  const { rows } = await db.query<WebAggregate>(
    `SELECT ${k1} AS k1, ${k2} AS k2, ${keyed ? `grouping(${keys.join(", ")}) > 0` : "true"} AS is_total,
            count(*)::int AS row_count, coalesce(sum(w.sessions), 0)::float8 AS sessions,
            sum(w.engaged_sessions)::float8 AS engaged_sessions,
            coalesce(sum(w.sessions) FILTER (WHERE w.engaged_sessions IS NOT NULL), 0)::float8 AS engaged_base,
            sum(w.key_events)::float8 AS key_events,
            coalesce(sum(w.sessions) FILTER (WHERE w.key_events IS NOT NULL), 0)::float8 AS key_events_base,
            coalesce(sum(w.sessions) FILTER (WHERE w.channel_id IS NULL), 0)::float8 AS unmapped_sessions,
            array_agg(DISTINCT coalesce(nullif(w.channel_group, ''), nullif(w.source_medium, ''), '(all traffic)'))
              FILTER (WHERE w.channel_id IS NULL) AS unmapped_groups
     FROM web_sessions w LEFT JOIN channels ch ON ch.id = w.channel_id
     WHERE w.day BETWEEN $1::date AND $2::date
     GROUP BY GROUPING SETS (${keyed ? `(${keys.join(", ")}), ` : ""}())`,
    [period.start, period.end],
  );
  return rows;
}
