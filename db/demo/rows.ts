// COPY text encoding of generated records. Ids are assigned here, in stream order, so they are dense and
// independent of batch size; the encoder also keeps the running totals the planted-facts record needs.
import { copyValue } from "../pool.ts";
import { dayString, SECONDS_PER_DAY, timestampString } from "./calendar.ts";
import type { ChannelSpec, PlatformRule } from "./catalog.ts";
import type { ClaimRules } from "./claims.ts";
import type { Customer } from "./customers.ts";
import type { Touch } from "./journeys.ts";
import type { Campaign, SpendRow } from "./spend.ts";
import { TextBuffer } from "./text-buffer.ts";
import type { HistoryRow, TicketRow, TicketSubject } from "./tickets.ts";

/** Columns written per table, in COPY order. */
export const COLUMNS = {
  channels: ["id", "code", "name", "type", "platform", "is_paid", "created_at"],
  campaigns: [
    "id",
    "external_id",
    "channel_id",
    "name",
    "objective",
    "start_date",
    "end_date",
    "budget",
    "target_region",
    "created_at",
  ],
  ad_spend_daily: ["campaign_id", "day", "spend", "impressions", "clicks"],
  customers: [
    "id",
    "external_id",
    "name",
    "email",
    "phone",
    "country",
    "region",
    "city",
    "signup_date",
    "acquisition_channel_id",
    "marketing_consent",
    "birth_year",
    "gender",
    "created_at",
    "updated_at",
  ],
  orders: [
    "id",
    "external_id",
    "customer_id",
    "ordered_at",
    "amount",
    "discount_amount",
    "margin",
    "currency",
    "sales_channel",
  ],
  touchpoints: ["id", "customer_id", "channel_id", "campaign_id", "occurred_at", "type"],
  platform_conversions: [
    "id",
    "platform",
    "external_id",
    "order_external_id",
    "customer_id",
    "campaign_id",
    "click_at",
    "converted_at",
    "reported_value",
  ],
  nps_responses: ["id", "external_id", "customer_id", "score", "responded_at", "source", "comment"],
  feedback_tickets: [
    "id",
    "idempotency_key",
    "customer_id",
    "customer_hint",
    "source_channel",
    "category",
    "sentiment",
    "severity",
    "priority",
    "status",
    "body",
    "campaign_id",
    "channel_id",
    "reporter",
    "assignee",
    "slack_permalink",
    "resolution",
    "satisfaction",
    "follow_up_due",
    "created_at",
    "updated_at",
    "resolved_at",
  ],
  ticket_history: ["id", "ticket_id", "actor", "action", "old_value", "new_value", "at"],
} as const;

export type StreamTable = "customers" | "orders" | "touchpoints" | "platform_conversions" | "nps_responses";
/** Tables written per batch, in foreign-key order. */
export const STREAM_TABLES: readonly StreamTable[] = [
  "customers",
  "orders",
  "touchpoints",
  "platform_conversions",
  "nps_responses",
];

/** Integer cents as a numeric(14,2) literal. */
export function money(cents: number): string {
  const whole = Math.floor(cents / 100);
  const rest = cents - whole * 100;
  return `${whole}.${rest < 10 ? "0" : ""}${rest}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

function line(values: readonly (string | number | boolean | null)[]): string {
  let text = "";
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) text += "\t";
    text +=
      v === null ? "\\N" : typeof v === "string" ? copyValue(v) : typeof v === "boolean" ? (v ? "t" : "f") : String(v);
  }
  return `${text}\n`;
}

/** Channels table text. */
export function encodeChannels(channels: readonly ChannelSpec[], createdTs: number): string {
  return channels
    .map((c, i) => line([i + 1, c.code, c.name, c.type, c.platform, c.isPaid, timestampString(createdTs)]))
    .join("");
}

/** Campaigns table text. */
export function encodeCampaigns(campaigns: readonly Campaign[]): string {
  return campaigns
    .map((c) =>
      line([
        c.id,
        c.externalId,
        c.channelIndex + 1,
        c.name,
        c.objective,
        dayString(c.startDay),
        c.endDay === null ? null : dayString(c.endDay),
        c.budgetCents === null ? null : money(c.budgetCents),
        c.targetRegion,
        timestampString(c.createdTs),
      ]),
    )
    .join("");
}

/** ad_spend_daily text. */
export function encodeSpend(rows: readonly SpendRow[]): string {
  let text = "";
  for (const r of rows)
    text += `${r.campaignId}\t${dayString(r.day)}\t${money(r.cents)}\t${r.impressions}\t${r.clicks}\n`;
  return text;
}

/** Tickets and history text. */
export function encodeTickets(tickets: readonly TicketRow[], history: readonly HistoryRow[]): [string, string] {
  const ts = (v: number | null) => (v === null ? null : timestampString(v));
  const ticketText = tickets
    .map((t) =>
      line([
        t.id,
        t.idempotencyKey,
        t.customerId,
        t.customerHint,
        t.sourceChannel,
        t.category,
        t.sentiment,
        t.severity,
        t.priority,
        t.status,
        t.body,
        t.campaignId,
        t.channelId,
        t.reporter,
        t.assignee,
        t.slackPermalink,
        t.resolution,
        t.satisfaction,
        ts(t.followUpDueTs),
        ts(t.createdTs),
        ts(t.updatedTs),
        ts(t.resolvedTs),
      ]),
    )
    .join("");
  const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  const historyText = history
    .map((h) => line([h.id, h.ticketId, h.actor, h.action, json(h.oldValue), json(h.newValue), timestampString(h.ts)]))
    .join("");
  return [ticketText, historyText];
}

/** Running totals across batches, for the summary and the planted-facts record. */
export interface StreamStats {
  customers: number;
  orders: number;
  touchpoints: number;
  claims: number;
  nps: number;
  longJourneys: number;
  revenueCents: number;
  /** Per channel index. */
  acquired: Int32Array;
  firstOrders: Int32Array;
  firstOrderRevenueCents: Float64Array;
  /** Per platform index. */
  claimsByPlatform: Int32Array;
  npsPromoters: number;
  npsDetractors: number;
}

/** Turns batches of generated customers into COPY text, assigning ids in stream order. */
export class BatchEncoder {
  readonly stats: StreamStats;
  readonly ticketSubjects: TicketSubject[] = [];
  private readonly platformSeq: Int32Array;
  private readonly buffers: Record<"customers" | "orders" | "touchpoints" | "claims" | "nps", TextBuffer> = {
    customers: new TextBuffer(),
    orders: new TextBuffer(),
    touchpoints: new TextBuffer(),
    claims: new TextBuffer(),
    nps: new TextBuffer(),
  };

  constructor(
    channels: readonly ChannelSpec[],
    private readonly claimRules: ClaimRules,
    private readonly ticketIndices: ReadonlySet<number>,
  ) {
    const c = channels.length;
    this.stats = {
      customers: 0,
      orders: 0,
      touchpoints: 0,
      claims: 0,
      nps: 0,
      longJourneys: 0,
      revenueCents: 0,
      acquired: new Int32Array(c),
      firstOrders: new Int32Array(c),
      firstOrderRevenueCents: new Float64Array(c),
      claimsByPlatform: new Int32Array(claimRules.rules.length),
      npsPromoters: 0,
      npsDetractors: 0,
    };
    this.platformSeq = new Int32Array(claimRules.rules.length);
  }

  /** COPY text per streamed table for one batch of customers (given in index order). */
  encode(batch: readonly Customer[], forcedIndices: ReadonlyMap<number, "zh" | "en">): Record<StreamTable, string> {
    const s = this.stats;
    const { customers, orders, touchpoints, claims, nps } = this.buffers;
    for (const c of batch) {
      const customerId = c.index + 1;
      const lastOrder = c.orders[c.orders.length - 1];
      customers.int(customerId).tab().ascii("CUS-").padded(customerId, 7).tab();
      customers.text(c.name).tab().text(c.email).tab().text(c.phone).tab();
      customers.text(c.city.country).tab().text(c.city.region).tab().text(c.city.city).tab();
      customers
        .day(Math.floor(c.signupTs / SECONDS_PER_DAY))
        .tab()
        .int(c.channelIndex + 1)
        .tab();
      customers
        .ascii(c.marketingConsent ? "t" : "f")
        .tab()
        .int(c.birthYear)
        .tab()
        .ascii(c.gender)
        .tab();
      customers
        .timestamp(c.signupTs)
        .tab()
        .timestamp(lastOrder ? lastOrder.ts : c.signupTs)
        .end();
      s.customers++;
      s.acquired[c.channelIndex] = (s.acquired[c.channelIndex] as number) + 1;

      // Order ids are consecutive within a customer: order k is firstOrderId + k.
      const firstOrderId = s.orders + 1;
      for (const o of c.orders) {
        s.orders++;
        orders.int(s.orders).tab().ascii("ORD-").padded(s.orders, 7).tab().int(customerId).tab();
        orders.timestamp(o.ts).tab().money(o.amountCents).tab().money(o.discountCents).tab().money(o.marginCents);
        orders.tab().ascii("CNY").tab().ascii(o.salesChannel).end();
        s.revenueCents += o.amountCents;
      }
      const first = c.orders[0];
      if (first) {
        s.firstOrders[c.channelIndex] = (s.firstOrders[c.channelIndex] as number) + 1;
        s.firstOrderRevenueCents[c.channelIndex] =
          (s.firstOrderRevenueCents[c.channelIndex] as number) + first.amountCents;
      }

      for (const t of c.touches) {
        s.touchpoints++;
        touchpoints
          .int(s.touchpoints)
          .tab()
          .int(customerId)
          .tab()
          .int(t.channelIndex + 1)
          .tab();
        touchpoints.intOrNull(t.campaignId).tab().timestamp(t.ts).tab().ascii(t.type).end();
      }
      s.longJourneys += countLongJourneys(c);

      for (const claim of c.claims) {
        const rule = this.claimRules.rules[claim.platform] as PlatformRule;
        s.claims++;
        s.claimsByPlatform[claim.platform] = (s.claimsByPlatform[claim.platform] as number) + 1;
        const seq = (this.platformSeq[claim.platform] as number) + 1;
        this.platformSeq[claim.platform] = seq;
        claims.int(s.claims).tab().text(rule.platform).tab().ascii(rule.idPrefix).ascii("-").padded(seq, 8).tab();
        if (rule.passesOrderId) claims.ascii("ORD-").padded(firstOrderId + claim.orderIndex, 7);
        else claims.ascii("\\N");
        claims.tab().int(customerId).tab().intOrNull(claim.touch.campaignId).tab();
        claims
          .timestampOrNull(claim.viewThrough ? null : claim.touch.ts)
          .tab()
          .timestamp(claim.convertedTs)
          .tab();
        claims.money(claim.reportedCents).end();
      }

      if (c.nps) {
        s.nps++;
        if (c.nps.score >= 9) s.npsPromoters++;
        else if (c.nps.score <= 6) s.npsDetractors++;
        nps.int(s.nps).tab().ascii("NPS-").padded(s.nps, 7).tab().int(customerId).tab().int(c.nps.score).tab();
        nps.timestamp(c.nps.ts).tab().ascii(c.nps.source).tab().text(c.nps.comment).end();
      }

      const forced = forcedIndices.get(c.index) ?? null;
      if (forced !== null || this.ticketIndices.has(c.index)) {
        this.ticketSubjects.push(this.subject(c, firstOrderId, forced));
      }
    }
    return {
      customers: customers.take(),
      orders: orders.take(),
      touchpoints: touchpoints.take(),
      platform_conversions: claims.take(),
      nps_responses: nps.take(),
    };
  }

  private subject(c: Customer, firstOrderId: number, forced: "zh" | "en" | null): TicketSubject {
    let ad: Touch | null = null;
    for (let i = c.touches.length - 1; i >= 0 && ad === null; i--) {
      const t = c.touches[i] as Touch;
      if ((this.claimRules.platformOfChannel[t.channelIndex] as number) >= 0) ad = t;
    }
    return {
      customerId: c.index + 1,
      lang: c.inChina ? "zh" : "en",
      tier: c.tier,
      signupTs: c.signupTs,
      orders: c.orders.map((o, k) => [o.ts, `ORD-${pad(firstOrderId + k, 7)}`]),
      adChannelIndex: ad ? ad.channelIndex : null,
      adCampaignId: ad ? ad.campaignId : null,
      forced,
    };
  }
}

/** Journeys (touches between consecutive orders) longer than 100 touches. */
function countLongJourneys(c: Customer): number {
  let count = 0;
  let run = 0;
  let k = 0;
  for (const t of c.touches) {
    while (k < c.orders.length && (c.orders[k] as { ts: number }).ts < t.ts) {
      if (run > 100) count++;
      run = 0;
      k++;
    }
    run++;
  }
  return run > 100 ? count + 1 : count;
}
