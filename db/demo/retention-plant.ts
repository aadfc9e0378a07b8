// The planted weak-retention channel: customers acquired through it drop out much faster after each purchase, so
// its acquisition cohorts retain worse than every other channel's (cohort_retention must find it; see
// tests/tools/cohort-retention). Bounded on purpose: one small channel (about 4% of customers), first orders
// unchanged (same acquisition curves, CAC and first-order revenue), no extra random draws (every other customer's
// data is unchanged).

export const WEAK_RETENTION_CHANNEL = "weibo_ads";
/** The chance of staying after a purchase, (1 - p), is raised to this power: mean dropout 0.22 becomes about 0.6. */
export const WEAK_RETENTION_POWER = 4;

/** The dropout probability of a customer acquired through `channelCode`, given the population draw. */
export function plantedDropout(channelCode: string, dropout: number): number {
  return channelCode === WEAK_RETENTION_CHANNEL ? 1 - (1 - dropout) ** WEAK_RETENTION_POWER : dropout;
}
