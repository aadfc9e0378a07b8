// journeys: aggregated paths in the ChannelAttribution format (path;total_conversions;total_conversion_value;total_null),
// stored per named data set with exact numerics. Repeated paths in one file are summed, as the format aggregates.
import { defineImporter } from "../entity.ts";
import { field, rowSchema } from "../fields.ts";
import type { Parsed } from "../values.ts";

/** Channels separated by ">" with any spacing; stored as "a > b > c". */
function parsePath(text: string): Parsed<string> {
  const steps = text.split(">").map((s) => s.trim());
  if (steps.some((s) => s === ""))
    return { ok: false, error: "a path is channel names separated by ' > ' (empty step)" };
  const path = steps.join(" > ");
  return path.length <= 100_000 ? { ok: true, value: path } : { ok: false, error: "path too long" };
}

const fields = {
  path: field.custom(
    "text",
    parsePath,
  )({
    required: true,
    aliases: ["journey", "channel path", "paths", "路径", "转化路径"],
    description: "Channels in touch order separated by ' > ' (e.g. 'eta > iota > alpha').",
  }),
  total_conversions: field.decimal({
    required: true,
    aliases: ["conversions", "conv", "total conv", "转化数", "转化次数"],
    description: "Conversions of journeys with this path, >= 0 (may be fractional).",
  }),
  total_conversion_value: field.decimal({
    required: false,
    aliases: ["conversion value", "value", "revenue", "total value", "转化价值", "转化金额"],
    description: "Value of those conversions, >= 0, stored exactly (blank means 0).",
  }),
  total_null: field.decimal({
    required: false,
    aliases: ["nulls", "null", "total nulls", "non conversions", "未转化数"],
    description: "Journeys with this path that did not convert, >= 0 (blank means 0).",
  }),
};

/** Imports a journeys data set; upserts on (dataset, path). */
export const journeysImporter = defineImporter({
  entity: "journeys",
  description:
    "Aggregated customer journeys (ChannelAttribution format) as a named data set (--dataset, default the file name).",
  fields,
  needsChannels: () => false,
  keyDescription: "data set and path",
  duplicates: "sum",
  target: {
    table: "journey_paths",
    conflict: ["dataset", "path"],
    columns: [
      { name: "dataset", type: "text" },
      { name: "path", type: "text" },
      { name: "conversions", type: "numeric" },
      { name: "conversion_value", type: "numeric" },
      { name: "nulls", type: "numeric" },
    ],
  },
  schema: (context) => rowSchema(fields, context),
  async begin(session) {
    // Rows are staged so repeated paths can be summed in SQL (exact numeric) before the one upsert.
    await session.client.query(
      "CREATE TEMP TABLE journey_import (path text NOT NULL, conversions numeric, conversion_value numeric, nulls numeric) ON COMMIT DROP",
    );
  },
  async prepare(rows) {
    return {
      problems: [],
      records: rows.map(({ line, value: row }) => ({
        line,
        value: {
          path: row.path,
          conversions: row.total_conversions,
          conversion_value: row.total_conversion_value ?? "0",
          nulls: row.total_null ?? "0",
        },
      })),
    };
  },
  async write(records, session) {
    await session.client.query(
      `INSERT INTO journey_import (path, conversions, conversion_value, nulls)
       SELECT * FROM unnest($1::text[], $2::numeric[], $3::numeric[], $4::numeric[])`,
      [
        records.map((r) => r.path),
        records.map((r) => r.conversions),
        records.map((r) => r.conversion_value),
        records.map((r) => r.nulls),
      ],
    );
    return { inserted: 0, changed: 0, written: 0 };
  },
  async finish(session) {
    const { rows } = await session.client.query<{ paths: number; staged: number; inserted: number; changed: number }>(
      `WITH summed AS (
         SELECT path, sum(conversions) AS conversions, sum(conversion_value) AS conversion_value, sum(nulls) AS nulls
         FROM journey_import GROUP BY path),
       written AS (
         INSERT INTO journey_paths AS t (dataset, path, conversions, conversion_value, nulls)
         SELECT $1, path, conversions, conversion_value, nulls FROM summed
         ON CONFLICT (dataset, path) DO UPDATE
           SET conversions = EXCLUDED.conversions, conversion_value = EXCLUDED.conversion_value, nulls = EXCLUDED.nulls
           WHERE (t.conversions, t.conversion_value, t.nulls)
                 IS DISTINCT FROM (EXCLUDED.conversions, EXCLUDED.conversion_value, EXCLUDED.nulls)
         RETURNING (xmax = 0) AS inserted)
       SELECT (SELECT count(*) FROM summed)::int AS paths, (SELECT count(*) FROM journey_import)::int AS staged,
              (SELECT count(*) FILTER (WHERE inserted) FROM written)::int AS inserted,
              (SELECT count(*) FILTER (WHERE NOT inserted) FROM written)::int AS changed`,
      [session.dataset],
    );
    const result = rows[0] ?? { paths: 0, staged: 0, inserted: 0, changed: 0 };
    if (result.staged > result.paths) {
      session.note(`${result.staged - result.paths} row(s) repeat an earlier path; their numbers were summed into it`);
    }
    const stale = await session.client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM journey_paths WHERE dataset = $1",
      [session.dataset],
    );
    const extra = (stale.rows[0]?.n ?? 0) - result.paths;
    if (extra > 0) session.note(`data set "${session.dataset}" also holds ${extra} paths that are not in this file`);
    session.note(`stored as data set "${session.dataset}"`);
    return { inserted: result.inserted, changed: result.changed, written: result.paths };
  },
});
