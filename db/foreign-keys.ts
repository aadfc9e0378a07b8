// Bulk loads without a foreign-key check per row: PostgreSQL checks each inserted row's reference with its own
// trigger call and index probe (half the time of a 1M-row INSERT ... SELECT into order_attribution), while adding the
// constraint afterwards validates every row with one anti-join. Same rows, same constraint in the end.
import { type Queryable, quoteIdent } from "./pool.ts";

interface ForeignKey {
  name: string;
  definition: string;
}

/**
 * Runs `load` inside the caller's transaction with `table`'s foreign keys dropped, then adds them back exactly as
 * they were (validating every row at once; a missing reference fails the transaction as the per-row check would).
 * ALTER TABLE locks the table against readers until commit, so callers use this only where readers would see nothing
 * useful anyway (an empty table being filled). When the current role may not alter the table, `load` runs as is.
 */
export async function withForeignKeysDeferredToEnd<T>(
  db: Queryable,
  table: string,
  load: () => Promise<T>,
): Promise<T> {
  const keys = await droppableForeignKeys(db, table);
  if (keys === null) return load();
  for (const key of keys) await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(key.name)}`);
  const result = await load();
  for (const key of keys)
    await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(key.name)} ${key.definition}`);
  return result;
}

/** The table's foreign keys, or null when the current role does not own the table (it could not drop them). */
async function droppableForeignKeys(db: Queryable, table: string): Promise<ForeignKey[] | null> {
  const { rows } = await db.query<{ owner: boolean; name: string | null; definition: string | null }>(
    `SELECT pg_has_role(current_user, c.relowner, 'USAGE') AS owner, k.conname AS name,
            pg_get_constraintdef(k.oid) AS definition
     FROM pg_class c LEFT JOIN pg_constraint k ON k.conrelid = c.oid AND k.contype = 'f'
     WHERE c.oid = $1::regclass
     ORDER BY k.conname`,
    [table],
  );
  if (rows[0]?.owner !== true) return null;
  return rows.flatMap((r) => (r.name && r.definition ? [{ name: r.name, definition: r.definition }] : []));
}
