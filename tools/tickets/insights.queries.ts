import type { Queryable } from "../../db/pool.ts";
import type { TierThresholds } from "../find-customers/value-tier.queries.ts";
import type { Category } from "./ticket-enums.ts";
import { effectiveTierSql, Params } from "./tickets.queries.ts";

export interface InsightWindow {
  /** Inclusive days in the business time zone. */
  start: string;
  end: string;
  timezone: string;
  thresholds: TierThresholds;
}

// Tickets filed in the window with their effective tier and ISO week, as a CTE named w.
function windowCte(p: Params, f: InsightWindow): string {
  const tz = p.add(f.timezone);
  return `w AS (
    SELECT t.*, ${effectiveTierSql(p, f.thresholds, f.timezone)} AS tier,
           to_char(t.created_at AT TIME ZONE ${tz}, 'IYYY-"W"IW') AS week
    FROM feedback_tickets t
    WHERE t.created_at >= (${p.add(f.start)}::date)::timestamp AT TIME ZONE ${tz}
      AND t.created_at < (${p.add(f.end)}::date + 1)::timestamp AT TIME ZONE ${tz})`;
}

const DIMENSIONS = {
  category: "w.category",
  source_channel: "w.source_channel",
  tier: "coalesce(w.tier, 'unknown')",
  week: "w.week",
  priority: "w.priority",
} as const;
export type InsightDimension = keyof typeof DIMENSIONS;

export interface DimensionRow {
  key: string;
  tickets: number;
  negative: number;
  ad_promise: number;
  p1: number;
  open: number;
  avg_satisfaction: number | null;
}

/** Ticket counts per value of one dimension (category, source channel, tier, ISO week, priority). */
export async function countBy(db: Queryable, f: InsightWindow, dimension: InsightDimension): Promise<DimensionRow[]> {
  const p = new Params();
  const key = DIMENSIONS[dimension];
  const { rows } = await db.query<DimensionRow>(
    `WITH ${windowCte(p, f)}
     SELECT ${key} AS key, count(*)::int AS tickets,
            count(*) FILTER (WHERE w.sentiment = 'negative')::int AS negative,
            count(*) FILTER (WHERE w.category = 'ad_promise')::int AS ad_promise,
            count(*) FILTER (WHERE w.priority = 'P1')::int AS p1,
            count(*) FILTER (WHERE w.status IN ('new','triaged','in_progress'))::int AS open,
            round(avg(w.satisfaction)::numeric, 2)::float8 AS avg_satisfaction
     FROM w GROUP BY 1 ORDER BY ${dimension === "week" ? "1" : "2 DESC, 1"}`,
    p.values,
  );
  return rows;
}

/** Tickets per ISO week and category, for trends. */
export async function countByWeekAndCategory(
  db: Queryable,
  f: InsightWindow,
): Promise<{ week: string; category: Category; tickets: number }[]> {
  const p = new Params();
  const { rows } = await db.query<{ week: string; category: Category; tickets: number }>(
    `WITH ${windowCte(p, f)} SELECT w.week, w.category, count(*)::int AS tickets FROM w GROUP BY 1, 2 ORDER BY 1, 2`,
    p.values,
  );
  return rows;
}

export interface AboutRow {
  key: string;
  name: string;
  channel: string;
  tickets: number;
  ad_promise: number;
  negative: number;
}

/** Tickets about each campaign (or marketing channel), with how many are ad-promise complaints. */
export async function countAbout(db: Queryable, f: InsightWindow, about: "campaign" | "channel"): Promise<AboutRow[]> {
  const p = new Params();
  const join =
    about === "campaign"
      ? "JOIN campaigns cp ON cp.id = w.campaign_id JOIN channels ch ON ch.id = cp.channel_id"
      : "JOIN channels ch ON ch.id = w.channel_id";
  const cols =
    about === "campaign"
      ? "cp.external_id AS key, cp.name AS name, ch.code AS channel"
      : "ch.code AS key, ch.name AS name, ch.code AS channel";
  const { rows } = await db.query<AboutRow>(
    `WITH ${windowCte(p, f)}
     SELECT ${cols},
            count(*)::int AS tickets, count(*) FILTER (WHERE w.category = 'ad_promise')::int AS ad_promise,
            count(*) FILTER (WHERE w.sentiment = 'negative')::int AS negative
     FROM w ${join} GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1`,
    p.values,
  );
  return rows;
}

export interface NpsGroupRow {
  group: string;
  customers: number;
  avg_score: number | null;
  promoters: number;
  detractors: number;
}

// Each customer's latest NPS answer up to the end of the window.
function latestNpsCte(p: Params, f: InsightWindow): string {
  return `latest AS (
    SELECT DISTINCT ON (n.customer_id) n.customer_id, n.score FROM nps_responses n
    WHERE n.customer_id IS NOT NULL
      AND n.responded_at < (${p.add(f.end)}::date + 1)::timestamp AT TIME ZONE ${p.add(f.timezone)}
    ORDER BY n.customer_id, n.responded_at DESC)`;
}

/** Latest NPS answers of customers who filed tickets in the window vs all other respondents. */
export async function npsOfTicketCustomers(db: Queryable, f: InsightWindow): Promise<NpsGroupRow[]> {
  const p = new Params();
  const { rows } = await db.query<NpsGroupRow>(
    `WITH ${windowCte(p, f)}, ${latestNpsCte(p, f)},
     tc AS (SELECT DISTINCT customer_id FROM w WHERE customer_id IS NOT NULL)
     SELECT CASE WHEN tc.customer_id IS NULL THEN 'other_respondents' ELSE 'ticket_customers' END AS "group",
            count(*)::int AS customers, round(avg(l.score)::numeric, 2)::float8 AS avg_score,
            count(*) FILTER (WHERE l.score >= 9)::int AS promoters,
            count(*) FILTER (WHERE l.score <= 6)::int AS detractors
     FROM latest l LEFT JOIN tc ON tc.customer_id = l.customer_id GROUP BY 1 ORDER BY 1 DESC`,
    p.values,
  );
  return rows;
}

/** Latest NPS answers of ticket customers, by the category of their tickets. */
export async function npsByCategory(db: Queryable, f: InsightWindow): Promise<(NpsGroupRow & { tickets: number })[]> {
  const p = new Params();
  const { rows } = await db.query<NpsGroupRow & { tickets: number }>(
    `WITH ${windowCte(p, f)}, ${latestNpsCte(p, f)},
     pairs AS (SELECT DISTINCT w.category, w.customer_id FROM w WHERE w.customer_id IS NOT NULL)
     SELECT pr.category AS "group", count(*)::int AS customers, round(avg(l.score)::numeric, 2)::float8 AS avg_score,
            count(*) FILTER (WHERE l.score >= 9)::int AS promoters,
            count(*) FILTER (WHERE l.score <= 6)::int AS detractors,
            (SELECT count(*)::int FROM w WHERE w.category = pr.category) AS tickets
     FROM pairs pr JOIN latest l ON l.customer_id = pr.customer_id GROUP BY 1 ORDER BY 2 DESC, 1`,
    p.values,
  );
  return rows;
}

export interface ThemeSourceRow {
  id: number;
  body: string;
  category: Category;
  customer_id: number | null;
  /** Stored embedding of `model` as pgvector text, or null (embedded in Node then). */
  embedding: string | null;
}

/** The newest `limit` tickets of the window with their stored embedding of `model`, if any. */
export async function fetchThemeSources(
  db: Queryable,
  f: InsightWindow,
  model: string,
  limit: number,
): Promise<{ rows: ThemeSourceRow[]; total: number }> {
  const p = new Params();
  const { rows } = await db.query<ThemeSourceRow & { total: number }>(
    `WITH ${windowCte(p, f)}
     SELECT w.id, w.body, w.category, w.customer_id, e.embedding::text AS embedding, count(*) OVER ()::int AS total
     FROM w LEFT JOIN ticket_embeddings e ON e.ticket_id = w.id AND e.model = ${p.add(model)}
     ORDER BY w.created_at DESC, w.id DESC LIMIT ${p.add(limit)}`,
    p.values,
  );
  return { rows: rows.map(({ total: _, ...r }) => r), total: rows[0]?.total ?? 0 };
}
