// Two-proportion A/B statistics: normal CDF and quantile, pooled z-test, Wald and Newcombe intervals, sample size.

const SQRT2 = Math.SQRT2;
const SQRT_PI = Math.sqrt(Math.PI);

/** erfc(x) for x >= 0: series of erf (all terms positive) below 3, Lentz continued fraction above. */
function erfcPositive(x: number): number {
  if (x < 3) {
    // erf(x) = 2/sqrt(pi) e^(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1)).
    let term = x;
    let sum = x;
    for (let n = 1; n < 500; n++) {
      term *= (2 * x * x) / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  // erfc(x) = e^(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))).
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const an = n / 2;
    d = x + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = x + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / SQRT_PI / f;
}

/** Standard normal CDF Phi(z), accurate to ~1e-15 (absolute) and in relative terms in the far tails. */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  const x = Math.abs(z) / SQRT2;
  const tail = 0.5 * erfcPositive(x);
  return z < 0 ? tail : 1 - tail;
}

/** Upper tail 1 - Phi(z) without cancellation. */
export function normalSurvival(z: number): number {
  return normalCdf(-z);
}

/** Standard normal quantile: Acklam's rational approximation polished by Halley steps on normalCdf. */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239,
  ];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const A = (i: number) => a[i] as number;
  const B = (i: number) => b[i] as number;
  const C = (i: number) => c[i] as number;
  const D = (i: number) => d[i] as number;
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((C(0) * q + C(1)) * q + C(2)) * q + C(3)) * q + C(4)) * q + C(5)) /
      ((((D(0) * q + D(1)) * q + D(2)) * q + D(3)) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((A(0) * r + A(1)) * r + A(2)) * r + A(3)) * r + A(4)) * r + A(5)) * q) /
      (((((B(0) * r + B(1)) * r + B(2)) * r + B(3)) * r + B(4)) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((C(0) * q + C(1)) * q + C(2)) * q + C(3)) * q + C(4)) * q + C(5)) /
      ((((D(0) * q + D(1)) * q + D(2)) * q + D(3)) * q + 1);
  }
  for (let i = 0; i < 3; i++) {
    // Halley refinement; the error is computed on the smaller tail to keep precision.
    const e = p < 0.5 ? normalCdf(x) - p : 1 - p - normalSurvival(x);
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

export interface Arm {
  visitors: number;
  conversions: number;
}

/** Wilson score interval for one proportion. */
export function wilsonInterval(k: number, n: number, z: number): [number, number] {
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = p + (z * z) / (2 * n);
  const half = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n));
  return [(centre - half) / denom, (centre + half) / denom];
}

/** Newcombe's hybrid score interval (1998, method 10) for p_b - p_a. */
export function newcombeInterval(a: Arm, b: Arm, confidence = 0.95): [number, number] {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const pa = a.conversions / a.visitors;
  const pb = b.conversions / b.visitors;
  const [la, ua] = wilsonInterval(a.conversions, a.visitors, z);
  const [lb, ub] = wilsonInterval(b.conversions, b.visitors, z);
  const diff = pb - pa;
  return [diff - Math.sqrt((pb - lb) ** 2 + (ua - pa) ** 2), diff + Math.sqrt((ub - pb) ** 2 + (pa - la) ** 2)];
}

/** Wald interval (unpooled standard error) for p_b - p_a. */
export function waldInterval(a: Arm, b: Arm, confidence = 0.95): [number, number] {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const pa = a.conversions / a.visitors;
  const pb = b.conversions / b.visitors;
  const se = Math.sqrt((pa * (1 - pa)) / a.visitors + (pb * (1 - pb)) / b.visitors);
  return [pb - pa - z * se, pb - pa + z * se];
}

/** Pooled two-proportion z-test (= Pearson chi-square without continuity correction): z and two-sided p. */
export function twoProportionZTest(a: Arm, b: Arm): { z: number; pValue: number } {
  const pa = a.conversions / a.visitors;
  const pb = b.conversions / b.visitors;
  const pooled = (a.conversions + b.conversions) / (a.visitors + b.visitors);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.visitors + 1 / b.visitors));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (pb - pa) / se;
  return { z, pValue: 2 * normalSurvival(Math.abs(z)) };
}

/**
 * Visitors per arm to detect p1 -> p2 with a two-sided test at `alpha` and `power` (Fleiss, no continuity correction):
 * n = (z_(1-alpha/2) sqrt(2 pbar (1-pbar)) + z_power sqrt(p1 (1-p1) + p2 (1-p2)))^2 / (p2 - p1)^2.
 */
export function sampleSizePerArm(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  if (p1 === p2) return Number.POSITIVE_INFINITY;
  const za = normalQuantile(1 - alpha / 2);
  const zb = normalQuantile(power);
  const pbar = (p1 + p2) / 2;
  const root = za * Math.sqrt(2 * pbar * (1 - pbar)) + zb * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return (root * root) / ((p2 - p1) * (p2 - p1));
}

/** Power of a two-sided test at `alpha` to detect p1 -> p2 with n visitors per arm (the Fleiss formula solved for power). */
export function powerAt(p1: number, p2: number, n: number, alpha = 0.05): number {
  if (p1 === p2 || n <= 0) return alpha;
  const za = normalQuantile(1 - alpha / 2);
  const pbar = (p1 + p2) / 2;
  const zb =
    (Math.abs(p2 - p1) * Math.sqrt(n) - za * Math.sqrt(2 * pbar * (1 - pbar))) /
    Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return normalCdf(zb);
}
