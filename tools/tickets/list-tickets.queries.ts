import type { Queryable } from "../../db/pool.ts";
import type { TierThresholds } from "../find-customers/value-tier.queries.ts";
import type { Category, Priority, SourceChannel, Status, Tier } from "./ticket-enums.ts";
import { type AttentionRule, effectiveTierSql, Params, type TicketRecord, ticketSelectSql } from "./tickets.queries.ts";

export interface TicketFilter {
  statuses: readonly Status[] | null;
  priorities: readonly Priority[] | null;
  categories: readonly Category[] | null;
  sourceChannels: readonly SourceChannel[] | null;
  customerId: number | null;
  tier: Tier | null;
  channelId: number | null;
  campaignId: number | null;
  /** A Slack user id, or "unassigned". */
  assignee: string | null;
  createdAfter: Date | null;
  createdBefore: Date | null;
  /** Text the body must contain (case-insensitive). */
  text: string | null;
  needsAttention: boolean;
  thresholds: TierThresholds;
  timezone: string;
  rule: AttentionRule;
}

export type TicketSort = "newest" | "oldest" | "priority";

const ORDER: Record<TicketSort, string> = {
  newest: "t.created_at DESC, t.id DESC",
  oldest: "t.created_at, t.id",
  priority: "t.priority, t.created_at DESC, t.id DESC",
};

function whereSql(f: TicketFilter, p: Params): string {
  const where: string[] = [];
  if (f.statuses !== null) where.push(`t.status = ANY(${p.add(f.statuses)}::text[])`);
  if (f.priorities !== null) where.push(`t.priority = ANY(${p.add(f.priorities)}::text[])`);
  if (f.categories !== null) where.push(`t.category = ANY(${p.add(f.categories)}::text[])`);
  if (f.sourceChannels !== null) where.push(`t.source_channel = ANY(${p.add(f.sourceChannels)}::text[])`);
  if (f.customerId !== null) where.push(`t.customer_id = ${p.add(f.customerId)}`);
  if (f.channelId !== null) where.push(`t.channel_id = ${p.add(f.channelId)}`);
  if (f.campaignId !== null) where.push(`t.campaign_id = ${p.add(f.campaignId)}`);
  if (f.assignee === "unassigned") where.push("t.assignee IS NULL");
  else if (f.assignee !== null) where.push(`t.assignee = ${p.add(f.assignee)}`);
  if (f.createdAfter !== null) where.push(`t.created_at >= ${p.add(f.createdAfter)}::timestamptz`);
  if (f.createdBefore !== null) where.push(`t.created_at < ${p.add(f.createdBefore)}::timestamptz`);
  if (f.text !== null) {
    const escaped = f.text.replace(/[\\%_]/g, (c) => `\\${c}`);
    // Text without upper/lower case (Chinese, digits) needs no case folding: LIKE is several times faster than ILIKE.
    const op = f.text.toLowerCase() === f.text.toUpperCase() ? "LIKE" : "ILIKE";
    where.push(`t.body ${op} ${p.add(`%${escaped}%`)}`);
  }
  if (f.tier !== null) {
    // The stored tier through its index; only tickets filed without one compute the customer's current tier.
    const tier = p.add(f.tier);
    where.push(`(t.customer_tier = ${tier} OR (t.customer_tier IS NULL AND t.customer_id IS NOT NULL
                 AND ${effectiveTierSql(p, f.thresholds, f.timezone)} = ${tier}))`);
  }
  if (f.needsAttention) {
    // The same test as attentionSql, written as an OR of the two partial indexes' conditions so both serve it.
    const now = p.add(f.rule.now);
    where.push(`((t.status = 'resolved' AND t.follow_up_due < ${now}::timestamptz)
                 OR (t.priority = 'P1' AND t.status IN ('new','triaged','in_progress')
                     AND t.updated_at < ${now}::timestamptz - make_interval(hours => ${p.add(f.rule.p1UntouchedHours)}::int)))`);
  }
  return where.length > 0 ? where.join(" AND ") : "true";
}

/** One page of tickets matching the filter, in the chosen order. */
export async function fetchTicketPage(
  db: Queryable,
  f: TicketFilter,
  sort: TicketSort,
  limit: number,
  offset: number,
): Promise<TicketRecord[]> {
  const p = new Params();
  // Filter and cut the page on the ticket table alone (index order), then join the page's few rows.
  const page = `(SELECT * FROM feedback_tickets t WHERE ${whereSql(f, p)} ORDER BY ${ORDER[sort]}
                 LIMIT ${p.add(limit)} OFFSET ${p.add(offset)}) t`;
  const sql = `${ticketSelectSql(p, page, f.thresholds, f.timezone, f.rule)} ORDER BY ${ORDER[sort]}`;
  const { rows } = await db.query<TicketRecord>(sql, p.values);
  return rows;
}

/** Text searches count at most this many matches: a short search can match much of the table, and is for finding. */
export const TEXT_COUNT_CAP = 1000;

export interface TicketCounts {
  /** Exact, or at least this many when `capped`. */
  total: number;
  capped: boolean;
  /** Null when capped. */
  byPriority: Record<Priority, number> | null;
  /** Tickets needing attention now, whatever the filter (served by partial indexes). */
  attention: { follow_up_overdue: number; p1_untouched: number };
}

/** How many tickets match, by priority, and how many need attention overall, in one round trip. */
export async function countTickets(db: Queryable, f: TicketFilter): Promise<TicketCounts> {
  const p = new Params();
  const where = whereSql(f, p);
  const now = p.add(f.rule.now);
  const hours = p.add(f.rule.p1UntouchedHours);
  const cap = f.text === null ? null : TEXT_COUNT_CAP;
  const matches =
    cap === null
      ? `SELECT t.priority FROM feedback_tickets t WHERE ${where}`
      : `SELECT t.priority FROM feedback_tickets t WHERE ${where} LIMIT ${p.add(cap + 1)}`;
  const { rows } = await db.query<{ priority: Priority | null; n: number; overdue: number; untouched: number }>(
    `SELECT m.priority, m.n,
            (SELECT count(*)::int FROM feedback_tickets WHERE status = 'resolved' AND follow_up_due < ${now}::timestamptz)
              AS overdue,
            (SELECT count(*)::int FROM feedback_tickets WHERE priority = 'P1' AND status IN ('new','triaged','in_progress')
              AND updated_at < ${now}::timestamptz - make_interval(hours => ${hours}::int)) AS untouched
     FROM (SELECT t.priority, count(*)::int AS n FROM (${matches}) t GROUP BY t.priority) m
     RIGHT JOIN (SELECT 1) one ON true`,
    p.values,
  );
  const byPriority: Record<Priority, number> = { P1: 0, P2: 0, P3: 0, P4: 0 };
  for (const r of rows) if (r.priority !== null) byPriority[r.priority] = r.n;
  const first = rows[0];
  const total = byPriority.P1 + byPriority.P2 + byPriority.P3 + byPriority.P4;
  const capped = cap !== null && total > cap;
  return {
    total: capped ? (cap as number) : total,
    capped,
    byPriority: capped ? null : byPriority,
    attention: { follow_up_overdue: first?.overdue ?? 0, p1_untouched: first?.untouched ?? 0 },
  };
}
