import type { Queryable } from "../../db/pool.ts";
import { fetchJourneys, type JourneyFilter } from "../attribution/attribution.queries.ts";
import { runModel } from "../attribution/index.model.ts";
import { addDays } from "../period.ts";
import { fetchWeeklySeries } from "./budget.queries.ts";

export type Outcome = "revenue" | "conversions" | "gross_margin";

/** One channel's weekly history, aligned on the same weeks as every other channel. */
export interface ChannelHistory {
  channel: string;
  spend: number[];
  outcome: number[];
  /** Markov / last-touch calibration factor applied to the outcome (1 for last touch). */
  calibration: number;
}

/** Full Monday-to-Sunday weeks inside [start, end]: the window the curves are fitted on. */
export function fullWeeks(start: string, end: string): { start: string; end: string; mondays: string[] } {
  const weekday = (d: string) => (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  const first = weekday(start) === 0 ? start : addDays(start, 7 - weekday(start));
  const last = weekday(end) === 6 ? end : addDays(end, -(weekday(end) + 1));
  const mondays: string[] = [];
  for (let monday = first; addDays(monday, 6) <= last; monday = addDays(monday, 7)) mondays.push(monday);
  return { start: first, end: last, mondays };
}

/**
 * Weekly spend and outcome per channel. Last-touch outcome is computed per week in SQL; with Markov attribution each
 * channel's series is scaled by its Markov / last-touch ratio over the whole window, because removal effects are
 * only stable over many weeks (a per-week Markov model would be noise).
 */
export async function loadHistories(
  db: Queryable,
  filter: JourneyFilter,
  mondays: readonly string[],
  outcome: Outcome,
  attribution: "markov" | "last_touch",
): Promise<{ histories: ChannelHistory[]; marginMissing: number }> {
  const rows = await fetchWeeklySeries(db, filter);
  const index = new Map(mondays.map((m, i) => [m, i]));
  const byChannel = new Map<string, ChannelHistory>();
  let marginMissing = 0;
  for (const row of rows) {
    const week = index.get(row.week);
    if (week === undefined) continue;
    let history = byChannel.get(row.channel);
    if (!history) {
      history = { channel: row.channel, spend: mondays.map(() => 0), outcome: mondays.map(() => 0), calibration: 1 };
      byChannel.set(row.channel, history);
    }
    history.spend[week] = row.spend;
    history.outcome[week] =
      outcome === "revenue" ? row.revenue : outcome === "conversions" ? row.conversions : row.margin;
    marginMissing += row.orders_without_margin;
  }
  if (attribution === "markov") {
    const { journeys } = await fetchJourneys(db, filter);
    const markov = new Map(runModel("markov", journeys).credits.map((c) => [c.channel, c]));
    const last = new Map(runModel("last_touch", journeys).credits.map((c) => [c.channel, c]));
    for (const history of byChannel.values()) {
      const m = markov.get(history.channel);
      const l = last.get(history.channel);
      const key = outcome === "conversions" ? "conversions" : "value";
      const factor = m && l && l[key] > 0 ? m[key] / l[key] : 1;
      history.calibration = factor;
      history.outcome = history.outcome.map((v) => v * factor);
    }
  }
  return { histories: [...byChannel.values()], marginMissing };
}
