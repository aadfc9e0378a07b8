// Exact decompositions of a change into its drivers. A metric written as a product of factors (revenue = spend x
// clicks/spend x orders/clicks x revenue/orders) changes by the sum of one term per factor, in the metric's own
// unit, and the terms add up to the whole change: LMDI-I additive (Ang 2004) when every factor is positive in both
// periods; the Shapley decomposition (Shapley-Sun: each factor's average effect over every order of changing the
// factors) where a factor is zero, since LMDI's logarithm is undefined there. Both are exact. Pure functions.

export const METHOD = "LMDI-I additive";
export const ZERO_FALLBACK = "Shapley (zero factor)";

export const METHOD_DEFINITION =
  "Exact decomposition, one term per factor in the metric's unit, terms summing to the change: LMDI-I additive " +
  "(term = L(V1, V0) x ln(x1 / x0), L the logarithmic mean); rows with a zero factor use Shapley (also exact). " +
  "revenue = spend x 1/CPC x CVR x AOV (orders x AOV without paid traffic); ROAS = 1/CPC x CVR x AOV; " +
  "new customers = clicks x new per click (orders x new share without clicks). terms.cpc is CPC's effect.";

/** One factor of a product in both periods. */
export interface Factor {
  name: string;
  previous: number;
  current: number;
}

/** A factor's share of a change. */
export interface Term extends Factor {
  /** The change this factor accounts for, in the metric's unit; the terms sum to the total change. */
  contribution: number;
}

export interface Decomposition {
  metric: string;
  identity: string;
  method: typeof METHOD | typeof ZERO_FALLBACK;
  previous: number;
  current: number;
  change: number;
  terms: Term[];
}

/** The logarithmic mean L(a, b) = (a - b) / (ln a - ln b), L(a, a) = a; both positive. */
export function logMean(a: number, b: number): number {
  if (a === b) return a;
  // Relative closeness, not equality: ln a - ln b loses digits when a and b agree to ~1e-12.
  if (Math.abs(a - b) <= 1e-12 * Math.max(a, b)) return (a + b) / 2;
  return (a - b) / (Math.log(a) - Math.log(b));
}

const product = (xs: readonly number[]) => xs.reduce((p, x) => p * x, 1);

/** LMDI-I additive terms; every factor positive in both periods. */
export function lmdiTerms(factors: readonly Factor[]): number[] {
  const v0 = product(factors.map((f) => f.previous));
  const v1 = product(factors.map((f) => f.current));
  const weight = logMean(v1, v0);
  return factors.map((f) => weight * Math.log(f.current / f.previous));
}

/** Shapley terms: each factor's marginal effect averaged over all subsets of the others already changed. */
export function shapleyTerms(factors: readonly Factor[]): number[] {
  const n = factors.length;
  const fact = [1];
  for (let i = 1; i <= n; i++) fact.push((fact[i - 1] ?? 1) * i);
  const valueAt = (mask: number) => product(factors.map((f, i) => (mask & (1 << i) ? f.current : f.previous)));
  return factors.map((_, i) => {
    let sum = 0;
    for (let mask = 0; mask < 1 << n; mask++) {
      if (mask & (1 << i)) continue;
      let size = 0;
      for (let m = mask; m; m >>= 1) size += m & 1;
      const weight = ((fact[size] ?? 1) * (fact[n - size - 1] ?? 1)) / (fact[n] ?? 1);
      sum += weight * (valueAt(mask | (1 << i)) - valueAt(mask));
    }
    return sum;
  });
}

/** The change of a product of non-negative factors, split exactly into one term per factor. */
export function decompose(metric: string, identity: string, factors: readonly Factor[]): Decomposition {
  const positive = factors.every((f) => f.previous > 0 && f.current > 0);
  const contributions = positive ? lmdiTerms(factors) : shapleyTerms(factors);
  const previous = product(factors.map((f) => f.previous));
  const current = product(factors.map((f) => f.current));
  return {
    metric,
    identity,
    method: positive ? METHOD : ZERO_FALLBACK,
    previous,
    current,
    change: current - previous,
    terms: factors.map((f, i) => ({ ...f, contribution: contributions[i] ?? 0 })),
  };
}

/** The aggregates of one row in one period that the identities use. */
export interface Volumes {
  spend: number;
  clicks: number;
  orders: number;
  revenue: number;
  newCustomers: number;
}

/**
 * numerator / denominator in both periods. 0/0 has no value: it takes the other period's (1 when both are 0), which
 * is harmless because a zero elsewhere in the product already makes the metric 0 there. x/0 with x > 0 means the
 * identity does not hold for the row (null).
 */
function ratioFactor(name: string, n0: number, d0: number, n1: number, d1: number): Factor | null {
  if ((d0 === 0 && n0 !== 0) || (d1 === 0 && n1 !== 0)) return null;
  const a = d0 === 0 ? null : n0 / d0;
  const b = d1 === 0 ? null : n1 / d1;
  return { name, previous: a ?? b ?? 1, current: b ?? a ?? 1 };
}

const level = (name: string, previous: number, current: number): Factor => ({ name, previous, current });

/** Revenue into spend, clicks per spend (1 / CPC), CVR and AOV; orders x AOV where the row had no paid traffic. */
export function decomposeRevenue(a: Volumes, b: Volumes): Decomposition {
  const perSpend = ratioFactor("clicks_per_spend", a.clicks, a.spend, b.clicks, b.spend);
  const cvr = ratioFactor("cvr", a.orders, a.clicks, b.orders, b.clicks);
  const aov = ratioFactor("aov", a.revenue, a.orders, b.revenue, b.orders) as Factor;
  if (perSpend && cvr) {
    return decompose("revenue", "revenue = spend x (1 / CPC) x CVR x AOV", [
      level("spend", a.spend, b.spend),
      perSpend,
      cvr,
      aov,
    ]);
  }
  return decompose("revenue", "revenue = orders x AOV", [level("orders", a.orders, b.orders), aov]);
}

/** ROAS into 1 / CPC, CVR and AOV; null when a period had no spend (ROAS undefined) or spend without clicks. */
export function decomposeRoas(a: Volumes, b: Volumes): Decomposition | null {
  if (a.spend <= 0 || b.spend <= 0) return null;
  const perSpend = ratioFactor("clicks_per_spend", a.clicks, a.spend, b.clicks, b.spend) as Factor;
  const cvr = ratioFactor("cvr", a.orders, a.clicks, b.orders, b.clicks);
  const aov = ratioFactor("aov", a.revenue, a.orders, b.revenue, b.orders) as Factor;
  if (!cvr) return null;
  return decompose("roas", "ROAS = (1 / CPC) x CVR x AOV", [perSpend, cvr, aov]);
}

/** New customers into clicks and new customers per click; orders x new-customer share where there were no clicks. */
export function decomposeNewCustomers(a: Volumes, b: Volumes): Decomposition {
  const perClick = ratioFactor("new_per_click", a.newCustomers, a.clicks, b.newCustomers, b.clicks);
  if (perClick) {
    return decompose("new_customers", "new customers = clicks x new customers per click", [
      level("clicks", a.clicks, b.clicks),
      perClick,
    ]);
  }
  const share = ratioFactor("new_share", a.newCustomers, a.orders, b.newCustomers, b.orders) as Factor;
  return decompose("new_customers", "new customers = orders x new-customer share", [
    level("orders", a.orders, b.orders),
    share,
  ]);
}
