// The driver sentence of an anomaly: which components moved against their own baselines, from numbers only.
import { DRIVER_PARTS, hasMetric, METRICS, type Series } from "./metrics.model.ts";
import type { SeriesKey } from "./series.model.ts";

/** A component within +-10% of its baseline is "normal": smaller moves are everyday noise, not the cause. */
export const NORMAL_BAND = 0.1;

/** "+55%", "-100%". */
export function percent(change: number): string {
  const p = Math.round(change * 100);
  return `${p >= 0 ? "+" : "\u2212"}${Math.abs(p)}%`;
}

function describe(label: string, change: number | null): string {
  if (change === null) return `${label} n/a`;
  return Math.abs(change) < NORMAL_BAND ? `${label} normal` : `${label} ${percent(change)}`;
}

/**
 * E.g. "CPC +98% (spend normal, clicks -51%) on douyin_ads from 2026-08-10". ROAS = AOV x CVR / CPC, so a ROAS
 * move names which of the three moved; CPC = spend / clicks, CVR = orders / clicks, revenue = orders x AOV.
 */
export function driverText(
  key: SeriesKey,
  series: Series,
  change: number | null,
  from: string,
  changeOfPart: (part: Series | "aov") => number | null,
): string {
  const label = METRICS[series].label;
  const head = change === null ? `${label} up from 0` : `${label} ${percent(change)}`;
  const parts = DRIVER_PARTS[series]
    .filter((p) => hasMetric(key, METRICS[p]))
    .map((p) => describe(METRICS[p].label, changeOfPart(p)));
  const where = key.level === "campaign" ? `${key.key} (${key.channel})` : key.key;
  const hint = series === "claimed_conversions" ? outageHint(change, changeOfPart("orders")) : "";
  return `${head}${parts.length ? ` (${parts.join(", ")})` : ""} on ${where} from ${from}${hint}`;
}

/** Reported conversions collapsing while real orders hold is the signature of a broken pixel or postback. */
function outageHint(claims: number | null, orders: number | null): string {
  if (claims === null || orders === null) return "";
  return claims <= -0.9 && Math.abs(orders) < 0.25 ? ": the platform's tracking likely failed (orders held)" : "";
}
