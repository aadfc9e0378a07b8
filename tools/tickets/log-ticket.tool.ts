import { z } from "zod";
import type { Queryable } from "../../db/pool.ts";
import { lexicalEmbedder, toVectorLiteral } from "../../knowledge/embedders/lexical.ts";
import { fetchTierThresholds } from "../find-customers/value-tier.queries.ts";
import { channelIdFor } from "../known-values.ts";
import { maskingNote } from "../pii.ts";
import { defineTool, ROLES, type ToolContext, ToolInputError } from "../tool.ts";
import { DUPLICATE_MIN_SIMILARITY, similarTo } from "./duplicates.model.ts";
import { resolveCustomer, visibleCandidates } from "./resolve-customer.ts";
import { attentionRule } from "./ticket-config.ts";
import {
  BODY_MAX_CHARS,
  CATEGORIES,
  LABELS,
  OPEN_STATUSES,
  PRIORITY_RULE,
  priorityReason,
  SENTIMENTS,
  SEVERITIES,
  SOURCE_CHANNELS,
  type Tier,
  ticketPriority,
} from "./ticket-enums.ts";
import { excerpt, ticketView, UNTRUSTED_NOTE, visibleText } from "./ticket-view.ts";
import {
  fetchOpenTicketsOfCustomer,
  fetchTicket,
  findByIdempotencyKey,
  findCampaigns,
  insertHistory,
  insertLinkedReport,
  insertTicket,
  lockIdempotencyKey,
  type OpenTicketRow,
  storeEmbedding,
} from "./tickets.queries.ts";

const list = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([value, label]) => `${value} (${label})`)
    .join(", ");

export const LogFeedbackTicketInput = z
  .object({
    customer: z
      .union([z.number().int().positive(), z.string().trim().min(1).max(200)])
      .optional()
      .describe(
        "Who the feedback is from: customer id (702), external id (CUS-0000702), e-mail, phone in any format or name. " +
          "Several matches come back as candidates to choose from; an unknown customer is filed with this text as the hint.",
      ),
    customer_hint: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .optional()
      .describe(
        "For a customer not in the CRM (or not identified): what identifies them, e.g. 'Weibo user @xiaolu', 'walk-in, Chengdu store'.",
      ),
    source_channel: z.enum(SOURCE_CHANNELS).describe(`Where the feedback came in: ${list(LABELS.source_channel)}.`),
    category: z
      .enum(CATEGORIES)
      .describe(
        `What it is about: ${list(LABELS.category)}. ad_promise = the ad or promotion promised something the product, price or checkout did not deliver.`,
      ),
    sentiment: z.enum(SENTIMENTS).describe("The customer's tone: negative, neutral or positive."),
    severity: z
      .enum(SEVERITIES)
      .describe(
        "Impact on the customer: low (annoyance), medium (a problem with a workaround), high (money, order or trust at stake), critical (safety, legal, or many customers).",
      ),
    body: z
      .string()
      .max(1_000_000)
      .refine((s) => s.trim().length > 0, { error: "expected the customer's words, not an empty text" })
      .describe(
        `The customer's feedback in their own words, stored verbatim (any language, emoji; at most ${BODY_MAX_CHARS.toLocaleString("en-US")} characters). Never rewrite or summarise it.`,
      ),
    campaign: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe("The campaign the complaint is about: external id or exact name (see list_campaigns)."),
    channel: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe("The marketing channel the complaint is about: channel code (see list_channels), e.g. douyin_ads."),
    slack_permalink: z.url().max(500).optional().describe("Link to the Slack message or thread the ticket came from."),
    idempotency_key: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .optional()
      .describe(
        "Slack event id or modal submission id: a repeated submission with the same key returns the ticket already filed.",
      ),
    link_to_ticket_id: z
      .number()
      .int()
      .positive()
      .optional()
      .describe(
        "Attach this report to that open ticket instead of filing a new one (after a possible duplicate was offered).",
      ),
    confirm_in_slack: z
      .boolean()
      .default(false)
      .describe(
        "Set by the Slack front end: the bot posts the confirmation and retries until it is posted. Leave false elsewhere.",
      ),
    create_anyway: z
      .boolean()
      .default(false)
      .describe("File a new ticket even though a similar open ticket of the same customer exists."),
  })
  .strict();
type LogFeedbackTicketInput = z.output<typeof LogFeedbackTicketInput>;

const iso = (d: Date) => d.toISOString();

/** The answer for a submission already filed under the same idempotency key. */
async function repeatedSubmission(
  context: ToolContext,
  found: { kind: "ticket" | "linked_report"; ticket_id: number; report_id: number | null },
  thresholds: Awaited<ReturnType<typeof fetchTierThresholds>>,
) {
  const ticket = await fetchTicket(
    context.db,
    found.ticket_id,
    thresholds,
    context.timezone,
    attentionRule(context.now),
  );
  if (ticket === null) throw new Error(`ticket ${found.ticket_id} vanished`);
  return {
    summary:
      found.kind === "ticket"
        ? `Already filed: ticket #${ticket.id} (${ticket.priority}, ${ticket.status}); this submission was a repeat, nothing new was stored.`
        : `Already linked: this report was attached to ticket #${ticket.id} before; nothing new was stored.`,
    created: false,
    linked: found.kind === "linked_report",
    duplicate_submission: true,
    report_id: found.report_id,
    ticket: ticketView(ticket, context.caller),
    untrusted_text_note: UNTRUSTED_NOTE,
  };
}

async function resolveCampaignAndChannel(
  db: Queryable,
  input: LogFeedbackTicketInput,
): Promise<{ campaignId: number | null; channelId: number | null }> {
  let campaign: { id: number; channel_id: number; channel: string; external_id: string } | null = null;
  if (input.campaign !== undefined) {
    const found = await findCampaigns(db, input.campaign);
    if (found.length === 0) {
      throw new ToolInputError(
        `campaign: no campaign with external id or name "${input.campaign}"; list_campaigns shows the campaigns`,
      );
    }
    const exact = found.filter((c) => c.external_id.toUpperCase() === input.campaign?.toUpperCase());
    if (exact.length === 0 && found.length > 1) {
      throw new ToolInputError(
        `campaign: "${input.campaign}" names ${found.length} campaigns (${found.map((c) => c.external_id).join(", ")}); give the external id`,
      );
    }
    campaign = exact[0] ?? (found[0] as (typeof found)[number]);
  }
  const channelId = input.channel === undefined ? null : await channelIdFor(db, "channel", input.channel);
  if (campaign !== null && channelId !== null && campaign.channel_id !== channelId) {
    throw new ToolInputError(
      `channel: campaign ${campaign.external_id} runs on ${campaign.channel}, not ${input.channel}; omit channel or give ${campaign.channel}`,
    );
  }
  return { campaignId: campaign?.id ?? null, channelId: channelId ?? campaign?.channel_id ?? null };
}

/** File customer feedback as a ticket: everyone may file; priority by the stated rule; retries never duplicate. */
export const logFeedbackTicketTool = defineTool({
  name: "log_feedback_ticket",
  description:
    "Files customer feedback as a ticket: customer (id, external id, e-mail, phone or name; unknown customers allowed), " +
    "source channel, category, sentiment, severity, the customer's words verbatim, optional campaign / channel it is about. " +
    "Sets priority from customer value tier x severity x sentiment. Offers a similar open ticket of the same customer for " +
    "linking instead of a duplicate; a repeated idempotency_key returns the ticket already filed.",
  input: LogFeedbackTicketInput,
  roles: ROLES,
  access: "write",
  async run(input, context) {
    const { db, caller } = context;
    const length = [...input.body].length;
    if (length > BODY_MAX_CHARS) {
      throw new ToolInputError(
        `body: at most ${BODY_MAX_CHARS.toLocaleString("en-US")} characters; received ${length.toLocaleString("en-US")}. ` +
          "Nothing was stored or cut: file the first part and link the rest, or attach the full text in Slack.",
      );
    }
    const thresholds = await fetchTierThresholds(db, context);
    if (input.idempotency_key !== undefined) {
      await lockIdempotencyKey(db, input.idempotency_key);
      const found = await findByIdempotencyKey(db, input.idempotency_key);
      if (found !== null) return repeatedSubmission(context, found, thresholds);
    }
    if (input.customer === undefined && input.customer_hint === undefined) {
      throw new ToolInputError(
        "customer: give the customer (id, external id, e-mail, phone or name) or, for someone not in the CRM, customer_hint",
      );
    }

    let customerId: number | null = null;
    let tier: Tier | null = null;
    let matchedBy: string | null = null;
    let hint = input.customer_hint ?? null;
    if (input.customer !== undefined) {
      const resolution = await resolveCustomer(db, input.customer, thresholds, context.timezone);
      if (resolution.kind === "ambiguous") {
        return {
          summary:
            `No ticket filed yet: "${input.customer}" matches ${resolution.total} customers. ` +
            "Call again with customer set to the id of the right one (or customer_hint alone if none is right).",
          created: false,
          needs: "customer_choice",
          candidates: visibleCandidates(resolution.candidates, caller),
          masking: maskingNote(caller),
        };
      }
      if (resolution.kind === "found") {
        customerId = resolution.customer.id;
        tier = resolution.customer.value_tier;
        matchedBy = resolution.matched_by;
      } else {
        hint = [`"${resolution.text}" (not found in the CRM)`, input.customer_hint].filter(Boolean).join("; ");
      }
    }
    const { campaignId, channelId } = await resolveCampaignAndChannel(db, input);
    const priority = ticketPriority(tier, input.severity, input.sentiment);
    const reason = priorityReason(tier, input.severity, input.sentiment);
    const rule = attentionRule(context.now);

    if (input.link_to_ticket_id !== undefined) {
      const target = await fetchTicket(db, input.link_to_ticket_id, thresholds, context.timezone, rule);
      if (target === null) throw new ToolInputError(`link_to_ticket_id: no ticket with id ${input.link_to_ticket_id}`);
      if (!OPEN_STATUSES.includes(target.status)) {
        throw new ToolInputError(
          `link_to_ticket_id: ticket ${target.id} is ${target.status}; reports can be linked to open tickets (${OPEN_STATUSES.join(", ")}) only; file a new ticket instead`,
        );
      }
      const reportId = await insertLinkedReport(db, {
        ticketId: target.id,
        idempotencyKey: input.idempotency_key ?? null,
        sourceChannel: input.source_channel,
        body: input.body,
        reporter: caller.userId,
        slackPermalink: input.slack_permalink ?? null,
        at: context.now,
      });
      if (reportId === null) {
        const found = await findByIdempotencyKey(db, input.idempotency_key as string);
        if (found !== null) return repeatedSubmission(context, found, thresholds);
        throw new Error("linked report conflict without an existing row");
      }
      await insertHistory(db, [
        {
          ticketId: target.id,
          actor: caller.userId,
          action: "linked_report",
          oldValue: null,
          newValue: { report_id: reportId, source_channel: input.source_channel, customer_id: customerId },
          at: context.now,
        },
      ]);
      const updated = await fetchTicket(db, target.id, thresholds, context.timezone, rule);
      return {
        summary: `Linked to ticket #${target.id} (${target.priority}, ${target.status}) as report ${reportId}; no new ticket.`,
        created: false,
        linked: true,
        duplicate_submission: false,
        report_id: reportId,
        ticket: updated === null ? null : ticketView(updated, caller),
        untrusted_text_note: UNTRUSTED_NOTE,
      };
    }

    const [vector] = await lexicalEmbedder.embed([input.body]);
    const embedding = vector as number[];
    let similar: { item: OpenTicketRow; similarity: number }[] = [];
    if (customerId !== null) {
      const open = await fetchOpenTicketsOfCustomer(db, customerId);
      const vectors = await lexicalEmbedder.embed(open.map((t) => t.body));
      similar = similarTo(
        embedding,
        open.map((item, i) => ({ item, vector: vectors[i] as number[] })),
        DUPLICATE_MIN_SIMILARITY,
      );
      if (similar.length > 0 && !input.create_anyway) {
        return {
          summary:
            `No ticket filed yet: this customer has ${similar.length} similar open ticket${similar.length === 1 ? "" : "s"} ` +
            `(#${similar.map((s) => s.item.id).join(", #")}). Call again with link_to_ticket_id to add this report to one, ` +
            "or create_anyway: true to file a separate ticket.",
          created: false,
          needs: "duplicate_decision",
          possible_duplicates: similar.slice(0, 5).map((s) => ({
            ticket_id: s.item.id,
            similarity: Math.round(s.similarity * 1000) / 1000,
            status: s.item.status,
            priority: s.item.priority,
            category: s.item.category,
            created_at: iso(s.item.created_at),
            untrusted_body: visibleText(excerpt(s.item.body, 200), caller),
          })),
          similarity: `cosine similarity of ${lexicalEmbedder.model} embeddings (shared words and character n-grams), threshold ${DUPLICATE_MIN_SIMILARITY}`,
          untrusted_text_note: UNTRUSTED_NOTE,
        };
      }
    }

    const id = await insertTicket(db, {
      idempotencyKey: input.idempotency_key ?? null,
      customerId,
      customerHint: hint,
      customerTier: tier,
      sourceChannel: input.source_channel,
      category: input.category,
      sentiment: input.sentiment,
      severity: input.severity,
      priority,
      body: input.body,
      campaignId,
      channelId,
      reporter: caller.userId,
      slackPermalink: input.slack_permalink ?? null,
      confirmationPending: input.confirm_in_slack,
      at: context.now,
    });
    if (id === null) {
      // A concurrent submission with the same key committed first: answer with its ticket.
      const found = await findByIdempotencyKey(db, input.idempotency_key as string);
      if (found !== null) return repeatedSubmission(context, found, thresholds);
      throw new Error("ticket insert conflict without an existing row");
    }
    await insertHistory(db, [
      {
        ticketId: id,
        actor: caller.userId,
        action: "created",
        oldValue: null,
        newValue: {
          status: "new",
          priority,
          category: input.category,
          sentiment: input.sentiment,
          severity: input.severity,
          source_channel: input.source_channel,
          customer_id: customerId,
          customer_tier: tier,
          ...(similar.length > 0 ? { filed_despite_similar: similar.map((s) => s.item.id) } : {}),
        },
        at: context.now,
      },
    ]);
    await storeEmbedding(db, id, lexicalEmbedder.model, lexicalEmbedder.dims, toVectorLiteral(embedding));
    const ticket = await fetchTicket(db, id, thresholds, context.timezone, rule);
    if (ticket === null) throw new Error(`ticket ${id} not readable after insert`);
    const who =
      customerId === null ? "an unknown customer (flagged)" : `${ticket.customer_external_id} (${tier}-value customer)`;
    return {
      summary: `Ticket #${id} filed: ${priority} ${LABELS.category[input.category].toLowerCase()} feedback from ${who}, status new.`,
      created: true,
      duplicate_submission: false,
      ticket: ticketView(ticket, caller),
      priority_reason: reason,
      priority_rule: PRIORITY_RULE,
      customer_match: matchedBy,
      customer_unknown: customerId === null,
      similar_open_tickets: similar.map((s) => s.item.id),
      masking: maskingNote(caller),
      untrusted_text_note: UNTRUSTED_NOTE,
    };
  },
});
