import { type Config, loadConfig } from "../config.ts";
import { migrate } from "../db/migrate.ts";
import { type Database, openDatabase } from "../db/pool.ts";

/** Opens the configured database (server when DATABASE_URL is set, else embedded PGlite) and migrates it. */
export async function openConfiguredDatabase(config: Config = loadConfig()): Promise<Database> {
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.BEACON_DATA_DIR });
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
export async function withDatabase<T>(work: (db: Database, config: Config) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const db = await openConfiguredDatabase(config);
  try {
    return await work(db, config);
  } finally {
    await db.close();
  }
}
