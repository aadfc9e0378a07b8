// Customer lifetime value: discounted model-based CLV (lifetimes `customer_lifetime_value`), the retention
// formula m r / (1 + i - r), and historical CLV.

export interface DiscountOptions {
  /** Forecast horizon in model time units. */
  horizon: number;
  /** Time units per discounting step (a "month"): lifetimes uses 30 for freq "D", 4.345 for "W". */
  stepLength: number;
  /** Discount rate per step (e.g. 0.01 per month). */
  discountRate: number;
}

/**
 * Discounted CLV: sum over steps k of (E[X(t_k)] - E[X(t_(k-1))]) * spend / (1 + d)^(t_k / step), with t_k = k * step
 * (the last step clipped to the horizon). `expectedUpTo(t)` is the customer's conditional cumulative purchases.
 */
export function discountedClv(expectedUpTo: (t: number) => number, spend: number, o: DiscountOptions): number {
  return discountedPurchases(expectedUpTo, o) * spend;
}

/** The discounted number of purchases over the horizon (CLV per unit of spend). */
export function discountedPurchases(expectedUpTo: (t: number) => number, o: DiscountOptions): number {
  const steps = Math.ceil(o.horizon / o.stepLength - 1e-9);
  let previous = 0;
  let total = 0;
  for (let k = 1; k <= steps; k++) {
    const t = Math.min(k * o.stepLength, o.horizon);
    const cumulative = expectedUpTo(t);
    total += (cumulative - previous) / (1 + o.discountRate) ** (t / o.stepLength);
    previous = cumulative;
  }
  return total;
}

/**
 * Retention-formula CLV (Farris et al., Marketing Metrics; Gupta & Lehmann): margin m per period, retention r,
 * discount rate i per period, infinite horizon, first margin at the end of period 1: m r / (1 + i - r).
 */
export function simpleClv(margin: number, retention: number, discountRate: number): number {
  if (!(retention >= 0 && retention < 1 + discountRate)) return Number.NaN;
  return (margin * retention) / (1 + discountRate - retention);
}

/** Historical CLV: revenue to date per customer. */
export function historicalClv(totalRevenue: number, customers: number): number {
  return customers > 0 ? totalRevenue / customers : 0;
}
