import { CHANNEL_CODE_EXAMPLES } from "../known-values.ts";
import { CHANNEL_TYPES } from "../list-channels/list-channels.tool.ts";

/**
 * The reporting views query_database may read (db/migrations/0008_agent.sql), with the column notes the model
 * sees. A test checks this list against the database catalog, so the two cannot drift apart.
 */
export const REPORTING_VIEWS: Record<string, Record<string, string>> = {
  channels: {
    id: "channel id (used by other views as channel_id)",
    code: `short code, e.g. ${CHANNEL_CODE_EXAMPLES.join(", ")} (SELECT code FROM reporting.channels lists them)`,
    name: "display name",
    type: CHANNEL_TYPES.join(", "),
    platform: "ad platform that reports conversions for this channel",
    is_paid: "true for paid media",
  },
  campaigns: {
    id: "campaign id",
    external_id: "the ad platform's campaign id",
    channel_id: "channel the campaign runs on (reporting.channels.id)",
    name: "campaign name",
    objective: "conversion, awareness, retention, ...",
    start_date: "first day",
    end_date: "last day (null: open-ended)",
    budget: "total budget in the reporting currency",
    target_region: "region targeted, null for national",
  },
  ad_spend_daily: {
    campaign_id: "reporting.campaigns.id",
    day: "calendar day in the business time zone",
    spend: "media spend that day",
    impressions: "impressions that day",
    clicks: "clicks that day",
  },
  customers: {
    id: "customer id",
    country: "country code",
    region: "region / province",
    city: "city",
    signup_date: "day the customer signed up",
    acquisition_channel_id: "channel that acquired the customer (reporting.channels.id)",
    marketing_consent: "may receive marketing messages",
    birth_year: "birth year when known",
    gender: "female, male, other or null",
  },
  orders: {
    id: "order id",
    customer_id: "reporting.customers.id",
    ordered_at: "order time (timestamptz)",
    amount: "revenue of the order after discount",
    discount_amount: "discount given",
    margin: "gross margin when known",
    currency: "ISO 4217 currency",
    sales_channel: "online, store, app, marketplace",
  },
  touchpoints: {
    id: "touchpoint id",
    customer_id: "reporting.customers.id",
    channel_id: "reporting.channels.id",
    campaign_id: "reporting.campaigns.id when known",
    occurred_at: "time of the interaction",
    type: "impression, click, visit or email_open",
  },
  platform_conversions: {
    id: "conversion claim id",
    platform: "ad platform that claimed the conversion",
    customer_id: "customer when matched",
    campaign_id: "campaign credited by the platform",
    click_at: "click time the platform reports",
    converted_at: "conversion time the platform reports",
    reported_value: "value the platform claims",
  },
  web_sessions: {
    day: "calendar day of the sessions (the GA4 property's time zone)",
    channel_group: "GA4 session channel group as exported, e.g. Paid Social; empty when the export had none",
    source_medium: "GA4 session source / medium, e.g. bing / cpc; empty when the export had none",
    campaign_name: "GA4 session campaign; empty when the export had none",
    channel_id: "reporting.channels.id the channel group maps to; null when unmapped",
    sessions: "sessions that day",
    engaged_sessions: "engaged sessions (null when not exported); engagement rate = engaged_sessions / sessions",
    key_events: "GA4 key events (formerly conversions), may be fractional; null when not exported",
    revenue: "GA4 total revenue (null when not exported)",
    currency: "ISO 4217 currency of revenue",
  },
  nps_responses: {
    id: "response id",
    customer_id: "customer when known",
    score: "0-10; promoters 9-10, detractors 0-6",
    responded_at: "answer time",
    source: "survey source",
  },
  feedback_tickets: {
    id: "ticket id",
    customer_id: "customer when known",
    source_channel: "phone, email, social, survey, in_store, chat, review_site",
    category: "ad_promise, pricing, product_quality, delivery, service, website_app, billing, other",
    sentiment: "negative, neutral, positive",
    severity: "low, medium, high, critical",
    priority: "P1 (most urgent) to P4",
    status: "new, triaged, in_progress, resolved, followed_up, closed",
    campaign_id: "campaign the feedback is about",
    channel_id: "channel the feedback is about",
    created_at: "filed at",
    resolved_at: "resolved at",
    follow_up_due: "customer follow-up due at",
    satisfaction: "1-5 after follow-up",
  },
};

/** A compact schema listing for the tool description: `reporting.orders(id: order id, ...)`. */
export function describeReportingViews(): string {
  return Object.entries(REPORTING_VIEWS)
    .map(([view, columns]) => {
      const cols = Object.entries(columns).map(([name, note]) => `${name}: ${note}`);
      return `reporting.${view}(${cols.join("; ")})`;
    })
    .join("\n");
}
