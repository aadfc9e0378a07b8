// The demo with its derived data: db/demo's generateDemo, handed derived/refresh.ts as its hook (db/ cannot import
// it), then the derived tables analysed. Everything else db/demo exports is re-exported.
import { type DemoOptions, type DemoSummary, generateDemo as generateRaw } from "../db/demo/index.ts";
import type { Database } from "../db/pool.ts";
import { derivedTables, refreshDerived } from "./refresh.ts";

export * from "../db/demo/index.ts";

/** Replaces the marketing data with a generated demo set and rebuilds the derived tables in the same transaction. */
export async function generateDemo(db: Database, options: DemoOptions): Promise<DemoSummary> {
  const summary = await generateRaw(db, {
    ...options,
    refreshDerived: async (client) => {
      await refreshDerived(client);
    },
  });
  const tables = derivedTables();
  // Fresh statistics so the first analytics queries get good plans (advisory, outside the transaction).
  if (tables.length > 0) await db.pool.query(`ANALYZE ${tables.join(", ")}`);
  return summary;
}
