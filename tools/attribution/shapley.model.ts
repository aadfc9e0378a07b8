// Shapley attribution over channel sets: the game is v(S) = conversions of journeys whose channel set lies inside S.
//
// That game is a weighted sum of unanimity games (one per observed set T, weight conv(T)), whose Shapley value gives
// conv(T)/|T| to each member of T. So the exact Shapley value always equals the simplified closed form of Zhao,
// Mahboobi & Bagheri (2018); the subset enumeration below is kept as the textbook computation and cross-check.
import {
  type AttributionResult,
  assertValidJourneys,
  buildCredits,
  convertingTotals,
  indexChannels,
  type Journey,
} from "./journey.model.ts";

export const DEFAULT_MAX_EXACT_CHANNELS = 15;
const HARD_MAX_EXACT_CHANNELS = 20;

export interface ShapleyOptions {
  /** "exact" enumerates all 2^n channel subsets when n <= maxExactChannels; "simplified" uses the closed form. */
  method?: "exact" | "simplified";
  /** Most converting channels for the exact enumeration (cost n * 2^n); default 15, at most 20. */
  maxExactChannels?: number;
}

export interface ShapleyResult extends AttributionResult {
  /** What was computed; "simplified" with fellBack true when exact was asked for but there were too many channels. */
  method: "exact" | "simplified";
  fellBack: boolean;
  /** Channels seen in converting journeys: the players of the game. */
  players: number;
  maxExactChannels: number;
}

/** Shapley value per channel over the converting journeys' exact channel sets (order and repeats ignored). */
export function shapleyAttribution(journeys: readonly Journey[], options: ShapleyOptions = {}): ShapleyResult {
  assertValidJourneys(journeys);
  const maxExact = Math.min(options.maxExactChannels ?? DEFAULT_MAX_EXACT_CHANNELS, HARD_MAX_EXACT_CHANNELS);
  const { names, ids } = indexChannels(journeys);
  const sets = channelSets(journeys, ids);
  const players = countPlayers(sets, names.length);
  const wantExact = (options.method ?? "exact") === "exact";
  const exact = wantExact && players.count <= maxExact;
  const conversions = new Float64Array(names.length);
  const value = new Float64Array(names.length);
  if (exact) exactShapley(sets, players.ids, conversions, value);
  else simplifiedShapley(sets, conversions, value);
  return {
    credits: buildCredits(names, conversions, value),
    totals: convertingTotals(journeys),
    method: exact ? "exact" : "simplified",
    fellBack: wantExact && !exact,
    players: players.count,
    maxExactChannels: maxExact,
  };
}

interface ChannelSet {
  members: number[];
  conversions: number;
  value: number;
}

/** Converting journeys grouped by their set of distinct channels. */
function channelSets(journeys: readonly Journey[], ids: Map<string, number>): ChannelSet[] {
  // A bitmask names the set without sorting or string building while channel ids fit in 30 bits.
  const smallAlphabet = ids.size <= 30;
  const byKey = new Map<number | string, ChannelSet>();
  for (const j of journeys) {
    if (j.conversions <= 0 || j.channels.length === 0) continue;
    let key: number | string;
    if (smallAlphabet) {
      key = 0;
      for (const c of j.channels) key |= 1 << (ids.get(c) as number);
    } else {
      key = [...new Set(j.channels.map((c) => ids.get(c) as number))].sort((a, b) => a - b).join(",");
    }
    const set = byKey.get(key);
    if (set) {
      set.conversions += j.conversions;
      set.value += j.value;
    } else {
      const members = [...new Set(j.channels.map((c) => ids.get(c) as number))].sort((a, b) => a - b);
      byKey.set(key, { members, conversions: j.conversions, value: j.value });
    }
  }
  return [...byKey.values()];
}

function countPlayers(sets: readonly ChannelSet[], nChannels: number): { count: number; ids: Int32Array } {
  const bit = new Int32Array(nChannels).fill(-1);
  let count = 0;
  for (const s of sets) for (const c of s.members) if (bit[c] === -1) bit[c] = count++;
  return { count, ids: bit };
}

/** phi_i = sum over sets T containing i of conv(T) / |T|. */
function simplifiedShapley(sets: readonly ChannelSet[], conversions: Float64Array, value: Float64Array): void {
  for (const s of sets) {
    const share = 1 / s.members.length;
    for (const c of s.members) {
      conversions[c] = (conversions[c] as number) + s.conversions * share;
      value[c] = (value[c] as number) + s.value * share;
    }
  }
}

/** phi_i = sum over S not containing i of |S|!(n-|S|-1)!/n! * (v(S + i) - v(S)), by full subset enumeration. */
function exactShapley(
  sets: readonly ChannelSet[],
  bitOf: Int32Array,
  conversions: Float64Array,
  value: Float64Array,
): void {
  const n = bitOf.reduce((m, b) => Math.max(m, b + 1), 0);
  if (n === 0) return;
  const size = 1 << n;
  const vConv = new Float64Array(size);
  const vValue = new Float64Array(size);
  for (const s of sets) {
    let mask = 0;
    for (const c of s.members) mask |= 1 << (bitOf[c] as number);
    vConv[mask] = (vConv[mask] as number) + s.conversions;
    vValue[mask] = (vValue[mask] as number) + s.value;
  }
  // Sum over subsets (zeta transform): v(S) = sum of conv(T) for T inside S, in n * 2^n steps.
  for (let b = 0; b < n; b++) {
    const bit = 1 << b;
    for (let mask = 0; mask < size; mask++) {
      if (mask & bit) {
        vConv[mask] = (vConv[mask] as number) + (vConv[mask ^ bit] as number);
        vValue[mask] = (vValue[mask] as number) + (vValue[mask ^ bit] as number);
      }
    }
  }
  // weight(|S|) = |S|!(n-|S|-1)!/n! = 1 / (n * C(n-1, |S|)), built without factorials.
  const weight = new Float64Array(n);
  let binom = 1;
  for (let k = 0; k < n; k++) {
    weight[k] = 1 / (n * binom);
    binom = (binom * (n - 1 - k)) / (k + 1);
  }
  const phiConv = new Float64Array(n);
  const phiValue = new Float64Array(n);
  for (let mask = 0; mask < size; mask++) {
    const k = popcount(mask);
    if (k === n) continue;
    const w = weight[k] as number;
    for (let b = 0; b < n; b++) {
      const bit = 1 << b;
      if (mask & bit) continue;
      phiConv[b] = (phiConv[b] as number) + w * ((vConv[mask | bit] as number) - (vConv[mask] as number));
      phiValue[b] = (phiValue[b] as number) + w * ((vValue[mask | bit] as number) - (vValue[mask] as number));
    }
  }
  bitOf.forEach((b, c) => {
    if (b >= 0) {
      conversions[c] = phiConv[b] as number;
      value[c] = phiValue[b] as number;
    }
  });
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
