// The vocabulary of feedback tickets and the priority rule, in one place for the tools, the Slack modal and the docs.
// The values match the CHECK constraints of feedback_tickets in db/migrations/0001_core.sql.

export const SOURCE_CHANNELS = ["phone", "email", "social", "survey", "in_store", "chat", "review_site"] as const;
export type SourceChannel = (typeof SOURCE_CHANNELS)[number];

export const CATEGORIES = [
  "ad_promise",
  "pricing",
  "product_quality",
  "delivery",
  "service",
  "website_app",
  "billing",
  "other",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const SENTIMENTS = ["negative", "neutral", "positive"] as const;
export type Sentiment = (typeof SENTIMENTS)[number];

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const STATUSES = ["new", "triaged", "in_progress", "resolved", "followed_up", "closed"] as const;
export type Status = (typeof STATUSES)[number];

export const PRIORITIES = ["P1", "P2", "P3", "P4"] as const;
export type Priority = (typeof PRIORITIES)[number];

export const TIERS = ["high", "mid", "low"] as const;
export type Tier = (typeof TIERS)[number];

/** Labels for pickers (Slack modal options) and summaries. */
export const LABELS = {
  source_channel: {
    phone: "Phone",
    email: "Email",
    social: "Social media",
    survey: "Survey",
    in_store: "In store",
    chat: "Chat",
    review_site: "Review site",
  },
  category: {
    ad_promise: "Ad promise vs reality",
    pricing: "Pricing",
    product_quality: "Product quality",
    delivery: "Delivery",
    service: "Service",
    website_app: "Website / app",
    billing: "Billing",
    other: "Other",
  },
  sentiment: { negative: "Negative", neutral: "Neutral", positive: "Positive" },
  severity: { low: "Low", medium: "Medium", high: "High", critical: "Critical" },
  status: {
    new: "New",
    triaged: "Triaged",
    in_progress: "In progress",
    resolved: "Resolved",
    followed_up: "Followed up",
    closed: "Closed",
  },
} as const;

/** Tickets still being worked on: duplicates are looked for among these, and P1s among them can be "untouched". */
export const OPEN_STATUSES: readonly Status[] = ["new", "triaged", "in_progress"];

/**
 * Allowed next states. The main path is new -> triaged -> in_progress -> resolved -> followed_up / closed;
 * a resolved or followed-up ticket can be reopened (back to in_progress) when the customer is not satisfied.
 */
export const STATUS_TRANSITIONS: Record<Status, readonly Status[]> = {
  new: ["triaged"],
  triaged: ["in_progress"],
  in_progress: ["resolved"],
  resolved: ["followed_up", "closed", "in_progress"],
  followed_up: ["closed", "in_progress"],
  closed: [],
};

/** The longest ticket text accepted, in characters (Unicode code points, so an emoji or 中 counts as one). */
export const BODY_MAX_CHARS = 10_000;

// Customer value tier x severity; see PRIORITY_RULE.
const PRIORITY_MATRIX: Record<Tier, Record<Severity, Priority>> = {
  high: { critical: "P1", high: "P1", medium: "P2", low: "P3" },
  mid: { critical: "P1", high: "P2", medium: "P3", low: "P3" },
  low: { critical: "P2", high: "P2", medium: "P3", low: "P4" },
};

export const PRIORITY_RULE =
  "Priority = customer value tier x severity x sentiment. Tier x severity: high-value customer: critical or high = P1, " +
  "medium = P2, low = P3; mid: critical = P1, high = P2, medium or low = P3; low-value or unknown customer: critical or " +
  "high = P2, medium = P3, low = P4. Sentiment: positive feedback is one step less urgent (never below P4), except that a " +
  "high-value customer's high or critical issue is always P1; negative and neutral keep the tier x severity priority. " +
  "Value tier: the Pareto cut of trailing-12-month revenue (find_customers), taken when the ticket is filed.";

/** The priority of a ticket by PRIORITY_RULE; `tier` null means an unknown customer (treated as low value). */
export function ticketPriority(tier: Tier | null, severity: Severity, sentiment: Sentiment): Priority {
  const base = PRIORITY_MATRIX[tier ?? "low"][severity];
  if (sentiment !== "positive" || base === "P4") return base;
  if (tier === "high" && (severity === "high" || severity === "critical")) return base;
  return PRIORITIES[PRIORITIES.indexOf(base) + 1] as Priority;
}

/** One sentence saying why a ticket got its priority. */
export function priorityReason(tier: Tier | null, severity: Severity, sentiment: Sentiment): string {
  const who = tier === null ? "unknown customer (treated as low value)" : `${tier}-value customer`;
  const priority = ticketPriority(tier, severity, sentiment);
  return `${priority}: ${who}, ${severity} severity, ${sentiment} sentiment (${PRIORITY_RULE.split(". ")[0]}).`;
}
