// Which channels open converting journeys and which close them, from first-touch vs last-touch shares.
import { assertValidJourneys, indexChannels, type Journey } from "./journey.model.ts";

export const DEFAULT_OPENER_CLOSER_MARGIN = 0.2;

export interface OpenerCloserOptions {
  /** Relative margin: "opener" when firstShare > lastShare * (1 + margin), "closer" the other way; default 0.2. */
  margin?: number;
}

/** One channel's role in converting journeys. */
export interface OpenerCloserRow {
  channel: string;
  /** Share of all converting journeys' conversions whose first touch is this channel. */
  firstTouchShare: number;
  /** Share of all converting journeys' conversions whose last touch is this channel. */
  lastTouchShare: number;
  label: "opener" | "closer" | "both";
}

/**
 * Labels each channel opener / closer / both by comparing its first-touch and last-touch shares of conversions.
 * The margin is relative so small channels are judged like big ones; a channel seen only mid-journey is "both".
 */
export function openersAndClosers(journeys: readonly Journey[], options: OpenerCloserOptions = {}): OpenerCloserRow[] {
  assertValidJourneys(journeys);
  const margin = options.margin ?? DEFAULT_OPENER_CLOSER_MARGIN;
  if (!Number.isFinite(margin) || margin < 0) throw new RangeError("margin must be a finite number >= 0");
  const { names, ids } = indexChannels(journeys);
  const first = new Float64Array(names.length);
  const last = new Float64Array(names.length);
  let total = 0;
  for (const j of journeys) {
    const n = j.channels.length;
    if (j.conversions <= 0 || n === 0) continue;
    const a = ids.get(j.channels[0] as string) as number;
    const b = ids.get(j.channels[n - 1] as string) as number;
    first[a] = (first[a] as number) + j.conversions;
    last[b] = (last[b] as number) + j.conversions;
    total += j.conversions;
  }
  return names
    .map((channel, c): OpenerCloserRow => {
      const f = total > 0 ? (first[c] as number) / total : 0;
      const l = total > 0 ? (last[c] as number) / total : 0;
      const label = f > l * (1 + margin) ? "opener" : l > f * (1 + margin) ? "closer" : "both";
      return { channel, firstTouchShare: f, lastTouchShare: l, label };
    })
    .sort(
      (x, y) =>
        y.firstTouchShare - y.lastTouchShare - (x.firstTouchShare - x.lastTouchShare) ||
        (x.channel < y.channel ? -1 : x.channel > y.channel ? 1 : 0),
    );
}
