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

/** Runs `work` with an open database and always closes it. */
export async function withDatabase<T>(
  work: (db: Database, config: Config) => Promise<T>,
  use: DatabaseUse = {},
): Promise<T> {
  const config = loadConfig();
  const db = await openConfiguredDatabase(config, use);
  try {
    return await work(db, config);
  } finally {
    await db.close();
  }
}
