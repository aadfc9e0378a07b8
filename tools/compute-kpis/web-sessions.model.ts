// Web KPIs from GA4 sessions: engagement rate and session conversion rate, with their definitions. They appear
// only where web_sessions has data; a row without web data has no web fields at all (never 0 presented as data).
import { formatCount, formatPercent } from "../number-format.ts";
import { type Kpi, ratio } from "./kpis.model.ts";
import type { WebAggregate } from "./web-sessions.queries.ts";

/** Web aggregates of one KPI row. */
export interface WebInputs {
  sessions: number;
  engagedSessions: number | null;
  engagedBase: number;
  keyEvents: number | null;
  keyEventsBase: number;
}

export const WEB_DEFINITIONS: Record<string, string> = {
  sessions:
    "Sessions, engaged sessions and key events are GA4's, imported from GA4 exports (web_sessions) by day and channel group; per channel only where the channel group maps to a Beacon channel, the totals include every session",
  engagement_rate:
    "Engagement rate = engaged sessions / sessions (GA4: an engaged session lasts 10 s+, has a key event or 2+ page views)",
  session_conversion_rate:
    "Session conversion rate = GA4 key events / sessions (GA4's own 'session key event rate' counts sessions with a key event instead, so it can be lower)",
};

export const NO_WEB_DATA =
  "No web analytics (GA4) data covers this period, so sessions, engagement rate and session conversion rate are left out; load GA4 exports with `beacon import web_sessions <file>`.";

export const WEB_NOT_PER_CUSTOMER =
  "Web sessions are not recorded per customer, region or segment: sessions and web rates are left out of this view.";

/** The web inputs of an aggregate row, or undefined when it has no web data. */
export function webInputs(a: WebAggregate | undefined): WebInputs | undefined {
  if (!a || a.row_count === 0) return undefined;
  return {
    sessions: a.sessions,
    engagedSessions: a.engaged_sessions,
    engagedBase: a.engaged_base,
    keyEvents: a.key_events,
    keyEventsBase: a.key_events_base,
  };
}

/** Engagement rate and session conversion rate, each null with the reason when its inputs are missing. */
export function webKpis(w: WebInputs): { engagement_rate: Kpi; session_conversion_rate: Kpi } {
  return {
    engagement_rate:
      w.engagedSessions === null
        ? { value: null, reason: "the GA4 export had no Engaged sessions column" }
        : ratio(w.engagedSessions, w.engagedBase, "no sessions"),
    session_conversion_rate:
      w.keyEvents === null
        ? { value: null, reason: "the GA4 export had no Key events (Conversions) column" }
        : ratio(w.keyEvents, w.keyEventsBase, "no sessions"),
  };
}

/** Unrounded web metrics of a row, for period-over-period changes; none when the row has no web data. */
export function webValues(w: WebInputs | undefined): Record<string, number | null> {
  if (!w) return {};
  const kpis = webKpis(w);
  return {
    sessions: w.sessions,
    engaged_sessions: w.engagedSessions,
    key_events: w.keyEvents,
    engagement_rate: kpis.engagement_rate.value,
    session_conversion_rate: kpis.session_conversion_rate.value,
  };
}

/** The web fields a result row shows; none when the row has no web data. */
export function presentWeb(w: WebInputs | undefined): Record<string, number | null | { value: null; reason: string }> {
  if (!w) return {};
  const kpis = webKpis(w);
  const shown = (k: Kpi) => (k.value === null ? { value: null, reason: k.reason } : Math.round(k.value * 1e4) / 1e4);
  return {
    sessions: w.sessions,
    engaged_sessions: w.engagedSessions,
    key_events: w.keyEvents === null ? null : Math.round(w.keyEvents * 100) / 100,
    engagement_rate: shown(kpis.engagement_rate),
    session_conversion_rate: shown(kpis.session_conversion_rate),
  };
}

/** Says which sessions count in the totals only because their channel group maps to no channel. */
export function unmappedNote(total: WebAggregate | undefined): string | undefined {
  if (!total || total.unmapped_sessions === 0) return undefined;
  const groups = (total.unmapped_groups ?? []).slice().sort();
  const listed = groups.slice(0, 8).join(", ") + (groups.length > 8 ? ", ..." : "");
  return (
    `${Math.round(total.unmapped_sessions).toLocaleString("en-US")} sessions are in channel groups that map to no channel (${listed}): ` +
    'they count in the totals but in no channel row; map one with `beacon channels alias "<group>" <code>` and import again'
  );
}

/** The web entries of compute_kpis' definitions: what the web fields mean, or why they are absent. */
export function webDefinitions(
  total: WebAggregate | undefined,
  filtered: boolean,
  byDimensions: boolean,
  byChannel: boolean,
): Record<string, string | undefined> {
  if (filtered) return { web_sessions: WEB_NOT_PER_CUSTOMER };
  if (!total || total.row_count === 0) return { web_sessions: NO_WEB_DATA };
  return {
    ...WEB_DEFINITIONS,
    web_rows: byDimensions
      ? undefined
      : "Web sessions have no campaign, region or segment: the web fields are in the totals only for this grouping.",
    web_unmapped: byChannel ? unmappedNote(total) : undefined,
  };
}

/** "; 12,345 web sessions (engagement rate 61.2%, session conversion rate 2.10%)" for the summary, or "". */
export function webSummary(w: WebInputs | undefined): string {
  if (!w) return "";
  const kpis = webKpis(w);
  const rates = [
    kpis.engagement_rate.value === null ? null : `engagement rate ${formatPercent(kpis.engagement_rate.value, 1)}`,
    kpis.session_conversion_rate.value === null
      ? null
      : `session conversion rate ${formatPercent(kpis.session_conversion_rate.value, 2)}`,
  ].filter((x) => x !== null);
  return `; ${formatCount(w.sessions)} web sessions${rates.length ? ` (${rates.join(", ")})` : ""}`;
}
