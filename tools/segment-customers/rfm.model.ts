// RFM scoring and segmentation exactly as the R package `rfm` (rsquaredacademy, v0.3.0) does it. Pure: plain arrays
// in, plain objects out, so it is tested against the package's published numbers and reused by SQL-side scoring.

/** One named segment: a customer matches when each score lies in its closed range [lower, upper]. */
export interface RfmSegmentRule {
  name: string;
  recency: readonly [number, number];
  frequency: readonly [number, number];
  monetary: readonly [number, number];
}

/** The package's 10 reference segments, in the order they are checked (first match wins). */
export const REFERENCE_RFM_SEGMENTS: readonly RfmSegmentRule[] = [
  { name: "Champions", recency: [4, 5], frequency: [4, 5], monetary: [4, 5] },
  { name: "Loyal Customers", recency: [2, 5], frequency: [3, 5], monetary: [3, 5] },
  { name: "Potential Loyalist", recency: [3, 5], frequency: [1, 3], monetary: [1, 3] },
  { name: "New Customers", recency: [4, 5], frequency: [1, 1], monetary: [1, 1] },
  { name: "Promising", recency: [3, 4], frequency: [1, 1], monetary: [1, 1] },
  { name: "Need Attention", recency: [2, 3], frequency: [2, 3], monetary: [2, 3] },
  { name: "About To Sleep", recency: [2, 3], frequency: [1, 2], monetary: [1, 2] },
  { name: "At Risk", recency: [1, 2], frequency: [2, 5], monetary: [2, 5] },
  { name: "Can't Lose Them", recency: [1, 1], frequency: [4, 5], monetary: [4, 5] },
  { name: "Lost", recency: [1, 2], frequency: [1, 2], monetary: [1, 2] },
];

/** The segment of customers no rule matches. */
export const OTHERS = "Others";

export const RFM_DEFINITION =
  "RFM as the R package rfm (rsquaredacademy): recency = days from the customer's last order in the period to the analysis " +
  "date, frequency = orders in the period, monetary = revenue in the period, over customers with at least one order. " +
  "Each metric gets 5 bins: thresholds t1..t4 = quantile type 7 (linear interpolation, = SQL percentile_cont) at 0.2/0.4/0.6/0.8 " +
  "plus 1, bins [min, t1), [t1, t2), ..., [t4, max + 1); frequency and monetary score = bin number (1..5), recency reversed " +
  "(most recent bin = 5). rfm_score = 100 R + 10 F + M. Named segments are checked in order and the first whose closed " +
  "score ranges contain R, F and M wins; customers matching none are 'Others'.";

/** R's quantile(type = 7): linear interpolation between order statistics; NaN for an empty sample. */
export function quantileType7(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, n - 1)] as number;
  return a + (b - a) * (h - lo);
}

/** The bin edges of one metric: t1..t4 (quantile + 1), and the outer bounds min and max + 1. */
export interface RfmThresholds {
  thresholds: [number, number, number, number];
  min: number;
  maxPlusOne: number;
}

/** Thresholds of one metric as the package computes them (quantiles at 0.2..0.8, each + 1). */
export function rfmThresholds(values: readonly number[]): RfmThresholds {
  const sorted = [...values].sort((a, b) => a - b);
  const t = [0.2, 0.4, 0.6, 0.8].map((p) => quantileType7(sorted, p) + 1) as [number, number, number, number];
  return { thresholds: t, min: sorted[0] ?? Number.NaN, maxPlusOne: (sorted[sorted.length - 1] ?? Number.NaN) + 1 };
}

/**
 * Bin 1..5 of a value: the half-open interval [lower, upper) holding it. Every value is >= min, so this is one plus
 * the number of thresholds <= value; with tied thresholds the empty bins are skipped, as the package does.
 */
export function binOf(value: number, thresholds: readonly number[]): number {
  let bin = 1;
  for (const t of thresholds) if (value >= t) bin++;
  return bin;
}

/** The first rule whose ranges contain the three scores, else "Others". */
export function segmentOf(r: number, f: number, m: number, rules: readonly RfmSegmentRule[]): string {
  for (const rule of rules) {
    if (
      r >= rule.recency[0] &&
      r <= rule.recency[1] &&
      f >= rule.frequency[0] &&
      f <= rule.frequency[1] &&
      m >= rule.monetary[0] &&
      m <= rule.monetary[1]
    ) {
      return rule.name;
    }
  }
  return OTHERS;
}

/** All 125 score cells (100R + 10F + M) with their segment: lets SQL score customers and join the segment name. */
export function segmentCells(rules: readonly RfmSegmentRule[]): { cells: number[]; segments: string[] } {
  const cells: number[] = [];
  const segments: string[] = [];
  for (let r = 1; r <= 5; r++) {
    for (let f = 1; f <= 5; f++) {
      for (let m = 1; m <= 5; m++) {
        cells.push(100 * r + 10 * f + m);
        segments.push(segmentOf(r, f, m, rules));
      }
    }
  }
  return { cells, segments };
}

/** Segment names in output order: the rules' order, then Others. */
export function segmentNames(rules: readonly RfmSegmentRule[]): string[] {
  return [...rules.map((r) => r.name), OTHERS];
}

export interface RfmCustomerScore {
  recencyScore: number;
  frequencyScore: number;
  monetaryScore: number;
  rfmScore: number;
  segment: string;
}

export interface RfmSegmentSummary {
  segment: string;
  customers: number;
  orders: number;
  revenue: number;
}

export interface RfmResult {
  scores: RfmCustomerScore[];
  thresholds: { recency: RfmThresholds; frequency: RfmThresholds; monetary: RfmThresholds };
  /** One row per segment name (rules' order, then Others), empty segments included. */
  segments: RfmSegmentSummary[];
}

/**
 * Scores and segments customers from per-customer recency (days), frequency (orders) and monetary (revenue) arrays of
 * equal length. An empty input gives empty scores and zero-size segments (thresholds NaN, never used).
 */
export function rfmSegmentation(
  recency: readonly number[],
  frequency: readonly number[],
  monetary: readonly number[],
  rules: readonly RfmSegmentRule[] = REFERENCE_RFM_SEGMENTS,
): RfmResult {
  if (recency.length !== frequency.length || recency.length !== monetary.length) {
    throw new RangeError("recency, frequency and monetary must have the same length");
  }
  const thresholds = {
    recency: rfmThresholds(recency),
    frequency: rfmThresholds(frequency),
    monetary: rfmThresholds(monetary),
  };
  const summary = new Map(
    segmentNames(rules).map((name) => [name, { segment: name, customers: 0, orders: 0, revenue: 0 }]),
  );
  const edges = {
    recency: thresholds.recency.thresholds,
    frequency: thresholds.frequency.thresholds,
    monetary: thresholds.monetary.thresholds,
  };
  const scores = recency.map((rec, i) => {
    const score = scoreRfm(rec, frequency[i] as number, monetary[i] as number, edges, rules);
    const row = summary.get(score.segment);
    if (row) {
      row.customers++;
      row.orders += frequency[i] as number;
      row.revenue += monetary[i] as number;
    }
    return score;
  });
  return { scores, thresholds, segments: [...summary.values()] };
}

/** The thresholds t1..t4 (quantile + 1) of each metric: all one customer's scores need. */
export interface RfmEdges {
  recency: readonly number[];
  frequency: readonly number[];
  monetary: readonly number[];
}

/** Scores one customer against given thresholds (recency reversed) and names the segment. */
export function scoreRfm(
  recency: number,
  frequency: number,
  monetary: number,
  edges: RfmEdges,
  rules: readonly RfmSegmentRule[] = REFERENCE_RFM_SEGMENTS,
): RfmCustomerScore {
  const recencyScore = 6 - binOf(recency, edges.recency);
  const frequencyScore = binOf(frequency, edges.frequency);
  const monetaryScore = binOf(monetary, edges.monetary);
  return {
    recencyScore,
    frequencyScore,
    monetaryScore,
    rfmScore: 100 * recencyScore + 10 * frequencyScore + monetaryScore,
    segment: segmentOf(recencyScore, frequencyScore, monetaryScore, rules),
  };
}

/** Problems with a rule list, each naming the field (rules are also checked by the zod schema). */
export function ruleProblems(rules: readonly RfmSegmentRule[], field = "rfm_segments"): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  rules.forEach((rule, i) => {
    if (rule.name === OTHERS) problems.push(`${field}.${i}.name: "${OTHERS}" is reserved for unmatched customers`);
    if (seen.has(rule.name)) problems.push(`${field}.${i}.name: duplicate segment name "${rule.name}"`);
    seen.add(rule.name);
    for (const metric of ["recency", "frequency", "monetary"] as const) {
      const [lo, hi] = rule[metric];
      if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 1 && hi <= 5 && lo <= hi)) {
        problems.push(`${field}.${i}.${metric}: expected [lower, upper] scores with 1 <= lower <= upper <= 5`);
      }
    }
  });
  return problems;
}
