// Stored customer scores: the CLV model (BG/NBD + Gamma-Gamma, fitted as estimate_clv fits it) and the RFM
// quintile thresholds (as segment_customers computes them), refreshed with the derived tables so a customer profile
// scores one customer with one indexed query instead of refitting over every customer.

import type { Queryable } from "../db/pool.ts";
import {
  CLV_MODEL_KEY,
  RFM_THRESHOLDS_KEY,
  type StoredClvModel,
  type StoredRfmThresholds,
  type UnavailableScores,
} from "../tools/customer-profile/stored-scores.ts";
import { fitPurchaseModel, fitSpendModel, MIN_CUSTOMERS } from "../tools/estimate-clv/clv-fit.model.ts";
import { fetchHistories, fetchSpendPairs } from "../tools/estimate-clv/estimate-clv.queries.ts";
import { EstimateClvInput } from "../tools/estimate-clv/estimate-clv.schema.ts";
import { addDays } from "../tools/period.ts";
import { OTHERS, REFERENCE_RFM_SEGMENTS, segmentCells } from "../tools/segment-customers/rfm.model.ts";
import { fetchSegments } from "../tools/segment-customers/segment-customers.queries.ts";
import { DEFAULT_PERIOD_DAYS } from "../tools/segment-customers/segments.model.ts";

/**
 * Customers the stored CLV model is fitted on at most: above this, a deterministic 1-in-k sample by id (the fit
 * time grows with distinct histories; 100k customers pin the four parameters far more tightly than they vary).
 */
export const MAX_FIT_CUSTOMERS = 100_000;
/** The business time zone when the caller does not say (the configuration's default). */
export const DEFAULT_SCORES_TIMEZONE = "Asia/Shanghai";

/**
 * Fits and stores the CLV model and the RFM thresholds as of the latest order day, inside the caller's
 * transaction. Aggregates in SQL: the fit sees one row per distinct history, never one per customer.
 */
export async function refreshCustomerScores(
  db: Queryable,
  timezone = DEFAULT_SCORES_TIMEZONE,
  options: { maxFitCustomers?: number } = {},
): Promise<{ clv: StoredClvModel; rfm: StoredRfmThresholds }> {
  const computedAt = new Date().toISOString();
  const { rows } = await db.query<{ first_day: string | null; last_day: string | null }>(
    `SELECT (min(ordered_at) AT TIME ZONE $1::text)::date::text AS first_day,
            (max(ordered_at) AT TIME ZONE $1::text)::date::text AS last_day
     FROM orders`,
    [timezone],
  );
  const end = rows[0]?.last_day ?? null;
  const first = rows[0]?.first_day ?? null;
  let clv: StoredClvModel;
  let rfm: StoredRfmThresholds;
  if (end === null || first === null) {
    const none: UnavailableScores = {
      available: false,
      reason: "no orders in the database",
      computed_at: computedAt,
      timezone,
      observation_end: null,
    };
    clv = none;
    rfm = none;
  } else {
    clv = await fitClv(db, end, first, timezone, computedAt, options.maxFitCustomers ?? MAX_FIT_CUSTOMERS);
    rfm = await rfmThresholds(db, end, timezone, computedAt);
  }
  await storeFact(db, CLV_MODEL_KEY, clv);
  await storeFact(db, RFM_THRESHOLDS_KEY, rfm);
  return { clv, rfm };
}

async function fitClv(
  db: Queryable,
  end: string,
  first: string,
  timezone: string,
  computedAt: string,
  maxFitCustomers: number,
): Promise<StoredClvModel> {
  const defaults = EstimateClvInput.parse({});
  const unitDays = defaults.time_unit === "week" ? 7 : 1;
  const total = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM customers");
  const every = Math.max(1, Math.ceil((total.rows[0]?.n ?? 0) / maxFitCustomers));
  const histories = await fetchHistories(db, {
    end,
    timezone,
    groupBy: "none",
    topN: 1,
    tiers: null,
    sampleEvery: every,
  });
  const customers = histories.reduce((s, h) => s + h.customers, 0);
  const repeat = histories.reduce((s, h) => s + (h.x > 0 ? h.customers : 0), 0);
  const unavailable = (reason: string): UnavailableScores => ({
    available: false,
    reason,
    computed_at: computedAt,
    timezone,
    observation_end: end,
  });
  if (customers < MIN_CUSTOMERS || repeat < MIN_CUSTOMERS) {
    return unavailable(
      `${customers} customers with orders up to ${end}${every > 1 ? ` in the 1-in-${every} sample` : ""}, ${repeat} of them repeat buyers; the CLV model needs at least ${MIN_CUSTOMERS} of each`,
    );
  }
  const purchase = fitPurchaseModel(histories, defaults.model, unitDays);
  const spend = fitSpendModel(await fetchSpendPairs(db, end, timezone, every), histories);
  const numbers = [
    ...Object.values(purchase.fitted.params),
    ...(spend.spend.model === "gamma_gamma" ? Object.values(spend.spend.params) : [spend.spend.mean]),
  ];
  if (!numbers.every(Number.isFinite)) return unavailable("the model fit did not give finite parameters");
  return {
    available: true,
    computed_at: computedAt,
    timezone,
    observation_end: end,
    first_order_day: first,
    time_unit: defaults.time_unit,
    horizon_weeks: defaults.horizon_weeks,
    monthly_discount_rate: defaults.monthly_discount_rate,
    purchase: purchase.fitted,
    spend: spend.spend,
    log_likelihood: purchase.logLikelihood,
    converged: purchase.converged,
    customers,
    repeat_buyers: spend.repeatBuyers,
    sample_every: every,
  };
}

async function rfmThresholds(
  db: Queryable,
  end: string,
  timezone: string,
  computedAt: string,
): Promise<StoredRfmThresholds> {
  const start = addDays(end, -(DEFAULT_PERIOD_DAYS - 1));
  const result = await fetchSegments(db, {
    dimension: "rfm",
    crossWith: null,
    start,
    end,
    timezone,
    analysisDate: end,
    region: null,
    acquisitionChannelId: null,
    campaignId: null,
    tier: null,
    tierWindow: { since: "", until: "", highMin: null, midMin: null },
    examples: 0,
  });
  const t = result.rfmThresholds;
  if (!t || t.n === 0 || !t.rq || !t.fq || !t.mq) {
    return {
      available: false,
      reason: `no orders from ${start} to ${end}`,
      computed_at: computedAt,
      timezone,
      observation_end: end,
    };
  }
  const cells = segmentCells(REFERENCE_RFM_SEGMENTS);
  const names = new Map(cells.cells.map((cell, i) => [String(cell), cells.segments[i] as string]));
  const sizes: Record<string, number> = {};
  for (const g of result.groups) {
    const name = names.get(String(g.a)) ?? OTHERS;
    sizes[name] = (sizes[name] ?? 0) + g.customers;
  }
  const plusOne = (q: number[]) => q.map((x) => x + 1);
  return {
    available: true,
    computed_at: computedAt,
    timezone,
    observation_end: end,
    start,
    analysis_date: end,
    edges: { recency: plusOne(t.rq), frequency: plusOne(t.fq), monetary: plusOne(t.mq) },
    customers_scored: t.n,
    segment_sizes: sizes,
  };
}

async function storeFact(db: Queryable, key: string, value: unknown): Promise<void> {
  await db.query(
    `INSERT INTO dataset_facts (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}
