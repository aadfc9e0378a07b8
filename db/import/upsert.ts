// Batch upsert: one INSERT ... SELECT FROM unnest(...) ON CONFLICT per batch, values only as array parameters.
import { type Queryable, quoteIdent } from "../pool.ts";

/** A value as it goes into a typed array parameter. */
export type DbValue = string | number | boolean | null;

/** A row keyed by database column name. */
export type DbRecord = Record<string, DbValue>;

/** A column the importer writes, with the element type of its array parameter. */
export interface UpsertColumn {
  name: string;
  type: "text" | "bigint" | "integer" | "smallint" | "numeric" | "date" | "timestamptz" | "boolean";
  /** The file fields that feed it; the column is written only when one of them is in the file. */
  fields?: readonly string[];
}

/** Where and how a batch is upserted. */
export interface UpsertTarget {
  table: string;
  /** The unique key re-imports match on. */
  conflict: readonly string[];
  columns: readonly UpsertColumn[];
  /** A timestamp column set to now() when a row actually changes. */
  touch?: string;
  /**
   * A column of each inserted or changed row to note in the temp table WRITTEN_KEYS_TABLE (orders: id, touchpoints:
   * customer_id), so the derived order_attribution is refreshed for what the import touched only.
   */
  track?: string;
}

/** The temp table `track` columns go to (created by the import when its target tracks; dropped at commit). */
export const WRITTEN_KEYS_TABLE = "import_written_keys";

/** What a batch did: new rows, rows whose values changed, and rows written (matched rows = written - inserted). */
export interface WriteCounts {
  inserted: number;
  changed: number;
  written: number;
}

/** The columns to write given the fields present in the file (key columns always). */
export function columnsToWrite(target: UpsertTarget, present: ReadonlySet<string>): UpsertColumn[] {
  return target.columns.filter(
    (c) => target.conflict.includes(c.name) || !c.fields || c.fields.some((f) => present.has(f)),
  );
}

/** The upsert statement for these columns: unchanged rows are skipped by IS DISTINCT FROM, so re-imports are cheap. */
export function upsertSql(target: UpsertTarget, columns: readonly UpsertColumn[]): string {
  const names = columns.map((c) => quoteIdent(c.name));
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`);
  const updatable = columns.filter((c) => !target.conflict.includes(c.name)).map((c) => quoteIdent(c.name));
  const conflict = `ON CONFLICT (${target.conflict.map(quoteIdent).join(", ")})`;
  const onConflict =
    updatable.length === 0
      ? `${conflict} DO NOTHING`
      : `${conflict} DO UPDATE SET ${[
          ...updatable.map((n) => `${n} = EXCLUDED.${n}`),
          ...(target.touch ? [`${quoteIdent(target.touch)} = now()`] : []),
        ].join(", ")}
       WHERE (${updatable.map((n) => `t.${n}`).join(", ")}) IS DISTINCT FROM (${updatable
         .map((n) => `EXCLUDED.${n}`)
         .join(", ")})`;
  const tracked = target.track
    ? `, tracked AS (INSERT INTO ${WRITTEN_KEYS_TABLE} (id) SELECT tracked FROM written)`
    : "";
  // xmax = 0 on the returned row means the row was inserted, not updated (PostgreSQL and PGlite alike).
  return `WITH written AS (
       INSERT INTO ${quoteIdent(target.table)} AS t (${names.join(", ")})
       SELECT * FROM unnest(${arrays.join(", ")})
       ${onConflict}
       RETURNING (xmax = 0) AS inserted${target.track ? `, t.${quoteIdent(target.track)} AS tracked` : ""})${tracked}
     SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*) FILTER (WHERE NOT inserted)::int AS changed
     FROM written`;
}

/** Upserts `records` (keyed by column name) into `target`, writing `columns` only. */
export async function upsertRecords(
  db: Queryable,
  target: UpsertTarget,
  columns: readonly UpsertColumn[],
  records: readonly DbRecord[],
): Promise<WriteCounts> {
  if (records.length === 0) return { inserted: 0, changed: 0, written: 0 };
  const params = columns.map((c) => records.map((r) => r[c.name] ?? null));
  const { rows } = await db.query<{ inserted: number; changed: number }>(upsertSql(target, columns), params);
  return { inserted: rows[0]?.inserted ?? 0, changed: rows[0]?.changed ?? 0, written: records.length };
}
