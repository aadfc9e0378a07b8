import { type Config, loadConfig } from "../config.ts";
import { migrate } from "../db/migrate.ts";
import { type Database, openDatabase } from "../db/pool.ts";

/** How a command uses its database (see OpenOptions.oneShot: a short call that exits after a few queries). */
export interface DatabaseUse {
  oneShot?: boolean;
  /** PGlite on the main thread, no worker (see OpenOptions.sameThread): one-shot fixed-SQL tool calls only. */
  sameThread?: boolean;
}

/** Opens the configured database (server when DATABASE_URL is set, else embedded PGlite) and migrates it. */
export async function openConfiguredDatabase(config: Config = loadConfig(), use: DatabaseUse = {}): Promise<Database> {
  const db = await openDatabase({
    url: config.DATABASE_URL,
    readUrl: config.DATABASE_READ_URL,
    dataDir: config.BEACON_DATA_DIR,
    oneShot: use.oneShot,
    sameThread: use.sameThread,
  });
  // A failed migration must still close the database: an open PGlite keeps the process alive forever.
  const applied = await migrate(db.pool).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  if (applied.length > 0) log(`Applied migrations ${applied.join(", ")} to ${db.label}`);
  return db;
}

/** Progress and diagnostics go to stderr so stdout stays machine-readable JSON. */
export function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** Prints a result as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * Runs `work` with an open database and always closes it. `alongside` (loading a command's modules) runs while the
 * database opens: PGlite compiles its WebAssembly and starts PostgreSQL off the main thread, so a start pays for the
 * longer of the two, not their sum.
 */
export async function withDatabase<T, Loaded = undefined>(
  work: (db: Database, config: Config, loaded: Loaded) => Promise<T>,
  use: DatabaseUse = {},
  alongside?: () => Promise<Loaded>,
): Promise<T> {
  const config = loadConfig();
  const opening = openConfiguredDatabase(config, use);
  let loaded: Loaded;
  try {
    loaded = alongside ? await alongside() : (undefined as Loaded);
  } catch (error) {
    // Nothing may keep the process alive after the failure: close the database once it is open.
    await opening.then((db) => db.close()).catch(() => undefined);
    throw error;
  }
  const db = await opening;
  try {
    return await work(db, config, loaded);
  } finally {
    await db.close();
  }
}
