// The robust seasonal baseline: pure functions over plain arrays (tested on synthetic series).

/** Median of the values (NaN for none). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  // A typed array sorts numerically in native code: the scan takes hundreds of thousands of medians.
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: ArrayLike<number>, center = median(values)): number {
  return median(Float64Array.from(values, (v) => Math.abs(v - center)));
}

/**
 * Iglewicz and Hoaglin's modified z-score, 0.6745 (x - median) / MAD: about a standard normal z for normal data,
 * but one wild value in the baseline cannot inflate the spread and hide the next one. |z| > 3.5 is their outlier rule.
 */
export function modifiedZ(x: number, center: number, spread: number): number {
  return (0.6745 * (x - center)) / spread;
}

export interface Baseline {
  /** Median of the baseline points. */
  center: number;
  /** MAD of the baseline points, floored (see robustBaseline). */
  spread: number;
  /** How many points it rests on. */
  points: number;
}

/**
 * Baseline of day t. Centre: the median of the same weekday in the `weeks` weeks before (t-7, t-14, ...), the
 * seasonal part. Spread: the MAD of every day of those weeks around their median, which rests on 7x the points,
 * so a lucky quiet stretch of 8 Mondays cannot make an ordinary Monday look wild. `usable(i)` says whether day i
 * may serve (volume, same campaign mix); fewer than `minPoints` same-weekday points gives null. The MAD is floored
 * at `minSpread` so a flat baseline does not turn every wiggle into an outlier.
 */
export function robustBaseline(
  values: ArrayLike<number>,
  t: number,
  options: { weeks: number; minPoints: number; minSpread: number; from?: number; usable?: (i: number) => boolean },
): Baseline | null {
  // Scratch buffers, reused: the scan takes hundreds of thousands of baselines and garbage was half its time.
  const capacity = 7 * options.weeks;
  if (scratch.all.length < capacity) scratch = { all: new Float64Array(capacity), same: new Float64Array(capacity) };
  const { all, same } = scratch;
  let nAll = 0;
  let nSame = 0;
  for (let i = t - 1; i >= Math.max(options.from ?? 0, t - capacity); i--) {
    const v = values[i] as number;
    if (!Number.isFinite(v) || !(options.usable?.(i) ?? true)) continue;
    all[nAll++] = v;
    if ((t - i) % 7 === 0) same[nSame++] = v;
  }
  if (nSame < options.minPoints) return null;
  const center = medianInPlace(same.subarray(0, nSame));
  const generation = ++scratchGeneration;
  let spread: number | undefined;
  return {
    center,
    points: nSame,
    // The 56-point MAD is most of the cost; most days fail the cheaper effect-size test first and never need it.
    // It reads the scratch buffer, so it must be asked for before the next baseline is built.
    get spread() {
      if (spread === undefined) {
        if (generation !== scratchGeneration) throw new Error("baseline spread read after the next baseline");
        const points = all.subarray(0, nAll);
        const c = medianInPlace(points);
        for (let i = 0; i < nAll; i++) points[i] = Math.abs((points[i] as number) - c);
        spread = Math.max(medianInPlace(points), options.minSpread);
      }
      return spread;
    },
  };
}

let scratch = { all: new Float64Array(56), same: new Float64Array(56) };
let scratchGeneration = 0;

/** Median of a typed array, sorting it in place (numeric, native). */
function medianInPlace(values: Float64Array): number {
  if (values.length === 0) return Number.NaN;
  values.sort();
  const mid = values.length >> 1;
  return values.length % 2 === 1
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2;
}

/** ln(1 + x) for counts and money, so a zero day is finite (half a unit keeps a drop to 0 from 1 modest). */
export function logLevel(value: number): number {
  return Math.log(value + 0.5);
}

/** P(X <= k) for X ~ Poisson(lambda), summed in log space; the normal approximation above 500 (impressions). */
export function poissonCdf(k: number, lambda: number): number {
  if (k < 0) return 0;
  if (lambda <= 0) return 1;
  if (lambda > 500) return normalCdf((Math.floor(k) + 0.5 - lambda) / Math.sqrt(lambda));
  let term = -lambda; // log P(X = 0)
  let total = Math.exp(term);
  for (let i = 1; i <= Math.floor(k); i++) {
    term += Math.log(lambda) - Math.log(i);
    total += Math.exp(term);
  }
  return Math.min(1, total);
}

/**
 * Two-sided Poisson tail of an observed count: how surprising `k` is when `lambda` was expected. A count series
 * with 3 a day cannot reach a small p with a drop to 0 (p = e^-3 = 0.05), which is the minimum-volume rule for counts.
 */
export function poissonSurprise(k: number, lambda: number): number {
  if (k >= lambda) return k === 0 ? 1 : 1 - poissonCdf(k - 1, lambda);
  return poissonCdf(k, lambda);
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-x * x);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
