// Shared shapes and helpers for the attribution models: plain arrays in, plain objects out, no I/O.

/** One aggregated journey: the ordered touches and what the journeys with exactly this path produced. */
export interface Journey {
  channels: readonly string[];
  conversions: number;
  value: number;
  /** Journeys with this path that ended without converting (used by the Markov model only). */
  nulls: number;
  /** Optional, for time decay: age of each touch before the conversion, in days, same length as channels. */
  ageDays?: readonly number[];
}

/** Conversions and value credited to one channel. */
export interface ChannelCredit {
  channel: string;
  conversions: number;
  value: number;
}

/** What the credits add up to: conversions and value of the converting journeys that have at least one touch. */
export interface AttributionTotals {
  conversions: number;
  value: number;
}

/** The common output of every model: one credit per channel seen in the input, sorted by conversions. */
export interface AttributionResult {
  credits: ChannelCredit[];
  totals: AttributionTotals;
}

/** Channel names in order of first appearance and their dense ids. */
export interface ChannelIndex {
  names: string[];
  ids: Map<string, number>;
}

/** Throws a RangeError naming the first journey whose numbers cannot be attributed (negative or not finite). */
export function assertValidJourneys(journeys: readonly Journey[]): void {
  for (let i = 0; i < journeys.length; i++) {
    const j = journeys[i] as Journey;
    for (const key of ["conversions", "value", "nulls"] as const) {
      const v = j[key];
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw new RangeError(`journey ${i}: ${key} must be a finite number >= 0 (got ${String(v)})`);
      }
    }
    if (j.ageDays !== undefined) {
      if (j.ageDays.length !== j.channels.length) {
        throw new RangeError(`journey ${i}: ageDays has ${j.ageDays.length} entries for ${j.channels.length} touches`);
      }
      for (const a of j.ageDays) {
        if (!Number.isFinite(a) || a < 0) throw new RangeError(`journey ${i}: ageDays must be finite and >= 0`);
      }
    }
  }
}

/** Assigns every channel that appears anywhere in the input (converting or not) a dense id. */
export function indexChannels(journeys: readonly Journey[]): ChannelIndex {
  const ids = new Map<string, number>();
  const names: string[] = [];
  for (const j of journeys) {
    for (const c of j.channels) {
      if (!ids.has(c)) {
        ids.set(c, names.length);
        names.push(c);
      }
    }
  }
  return { names, ids };
}

/** Conversions and value of the journeys a touch-based model can credit (converting, at least one touch). */
export function convertingTotals(journeys: readonly Journey[]): AttributionTotals {
  let conversions = 0;
  let value = 0;
  for (const j of journeys) {
    if (j.conversions > 0 && j.channels.length > 0) {
      conversions += j.conversions;
      value += j.value;
    }
  }
  return { conversions, value };
}

/** Turns per-id sums into sorted credits; clamps float dust below zero so credits are never negative. */
export function buildCredits(
  names: readonly string[],
  conversions: Float64Array,
  value: Float64Array,
): ChannelCredit[] {
  const credits: ChannelCredit[] = names.map((channel, k) => ({
    channel,
    conversions: clean(conversions[k] as number),
    value: clean(value[k] as number),
  }));
  return credits.sort(byCredit);
}

/** Orders credits by conversions, then value, then name, so output is stable whatever the input order. */
export function byCredit(a: ChannelCredit, b: ChannelCredit): number {
  return (
    b.conversions - a.conversions || b.value - a.value || (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0)
  );
}

function clean(x: number): number {
  // Removal-effect arithmetic can leave -1e-17 where the true answer is 0.
  return Number.isFinite(x) && x > 0 ? x : 0;
}
