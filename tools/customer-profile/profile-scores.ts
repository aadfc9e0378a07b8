// The profile's RFM and CLV sections: one customer scored with the stored RFM thresholds and CLV model (refreshed
// with the derived data), using the same formulas as segment_customers and estimate_clv.
import type { Queryable } from "../../db/pool.ts";
import { inBusinessTime } from "../business-time.ts";
import { clvSettings, predictCustomer } from "../estimate-clv/clv-fit.model.ts";
import { fetchCustomerHistory } from "../estimate-clv/estimate-clv.queries.ts";
import { RFM_DEFINITION, scoreRfm } from "../segment-customers/rfm.model.ts";
import { fetchCustomerRfmMetrics } from "../segment-customers/segment-customers.queries.ts";
import { RFM_ACTIONS } from "../segment-customers/segments.model.ts";
import type { StoredScores } from "./customer-profile.queries.ts";

const r2 = (x: number) => Math.round(x * 100) / 100;
// In a sentence as in the result's fields: the instant in the business zone the scores were computed for.
const computedIn = (s: { computed_at: string; timezone: string }) => String(inBusinessTime(s.computed_at, s.timezone));
const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** Parameters in the order the papers write them (jsonb stores keys sorted by length). */
const PARAMETER_ORDER = ["r", "alpha", "a", "b", "s", "beta", "p", "q", "v"];
const ordered = (params: object) =>
  Object.fromEntries(
    Object.entries(params)
      .sort(([x], [y]) => PARAMETER_ORDER.indexOf(x) - PARAMETER_ORDER.indexOf(y))
      .map(([k, v]) => [k, r6(v as number)]),
  );
const fittedOn = (customers: number, every: number) =>
  every > 1
    ? `a deterministic sample of ${customers.toLocaleString("en-US")} customers (id divisible by ${every}; estimate_clv fits on all, so its parameters differ slightly)`
    : `all ${customers.toLocaleString("en-US")} customers`;
const REFRESH_HINT =
  "scores are stored when data is refreshed (beacon demo, beacon import of orders or touchpoints, beacon db refresh)";

function staleNote(observationEnd: string, lastOrderDay: string | null): string | null {
  return lastOrderDay !== null && lastOrderDay > observationEnd
    ? `Orders up to ${lastOrderDay} exist but the scores use data up to ${observationEnd}: run beacon db refresh.`
    : null;
}

/** The customer's RFM segment with the stored thresholds; says why when there is none. */
export async function rfmSection(db: Queryable, customerId: number, stored: StoredScores) {
  const t = stored.rfm;
  if (t === null || !t.available) {
    return {
      segment: null,
      note:
        t === null
          ? `No RFM thresholds stored yet: ${REFRESH_HINT}.`
          : `No RFM thresholds: ${t.reason} (computed ${computedIn(t)}).`,
      fresh_as_of: t?.computed_at ?? null,
      data_up_to: t?.observation_end ?? null,
    };
  }
  const period = { start: t.start, end: t.observation_end, analysis_date: t.analysis_date, timezone: t.timezone };
  const common = {
    period,
    definition: `${RFM_DEFINITION} Thresholds over all ${t.customers_scored.toLocaleString("en-US")} buyers of the period, the same as segment_customers (dimension rfm, default rules) for this period.`,
    thresholds: {
      recency_days: t.edges.recency.map(r4),
      frequency: t.edges.frequency.map(r4),
      monetary: t.edges.monetary.map(r4),
    },
    stale: staleNote(t.observation_end, stored.lastOrderDay.rfm),
    fresh_as_of: t.computed_at,
    data_up_to: t.observation_end,
  };
  const m = await fetchCustomerRfmMetrics(db, customerId, {
    start: t.start,
    end: t.observation_end,
    analysisDate: t.analysis_date,
    timezone: t.timezone,
  });
  if (m === null) {
    return {
      segment: null,
      note: `No orders from ${t.start} to ${t.observation_end}: RFM scores only customers who bought in the period.`,
      ...common,
    };
  }
  const score = scoreRfm(m.recency, m.orders, m.revenue, t.edges);
  return {
    segment: score.segment,
    scores: {
      recency: score.recencyScore,
      frequency: score.frequencyScore,
      monetary: score.monetaryScore,
      rfm_score: score.rfmScore,
    },
    inputs: { recency_days: m.recency, orders: m.orders, revenue: r2(m.revenue) },
    segment_customers: t.segment_sizes[score.segment] ?? 0,
    action: RFM_ACTIONS[score.segment] ?? null,
    ...common,
  };
}

/** The customer's P(alive), expected purchases and predicted CLV from the stored model; says why when there is none. */
export async function clvSection(db: Queryable, customerId: number, stored: StoredScores, currency: string) {
  const model = stored.clv;
  if (model === null || !model.available) {
    return {
      predicted_clv: null,
      p_alive: null,
      note:
        model === null
          ? `No CLV model stored yet: ${REFRESH_HINT}.`
          : `No CLV model: ${model.reason} (computed ${computedIn(model)}).`,
      fresh_as_of: model?.computed_at ?? null,
      data_up_to: model?.observation_end ?? null,
    };
  }
  const unit = model.time_unit;
  const common = {
    model: `${model.purchase.model === "bg_nbd" ? "BG/NBD" : "Pareto/NBD"} + ${model.spend.model === "gamma_gamma" ? "Gamma-Gamma" : "mean repeat purchase value"}`,
    parameters: {
      purchase: ordered(model.purchase.params),
      spend: model.spend.model === "gamma_gamma" ? ordered(model.spend.params) : { mean: r2(model.spend.mean) },
      time_unit: unit,
      converged: model.converged,
      fitted_on_customers: model.customers,
      sample_every: model.sample_every,
    },
    definition:
      `estimate_clv's default model fitted on ${fittedOn(model.customers, model.sample_every)} with orders from ${model.first_order_day} to ${model.observation_end}: ` +
      `p_alive = probability the customer has not dropped out by ${model.observation_end}; expected_purchases = purchase days expected in the next ${model.horizon_weeks} weeks; ` +
      `predicted_clv = those purchases x expected value per purchase, discounted ${model.monthly_discount_rate * 100}% a month (revenue, not margin). ` +
      "One purchase = the customer's orders on one day.",
    stale: staleNote(model.observation_end, stored.lastOrderDay.clv),
    fresh_as_of: model.computed_at,
    data_up_to: model.observation_end,
  };
  const h = await fetchCustomerHistory(db, customerId, model.observation_end, model.timezone);
  if (h === null) {
    return {
      predicted_clv: null,
      p_alive: null,
      note: `No order up to ${model.observation_end}: the model predicts only for customers after their first purchase.`,
      ...common,
    };
  }
  const settings = clvSettings(model.horizon_weeks, unit, model.monthly_discount_rate);
  const p = predictCustomer(model.purchase, model.spend, settings, h);
  return {
    predicted_clv: r2(p.clv),
    p_alive: r6(p.alive),
    expected_purchases: r6(p.purchases),
    value_per_purchase: r2(p.valuePerPurchase),
    horizon_weeks: model.horizon_weeks,
    currency,
    history: {
      repeat_purchase_days: h.x,
      first_to_last_purchase_days: h.recency_days,
      first_purchase_to_end_days: h.age_days,
      mean_repeat_value: r2(h.zbar),
    },
    ...common,
  };
}
