import { z } from "zod";
import { fetchTierThresholds } from "../find-customers/value-tier.queries.ts";
import { maskingNote } from "../pii.ts";
import { defineTool, ROLES, ToolInputError } from "../tool.ts";
import { attentionRule } from "./ticket-config.ts";
import { PRIORITY_RULE, STATUS_TRANSITIONS } from "./ticket-enums.ts";
import { ticketView, UNTRUSTED_NOTE, visibleText } from "./ticket-view.ts";
import { fetchHistory, fetchLinkedReports, fetchTicket } from "./tickets.queries.ts";

export const GetTicketInput = z
  .object({
    ticket_id: z.number().int().positive().describe("The ticket's id (#123 in Slack, id in list_tickets)."),
  })
  .strict();

// History values that hold free text written by people (notes, resolutions) are masked like the body.
const FREE_TEXT_ACTIONS = new Set(["note", "resolution"]);

/** One ticket in full: the verbatim text, customer, linked reports and the complete history. */
export const getTicketTool = defineTool({
  name: "get_ticket",
  description:
    "One feedback ticket in full: the customer's words verbatim (in untrusted_body), customer (masked by role) and value " +
    "tier, priority and why, status and allowed next statuses, assignee, resolution, follow-up due date, further reports " +
    "linked to it, and the complete history of changes (who, when, old and new value).",
  input: GetTicketInput,
  roles: ROLES,
  access: "read",
  async run(input, context) {
    const { db, caller } = context;
    const thresholds = await fetchTierThresholds(db, context);
    const ticket = await fetchTicket(db, input.ticket_id, thresholds, context.timezone, attentionRule(context.now));
    if (ticket === null)
      throw new ToolInputError(`ticket_id: no ticket with id ${input.ticket_id}; list_tickets shows tickets`);
    const history = await fetchHistory(db, ticket.id);
    const reports = await fetchLinkedReports(db, ticket.id);
    const text = (v: unknown) => (typeof v === "string" ? visibleText(v, caller) : v);
    return {
      summary:
        `Ticket #${ticket.id}: ${ticket.priority} ${ticket.category}, ${ticket.status}` +
        `${ticket.assignee ? `, assigned to ${ticket.assignee}` : ", unassigned"}` +
        `${ticket.attention ? `; needs attention: ${ticket.attention.replaceAll("_", " ")}` : ""}.`,
      ticket: ticketView(ticket, caller),
      allowed_next_statuses: STATUS_TRANSITIONS[ticket.status],
      linked_reports: reports.map((r) => ({
        id: r.id,
        source_channel: r.source_channel,
        reporter: r.reporter,
        slack_permalink: r.slack_permalink,
        created_at: r.created_at.toISOString(),
        untrusted_body: visibleText(r.body, caller),
      })),
      history: history.map((h) => ({
        at: h.at.toISOString(),
        actor: h.actor,
        action: h.action,
        old_value: FREE_TEXT_ACTIONS.has(h.action) ? text(h.old_value) : h.old_value,
        new_value: FREE_TEXT_ACTIONS.has(h.action) ? text(h.new_value) : h.new_value,
      })),
      priority_rule: PRIORITY_RULE,
      masking: maskingNote(caller),
      untrusted_text_note: UNTRUSTED_NOTE,
    };
  },
});
