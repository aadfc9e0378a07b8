// The customer summary every buy-till-you-die model starts from (the lifetimes "RFM" frame).

/**
 * Per customer (or per group of identical customers): x = repeat purchases (purchase periods after the first),
 * tx = time of the last purchase after the first (recency), T = time from the first purchase to the observation
 * end (age), all in one time unit; weight = how many customers share the row (1 for raw data).
 */
export interface CustomerSummary {
  x: ArrayLike<number>;
  tx: ArrayLike<number>;
  T: ArrayLike<number>;
  weight?: ArrayLike<number>;
}

/** Number of rows in a summary. */
export function summarySize(d: CustomerSummary): number {
  return d.x.length;
}

/** Weight of row i (1 when the summary carries no weights). */
export function weightAt(d: CustomerSummary, i: number): number {
  return d.weight ? (d.weight[i] as number) : 1;
}

/** Starting purchase rate for the optimisers: total repeat purchases over total customer time. */
export function meanRate(d: CustomerSummary): { rate: number; meanT: number } {
  let sx = 0;
  let sT = 0;
  let w = 0;
  for (let i = 0; i < d.x.length; i++) {
    const wi = weightAt(d, i);
    sx += wi * (d.x[i] as number);
    sT += wi * (d.T[i] as number);
    w += wi;
  }
  return { rate: sx > 0 && sT > 0 ? sx / sT : 1, meanT: w > 0 ? sT / w : 1 };
}
