import { z } from "zod";
import type { Queryable } from "../../db/pool.ts";
import {
  fetchTierThresholds,
  type TierThresholds,
  VALUE_TIER_DEFINITION,
} from "../find-customers/value-tier.queries.ts";
import { channelIdFor } from "../known-values.ts";
import { maskingNote } from "../pii.ts";
import { type Caller, defineTool, ROLES, type ToolContext, ToolInputError } from "../tool.ts";
import { countTickets, fetchTicketPage, TEXT_COUNT_CAP, type TicketFilter } from "./list-tickets.queries.ts";
import { resolveCustomer, visibleCandidates } from "./resolve-customer.ts";
import { attentionRule } from "./ticket-config.ts";
import {
  CATEGORIES,
  OPEN_STATUSES,
  PRIORITIES,
  PRIORITY_RULE,
  SOURCE_CHANNELS,
  STATUSES,
  TIERS,
} from "./ticket-enums.ts";
import { ticketView, UNTRUSTED_NOTE } from "./ticket-view.ts";
import { disableJit, findCampaigns } from "./tickets.queries.ts";

export const ListTicketsInput = z
  .object({
    status: z
      .array(z.enum(STATUSES))
      .min(1)
      .optional()
      .describe("Only these statuses: new, triaged, in_progress, resolved, followed_up, closed."),
    open_only: z.boolean().default(false).describe("Only open tickets (new, triaged, in_progress)."),
    priority: z.array(z.enum(PRIORITIES)).min(1).optional().describe('Only these priorities, e.g. ["P1"].'),
    category: z.array(z.enum(CATEGORIES)).min(1).optional().describe('Only these categories, e.g. ["ad_promise"].'),
    source_channel: z
      .array(z.enum(SOURCE_CHANNELS))
      .min(1)
      .optional()
      .describe("Only feedback that came in through these channels (phone, email, social, ...)."),
    customer: z
      .union([z.number().int().positive(), z.string().trim().min(1).max(200)])
      .optional()
      .describe("Only this customer's tickets: id, external id, e-mail, phone or name (must identify one customer)."),
    value_tier: z
      .enum(TIERS)
      .optional()
      .describe("Only customers of this value tier (as when the ticket was filed; high, mid, low)."),
    channel: z.string().trim().min(1).optional().describe("Only complaints about this marketing channel code."),
    campaign: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("Only complaints about this campaign (external id or name)."),
    assignee: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe('Only tickets assigned to this Slack user id; "me" for yours, "unassigned" for nobody\'s.'),
    min_age_days: z.number().min(0).max(3650).optional().describe("Only tickets filed at least this many days ago."),
    max_age_days: z.number().min(0).max(3650).optional().describe("Only tickets filed at most this many days ago."),
    text: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe("Only tickets whose text contains this (case-insensitive; English or Chinese)."),
    needs_attention: z
      .boolean()
      .default(false)
      .describe("Only tickets needing attention now: overdue follow-ups and open P1s untouched for too long."),
    sort: z
      .enum(["newest", "oldest", "priority"])
      .default("newest")
      .describe("newest first (default), oldest first, or by priority (P1 first, newest first within)."),
    limit: z.number().int().min(1).max(100).default(20).describe("Tickets per page, 1-100 (default 20)."),
    offset: z
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(0)
      .describe("Skip this many tickets (next_offset of the previous page)."),
  })
  .strict();
type ListTicketsInput = z.output<typeof ListTicketsInput>;

const DAY_MS = 86_400_000;

async function customerIdFor(
  db: Queryable,
  customer: number | string,
  thresholds: TierThresholds,
  timezone: string,
  caller: Caller,
): Promise<number> {
  const resolution = await resolveCustomer(db, customer, thresholds, timezone);
  if (resolution.kind === "found") return resolution.customer.id;
  if (resolution.kind === "unknown") {
    throw new ToolInputError(`customer: no customer matches "${resolution.text}"; find_customers looks customers up`);
  }
  const shown = visibleCandidates(resolution.candidates, caller)
    .map((c) => `${c.id} ${c.external_id} ${c.name} (${c.match})`)
    .join("; ");
  throw new ToolInputError(`customer: "${customer}" matches ${resolution.total} customers; give one id: ${shown}`);
}

async function campaignIdFor(db: Queryable, text: string): Promise<number> {
  const found = await findCampaigns(db, text);
  const first = found[0];
  if (first === undefined) {
    throw new ToolInputError(`campaign: no campaign with external id or name "${text}"; list_campaigns shows them`);
  }
  return first.id;
}

async function buildFilter(input: ListTicketsInput, context: ToolContext): Promise<TicketFilter> {
  const { db, caller, now, timezone } = context;
  if (input.min_age_days !== undefined && input.max_age_days !== undefined && input.max_age_days < input.min_age_days) {
    throw new ToolInputError(
      `max_age_days (${input.max_age_days}) is below min_age_days (${input.min_age_days}); give max_age_days >= min_age_days`,
    );
  }
  const thresholds = await fetchTierThresholds(db, context);
  let statuses = input.status ?? null;
  if (input.open_only) statuses = (statuses ?? OPEN_STATUSES).filter((s) => OPEN_STATUSES.includes(s));
  return {
    statuses,
    priorities: input.priority ?? null,
    categories: input.category ?? null,
    sourceChannels: input.source_channel ?? null,
    customerId:
      input.customer === undefined ? null : await customerIdFor(db, input.customer, thresholds, timezone, caller),
    tier: input.value_tier ?? null,
    channelId: input.channel === undefined ? null : await channelIdFor(db, "channel", input.channel),
    campaignId: input.campaign === undefined ? null : await campaignIdFor(db, input.campaign),
    assignee: input.assignee === "me" ? caller.userId : (input.assignee ?? null),
    createdAfter: input.max_age_days === undefined ? null : new Date(now.getTime() - input.max_age_days * DAY_MS),
    createdBefore: input.min_age_days === undefined ? null : new Date(now.getTime() - input.min_age_days * DAY_MS),
    text: input.text ?? null,
    needsAttention: input.needs_attention,
    thresholds,
    timezone,
    rule: attentionRule(now),
  };
}

async function listTickets(input: ListTicketsInput, context: ToolContext) {
  const filter = await buildFilter(input, context);
  await disableJit(context.db);
  const rows = await fetchTicketPage(context.db, filter, input.sort, input.limit, input.offset);
  const { total, capped, byPriority: counts, attention } = await countTickets(context.db, filter);
  const tickets = rows.map((r) => ticketView(r, context.caller, 200));
  const next = input.offset + tickets.length < total || capped ? input.offset + tickets.length : null;
  const byPriority =
    counts === null
      ? ""
      : PRIORITIES.filter((p) => counts[p] > 0)
          .map((p) => `${counts[p]} ${p}`)
          .join(", ");
  const matched = capped
    ? `More than ${total.toLocaleString("en-US")} tickets match`
    : `${total} ticket${total === 1 ? "" : "s"} match${total === 1 ? "es" : ""}`;
  return {
    summary:
      `${matched}${byPriority ? ` (${byPriority})` : ""}` +
      `${total > tickets.length ? `; showing ${tickets.length} from ${input.offset + 1}` : ""}. ` +
      `Needing attention overall: ${attention.follow_up_overdue} overdue follow-up${attention.follow_up_overdue === 1 ? "" : "s"}, ` +
      `${attention.p1_untouched} untouched P1${attention.p1_untouched === 1 ? "" : "s"}.`,
    total,
    total_is_lower_bound: capped,
    by_priority: counts,
    returned: tickets.length,
    offset: input.offset,
    next_offset: next,
    tickets,
    needs_attention_overall: attention,
    definitions: {
      needs_attention: `follow_up_overdue: resolved and the follow-up due date has passed; p1_untouched: an open P1 not changed for ${filter.rule.p1UntouchedHours} hours (BEACON_P1_UNTOUCHED_HOURS).`,
      priority: PRIORITY_RULE,
      value_tier: `${VALUE_TIER_DEFINITION} Tickets keep the tier they were filed with; older tickets without one show the current tier.`,
      untrusted_body: "The first 200 characters; get_ticket shows the whole text.",
      total: `Exact, except for text searches, which count at most ${TEXT_COUNT_CAP.toLocaleString("en-US")} matches (total_is_lower_bound then true).`,
    },
    masking: maskingNote(context.caller),
    untrusted_text_note: UNTRUSTED_NOTE,
  };
}

/** Lists and filters feedback tickets; everyone may read. */
export const listTicketsTool = defineTool({
  name: "list_tickets",
  description:
    "Lists customer feedback tickets with filters: status, open only, priority, category, source channel, customer, value " +
    "tier, marketing channel, campaign, assignee, age, text search and needs_attention (overdue follow-ups, untouched " +
    "P1s). Returns counts by priority, one page of tickets (customer masked by role, text excerpt) and next_offset.",
  input: ListTicketsInput,
  roles: ROLES,
  access: "read",
  run: listTickets,
});
