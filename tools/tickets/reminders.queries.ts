// What the Slack bot reminds people of (overdue follow-ups, untouched P1s) and which ticket confirmations it still
// has to post; the bot records what it posted so a reminder is not repeated before it is due again.
import type pg from "pg";
import { type Queryable, withTransaction } from "../../db/pool.ts";
import type { Category, Priority, Status } from "./ticket-enums.ts";

export type ReminderKind = "follow_up_overdue" | "p1_untouched";

export interface DueReminder {
  kind: ReminderKind;
  ticket_id: number;
  priority: Priority;
  status: Status;
  category: Category;
  /** Who to remind: the assignee, or null (post to the support channel). */
  assignee: string | null;
  reporter: string;
  customer_id: number | null;
  customer_external_id: string | null;
  /** The follow-up due date, or the moment the P1 became "untouched". */
  due_at: Date;
  overdue_hours: number;
  slack_permalink: string | null;
}

export interface ReminderOptions {
  /** An open P1 not changed for this many hours needs a reminder (BEACON_P1_UNTOUCHED_HOURS). */
  p1UntouchedHours: number;
  /** A reminder already posted for the same ticket and due moment is repeated only after this many hours. */
  repeatAfterHours?: number;
  limit?: number;
}

const DUE_SQL = `
  WITH due AS (
    SELECT 'follow_up_overdue' AS kind, t.id, t.follow_up_due AS due_at FROM feedback_tickets t
    WHERE t.status = 'resolved' AND t.follow_up_due < $1::timestamptz
    UNION ALL
    SELECT 'p1_untouched', t.id, t.updated_at + make_interval(hours => $2::int) FROM feedback_tickets t
    WHERE t.priority = 'P1' AND t.status IN ('new','triaged','in_progress')
      AND t.updated_at < $1::timestamptz - make_interval(hours => $2::int)
  )
  SELECT d.kind, t.id AS ticket_id, t.priority, t.status, t.category, t.assignee, t.reporter, t.customer_id,
         c.external_id AS customer_external_id, d.due_at,
         round((extract(epoch FROM $1::timestamptz - d.due_at) / 3600)::numeric, 1)::float8 AS overdue_hours,
         t.slack_permalink
  FROM due d JOIN feedback_tickets t ON t.id = d.id LEFT JOIN customers c ON c.id = t.customer_id
  WHERE NOT EXISTS (SELECT 1 FROM ticket_reminders r WHERE r.ticket_id = d.id AND r.kind = d.kind AND r.due_at = d.due_at
                    AND r.sent_at > $1::timestamptz - make_interval(hours => $3::int))
  ORDER BY t.priority, d.due_at, t.id
  LIMIT $4`;

/** Overdue follow-ups and untouched open P1s that have not been reminded of recently, most urgent first. */
export async function findDueReminders(db: Queryable, now: Date, options: ReminderOptions): Promise<DueReminder[]> {
  const { rows } = await db.query<DueReminder>(DUE_SQL, [
    now,
    options.p1UntouchedHours,
    options.repeatAfterHours ?? 24,
    options.limit ?? 200,
  ]);
  return rows;
}

/** Records that a reminder was posted (call after Slack accepted it). */
export async function markReminderSent(
  db: Queryable,
  reminder: Pick<DueReminder, "ticket_id" | "kind" | "due_at">,
  sentAt: Date,
): Promise<void> {
  await db.query(
    "INSERT INTO ticket_reminders (ticket_id, kind, due_at, sent_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    [reminder.ticket_id, reminder.kind, reminder.due_at, sentAt],
  );
}

/**
 * Claims a reminder before it is posted: records it as sent unless another process recorded the same reminder
 * within `repeatAfterHours`. The ticket's advisory lock is taken in a statement of its own, so the check that
 * follows sees a claim committed by whoever held the lock before: two processes that found the same due reminder
 * post it once. False when already claimed.
 */
export async function claimReminder(
  pool: pg.Pool,
  reminder: Pick<DueReminder, "ticket_id" | "kind" | "due_at">,
  sentAt: Date,
  repeatAfterHours = 24,
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('ticket_reminders'), $1::int)", [reminder.ticket_id]);
    const { rows } = await client.query(
      `INSERT INTO ticket_reminders (ticket_id, kind, due_at, sent_at)
       SELECT $1, $2, $3, $4
       WHERE NOT EXISTS (SELECT 1 FROM ticket_reminders r WHERE r.ticket_id = $1 AND r.kind = $2 AND r.due_at = $3
                         AND r.sent_at > $4::timestamptz - make_interval(hours => $5::int))
       RETURNING ticket_id`,
      [reminder.ticket_id, reminder.kind, reminder.due_at, sentAt, repeatAfterHours],
    );
    return rows.length > 0;
  });
}

/** Gives a claimed reminder back (Slack did not take it): the next tick tries again. */
export async function releaseReminder(
  db: Queryable,
  reminder: Pick<DueReminder, "ticket_id" | "kind" | "due_at">,
  sentAt: Date,
): Promise<void> {
  await db.query("DELETE FROM ticket_reminders WHERE ticket_id = $1 AND kind = $2 AND due_at = $3 AND sent_at = $4", [
    reminder.ticket_id,
    reminder.kind,
    reminder.due_at,
    sentAt,
  ]);
}

/** Claims a pending confirmation before it is posted; false when another process has it. */
export async function claimConfirmation(db: Queryable, ticketId: number): Promise<boolean> {
  const { rows } = await db.query(
    "UPDATE feedback_tickets SET confirmation_pending = false WHERE id = $1 AND confirmation_pending RETURNING id",
    [ticketId],
  );
  return rows.length > 0;
}

/** Gives a claimed confirmation back (Slack did not take it): it is retried later. */
export async function releaseConfirmation(db: Queryable, ticketId: number): Promise<void> {
  await db.query("UPDATE feedback_tickets SET confirmation_pending = true WHERE id = $1", [ticketId]);
}

export interface PendingConfirmation {
  ticket_id: number;
  slack_permalink: string | null;
  reporter: string;
  priority: Priority;
  created_at: Date;
}

/** Tickets filed with confirm_in_slack whose confirmation is not posted yet (the bot retries these), oldest first. */
export async function findPendingConfirmations(db: Queryable, limit = 50): Promise<PendingConfirmation[]> {
  const { rows } = await db.query<PendingConfirmation>(
    `SELECT id AS ticket_id, slack_permalink, reporter, priority, created_at FROM feedback_tickets
     WHERE confirmation_pending ORDER BY created_at, id LIMIT $1`,
    [limit],
  );
  return rows;
}

/** Records that the ticket's confirmation was posted in Slack: it is no longer retried. */
export async function markConfirmationPosted(db: Queryable, ticketId: number, at: Date): Promise<void> {
  await db.query(
    "UPDATE feedback_tickets SET confirmation_pending = false, confirmation_posted_at = $2 WHERE id = $1",
    [ticketId, at],
  );
}
