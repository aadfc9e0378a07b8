// Funnel steps from counts: impressions -> clicks -> sessions (when web data exists) -> first orders -> repeat
// buyers, each step's conversion from the step before, the change against the previous period, and the step that
// dropped most. Pure.
import { twoProportionZTest } from "../compare-ab-test/ab-test.model.ts";
import type { FunnelCounts } from "./funnel.queries.ts";

export type StepName = "impressions" | "clicks" | "sessions" | "first_orders" | "repeat_buyers";

export interface FunnelStep {
  step: StepName;
  count: number;
  /** count / the previous step's count; null for the first step or when the previous count is 0. */
  conversion: number | null;
  /** The previous step's count (the conversion's denominator); 0 for the first step. */
  base: number;
  previous_conversion?: number | null;
  /** conversion - previous_conversion (fraction points). */
  change?: number | null;
  /** conversion / previous_conversion - 1. */
  relative_change?: number | null;
  /** Two-sided p-value of a two-proportion z-test of this step's conversion, this period against the previous one. */
  p_value?: number | null;
}

/** The steps of one funnel: sessions only when web analytics exist for the period. */
export function funnelSteps(counts: FunnelCounts): FunnelStep[] {
  const raw: [StepName, number | null][] = [
    ["impressions", counts.impressions],
    ["clicks", counts.clicks],
    ["sessions", counts.sessions],
    ["first_orders", counts.firstOrders],
    ["repeat_buyers", counts.repeatBuyers],
  ];
  const present = raw.filter((r): r is [StepName, number] => r[1] !== null);
  return present.map(([step, count], i) => {
    const before = i > 0 ? (present[i - 1] as [StepName, number])[1] : 0;
    return { step, count, base: before, conversion: i > 0 && before > 0 ? count / before : null };
  });
}

/** Adds the previous period's conversion of the same step and the change. */
export function withPrevious(current: FunnelStep[], previous: FunnelStep[]): FunnelStep[] {
  return current.map((s) => {
    const earlier = previous.find((p) => p.step === s.step);
    const before = earlier?.conversion ?? null;
    const change = s.conversion === null || before === null ? null : s.conversion - before;
    const relative = s.conversion === null || before === null || before === 0 ? null : s.conversion / before - 1;
    const tested =
      change === null || !earlier
        ? null
        : twoProportionZTest(
            { visitors: earlier.base, conversions: earlier.count },
            { visitors: s.base, conversions: s.count },
          ).pValue;
    return { ...s, previous_conversion: before, change, relative_change: relative, p_value: tested };
  });
}

/** Falls smaller than this, or not significant at this level, are noise rather than a broken step. */
export const MIN_RELATIVE_FALL = 0.1;
export const DROP_ALPHA = 0.01;

/**
 * The step whose conversion fell most against the previous period (relative), among falls of at least 10% that are
 * significant at 0.01 (a fall from 2 of 21 to 0 of 18 repeat buyers is not a broken step); null when none did.
 */
export function biggestDrop(steps: readonly FunnelStep[]): FunnelStep | null {
  const fallen = steps.filter(
    (s) => (s.relative_change ?? 0) <= -MIN_RELATIVE_FALL && s.p_value !== null && (s.p_value ?? 1) < DROP_ALPHA,
  );
  return fallen.sort((a, b) => (a.relative_change as number) - (b.relative_change as number))[0] ?? null;
}

/** Sums the counts of several channels (sessions stay null when there were none). */
export function sumCounts(list: readonly FunnelCounts[]): FunnelCounts {
  const sessions = list.some((c) => c.sessions !== null) ? list.reduce((s, c) => s + (c.sessions ?? 0), 0) : null;
  return {
    channel: null,
    impressions: list.reduce((s, c) => s + c.impressions, 0),
    clicks: list.reduce((s, c) => s + c.clicks, 0),
    sessions,
    firstOrders: list.reduce((s, c) => s + c.firstOrders, 0),
    repeatBuyers: list.reduce((s, c) => s + c.repeatBuyers, 0),
  };
}
