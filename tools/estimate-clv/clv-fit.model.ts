// The fit estimate_clv runs (BG/NBD or Pareto/NBD + Gamma-Gamma on grouped histories) and the per-customer
// prediction from fitted parameters: shared by the tool and by the stored model the customer profile reads.
import { type BgNbdParams, bgNbdConditionalExpected, bgNbdProbabilityAlive, fitBgNbd } from "./bg-nbd.model.ts";
import { discountedPurchases } from "./clv.model.ts";
import { fitGammaGamma, type GammaGammaParams, gammaGammaExpectedSpend } from "./gamma-gamma.model.ts";
import {
  fitParetoNbd,
  type ParetoNbdParams,
  paretoNbdConditionalExpected,
  paretoNbdProbabilityAlive,
} from "./pareto-nbd.model.ts";

/** Days in the average Gregorian month: the discounting step. */
export const DAYS_PER_MONTH = 365.25 / 12;
/** Fewest customers with a purchase (and repeat buyers for Gamma-Gamma) before a model is used. */
export const MIN_CUSTOMERS = 20;

/** One purchase history (x, t_x and T in days) shared by `customers` customers; sum_zbar over them. */
export interface History {
  x: number;
  recency_days: number;
  age_days: number;
  customers: number;
  sum_zbar: number;
}

export interface Predictor {
  expected(t: number, x: number, tx: number, T: number): number;
  alive(x: number, tx: number, T: number): number;
}

/** The fitted repeat-purchase model, tagged so it can be stored as JSON and rebuilt. */
export type PurchaseModel = { model: "bg_nbd"; params: BgNbdParams } | { model: "pareto_nbd"; params: ParetoNbdParams };

/** Value per purchase: Gamma-Gamma when it fitted, else the mean repeat purchase value for everyone. */
export type SpendModel = { model: "gamma_gamma"; params: GammaGammaParams } | { model: "mean"; mean: number };

/** Horizon, discounting step (both in model time units) and discount rate per step. */
export interface ClvSettings {
  unitDays: number;
  horizon: number;
  stepLength: number;
  discountRate: number;
}

/** The settings for a horizon in weeks, a time unit and a monthly discount rate. */
export function clvSettings(horizonWeeks: number, timeUnit: "day" | "week", monthlyRate: number): ClvSettings {
  const unitDays = timeUnit === "week" ? 7 : 1;
  return {
    unitDays,
    horizon: (horizonWeeks * 7) / unitDays,
    stepLength: DAYS_PER_MONTH / unitDays,
    discountRate: monthlyRate,
  };
}

/** Predictions of the fitted purchase model. */
export function predictorOf(m: PurchaseModel): Predictor {
  if (m.model === "pareto_nbd") {
    const p = m.params;
    return {
      expected: (t, x, tx, T) => paretoNbdConditionalExpected(p, t, x, tx, T),
      alive: (x, tx, T) => paretoNbdProbabilityAlive(p, x, tx, T),
    };
  }
  const p = m.params;
  return {
    expected: (t, x, tx, T) => bgNbdConditionalExpected(p, t, x, tx, T),
    alive: (x, tx, T) => bgNbdProbabilityAlive(p, x, tx, T),
  };
}

/** Fits the purchase model on the histories (sorted first, so the same data always gives the same fit). */
export function fitPurchaseModel(
  histories: readonly History[],
  model: "bg_nbd" | "pareto_nbd",
  unitDays: number,
): { fitted: PurchaseModel; logLikelihood: number; converged: boolean } {
  const sorted = [...histories].sort(
    (a, b) => a.x - b.x || a.recency_days - b.recency_days || a.age_days - b.age_days || a.customers - b.customers,
  );
  const summary = {
    x: sorted.map((h) => h.x),
    tx: sorted.map((h) => h.recency_days / unitDays),
    T: sorted.map((h) => h.age_days / unitDays),
    weight: sorted.map((h) => h.customers),
  };
  if (model === "pareto_nbd") {
    const fit = fitParetoNbd(summary);
    return { fitted: { model, params: fit.params }, logLikelihood: fit.logLikelihood, converged: fit.converged };
  }
  const fit = fitBgNbd(summary);
  return { fitted: { model, params: fit.params }, logLikelihood: fit.logLikelihood, converged: fit.converged };
}

/**
 * Fits Gamma-Gamma on repeat buyers' (x, mean value) pairs; when there are too few of them or q <= 1 (no finite
 * mean), the spend model is the mean repeat purchase value over the histories.
 */
export function fitSpendModel(
  pairs: readonly { x: number; m: number; customers: number }[],
  histories: readonly History[],
): { spend: SpendModel; gg: GammaGammaParams; logLikelihood: number; repeatBuyers: number } {
  const repeatBuyers = pairs.reduce((s, p) => s + p.customers, 0);
  const gg = fitGammaGamma({
    x: pairs.map((p) => p.x),
    m: pairs.map((p) => p.m),
    weight: pairs.map((p) => p.customers),
  });
  if (repeatBuyers >= MIN_CUSTOMERS && gg.params.q > 1) {
    return {
      spend: { model: "gamma_gamma", params: gg.params },
      gg: gg.params,
      logLikelihood: gg.logLikelihood,
      repeatBuyers,
    };
  }
  let sum = 0;
  let n = 0;
  for (const h of histories) {
    if (h.x > 0) {
      sum += h.sum_zbar;
      n += h.customers;
    }
  }
  return {
    spend: { model: "mean", mean: n > 0 ? sum / n : 0 },
    gg: gg.params,
    logLikelihood: gg.logLikelihood,
    repeatBuyers,
  };
}

/** Expected value per purchase of one customer with x repeat purchases of mean value m. */
export function spendPerPurchase(s: SpendModel, x: number, m: number): number {
  return s.model === "gamma_gamma" ? gammaGammaExpectedSpend(s.params, x, m) : s.mean;
}

/** The summed expected value per purchase of a history's customers (linear in their mean values). */
export function spendOfHistory(s: SpendModel, h: History): number {
  if (s.model === "mean") return h.customers * s.mean;
  const { p, q, v } = s.params;
  const population = (v * p) / (q - 1);
  const w = (p * h.x) / (p * h.x + q - 1);
  return h.customers * (1 - w) * population + w * h.sum_zbar;
}

/** Predicted purchases over the horizon, P(alive) and discounted purchases of one history (t_x, T in days). */
export function predictHistory(
  predictor: Predictor,
  h: { x: number; recency_days: number; age_days: number },
  s: ClvSettings,
): { purchases: number; alive: number; discounted: number } {
  const tx = h.recency_days / s.unitDays;
  const T = h.age_days / s.unitDays;
  return {
    purchases: predictor.expected(s.horizon, h.x, tx, T),
    alive: predictor.alive(h.x, tx, T),
    discounted: discountedPurchases((t) => predictor.expected(t, h.x, tx, T), s),
  };
}

/** One customer's predictions: purchases, P(alive), value per purchase and discounted predicted CLV. */
export function predictCustomer(
  purchase: PurchaseModel,
  spend: SpendModel,
  s: ClvSettings,
  h: { x: number; recency_days: number; age_days: number; zbar: number },
): { purchases: number; alive: number; valuePerPurchase: number; clv: number } {
  const v = predictHistory(predictorOf(purchase), h, s);
  const valuePerPurchase = spendPerPurchase(spend, h.x, h.zbar);
  return { purchases: v.purchases, alive: v.alive, valuePerPurchase, clv: v.discounted * valuePerPurchase };
}
