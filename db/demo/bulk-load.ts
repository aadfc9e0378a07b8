// Bulk-load helper, as the PostgreSQL manual advises for populating a database: inside the loading
// transaction, drop the loaded tables' foreign keys and secondary indexes, load, then recreate them from their
// exact catalog definitions (same names, same SQL). Row-by-row FK triggers and index maintenance cost several
// times more than one validation join and one index build each. Primary keys and unique constraints stay.
import type { Queryable } from "../pool.ts";

interface Definition {
  name: string;
  tableName: string;
  def: string;
}

/** Drops FKs and secondary indexes of `tables` on `client` (in its open transaction); returns the restorer. */
export async function suspendConstraints(client: Queryable, tables: readonly string[]): Promise<() => Promise<void>> {
  const foreignKeys = await client.query<Definition>(
    `SELECT c.conname AS name, c.conrelid::regclass::text AS "tableName", pg_get_constraintdef(c.oid) AS def
     FROM pg_constraint c
     WHERE c.contype = 'f' AND c.conrelid = ANY($1::text[]::regclass[])
     ORDER BY c.conrelid::regclass::text, c.conname`,
    [tables],
  );
  // Indexes that back a primary key, unique or exclusion constraint are part of a constraint: kept.
  const indexes = await client.query<Definition>(
    `SELECT i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS "tableName",
            pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i
     WHERE i.indrelid = ANY($1::text[]::regclass[]) AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
     ORDER BY 1`,
    [tables],
  );
  for (const fk of foreignKeys.rows) {
    await client.query(`ALTER TABLE ${fk.tableName} DROP CONSTRAINT ${quote(fk.name)}`);
  }
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.name}`);
  return async () => {
    for (const index of indexes.rows) await client.query(index.def);
    for (const fk of foreignKeys.rows) {
      await client.query(`ALTER TABLE ${fk.tableName} ADD CONSTRAINT ${quote(fk.name)} ${fk.def}`);
    }
  };
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
