// Sample paths of the fitted Holt-Winters model (its state-space form, normal errors with the fitted variance), for
// the distribution of a sum over days (a month's total) and the probability of reaching a target. Seeded: the same
// inputs give the same answer.
import type { HoltWintersParams, HoltWintersState } from "./holt-winters.model.ts";

/** mulberry32 uniforms and Box-Muller normals. */
export function seededNormals(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * Totals of steps [from, to) (0-based steps after the series end) over `paths` simulated futures:
 *   y = l + b + s + e,  l' = l + b + alpha e,  b' = b + alpha beta e,  s' = s + gamma e,  e ~ N(0, sigma^2).
 * Negative daily values are cut at 0 when `nonNegative` (revenue, orders, spend and sign-ups cannot be negative).
 */
export function simulateTotals(
  state: HoltWintersState,
  params: HoltWintersParams,
  sigma2: number,
  from: number,
  to: number,
  options: { paths?: number; seed?: number; nonNegative?: boolean; multipliers?: readonly number[] } = {},
): number[] {
  const paths = options.paths ?? 2000;
  const normal = seededNormals(options.seed ?? 25);
  const sigma = Math.sqrt(sigma2);
  const m = state.season.length;
  const totals: number[] = [];
  for (let p = 0; p < paths; p++) {
    let level = state.level;
    let trend = state.trend;
    const season = [...state.season];
    let total = 0;
    for (let step = 0; step < to; step++) {
      const e = sigma * normal();
      const s = season[step % m] as number;
      // A holiday's factor scales the day's value (and so its noise); the state evolves on the ordinary scale.
      const y = (level + trend + s + e) * (options.multipliers?.[step] ?? 1);
      if (step >= from) total += options.nonNegative ? Math.max(0, y) : y;
      level = level + trend + params.alpha * e;
      trend = trend + params.alpha * params.beta * e;
      season[step % m] = s + params.gamma * e;
    }
    totals.push(total);
  }
  return totals;
}

/** The q-quantile (0..1) of values, by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}
