import { z } from "zod";
import { fetchTierThresholds } from "../find-customers/value-tier.queries.ts";
import { defineTool, ToolInputError } from "../tool.ts";
import { attentionRule, followUpDays } from "./ticket-config.ts";
import {
  CATEGORIES,
  PRIORITIES,
  PRIORITY_RULE,
  SENTIMENTS,
  SEVERITIES,
  STATUS_TRANSITIONS,
  STATUSES,
  type Status,
  ticketPriority,
} from "./ticket-enums.ts";
import { ticketView, UNTRUSTED_NOTE } from "./ticket-view.ts";
import {
  fetchTicket,
  type HistoryEntry,
  insertHistory,
  lockTicket,
  type TicketChanges,
  updateTicket,
} from "./tickets.queries.ts";

export const UpdateTicketInput = z
  .object({
    ticket_id: z.number().int().positive().describe("The ticket's id (#123 in Slack, id in list_tickets)."),
    status: z
      .enum(STATUSES)
      .optional()
      .describe(
        "New status: new -> triaged -> in_progress -> resolved -> followed_up or closed; followed_up -> closed; " +
          "resolved or followed_up -> in_progress reopens. Resolving needs a resolution.",
      ),
    assignee: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .nullable()
      .optional()
      .describe('Slack user id of the person working the ticket; "me" for yourself; null to unassign.'),
    note: z.string().trim().min(1).max(5000).optional().describe("A working note kept in the ticket's history."),
    resolution: z
      .string()
      .trim()
      .min(1)
      .max(5000)
      .optional()
      .describe("What was done for the customer; required when the status becomes resolved."),
    satisfaction: z
      .number()
      .int()
      .min(1)
      .max(5)
      .optional()
      .describe("The customer's satisfaction at the follow-up call, 1 (very unhappy) to 5 (very happy)."),
    category: z.enum(CATEGORIES).optional().describe("Corrected category."),
    sentiment: z.enum(SENTIMENTS).optional().describe("Corrected sentiment; the priority is recomputed by the rule."),
    severity: z.enum(SEVERITIES).optional().describe("Corrected severity; the priority is recomputed by the rule."),
    priority: z
      .enum(PRIORITIES)
      .optional()
      .describe("Set the priority by hand, overriding the rule (kept in the history as a manual override)."),
  })
  .strict();

const FIELDS = [
  "status",
  "assignee",
  "note",
  "resolution",
  "satisfaction",
  "category",
  "sentiment",
  "severity",
  "priority",
];

/** Allowed next states of `status`, as a sentence fragment. */
function allowedNext(status: Status): string {
  const next = STATUS_TRANSITIONS[status];
  return next.length === 0 ? `none (${status} is final)` : next.join(", ");
}

/** Move a ticket through its states and change its fields; support, managers and admins only; every change is logged. */
export const updateTicketTool = defineTool({
  name: "update_ticket",
  description:
    "Changes a feedback ticket (support, managers and admins): status (new -> triaged -> in_progress -> resolved -> " +
    "followed_up / closed), assignee, working note, resolution, satisfaction after the follow-up, corrected category, " +
    "sentiment or severity (priority recomputed) or a manual priority. Resolving sets the follow-up due date. Every change " +
    "is kept in the ticket's history with who and when.",
  input: UpdateTicketInput,
  roles: ["support", "manager", "admin"],
  access: "write",
  subject: "ticket_id",
  async run(input, context) {
    const { db, caller, now } = context;
    if (!FIELDS.some((f) => (input as Record<string, unknown>)[f] !== undefined)) {
      throw new ToolInputError(`nothing to change: give at least one of ${FIELDS.join(", ")}`);
    }
    const locked = await lockTicket(db, input.ticket_id);
    if (locked === null) throw new ToolInputError(`ticket_id: no ticket with id ${input.ticket_id}`);
    const thresholds = await fetchTierThresholds(db, context);
    const rule = attentionRule(now);
    const current = await fetchTicket(db, input.ticket_id, thresholds, context.timezone, rule);
    if (current === null) throw new ToolInputError(`ticket_id: no ticket with id ${input.ticket_id}`);

    const changes: TicketChanges = {};
    const history: HistoryEntry[] = [];
    const record = (action: string, oldValue: unknown, newValue: unknown) =>
      history.push({ ticketId: current.id, actor: caller.userId, action, oldValue, newValue, at: now });

    const status = input.status ?? current.status;
    if (input.status !== undefined && input.status !== current.status) {
      if (!STATUS_TRANSITIONS[current.status].includes(input.status)) {
        throw new ToolInputError(
          `status: ticket ${current.id} is ${current.status} and cannot move to ${input.status}; allowed next: ${allowedNext(current.status)}`,
        );
      }
      changes.status = input.status;
      record("status", current.status, input.status);
      if (input.status === "resolved") {
        if (input.resolution === undefined && current.resolution === null) {
          throw new ToolInputError(
            "resolution: required when the status becomes resolved (what was done for the customer)",
          );
        }
        const due = new Date(now.getTime() + followUpDays() * 86_400_000);
        changes.resolved_at = now;
        changes.follow_up_due = due;
        record("follow_up_due", current.follow_up_due?.toISOString() ?? null, due.toISOString());
      }
      if (input.status === "in_progress" && (current.status === "resolved" || current.status === "followed_up")) {
        changes.resolved_at = null;
        changes.follow_up_due = null;
        record("reopened", current.resolved_at?.toISOString() ?? null, null);
      }
    }

    let assignee = input.assignee === "me" ? caller.userId : input.assignee;
    // Work in progress always has an owner: whoever starts it, unless someone else is named.
    if (assignee === undefined && changes.status === "in_progress" && current.assignee === null)
      assignee = caller.userId;
    if (assignee !== undefined && assignee !== current.assignee) {
      changes.assignee = assignee;
      record("assignee", current.assignee, assignee);
    }
    if (input.resolution !== undefined && input.resolution !== current.resolution) {
      changes.resolution = input.resolution;
      record("resolution", current.resolution, input.resolution);
    }
    if (input.satisfaction !== undefined) {
      if (status !== "followed_up" && status !== "closed") {
        throw new ToolInputError(
          `satisfaction: recorded at the follow-up; ticket ${current.id} is ${status}: set status followed_up in the same call`,
        );
      }
      if (input.satisfaction !== current.satisfaction) {
        changes.satisfaction = input.satisfaction;
        record("satisfaction", current.satisfaction, input.satisfaction);
      }
    }
    for (const field of ["category", "sentiment", "severity"] as const) {
      const value = input[field];
      if (value !== undefined && value !== current[field]) {
        (changes as Record<string, unknown>)[field] = value;
        record(field, current[field], value);
      }
    }
    let priorityNote: string | null = null;
    if (input.priority !== undefined) {
      if (input.priority !== current.priority) {
        changes.priority = input.priority;
        record("priority", current.priority, { value: input.priority, manual: true });
        priorityNote = `Priority set by hand to ${input.priority} (the rule would give ${ticketPriority(current.customer_tier, changes.severity ?? current.severity, changes.sentiment ?? current.sentiment)}).`;
      }
    } else if (changes.severity !== undefined || changes.sentiment !== undefined) {
      const recomputed = ticketPriority(
        current.customer_tier,
        changes.severity ?? current.severity,
        changes.sentiment ?? current.sentiment,
      );
      if (recomputed !== current.priority) {
        changes.priority = recomputed;
        record("priority", current.priority, recomputed);
        priorityNote = `Priority recomputed by the rule: ${current.priority} -> ${recomputed}.`;
      }
    }
    if (input.note !== undefined) record("note", null, input.note);

    if (history.length === 0) {
      return {
        summary: `No change: ticket #${current.id} already has these values.`,
        changed: [],
        ticket: ticketView(current, caller),
        allowed_next_statuses: STATUS_TRANSITIONS[current.status],
        untrusted_text_note: UNTRUSTED_NOTE,
      };
    }
    await updateTicket(db, current.id, changes, now);
    await insertHistory(db, history);
    const updated = await fetchTicket(db, current.id, thresholds, context.timezone, rule);
    if (updated === null) throw new Error(`ticket ${current.id} not readable after update`);
    const changed = history.map((h) => ({ field: h.action, old: h.oldValue, new: h.newValue }));
    return {
      summary:
        `Ticket #${updated.id} updated (${changed.map((c) => c.field).join(", ")}): now ${updated.status}, ${updated.priority}` +
        (updated.follow_up_due && changes.status === "resolved"
          ? `; follow-up due ${updated.follow_up_due.toISOString()}.`
          : "."),
      changed,
      priority_note: priorityNote,
      priority_rule: priorityNote === null ? undefined : PRIORITY_RULE,
      ticket: ticketView(updated, caller),
      allowed_next_statuses: STATUS_TRANSITIONS[updated.status],
      untrusted_text_note: UNTRUSTED_NOTE,
    };
  },
});
