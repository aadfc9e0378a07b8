import type { Queryable } from "../../db/pool.ts";
import { revenueSql, type TierThresholds, tierSql } from "../find-customers/value-tier.queries.ts";
import type { Category, Priority, Sentiment, Severity, SourceChannel, Status, Tier } from "./ticket-enums.ts";

/** Collects parameters and hands back their placeholders, so the SQL text only ever holds constants. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A ticket as the tools show it, joined with its customer, campaign and channel. */
export interface TicketRecord {
  id: number;
  idempotency_key: string | null;
  customer_id: number | null;
  customer_external_id: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  customer_hint: string | null;
  customer_tier: Tier | null;
  tier_stored: boolean;
  source_channel: SourceChannel;
  category: Category;
  sentiment: Sentiment;
  severity: Severity;
  priority: Priority;
  status: Status;
  body: string;
  campaign_id: number | null;
  campaign: string | null;
  campaign_name: string | null;
  channel_id: number | null;
  channel: string | null;
  reporter: string;
  assignee: string | null;
  slack_permalink: string | null;
  resolution: string | null;
  satisfaction: number | null;
  follow_up_due: Date | null;
  created_at: Date;
  updated_at: Date;
  resolved_at: Date | null;
  linked_reports: number;
  attention: "follow_up_overdue" | "p1_untouched" | null;
}

/** How "needs attention" is decided: the moment that counts as now and the P1 untouched limit. */
export interface AttentionRule {
  now: Date;
  p1UntouchedHours: number;
}

/** The tier of ticket `t`: stored when filed, else the customer's current tier; null for unknown customers. */
export function effectiveTierSql(p: Params, thresholds: TierThresholds, timezone: string): string {
  const revenue = revenueSql("t.customer_id", p.add(thresholds.since), p.add(thresholds.until), p.add(timezone));
  return `(CASE WHEN t.customer_id IS NULL THEN NULL WHEN t.customer_tier IS NOT NULL THEN t.customer_tier
           ELSE ${tierSql(revenue, p.add(thresholds.highMin), p.add(thresholds.midMin))} END)`;
}

/** Which reminder ticket `t` needs now, if any (SQL expression). */
export function attentionSql(p: Params, rule: AttentionRule): string {
  const now = p.add(rule.now);
  return `(CASE WHEN t.status = 'resolved' AND t.follow_up_due < ${now}::timestamptz THEN 'follow_up_overdue'
           WHEN t.priority = 'P1' AND t.status IN ('new','triaged','in_progress')
                AND t.updated_at < ${now}::timestamptz - make_interval(hours => ${p.add(rule.p1UntouchedHours)}::int)
           THEN 'p1_untouched' END)`;
}

/** The select list and joins shared by get_ticket and list_tickets; `from` names the (filtered) ticket rows as t. */
export function ticketSelectSql(
  p: Params,
  from: string,
  thresholds: TierThresholds,
  timezone: string,
  rule: AttentionRule,
): string {
  return `SELECT t.id, t.idempotency_key, t.customer_id, c.external_id AS customer_external_id, c.name AS customer_name,
            c.email AS customer_email, c.phone AS customer_phone, t.customer_hint,
            ${effectiveTierSql(p, thresholds, timezone)} AS customer_tier, t.customer_tier IS NOT NULL AS tier_stored,
            t.source_channel, t.category, t.sentiment, t.severity, t.priority, t.status, t.body,
            t.campaign_id, cp.external_id AS campaign, cp.name AS campaign_name, t.channel_id, ch.code AS channel,
            t.reporter, t.assignee, t.slack_permalink, t.resolution, t.satisfaction, t.follow_up_due,
            t.created_at, t.updated_at, t.resolved_at,
            (SELECT count(*)::int FROM ticket_linked_reports l WHERE l.ticket_id = t.id) AS linked_reports,
            ${attentionSql(p, rule)} AS attention
     FROM ${from}
     LEFT JOIN customers c ON c.id = t.customer_id
     LEFT JOIN campaigns cp ON cp.id = t.campaign_id
     LEFT JOIN channels ch ON ch.id = t.channel_id`;
}

/**
 * Turns JIT compilation off for the rest of the transaction: the per-ticket tier subquery makes the planner's cost
 * estimate large enough to trigger JIT, whose ~100 ms compile time exceeds the whole query on indexed filters.
 */
export async function disableJit(db: Queryable): Promise<void> {
  await db.query("SET LOCAL jit = off");
}

/** One ticket by id, or null. */
export async function fetchTicket(
  db: Queryable,
  id: number,
  thresholds: TierThresholds,
  timezone: string,
  rule: AttentionRule,
): Promise<TicketRecord | null> {
  const p = new Params();
  const sql = `${ticketSelectSql(p, "feedback_tickets t", thresholds, timezone, rule)} WHERE t.id = ${p.add(id)}`;
  const { rows } = await db.query<TicketRecord>(sql, p.values);
  return rows[0] ?? null;
}

/** Locks the ticket row for an update and returns its status (null when there is no such ticket). */
export async function lockTicket(db: Queryable, id: number): Promise<{ status: Status } | null> {
  const { rows } = await db.query<{ status: Status }>("SELECT status FROM feedback_tickets WHERE id = $1 FOR UPDATE", [
    id,
  ]);
  return rows[0] ?? null;
}

/**
 * Serialises submissions with the same idempotency key until this transaction ends, so a concurrent retry waits and
 * then finds the ticket the first one filed (instead of seeing it as a similar ticket).
 */
export async function lockIdempotencyKey(db: Queryable, key: string): Promise<void> {
  await db.query("SELECT pg_advisory_xact_lock(hashtextextended('beacon.ticket:' || $1, 0))", [key]);
}

/** The ticket or linked report already filed under an idempotency key. */
export async function findByIdempotencyKey(
  db: Queryable,
  key: string,
): Promise<{ kind: "ticket" | "linked_report"; ticket_id: number; report_id: number | null } | null> {
  const { rows } = await db.query<{ kind: "ticket" | "linked_report"; ticket_id: number; report_id: number | null }>(
    `SELECT 'ticket' AS kind, id AS ticket_id, NULL::bigint AS report_id FROM feedback_tickets WHERE idempotency_key = $1
     UNION ALL
     SELECT 'linked_report', ticket_id, id FROM ticket_linked_reports WHERE idempotency_key = $1
     LIMIT 1`,
    [key],
  );
  return rows[0] ?? null;
}

export interface NewTicket {
  idempotencyKey: string | null;
  customerId: number | null;
  customerHint: string | null;
  customerTier: Tier | null;
  sourceChannel: SourceChannel;
  category: Category;
  sentiment: Sentiment;
  severity: Severity;
  priority: Priority;
  body: string;
  campaignId: number | null;
  channelId: number | null;
  reporter: string;
  slackPermalink: string | null;
  confirmationPending: boolean;
  at: Date;
}

/** Inserts a ticket; null when a ticket with the same idempotency key exists (a concurrent retry won). */
export async function insertTicket(db: Queryable, t: NewTicket): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO feedback_tickets (idempotency_key, customer_id, customer_hint, customer_tier, source_channel, category,
       sentiment, severity, priority, status, body, campaign_id, channel_id, reporter, slack_permalink, confirmation_pending,
       created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new', $10, $11, $12, $13, $14, $16, $15, $15)
     ON CONFLICT (idempotency_key) DO NOTHING
     RETURNING id`,
    [
      t.idempotencyKey,
      t.customerId,
      t.customerHint,
      t.customerTier,
      t.sourceChannel,
      t.category,
      t.sentiment,
      t.severity,
      t.priority,
      t.body,
      t.campaignId,
      t.channelId,
      t.reporter,
      t.slackPermalink,
      t.at,
      t.confirmationPending,
    ],
  );
  return rows[0]?.id ?? null;
}

export interface HistoryEntry {
  ticketId: number;
  actor: string;
  action: string;
  oldValue: unknown;
  newValue: unknown;
  at: Date;
}

/** Appends history rows (who, what, old and new value, when). */
export async function insertHistory(db: Queryable, entries: readonly HistoryEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO ticket_history (ticket_id, actor, action, old_value, new_value, at)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::timestamptz[])`,
    [
      entries.map((e) => e.ticketId),
      entries.map((e) => e.actor),
      entries.map((e) => e.action),
      entries.map((e) => (e.oldValue === undefined || e.oldValue === null ? null : JSON.stringify(e.oldValue))),
      entries.map((e) => (e.newValue === undefined || e.newValue === null ? null : JSON.stringify(e.newValue))),
      entries.map((e) => e.at),
    ],
  );
}

/** The columns update_ticket may change. */
export interface TicketChanges {
  status?: Status;
  assignee?: string | null;
  resolution?: string | null;
  satisfaction?: number | null;
  category?: Category;
  sentiment?: Sentiment;
  severity?: Severity;
  priority?: Priority;
  resolved_at?: Date | null;
  follow_up_due?: Date | null;
}

const CHANGEABLE = new Set([
  "status",
  "assignee",
  "resolution",
  "satisfaction",
  "category",
  "sentiment",
  "severity",
  "priority",
  "resolved_at",
  "follow_up_due",
]);

/** Writes the changed columns and the touch time (updated_at). */
export async function updateTicket(db: Queryable, id: number, changes: TicketChanges, at: Date): Promise<void> {
  const p = new Params();
  const sets = Object.entries(changes)
    .filter(([column]) => CHANGEABLE.has(column))
    .map(([column, value]) => `${column} = ${p.add(value)}`);
  sets.push(`updated_at = ${p.add(at)}`);
  await db.query(`UPDATE feedback_tickets SET ${sets.join(", ")} WHERE id = ${p.add(id)}`, p.values);
}

export interface HistoryRow {
  actor: string;
  action: string;
  old_value: unknown;
  new_value: unknown;
  at: Date;
}

/** A ticket's history, oldest first. */
export async function fetchHistory(db: Queryable, ticketId: number): Promise<HistoryRow[]> {
  const { rows } = await db.query<HistoryRow>(
    "SELECT actor, action, old_value, new_value, at FROM ticket_history WHERE ticket_id = $1 ORDER BY at, id",
    [ticketId],
  );
  return rows;
}

export interface LinkedReportRow {
  id: number;
  source_channel: SourceChannel;
  body: string;
  reporter: string;
  slack_permalink: string | null;
  created_at: Date;
}

/** Further reports linked to a ticket, oldest first. */
export async function fetchLinkedReports(db: Queryable, ticketId: number): Promise<LinkedReportRow[]> {
  const { rows } = await db.query<LinkedReportRow>(
    `SELECT id, source_channel, body, reporter, slack_permalink, created_at FROM ticket_linked_reports
     WHERE ticket_id = $1 ORDER BY created_at, id`,
    [ticketId],
  );
  return rows;
}

/** Attaches a report to a ticket; null when the idempotency key was used already (a concurrent retry won). */
export async function insertLinkedReport(
  db: Queryable,
  r: {
    ticketId: number;
    idempotencyKey: string | null;
    sourceChannel: SourceChannel;
    body: string;
    reporter: string;
    slackPermalink: string | null;
    at: Date;
  },
): Promise<number | null> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO ticket_linked_reports (ticket_id, idempotency_key, source_channel, body, reporter, slack_permalink, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [r.ticketId, r.idempotencyKey, r.sourceChannel, r.body, r.reporter, r.slackPermalink, r.at],
  );
  return rows[0]?.id ?? null;
}

export interface OpenTicketRow {
  id: number;
  status: Status;
  priority: Priority;
  category: Category;
  body: string;
  created_at: Date;
}

/** The customer's open tickets (new, triaged, in progress), newest first: the candidates for a duplicate. */
export async function fetchOpenTicketsOfCustomer(db: Queryable, customerId: number): Promise<OpenTicketRow[]> {
  const { rows } = await db.query<OpenTicketRow>(
    `SELECT id, status, priority, category, body, created_at FROM feedback_tickets
     WHERE customer_id = $1 AND status IN ('new','triaged','in_progress') ORDER BY created_at DESC, id DESC LIMIT 50`,
    [customerId],
  );
  return rows;
}

/** Stores a ticket's embedding for one model (replacing an older one of the same model). */
export async function storeEmbedding(
  db: Queryable,
  ticketId: number,
  model: string,
  dims: number,
  vectorLiteral: string,
): Promise<void> {
  await db.query(
    `INSERT INTO ticket_embeddings (ticket_id, model, dims, embedding) VALUES ($1, $2, $3, $4::vector)
     ON CONFLICT (ticket_id, model) DO UPDATE SET dims = EXCLUDED.dims, embedding = EXCLUDED.embedding`,
    [ticketId, model, dims, vectorLiteral],
  );
}

/** Current value tiers of customers (Pareto cut of trailing-12-month revenue). */
export async function fetchCustomerTiers(
  db: Queryable,
  customerIds: readonly number[],
  thresholds: TierThresholds,
  timezone: string,
): Promise<Map<number, Tier>> {
  const p = new Params();
  const ids = p.add(customerIds);
  const revenue = revenueSql("c.id", p.add(thresholds.since), p.add(thresholds.until), p.add(timezone));
  const { rows } = await db.query<{ id: number; tier: Tier }>(
    `SELECT c.id, ${tierSql("r.revenue", p.add(thresholds.highMin), p.add(thresholds.midMin))} AS tier
     FROM customers c CROSS JOIN LATERAL (SELECT ${revenue} AS revenue) r WHERE c.id = ANY(${ids}::bigint[])`,
    p.values,
  );
  return new Map(rows.map((r) => [r.id, r.tier]));
}

export interface CampaignRef {
  id: number;
  external_id: string;
  name: string;
  channel_id: number;
  channel: string;
}

/** Campaigns whose external id or name equals the text (case-insensitive). */
export async function findCampaigns(db: Queryable, text: string): Promise<CampaignRef[]> {
  const { rows } = await db.query<CampaignRef>(
    `SELECT cp.id, cp.external_id, cp.name, cp.channel_id, ch.code AS channel
     FROM campaigns cp JOIN channels ch ON ch.id = cp.channel_id
     WHERE upper(cp.external_id) = upper($1) OR lower(cp.name) = lower($1)
     ORDER BY (upper(cp.external_id) = upper($1)) DESC, cp.id LIMIT 10`,
    [text],
  );
  return rows;
}
