// web_sessions: daily web analytics (GA4 traffic acquisition reports and explorations, as downloaded) by channel
// group, source / medium and campaign. Channel groups map to Beacon's channels where the catalogue (or an alias)
// names them; the others are kept as text and listed once in the report.

import { currencyInHeader, type DefaultCurrency } from "../currency.ts";
import { defineImporter, type ImportSession, type Prepared } from "../entity.ts";
import { ImportValidationError } from "../errors.ts";
import { field, type Money, rowSchema } from "../fields.ts";
import { ga4ReportRange, type ReportRange } from "./ga4-preamble.ts";

const fields = {
  day: field.date({
    required: false,
    aliases: ["date", "日期"],
    description:
      "Required: the day (GA4 writes 20260301). A report without the Date dimension is a total over its range and is refused: add Date and export again.",
  }),
  channel_group: field.text({
    required: false,
    aliases: [
      "session primary channel group (default channel group)",
      "session primary channel group",
      "session default channel group",
      "session default channel grouping",
      "default channel group",
      "channel group",
      "会话主要渠道组(默认渠道组)",
      "会话主要渠道组",
      "会话默认渠道组",
      "默认渠道组",
    ],
    description:
      "GA4 channel group as exported (Organic Search, Paid Social ...); mapped to a channel by code, name, platform or alias.",
  }),
  source_medium: field.text({
    required: false,
    aliases: ["session source / medium", "source / medium", "会话来源/媒介", "来源/媒介"],
    description: "GA4 session source / medium (google / cpc ...); tried before the channel group when mapping.",
  }),
  campaign: field.text({
    required: false,
    aliases: [
      "session campaign",
      "session campaign name",
      "session manual campaign name",
      "campaign name",
      "会话广告系列",
    ],
    description: "GA4 session campaign, kept as text ((organic), (direct), spring_sale ...).",
  }),
  sessions: field.count({
    required: true,
    aliases: ["会话数", "会话"],
    description: "Sessions that day, >= 0.",
  }),
  engaged_sessions: field.count({
    required: false,
    aliases: ["engaged sessions", "互动会话数", "参与度高的会话数"],
    description:
      "Engaged sessions, at most Sessions; engagement rate is derived from it (an 'Engagement rate' column is ignored).",
  }),
  key_events: field.decimal({
    required: false,
    aliases: ["key events", "conversions", "关键事件", "转化次数", "转化"],
    description: "GA4 key events (called Conversions before 2024), >= 0, may be fractional.",
  }),
  revenue: field.money({
    required: false,
    aliases: ["total revenue", "purchase revenue", "总收入", "收入"],
    description:
      "GA4 total revenue, >= 0; GA4 files do not name the property's currency: read as --currency (or a unit in the header), else BEACON_CURRENCY, and stored in BEACON_CURRENCY.",
  }),
};

const TOTAL = /^(?:grand total|totals?|合计|总计)$/i;
/** What GA4 writes for a missing dimension value; an empty cell in a present column means the same. */
const NOT_SET = "(not set)";
const LISTED = 10;

/** Per import: the report's range, the (day, channel group) pairs written, and what mapped to which channel. */
interface RunState {
  range: ReportRange;
  /** What revenue cells that name no currency are in, and why. */
  revenueCurrency: DefaultCurrency;
  scope: Set<string>;
  mapped: Map<string, string>;
  unmapped: Map<string, { rows: number; sessions: number }>;
}
const states = new WeakMap<ImportSession, RunState>();

/** Imports daily web sessions; upserts on (day, channel group, source / medium, campaign). */
export const webSessionsImporter = defineImporter({
  entity: "web_sessions",
  description:
    "Daily web sessions, engaged sessions, key events and revenue by channel group, source / medium and campaign, as GA4 exports them (comment lines, 20260301 dates).",
  fields,
  needsChannels: () => false,
  keyDescription: "day, channel group, source / medium and campaign",
  duplicates: "error",
  duplicateHint:
    " (one row per day, channel group, source / medium and campaign: export without other dimensions such as device or country)",
  target: {
    table: "web_sessions",
    conflict: ["day", "channel_group", "source_medium", "campaign_name"],
    columns: [
      { name: "day", type: "date" },
      { name: "channel_group", type: "text" },
      { name: "source_medium", type: "text" },
      { name: "campaign_name", type: "text" },
      { name: "channel_id", type: "integer" },
      { name: "sessions", type: "bigint" },
      { name: "engaged_sessions", type: "bigint", fields: ["engaged_sessions"] },
      { name: "key_events", type: "numeric", fields: ["key_events"] },
      { name: "revenue", type: "numeric", fields: ["revenue"] },
      { name: "currency", type: "text", fields: ["revenue"] },
    ],
  },
  schema: (context) =>
    rowSchema(fields, context).superRefine((row, ctx) => {
      if (row.engaged_sessions !== null && row.engaged_sessions > row.sessions) {
        ctx.addIssue({
          code: "custom",
          path: ["engaged_sessions"],
          message: `exceeds the row's ${row.sessions} sessions`,
        });
      }
    }),
  async begin(session) {
    const range = ga4ReportRange(session.preamble);
    if (!session.present.has("day"))
      throw new ImportValidationError(session.file, [{ line: 1, reason: noDateReason(range) }]);
    const revenueCurrency = fileCurrency(session);
    states.set(session, { range, revenueCurrency, scope: new Set(), mapped: new Map(), unmapped: new Map() });
    if ((await session.refs.loadChannels()) === 0) {
      session.note("the channel catalogue is empty: every channel group is stored without a channel");
    }
    if (range.title || range.start) {
      const span = range.start ? ` for ${range.start} to ${range.end ?? "?"}` : "";
      session.note(`GA4 export${range.title ? ` "${range.title}"` : ""}${span}`);
    }
    if (session.present.has("revenue")) {
      const { code, why } = revenueCurrency;
      const base = session.fx.base;
      session.note(`revenue in ${code} (${why})${code === base ? "" : `, stored in ${base} (BEACON_CURRENCY)`}`);
    }
  },
  async prepare(rows, session) {
    const state = stateOf(session);
    const out: Prepared = { records: [], problems: [] };
    for (const { line, value: row } of rows) {
      const group = dimension(row.channel_group, session.present.has("channel_group"));
      const source = dimension(row.source_medium, session.present.has("source_medium"));
      const campaign = dimension(row.campaign, session.present.has("campaign"));
      if (row.day === null) {
        // GA4 tables carry a totals row without a date ("Grand total", or the dimensions left empty).
        if ([row.channel_group, row.source_medium, row.campaign].every((d) => d === null || TOTAL.test(d))) {
          session.tally("skipped as the report's total row (no date)");
        } else out.problems.push({ line, field: "day", reason: "is required but empty" });
        continue;
      }
      const revenue = row.revenue === null ? null : await inBase(session, state, row.revenue, row.day);
      if (revenue !== null && !revenue.ok) {
        // One problem per missing rate is enough: the import is refused and nothing of this row is written.
        if (revenue.report) out.problems.push({ line, field: "revenue", reason: revenue.error });
        continue;
      }
      const channelId = mapChannel(session, state, source, group, row.sessions);
      state.scope.add(`${row.day}\u0000${group}`);
      out.records.push({
        line,
        value: {
          day: row.day,
          channel_group: group,
          source_medium: source,
          campaign_name: campaign,
          channel_id: channelId,
          sessions: row.sessions,
          engaged_sessions: row.engaged_sessions,
          key_events: row.key_events,
          revenue: revenue?.value ?? null,
          currency: session.fx.base,
        },
      });
    }
    return out;
  },
  async finish(session) {
    const state = stateOf(session);
    const replaced = await replaceOtherBreakdowns(session, state.scope);
    if (replaced > 0) {
      session.note(
        `replaced ${replaced} row(s) of the same days stored with another breakdown (other dimensions), so sessions are not counted twice`,
      );
    }
    noteMapping(session, state);
    for (const note of session.fx.notes("revenue")) session.note(note);
    return undefined;
  },
});

/** Revenue cells without a currency mark: --currency, else a unit in the header ("Total revenue (USD)"), else the base. */
function fileCurrency(session: ImportSession): DefaultCurrency {
  const header = session.head.of("revenue");
  const unit = header === undefined ? null : currencyInHeader(header);
  return session.fx.defaultCurrency(unit !== null && header !== undefined ? { header, code: unit } : null);
}

/** A revenue cell in BEACON_CURRENCY (converted with fx_rates or --fx-rate), or why not; a missing rate once per currency. */
async function inBase(
  session: ImportSession,
  state: RunState,
  money: Money,
  day: string,
): Promise<{ ok: true; value: string } | { ok: false; error: string; report: boolean }> {
  const currency = money.currency ?? state.revenueCurrency.code;
  const converted = await session.fx.toBase(money.amount, currency, day);
  if (converted.ok) return { ok: true, value: converted.value.amount };
  return { ok: false, error: converted.error, report: session.fx.firstMiss(currency) };
}

function stateOf(session: ImportSession): RunState {
  const state = states.get(session);
  if (!state) throw new Error("web_sessions: begin() did not run");
  return state;
}

/** '' when the export has no such column (so the key stays unique without NULLs), else the value or "(not set)". */
function dimension(value: string | null, present: boolean): string {
  if (!present) return "";
  return value ?? NOT_SET;
}

function noDateReason(range: ReportRange): string {
  const span = range.start ? ` (${range.start} to ${range.end ?? "?"})` : "";
  return (
    `the report has no Date column, so its numbers are totals over the whole range${span} and cannot be stored per day: ` +
    "in GA4 add the Date dimension (a report: the + next to the first column > Time > Date; an exploration: Date in Rows) and download it again"
  );
}

/** The channel of the row: its source / medium when the catalogue or an alias names it, else its channel group. */
function mapChannel(
  session: ImportSession,
  state: RunState,
  source: string,
  group: string,
  sessions: number,
): number | null {
  for (const text of [source, group]) {
    if (text === "") continue;
    const hit = session.refs.channel(text);
    if (hit.ok) {
      state.mapped.set(text, hit.value.code);
      return hit.value.id;
    }
  }
  // Listed by channel group (what people alias), or by source / medium in an export without groups.
  const label = group || source;
  if (label !== "") {
    const seen = state.unmapped.get(label) ?? { rows: 0, sessions: 0 };
    state.unmapped.set(label, { rows: seen.rows + 1, sessions: seen.sessions + sessions });
  }
  return null;
}

/**
 * Rows of the file's days stored with another breakdown (say, by channel group only, when this file adds source /
 * medium) describe the same sessions: keeping both would count them twice, so the file replaces them. A file with
 * channel groups replaces only its own groups' rows, so a report filtered to one group leaves the others alone.
 */
async function replaceOtherBreakdowns(session: ImportSession, scope: ReadonlySet<string>): Promise<number> {
  if (scope.size === 0) return 0;
  const pairs = [...scope].map((s) => s.split("\u0000"));
  const { rowCount } = await session.client.query(
    `DELETE FROM web_sessions w
     USING (SELECT DISTINCT d, g FROM unnest($1::date[], $2::text[]) AS f(d, g)) f
     WHERE w.day = f.d
       AND (f.g = '' OR w.channel_group = '' OR w.channel_group = f.g)
       AND (w.channel_group <> '', w.source_medium <> '', w.campaign_name <> '')
           IS DISTINCT FROM ($3::boolean, $4::boolean, $5::boolean)`,
    [
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
      session.present.has("channel_group"),
      session.present.has("source_medium"),
      session.present.has("campaign"),
    ],
  );
  return rowCount ?? 0;
}

/** One note for the mapped channel groups, one per unmapped group with the command that maps it. */
function noteMapping(session: ImportSession, state: RunState): void {
  if (state.mapped.size > 0) {
    const pairs = [...state.mapped].map(([text, code]) => `${text} -> ${code}`);
    session.note(`mapped to channels: ${pairs.slice(0, LISTED).join(", ")}${pairs.length > LISTED ? ", ..." : ""}`);
  }
  const unmapped = [...state.unmapped].sort((a, b) => b[1].sessions - a[1].sessions);
  for (const [label, { rows, sessions }] of unmapped.slice(0, LISTED)) {
    session.note(
      `"${label}" (${rows} row(s), ${sessions.toLocaleString("en-US")} sessions) maps to no channel: kept as text without a channel; ` +
        `map it with \`beacon channels alias "${label}" <code>\` and import again, or leave it`,
    );
  }
  if (unmapped.length > LISTED) session.note(`... and ${unmapped.length - LISTED} more unmapped values`);
}
