// Response curves for budget allocation: outcome per week as a function of weekly spend, with their derivatives
// (the marginal return d outcome / d spend) and, where a closed form exists, the inverse of the marginal.
//
// Every curve here is increasing in spend. "log", "exponential", "logistic" (pymc-marketing's saturation, which is
// tanh-shaped and so concave on x >= 0) and "hill" with k <= 1 are concave; "hill" with k > 1 is S-shaped.
// A "sum" curve is sum_j weight_j * f_j(scale_j * x): it expresses steady-state adstock (scale 1/(1-theta)),
// finite-horizon adstock (one term per period) and averages over posterior samples without new math.

/** alpha + beta ln(shift + x); shift 0 is the textbook alpha + beta ln(x), shift s > 0 is a + b ln(1 + x/s). */
export interface LogCurve {
  form: "log";
  alpha: number;
  beta: number;
  shift: number;
}

/** L x^k / (h^k + x^k); k = 1 is Michaelis-Menten L x / (h + x). */
export interface HillCurve {
  form: "hill";
  L: number;
  h: number;
  k: number;
}

/** k (1 - e^(-b x)). */
export interface ExponentialCurve {
  form: "exponential";
  k: number;
  b: number;
}

/** pymc-marketing logistic saturation: beta (1 - e^(-lam x)) / (1 + e^(-lam x)). */
export interface LogisticCurve {
  form: "logistic";
  beta: number;
  lam: number;
}

export interface SumTerm {
  curve: Curve;
  /** Multiplier on spend before the term's curve is applied. */
  scale: number;
  /** Multiplier on the term's outcome. */
  weight: number;
}

/** sum_j weight_j * f_j(scale_j * x). */
export interface SumCurve {
  form: "sum";
  terms: SumTerm[];
}

export type Curve = LogCurve | HillCurve | ExponentialCurve | LogisticCurve | SumCurve;

/** Outcome of one week at spend x (x >= 0). */
export function curveValue(c: Curve, x: number): number {
  switch (c.form) {
    case "log":
      return c.alpha + c.beta * Math.log(c.shift + x);
    case "hill": {
      if (x <= 0) return 0;
      // Ratio form avoids overflow of x^k for large k and x.
      return c.L / (1 + (c.h / x) ** c.k);
    }
    case "exponential":
      return c.k * -Math.expm1(-c.b * x);
    case "logistic":
      return c.beta * Math.tanh((c.lam * x) / 2);
    case "sum": {
      let total = 0;
      for (const t of c.terms) total += t.weight * curveValue(t.curve, t.scale * x);
      return total;
    }
  }
}

/** Marginal return d outcome / d spend at x. */
export function curveMarginal(c: Curve, x: number): number {
  switch (c.form) {
    case "log":
      return c.beta / (c.shift + x);
    case "hill": {
      if (x <= 0) return c.k < 1 ? Number.POSITIVE_INFINITY : c.k === 1 ? c.L / c.h : 0;
      // L k r / (x (1+r)^2) with r = (h/x)^k, rearranged so r = 0 or r = Infinity give 0 instead of NaN.
      const r = (c.h / x) ** c.k;
      return (c.L * c.k) / (x * (1 + r) * (1 + 1 / r));
    }
    case "exponential":
      return c.k * c.b * Math.exp(-c.b * x);
    case "logistic": {
      const e = Math.exp(-c.lam * x);
      return (2 * c.beta * c.lam * e) / ((1 + e) * (1 + e));
    }
    case "sum": {
      let total = 0;
      for (const t of c.terms) total += t.weight * t.scale * curveMarginal(t.curve, t.scale * x);
      return total;
    }
  }
}

/**
 * Spend at which the marginal return equals lambda (> 0), unclamped (may be negative: the caller clamps to bounds);
 * undefined when there is no closed form (Hill with k != 1, sums) and the caller must solve numerically.
 */
export function curveInverseMarginal(c: Curve, lambda: number): number | undefined {
  switch (c.form) {
    case "log":
      return c.beta / lambda - c.shift;
    case "hill":
      return c.k === 1 ? Math.sqrt((c.L * c.h) / lambda) - c.h : undefined;
    case "exponential":
      return Math.log((c.k * c.b) / lambda) / c.b;
    case "logistic": {
      // 2 beta lam e / (1+e)^2 = lambda with e = e^(-lam x): a quadratic in e; the root below 1 is x >= 0.
      const r = lambda / (2 * c.beta * c.lam);
      if (r >= 0.25) return 0;
      const e = (2 * r) / (1 - 2 * r + Math.sqrt(1 - 4 * r));
      return -Math.log(e) / c.lam;
    }
    case "sum":
      return undefined;
  }
}

/** True when the marginal return never increases with spend, so equal-marginal allocation is exactly optimal. */
export function isConcave(c: Curve): boolean {
  switch (c.form) {
    case "hill":
      return c.k <= 1;
    case "sum":
      return c.terms.every((t) => t.weight >= 0 && isConcave(t.curve));
    default:
      return true;
  }
}

/** Geometric adstock s_t = x_t + theta s_(t-1); `initial` is s_(-1) (default 0). */
export function geometricAdstock(spend: readonly number[], theta: number, initial = 0): number[] {
  const out = new Array<number>(spend.length);
  let s = initial;
  for (let t = 0; t < spend.length; t++) {
    s = (spend[t] as number) + theta * s;
    out[t] = s;
  }
  return out;
}

/**
 * The curve of weekly spend held constant forever under geometric adstock theta: the adstocked level settles at
 * x / (1 - theta), so f_steady(x) = f(x / (1 - theta)).
 */
export function steadyStateCurve(c: Curve, theta: number): Curve {
  if (!(theta >= 0 && theta < 1)) throw new RangeError(`adstock theta must be in [0, 1), got ${theta}`);
  if (theta === 0) return c;
  return { form: "sum", terms: [{ curve: c, scale: 1 / (1 - theta), weight: 1 }] };
}

/**
 * pymc-marketing's finite-horizon geometric adstock for a spend held constant for `periods` periods followed by
 * `carryover` zero periods (default lMax - 1): the multiplier on x of the adstocked level in each period.
 * Weights w_k = alpha^k for k < lMax, divided by their sum when `normalize`.
 */
export function adstockMultipliers(
  alpha: number,
  lMax: number,
  periods: number,
  normalize = true,
  carryover = lMax - 1,
): number[] {
  const w = Array.from({ length: lMax }, (_, k) => alpha ** k);
  const sum = normalize ? w.reduce((a, b) => a + b, 0) : 1;
  const out: number[] = [];
  for (let t = 0; t < periods + carryover; t++) {
    let m = 0;
    for (let k = 0; k < lMax; k++) if (t - k >= 0 && t - k < periods) m += (w[k] as number) / sum;
    out.push(m);
  }
  return out;
}
