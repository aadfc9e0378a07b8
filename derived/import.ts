// The CSV import with its derived-data refresh: db/import's importCsv, handed derived/refresh.ts as its hook (db/
// cannot import it). Everything else db/import exports is re-exported, so callers import from here alone.

import type { ImportEntity, ImportOptions, ImportReport } from "../db/import/index.ts";
import { importCsv as importRaw } from "../db/import/index.ts";
import type { Database } from "../db/pool.ts";
import { refreshDerived } from "./refresh.ts";

export * from "../db/import/index.ts";

/** Imports one CSV file (see db/import/run.ts) and updates the derived tables in the same transaction. */
export function importCsv(
  db: Database,
  entity: ImportEntity,
  filePath: string,
  options: ImportOptions,
): Promise<ImportReport> {
  return importRaw(db, entity, filePath, {
    ...options,
    refreshDerived: async (client, written) => {
      await refreshDerived(client, written.timezone, written);
    },
  });
}
