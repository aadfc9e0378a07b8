// Segment definitions, playbook actions and the per-segment arithmetic (shares, AOV, frequency). Pure: the SQL
// returns one aggregate row per segment (or segment pair), this turns them into the rows the tool reports.

export const DIMENSIONS = [
  "value_tier",
  "rfm",
  "region",
  "city",
  "acquisition_channel",
  "frequency_band",
  "aov_band",
  "preferred_channel",
  "discount_sensitivity",
  "lifecycle",
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** Days in the default period (end and the 364 days before it): also the window of the stored RFM thresholds. */
export const DEFAULT_PERIOD_DAYS = 365;

/** Playbook actions per value tier (DOMAIN.md point 1, customer tiering). */
export const TIER_ACTIONS: Record<string, string> = {
  high: "Retain the core: tailored service, exclusive offers and personal care (dedicated contact, early access).",
  mid: "Grow the potential: promotions, membership and points to raise frequency and order value.",
  low: "Activate: more touchpoints, trial offers and engagement activities to earn a repeat purchase.",
};

/** Suggested actions per reference RFM segment (custom segment names get none). */
export const RFM_ACTIONS: Record<string, string> = {
  Champions: "Reward them: exclusive offers, early access, ask for reviews and referrals.",
  "Loyal Customers": "Upsell higher-value products, membership and points; ask for reviews.",
  "Potential Loyalist": "Offer membership or loyalty programmes and personalised recommendations.",
  "New Customers": "Onboarding: welcome series, first-repeat incentive.",
  Promising: "Build awareness of the range; free trials.",
  "Need Attention": "Limited-time offers based on past purchases; reactivate before they slip.",
  "About To Sleep": "Share popular products, discounts; reconnect.",
  "At Risk": "Personalised win-back messages and renewals; offer helpful resources.",
  "Can't Lose Them": "Win them back with new products and exclusive offers; talk to them directly.",
  Lost: "Low-cost reactivation campaigns; otherwise stop spending on them.",
  Others: "Mixed behaviour: watch, use general campaigns.",
};

export const LIFECYCLE_STAGES = [
  "new",
  "active",
  "at_risk",
  "lapsed",
  "win_back_candidate",
  "inactive",
  "prospect",
] as const;

export const LIFECYCLE_DEFINITION =
  "Relative to the period end E, using every order up to E (not only the period): new = first order ever within the " +
  "30 days up to E; active = last order within 90 days of E (not new); at_risk = last order 90-179 days before E; " +
  "lapsed = 180-364 days; win_back_candidate = a lapsed customer who is in the high value tier (trailing-12-month revenue) " +
  "or has >= 3 orders in total; inactive = last order 365+ days before E; prospect = no order up to E.";

export const FREQUENCY_BAND_DEFINITION = "Orders in the period per customer: 0 (no orders), 1, 2-3, 4-6, 7+.";

export const AOV_BAND_DEFINITION =
  "Quantile bands of the customer's average order value (period revenue / period orders) among customers with orders: " +
  "q1_lowest (<= 25th percentile), q2 (<= median), q3 (<= 75th percentile), q4_highest; percentiles by percentile_cont, " +
  "stated in aov_band_edges. Customers without orders: no_orders.";

export const DISCOUNT_DEFINITION =
  "Share of the customer's period orders with a discount (discount_amount > 0): none = 0%, some = above 0% and below 50%, " +
  "most = 50% or more; customers without orders: no_orders.";

export const PREFERRED_CHANNEL_DEFINITION =
  "The channel (code) with the most touches (impressions, clicks, visits, e-mail opens) by the customer in the period; " +
  "ties go to the alphabetically first code; no_touches when none.";

/** The definition text of each dimension (value tier and RFM come from their own modules). */
export const DIMENSION_DEFINITIONS: Partial<Record<Dimension, string>> = {
  region: "The customer's region as stored (unknown when blank).",
  city: "The customer's city as stored (unknown when blank).",
  acquisition_channel: "The channel code that brought the customer (unknown when not recorded).",
  frequency_band: FREQUENCY_BAND_DEFINITION,
  aov_band: AOV_BAND_DEFINITION,
  preferred_channel: PREFERRED_CHANNEL_DEFINITION,
  discount_sensitivity: DISCOUNT_DEFINITION,
  lifecycle: LIFECYCLE_DEFINITION,
};

/** Label order for dimensions with a natural order; others sort by revenue. */
export const LABEL_ORDER: Partial<Record<Dimension, readonly string[]>> = {
  value_tier: ["high", "mid", "low"],
  frequency_band: ["0", "1", "2-3", "4-6", "7+"],
  aov_band: ["q1_lowest", "q2", "q3", "q4_highest", "no_orders"],
  discount_sensitivity: ["none", "some", "most", "no_orders"],
  lifecycle: LIFECYCLE_STAGES,
};

/** One aggregate row from SQL: a segment (or segment pair) with its sums. */
export interface SegmentAggregate {
  segment: string;
  customers: number;
  orders: number;
  revenue: number;
}

export interface SegmentRow extends SegmentAggregate {
  /** Fractions 0..1 of all customers / all revenue in scope; null when the total is zero. */
  customer_share: number | null;
  revenue_share: number | null;
  /** Revenue per order; null without orders. */
  aov: number | null;
  /** Orders per customer in the period; null without customers. */
  orders_per_customer: number | null;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** A finite ratio or null: outputs never hold NaN or Infinity. */
export function safeRatio(numerator: number, denominator: number): number | null {
  if (!(denominator > 0) || !Number.isFinite(numerator) || !Number.isFinite(denominator)) return null;
  const value = numerator / denominator;
  return Number.isFinite(value) ? value : null;
}

/**
 * Adds shares, AOV and frequency to aggregate rows and orders them: by `order` when given (labels not in it last),
 * otherwise by revenue, largest first. Shares are rounded to 4 decimals, so they sum to 1 within 0.5e-4 per row.
 */
export function segmentRows(aggregates: readonly SegmentAggregate[], order?: readonly string[]): SegmentRow[] {
  const customers = aggregates.reduce((s, a) => s + a.customers, 0);
  const revenue = aggregates.reduce((s, a) => s + a.revenue, 0);
  const rank = (label: string) => {
    const i = order?.indexOf(label) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return aggregates
    .map((a) => {
      const customerShare = safeRatio(a.customers, customers);
      const revenueShare = safeRatio(a.revenue, revenue);
      const aov = safeRatio(a.revenue, a.orders);
      const frequency = safeRatio(a.orders, a.customers);
      return {
        segment: a.segment,
        customers: a.customers,
        orders: a.orders,
        revenue: r2(a.revenue),
        customer_share: customerShare === null ? null : r4(customerShare),
        revenue_share: revenueShare === null ? null : r4(revenueShare),
        aov: aov === null ? null : r2(aov),
        orders_per_customer: frequency === null ? null : r4(frequency),
      };
    })
    .sort(
      (a, b) =>
        rank(a.segment) - rank(b.segment) ||
        b.revenue - a.revenue ||
        b.customers - a.customers ||
        a.segment.localeCompare(b.segment),
    );
}

/** Sums aggregate rows by label (e.g. collapsing a cross-tab onto its first dimension). */
export function sumBy(rows: readonly SegmentAggregate[]): SegmentAggregate[] {
  const byLabel = new Map<string, SegmentAggregate>();
  for (const row of rows) {
    const acc = byLabel.get(row.segment) ?? { segment: row.segment, customers: 0, orders: 0, revenue: 0 };
    acc.customers += row.customers;
    acc.orders += row.orders;
    acc.revenue += row.revenue;
    byLabel.set(row.segment, acc);
  }
  return [...byLabel.values()];
}
