// Rule-based attribution: each converting journey splits its conversions and value over its touches by fixed weights.
import {
  type AttributionResult,
  assertValidJourneys,
  buildCredits,
  convertingTotals,
  indexChannels,
  type Journey,
} from "./journey.model.ts";

/** Fills weights[0..n) (summing to 1) for the touches of one journey. */
type TouchWeights = (journey: Journey, weights: Float64Array) => void;

/** Spreads each converting journey over its touches; zero-conversion journeys only add their channels with 0. */
function distribute(journeys: readonly Journey[], weigh: TouchWeights): AttributionResult {
  assertValidJourneys(journeys);
  const { names, ids } = indexChannels(journeys);
  const conversions = new Float64Array(names.length);
  const value = new Float64Array(names.length);
  let maxLength = 0;
  for (const j of journeys) maxLength = Math.max(maxLength, j.channels.length);
  const buffer = new Float64Array(maxLength);
  for (const j of journeys) {
    const n = j.channels.length;
    if (j.conversions <= 0 || n === 0) continue;
    const weights = buffer.subarray(0, n);
    weights.fill(0);
    weigh(j, weights);
    for (let i = 0; i < n; i++) {
      const w = weights[i] as number;
      if (w === 0) continue;
      const id = ids.get(j.channels[i] as string) as number;
      conversions[id] = (conversions[id] as number) + j.conversions * w;
      value[id] = (value[id] as number) + j.value * w;
    }
  }
  return { credits: buildCredits(names, conversions, value), totals: convertingTotals(journeys) };
}

/** First touch: the first channel of each converting journey gets all of it. */
export function firstTouch(journeys: readonly Journey[]): AttributionResult {
  return distribute(journeys, (_j, w) => {
    w[0] = 1;
  });
}

/** Last touch: the last channel of each converting journey gets all of it. */
export function lastTouch(journeys: readonly Journey[]): AttributionResult {
  return distribute(journeys, (_j, w) => {
    w[w.length - 1] = 1;
  });
}

export interface LastNonDirectOptions {
  /** Channels that count as direct (compared case-insensitively, trimmed); default ["direct"]. */
  directChannels?: readonly string[];
}

/** Last non-direct touch: the last touch that is not direct; a journey of direct touches only credits its last touch. */
export function lastNonDirectTouch(
  journeys: readonly Journey[],
  options: LastNonDirectOptions = {},
): AttributionResult {
  const direct = new Set((options.directChannels ?? ["direct"]).map(normaliseName));
  return distribute(journeys, (j, w) => {
    let pick = j.channels.length - 1;
    for (let i = j.channels.length - 1; i >= 0; i--) {
      if (!direct.has(normaliseName(j.channels[i] as string))) {
        pick = i;
        break;
      }
    }
    w[pick] = 1;
  });
}

/** Linear: every touch gets an equal share, so a channel repeated in a journey is credited once per touch. */
export function linearTouch(journeys: readonly Journey[]): AttributionResult {
  return distribute(journeys, (_j, w) => {
    w.fill(1 / w.length);
  });
}

export interface TimeDecayOptions {
  /** Half-life of a touch's weight, in days (in touches when a journey has no ageDays); default 7. */
  halfLifeDays?: number;
}

/**
 * Time decay: weight 2^(-age/halfLife), normalised per journey. Age is ageDays when given; otherwise the distance
 * from the conversion in touches (last touch 0, the one before 1, ...), so halfLifeDays then reads as touches.
 */
export function timeDecay(journeys: readonly Journey[], options: TimeDecayOptions = {}): AttributionResult {
  const halfLife = options.halfLifeDays ?? 7;
  if (!Number.isFinite(halfLife) || halfLife <= 0) throw new RangeError("halfLifeDays must be a finite number > 0");
  return distribute(journeys, (j, w) => {
    const n = w.length;
    const age = (i: number): number => (j.ageDays ? (j.ageDays[i] as number) : n - 1 - i);
    // Measuring from the youngest touch keeps the largest weight at 1, so very old journeys cannot underflow to 0/0.
    let youngest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) youngest = Math.min(youngest, age(i));
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const x = 2 ** (-(age(i) - youngest) / halfLife);
      w[i] = x;
      sum += x;
    }
    for (let i = 0; i < n; i++) w[i] = (w[i] as number) / sum;
  });
}

export interface PositionBasedOptions {
  /** Share of the first touch; default 0.4. */
  firstWeight?: number;
  /** Share of the last touch; default 0.4. The middle touches split 1 - first - last evenly. */
  lastWeight?: number;
}

/**
 * Position based (U-shaped, default 40/20/40). One touch takes 100%; two touches split first:last in proportion
 * (50/50 with the defaults) because there is no middle to take the rest.
 */
export function positionBased(journeys: readonly Journey[], options: PositionBasedOptions = {}): AttributionResult {
  const first = options.firstWeight ?? 0.4;
  const last = options.lastWeight ?? 0.4;
  if (!(first >= 0 && last >= 0 && first + last <= 1 + 1e-12)) {
    throw new RangeError("firstWeight and lastWeight must be >= 0 and add up to at most 1");
  }
  return distribute(journeys, (_j, w) => {
    const n = w.length;
    if (n === 1) {
      w[0] = 1;
    } else if (n === 2) {
      const ends = first + last;
      w[0] = ends > 0 ? first / ends : 0.5;
      w[1] = ends > 0 ? last / ends : 0.5;
    } else {
      const middle = Math.max(0, 1 - first - last) / (n - 2);
      w.fill(middle);
      w[0] = first;
      w[n - 1] = last;
      // Renormalising absorbs first + last landing a hair above 1 by float error (and the all-zero case).
      const sum = first + last + middle * (n - 2);
      if (sum > 0) for (let i = 0; i < n; i++) w[i] = (w[i] as number) / sum;
      else w.fill(1 / n);
    }
  });
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase();
}
