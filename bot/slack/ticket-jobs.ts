import {
  claimConfirmation,
  claimReminder,
  findDueReminders,
  findPendingConfirmations,
  markConfirmationPosted,
  releaseConfirmation,
  releaseReminder,
} from "../../tools/tickets/reminders.queries.ts";
import { escapeControl } from "../render/escape.ts";
import type { BotDeps } from "./deps.ts";

/** A Slack permalink for a message (the ticket keeps it; retried confirmations find their thread through it). */
export function permalinkFor(domain: string | undefined, channel: string, ts: string): string {
  return `https://${domain ?? "app"}.slack.com/archives/${channel}/p${ts.replace(".", "")}`;
}

/** Channel and thread of a permalink made by permalinkFor (or copied from Slack). */
export function parsePermalink(link: string): { channel: string; ts: string } | null {
  const match = /\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})/.exec(link);
  return match ? { channel: match[1] as string, ts: `${match[2]}.${match[3]}` } : null;
}

/** The confirmation of a filed ticket in its Slack thread; marks it posted so it is not retried. */
export async function confirmTicket(deps: BotDeps, ticketId: number, text: string, permalink: string): Promise<void> {
  const target = parsePermalink(permalink);
  if (!target) return;
  await deps.delivery.postText(target.channel, target.ts, text);
  await markConfirmationPosted(deps.db.pool, ticketId, new Date());
}

/** Posts confirmations that failed earlier (Slack down, 5xx): the ticket exists, the reporter still hears of it. */
export async function retryTicketConfirmations(deps: BotDeps): Promise<number> {
  let posted = 0;
  for (const pending of await findPendingConfirmations(deps.db.pool)) {
    if (!pending.slack_permalink) continue;
    // Claimed before posting: two processes retrying at once post one confirmation.
    if (!(await claimConfirmation(deps.db.pool, pending.ticket_id))) continue;
    const text = `:ticket: Ticket #${pending.ticket_id} (${pending.priority}) was filed for <@${escapeControl(pending.reporter)}>.`;
    await confirmTicket(deps, pending.ticket_id, text, pending.slack_permalink).then(
      () => {
        posted += 1;
      },
      async (error) => {
        deps.logger.warn(`confirmation of ticket ${pending.ticket_id} still not posted`, error);
        await releaseConfirmation(deps.db.pool, pending.ticket_id);
      },
    );
  }
  return posted;
}

/** Overdue follow-ups and untouched P1s: a message to the assignee, else to BEACON_SUPPORT_CHANNEL. */
export async function postDueReminders(deps: BotDeps, now: Date = deps.now ?? new Date()): Promise<number> {
  const due = await findDueReminders(deps.db.pool, now, { p1UntouchedHours: deps.config.BEACON_P1_UNTOUCHED_HOURS });
  let posted = 0;
  for (const reminder of due) {
    const target = reminder.assignee ?? deps.config.BEACON_SUPPORT_CHANNEL;
    if (!target) continue;
    const what =
      reminder.kind === "follow_up_overdue"
        ? `follow-up with the customer is ${reminder.overdue_hours} h overdue`
        : `open ${reminder.priority} untouched for ${deps.config.BEACON_P1_UNTOUCHED_HOURS + reminder.overdue_hours} h`;
    const customer = reminder.customer_external_id ? ` (customer ${escapeControl(reminder.customer_external_id)})` : "";
    const link = reminder.slack_permalink ? ` <${reminder.slack_permalink}|thread>` : "";
    // Claim, then post (find, post, then mark let two processes post 22 reminders for 12 tickets).
    if (!(await claimReminder(deps.db.pool, reminder, now))) continue;
    try {
      await deps.delivery.postText(
        target,
        undefined,
        `:bell: Ticket #${reminder.ticket_id}${customer}, ${reminder.category}: ${what}.${link}`,
      );
      posted += 1;
    } catch (error) {
      deps.logger.warn(`reminder for ticket ${reminder.ticket_id} not posted`, error);
      await releaseReminder(deps.db.pool, reminder, now);
    }
  }
  return posted;
}
