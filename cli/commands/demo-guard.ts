// What `beacon demo` would destroy that it did not write itself. The demo records what it wrote in
// dataset_facts['demo'] (row counts, generatedAt); imports are logged in import_log; tickets the demo files carry
// idempotency keys "demo-ticket-NNN". Anything else in the replaced tables came from somewhere else.

import { IMPORT_ENTITIES } from "../../db/import/types.ts";
import { type Queryable, quoteIdent } from "../../db/pool.ts";
import { DEMO_TABLES } from "../../derived/demo.ts";

/** Rows the demo would delete, and why some of them look like they did not come from the demo generator. */
export interface DemoReplacement {
  /** Current row count of every table the demo replaces (dataset_facts left out: it is the demo's own note). */
  rows: Record<string, number>;
  /** Reasons to believe some rows are not demo rows; empty when the tables are empty or hold only the demo. */
  foreign: string[];
}

// Tables whose size the demo records in its facts, with the path of that count in the facts JSON.
const COUNTED_BY_FACTS: [table: string, path: string[]][] = [
  ["customers", ["customers"]],
  ["orders", ["totals", "orders"]],
  ["touchpoints", ["totals", "touchpoints"]],
  ["platform_conversions", ["totals", "platformConversions"]],
  ["nps_responses", ["nps", "responses"]],
];
// Imported entities the demo would delete (journeys go to journey_paths, which the demo keeps).
const REPLACED_IMPORTS: readonly string[] = IMPORT_ENTITIES.filter((entity) => entity !== "journeys");

/** Counts what `beacon demo` would replace and lists what in it did not come from the demo generator. */
export async function inspectDemoReplacement(db: Queryable): Promise<DemoReplacement> {
  const tables = DEMO_TABLES.filter((t) => t !== "dataset_facts");
  const counts = await db.query<{ name: string; n: number }>(
    tables.map((t) => `SELECT '${t}' AS name, count(*)::int AS n FROM ${quoteIdent(t)}`).join(" UNION ALL "),
  );
  const rows = Object.fromEntries(counts.rows.map((r) => [r.name, r.n]));
  if (Object.values(rows).every((n) => n === 0)) return { rows, foreign: [] };
  const facts = await db.query<{ value: Record<string, unknown> }>(
    "SELECT value FROM dataset_facts WHERE key = 'demo'",
  );
  const demo = facts.rows[0]?.value;
  if (!demo || typeof demo.generatedAt !== "string") {
    return { rows, foreign: ["no demo was ever generated into this database: all of it came from elsewhere"] };
  }
  const foreign: string[] = [];
  for (const [table, path] of COUNTED_BY_FACTS) {
    const written = path.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], demo);
    if (typeof written === "number" && rows[table] !== written) {
      foreign.push(`${table}: ${fmt(rows[table] ?? 0)} rows, the last demo wrote ${fmt(written)}`);
    }
  }
  // The demo writes no aliases: every one was added by a user (beacon channels alias or a channels import).
  if ((rows.channel_aliases ?? 0) > 0)
    foreign.push(`channel_aliases: ${fmt(rows.channel_aliases ?? 0)} added by users`);
  foreign.push(...(await importsSince(db, demo.generatedAt)), ...(await ticketWorkSince(db, demo.generatedAt)));
  return { rows, foreign };
}

async function importsSince(db: Queryable, since: string): Promise<string[]> {
  const { rows } = await db.query<{ entity: string; file_name: string; at: string }>(
    `SELECT entity, file_name, to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') AS at
       FROM import_log WHERE imported_at > $1::timestamptz AND entity = ANY($2) ORDER BY imported_at`,
    [since, REPLACED_IMPORTS],
  );
  return rows.map((r) => `imported ${r.entity} from ${r.file_name} at ${r.at}`);
}

async function ticketWorkSince(db: Queryable, since: string): Promise<string[]> {
  const { rows } = await db.query<{ filed: number; changes: number }>(
    `SELECT (SELECT count(*)::int FROM feedback_tickets
              WHERE idempotency_key IS NULL OR idempotency_key NOT LIKE 'demo-ticket-%') AS filed,
            (SELECT count(*)::int FROM ticket_history WHERE at > $1::timestamptz) AS changes`,
    [since],
  );
  const { filed = 0, changes = 0 } = rows[0] ?? {};
  const found: string[] = [];
  if (filed > 0) found.push(`${fmt(filed)} feedback ticket(s) filed by people, not by the demo`);
  if (changes > 0) found.push(`${fmt(changes)} ticket change(s) made since the last demo`);
  return found;
}

const fmt = (n: number) => n.toLocaleString("en-US");
