// What-if: move an amount of weekly spend from one channel to another and read the change off the curves.
import { type Curve, curveValue } from "./curves.model.ts";
import { quantile } from "./minimise.model.ts";

export interface WhatIfChannel {
  name: string;
  curve: Curve;
  /** Current weekly spend. */
  spend: number;
  /** Bootstrap draws of the curve (e.g. FittedChannel.draws mapped to .curve), for a band. */
  draws?: readonly Curve[];
}

export interface WhatIfResult {
  amount: number;
  from: { name: string; spendBefore: number; spendAfter: number; outcomeChange: number };
  to: { name: string; spendBefore: number; spendAfter: number; outcomeChange: number };
  /** Expected change of total outcome (negative = the move loses outcome). */
  change: number;
  /** 5th / 95th percentile of the change over paired bootstrap draws (draw i of both channels together). */
  band?: { p05: number; p95: number; draws: number };
}

/** Expected change in outcome from moving `amount` of weekly spend from channel `from` to channel `to`. */
export function whatIfMove(from: WhatIfChannel, to: WhatIfChannel, amount: number): WhatIfResult {
  if (!(amount >= 0) || !Number.isFinite(amount)) throw new RangeError(`amount must be >= 0, got ${amount}`);
  if (amount > from.spend) {
    throw new RangeError(`cannot move ${amount} from ${from.name}: it only spends ${from.spend}`);
  }
  const delta = (c: Curve, before: number, after: number): number => curveValue(c, after) - curveValue(c, before);
  const fromAfter = from.spend - amount;
  const toAfter = to.spend + amount;
  const fromChange = delta(from.curve, from.spend, fromAfter);
  const toChange = delta(to.curve, to.spend, toAfter);
  const result: WhatIfResult = {
    amount,
    from: { name: from.name, spendBefore: from.spend, spendAfter: fromAfter, outcomeChange: fromChange },
    to: { name: to.name, spendBefore: to.spend, spendAfter: toAfter, outcomeChange: toChange },
    change: fromChange + toChange,
  };
  // A channel without draws contributes its point estimate to every draw.
  const n = Math.max(from.draws?.length ?? 0, to.draws?.length ?? 0);
  if (n > 0) {
    const changes: number[] = [];
    for (let i = 0; i < n; i++) {
      const fc = from.draws?.length ? (from.draws[i % from.draws.length] as Curve) : from.curve;
      const tc = to.draws?.length ? (to.draws[i % to.draws.length] as Curve) : to.curve;
      changes.push(delta(fc, from.spend, fromAfter) + delta(tc, to.spend, toAfter));
    }
    result.band = { p05: quantile(changes, 0.05), p95: quantile(changes, 0.95), draws: n };
  }
  return result;
}
