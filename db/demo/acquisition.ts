// Who signs up when, and through which channel. For each paid channel c and week w the expected number of new
// customers is a planted response curve of that week's spend; unpaid channels add a constant daily baseline.
// Expected counts are normalised so they sum to N, then N customers are drawn multinomially over the
// (week, channel) cells, so E[new customers in (c, w)] = K_c * f_c(spend_cw) holds for the data generated.

import { SECONDS_PER_DAY } from "./calendar.ts";
import { type ChannelSpec, type CurveSpec, PAID_SHARE } from "./catalog.ts";
import { type Period, weekOffsets } from "./period.ts";
import { multinomial, Rng, WeightedTable } from "./random.ts";
import type { SpendPlan } from "./spend.ts";

/** The planted curve of one paid channel, with the effective (post-normalisation) K. */
export interface PlantedCurve {
  channelIndex: number;
  form: CurveSpec["form"];
  K: number;
  /** exponential: rate per CNY of weekly spend. */
  b: number | null;
  /** hill: spend (CNY/week) at which half of K is reached, and the shape exponent. */
  halfSaturation: number | null;
  shape: number | null;
  meanWeeklySpend: number;
  totalSpend: number;
}

/** Constant daily acquisitions of an unpaid channel. */
export interface Baseline {
  channelIndex: number;
  perDay: number;
}

/** Value of a curve's saturating part (without K) at a weekly spend. */
export function curveShape(
  curve: Pick<PlantedCurve, "form" | "b" | "halfSaturation" | "shape">,
  spend: number,
): number {
  if (spend <= 0) return 0;
  if (curve.form === "exponential") return 1 - Math.exp(-(curve.b as number) * spend);
  const n = curve.shape as number;
  const h = curve.halfSaturation as number;
  return spend ** n / (spend ** n + h ** n);
}

export interface Allocation {
  curves: PlantedCurve[];
  baselines: Baseline[];
  /** counts[w * channels + c]: new customers of channel c in week w. */
  counts: Int32Array;
  /** Expected counts with the same layout (for checks and facts). */
  expected: Float64Array;
}

/** Fits K per channel to the generated spend, normalises, and draws the (week, channel) counts. */
export function allocateCustomers(
  seed: number,
  period: Period,
  channels: readonly ChannelSpec[],
  spend: SpendPlan,
  customers: number,
): Allocation {
  const paidShareTotal = channels.filter((c) => c.isPaid).reduce((s, c) => s + c.share, 0);
  const unpaidShareTotal = channels.filter((c) => !c.isPaid).reduce((s, c) => s + c.share, 0);
  const curves: PlantedCurve[] = [];
  const baselines: Baseline[] = [];
  channels.forEach((spec, channelIndex) => {
    const weekly = spend.channelWeekSpend[channelIndex] as Float64Array;
    if (spec.isPaid && spec.curve) {
      const totalSpend = weekly.reduce((s, v) => s + v, 0);
      const meanWeeklySpend = totalSpend / (period.days / 7);
      const curve: PlantedCurve =
        spec.curve.form === "exponential"
          ? {
              channelIndex,
              form: "exponential",
              K: 0,
              b: meanWeeklySpend > 0 ? spec.curve.saturation / meanWeeklySpend : 0,
              halfSaturation: null,
              shape: null,
              meanWeeklySpend,
              totalSpend,
            }
          : {
              channelIndex,
              form: "hill",
              K: 0,
              b: null,
              halfSaturation: spec.curve.halfSaturation * meanWeeklySpend,
              shape: spec.curve.shape,
              meanWeeklySpend,
              totalSpend,
            };
      const target = (customers * PAID_SHARE * spec.share) / paidShareTotal;
      const shapeSum = weekly.reduce((s, v) => s + curveShape(curve, v), 0);
      curve.K = shapeSum > 0 ? target / shapeSum : 0;
      curves.push(curve);
    } else if (!spec.isPaid) {
      baselines.push({
        channelIndex,
        perDay: (customers * (1 - PAID_SHARE) * spec.share) / unpaidShareTotal / period.days,
      });
    }
  });

  const C = channels.length;
  const expected = new Float64Array(period.weeks * C);
  for (let w = 0; w < period.weeks; w++) {
    const [from, to] = weekOffsets(period, w);
    for (const curve of curves) {
      const s = (spend.channelWeekSpend[curve.channelIndex] as Float64Array)[w] as number;
      expected[w * C + curve.channelIndex] = curve.K * curveShape(curve, s);
    }
    for (const b of baselines) expected[w * C + b.channelIndex] = b.perDay * (to - from);
  }
  // Rounding of spend to cents (and tiny N) can leave the total a hair off N; rescale so K stays truthful.
  const total = expected.reduce((s, v) => s + v, 0);
  const scale = total > 0 ? customers / total : 0;
  for (let i = 0; i < expected.length; i++) expected[i] = (expected[i] as number) * scale;
  for (const curve of curves) curve.K *= scale;
  for (const b of baselines) b.perDay *= scale;

  const counts = Int32Array.from(multinomial(Rng.of(seed, "allocation"), customers, Array.from(expected)));
  return { curves, baselines, counts, expected };
}

// Sign-ups by hour of the day (local clock): lunch break and evening peaks.
const HOURS = new WeightedTable(
  [3, 1.5, 0.8, 0.5, 0.4, 0.5, 1, 2, 3, 4, 4.5, 5, 6, 5.5, 4.5, 4.5, 4.5, 5, 5.5, 6.5, 8, 9, 8, 5.5].map(
    (w, hour) => [hour, w] as const,
  ),
);

/** A random second of the day, following the daily activity pattern. */
export function secondOfDay(rng: Rng): number {
  return HOURS.pick(rng) * 3600 + rng.int(3600);
}

export interface Signup {
  index: number;
  channelIndex: number;
  ts: number;
}

/**
 * Streams sign-ups in time order; customer index = position in the stream. Paid sign-ups land on days in
 * proportion to that channel's spend within the week; baseline ones spread evenly.
 */
export function* signups(seed: number, period: Period, spend: SpendPlan, allocation: Allocation, channels: number) {
  let index = 0;
  for (let w = 0; w < period.weeks; w++) {
    const [from, to] = weekOffsets(period, w);
    const rng = Rng.of(seed, "signups", w);
    const week: { channelIndex: number; ts: number }[] = [];
    for (let c = 0; c < channels; c++) {
      const n = allocation.counts[w * channels + c] as number;
      if (n === 0) continue;
      const daySpend = spend.channelDaySpend[c] as Float64Array;
      const entries: [number, number][] = [];
      for (let d = from; d < to; d++) entries.push([d, daySpend[d] as number]);
      const days = entries.some(([, v]) => v > 0)
        ? new WeightedTable(entries)
        : new WeightedTable(entries.map(([d]) => [d, 1] as const));
      for (let k = 0; k < n; k++) {
        const day = period.startDay + days.pick(rng);
        week.push({ channelIndex: c, ts: day * SECONDS_PER_DAY + secondOfDay(rng) });
      }
    }
    // Stable sort: ties keep channel order, so the stream is fully determined by the seed.
    week.sort((a, b) => a.ts - b.ts);
    for (const s of week) {
      yield { index, channelIndex: s.channelIndex, ts: s.ts } satisfies Signup;
      index++;
    }
  }
}
