// Which kind of value each column of a tool result holds, so every surface prints it the same way.
// The decision is a lookup in these tables, never a guess from a pattern in the name's middle.

/** What a value is, which decides how it is printed. */
export type MetricKind =
  | "money" // currency amount: symbol and the currency's decimals
  | "count" // whole things: thousands separators, no decimals unless the tool credits fractions
  | "ratio" // a plain number such as ROAS: fixed decimals
  | "percent" // a fraction shown as a percentage without sign (shares, rates)
  | "change" // a relative change shown as a signed percentage
  | "id" // identifiers and codes: printed as they are, never grouped
  | "date" // a calendar day, 'YYYY-MM-DD'
  | "datetime" // an instant, shown in the business time zone
  | "number" // a number of unknown meaning: separators, decimals fixed per column
  | "text";

/** How one column is printed. */
export interface MetricFormat {
  kind: MetricKind;
  /** Fixed decimals (money: the currency's own digits when absent; percent/change: of the percentage). */
  decimals?: number;
  /** Show "+" on rises (money and counts that are changes). */
  signed?: boolean;
}

const money: MetricFormat = { kind: "money" };
const count: MetricFormat = { kind: "count", decimals: 0 };
const ratio2: MetricFormat = { kind: "ratio", decimals: 2 };
const percent1: MetricFormat = { kind: "percent", decimals: 1 };
const percent2: MetricFormat = { kind: "percent", decimals: 2 };
const change1: MetricFormat = { kind: "change", decimals: 1 };
const id: MetricFormat = { kind: "id" };
const date: MetricFormat = { kind: "date" };
const datetime: MetricFormat = { kind: "datetime" };

const entries = (format: MetricFormat, names: string[]) => names.map((name) => [name, format] as const);

/** Columns by exact name, across tools and the reporting views query_database reads. */
export const METRIC_FORMATS: Readonly<Record<string, MetricFormat>> = Object.fromEntries([
  ...entries(money, [
    "spend",
    "revenue",
    "amount",
    "aov",
    "cpa",
    "cpc",
    "cpm",
    "cac",
    "cac_paid",
    "cac_fully_loaded",
    "current",
    "recommended",
    "budget",
    "total_budget",
    "budget_used",
    "spend_to_date",
    "expected_spend",
    "total_spend",
    "expected_outcome",
    "expected_outcome_current",
    "expected_outcome_recommended",
    "margin",
    "discount_amount",
    "reported_value",
    "value",
    "monetary",
    "clv",
    "predicted_clv",
    "historical_clv",
    "avg_predicted_clv",
    "avg_historical_clv",
    "total_predicted_clv",
    "revenue_12m",
    "value_per_purchase",
    "mean_repeat_value",
    "high_min_revenue",
    "mid_min_revenue",
    "overhead_cost",
    "total_revenue",
    // reconcile_platform_conversions
    "claimed_revenue",
    "claimed_value",
    "dedup_revenue",
    "real_revenue",
    "ad_report_claimed_value",
    "spend_on_double_counted_conversions",
  ]),
  ["change", { kind: "money", signed: true }],
  ...entries(count, [
    "orders",
    "customers",
    "impressions",
    "clicks",
    "new_customers",
    "nps_responses",
    "conversions",
    "touches",
    "rows",
    "row_count",
    "visitors",
    "campaigns",
    "campaigns_active_in_period",
    "customers_with_revenue",
    "claims",
    "claimed_orders",
    "real_orders",
    "orders_claimed_by_3_plus",
    "orders_without_touch",
    "distinct_paths",
    "non_converting_journeys",
    "frequency",
    "tickets",
    "linked_reports",
    "elapsed_days",
    "flight_days",
    "recency_days",
    "weeks",
    "days",
    "count",
    "sessions",
    "engaged_sessions",
    // reconcile_platform_conversions: real orders and claims matched to them are whole orders.
    "matched_orders",
    "unmatched_claims",
    "exclusive_orders",
    "shared_orders",
    "distinct_claimed_orders",
  ]),
  // GA4 key events may be fractional.
  ["key_events", { kind: "count", decimals: 1 }],
  ...entries(ratio2, [
    "roas",
    "roi",
    "marginal_roas",
    "marginal_roas_current",
    "marginal_roas_recommended",
    "average_roas_current",
    "average_roas_recommended",
    "orders_per_customer",
    "over_claim_ratio",
    "clv_cac_ratio",
    "p_alive",
    "avg_p_alive",
    "predicted_purchases",
    "avg_predicted_purchases",
    "expected_purchases",
    "pacing",
    // reconcile_platform_conversions
    "platform_roas",
    "dedup_roas",
    "model_roas",
    "claimed_vs_model_ratio",
    "overstatement_ratio",
    "all_claims_vs_real_orders",
  ]),
  ["nps", { kind: "ratio", decimals: 1 }],
  ...entries(percent1, [
    "share",
    "customer_share",
    "revenue_share",
    "spend_share",
    "first_touch_share",
    "last_touch_share",
    "elapsed_share",
    "repeat_purchase_rate",
    "retention",
    "churn",
    "engagement_rate",
  ]),
  ...entries(percent2, ["ctr", "cvr", "conversion_rate", "session_conversion_rate"]),
  ...entries(change1, ["change_pct", "lift"]),
  ...entries(id, [
    "id",
    "key",
    "customer",
    "ticket",
    "proposal",
    "number",
    "code",
    "external_id",
    "phone",
    "year",
    "birth_year",
    "score",
    "rfm_score",
    "priority",
  ]),
  ...entries(date, [
    "day",
    "week",
    "month",
    "date",
    "start",
    "end",
    "first",
    "last",
    "since",
    "today",
    "analysis_date",
    "observation_end",
    "data_up_to",
    "last_spend_day",
  ]),
]);

/** Naming conventions of the schema and the tools: a column ending so holds this kind. */
const SUFFIX_FORMATS: readonly (readonly [string, MetricFormat])[] = [
  ["_id", id],
  ["_at", datetime],
  ["_date", date],
  ["_share", percent1],
  ["_rate", percent1],
  ["_pct", change1],
];

/** Columns whose meaning differs in one tool's result. */
const TOOL_FORMATS: Readonly<Record<string, Readonly<Record<string, MetricFormat>>>> = {
  // Fractional credit: 26.7 conversions, not 27.
  compute_attribution: { conversions: { kind: "count", decimals: 1 } },
  estimate_clv: { frequency: ratio2 },
  // The cohort triangle's columns month_0 … / week_0 … are retention fractions.
  cohort_retention: Object.fromEntries(
    ["month", "week"].flatMap((unit) => Array.from({ length: 54 }, (_, k) => [`${unit}_${k}`, percent1] as const)),
  ),
  // Ad reports claim fractional conversions (Google's 14.5) and de-duplication splits an order 1/k per claimant;
  // excess claims are a share of the real orders, not a change over time (the _pct suffix would sign it).
  reconcile_platform_conversions: {
    ...Object.fromEntries(
      [
        "claimed_conversions",
        "dedup_conversions",
        "excess_claims",
        "model_attributed_conversions",
        "ad_report_claimed_conversions",
        "ad_report_claims",
        "all_claims",
      ].map((name) => [name, { kind: "count", decimals: 1 } satisfies MetricFormat]),
    ),
    excess_claims_pct: percent1,
  },
};

const OUTCOME_COLUMNS = ["expected_outcome", "expected_outcome_current", "expected_outcome_recommended"];

// recommend_budget can maximise conversions instead of money: its expected outcomes are then (fractional) orders.
function argumentFormat(tool: string, column: string, args: unknown): MetricFormat | null {
  const outcome = (args as { outcome?: unknown } | null | undefined)?.outcome;
  if (tool === "recommend_budget" && outcome === "conversions" && OUTCOME_COLUMNS.includes(column)) {
    return { kind: "count", decimals: 1 };
  }
  return null;
}

/**
 * The format of a column in `tool`'s result (called with `args`): the arguments' and the tool's exceptions, the
 * registry, the naming conventions, else null.
 */
export function registeredFormat(tool: string, column: string, args?: unknown): MetricFormat | null {
  const own = argumentFormat(tool, column, args) ?? TOOL_FORMATS[tool]?.[column] ?? METRIC_FORMATS[column];
  if (own) return own;
  return SUFFIX_FORMATS.find(([suffix]) => column.endsWith(suffix))?.[1] ?? null;
}

/**
 * The format of a whole column: the registered one, or one chosen from its values so every row of the
 * column prints alike (text, or numbers with the decimals the values need, 0 or 2).
 */
export function columnFormat(tool: string, column: string, values: readonly unknown[], args?: unknown): MetricFormat {
  const registered = registeredFormat(tool, column, args);
  if (registered) return registered;
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0 || !present.every((v) => typeof v === "number")) return { kind: "text" };
  return { kind: "number", decimals: present.every((v) => Number.isInteger(v)) ? 0 : 2 };
}
