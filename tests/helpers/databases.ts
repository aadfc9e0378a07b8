import { loadConfig } from "../../config.ts";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { createScratchDatabase } from "../../db/scratch.ts";

/** A database engine integration tests run against. */
export interface TestEngine {
  name: "pglite" | "postgres";
  /** A fresh, migrated, empty database; close() disposes of it. */
  open(): Promise<Database>;
}

const pglite: TestEngine = {
  name: "pglite",
  async open() {
    const db = await openDatabase({ dataDir: "memory://" });
    await migrate(db.pool);
    return db;
  },
};

/** PGlite always; the PostgreSQL server too when TEST_DATABASE_URL is set. */
export function testEngines(): TestEngine[] {
  const url = loadConfig().TEST_DATABASE_URL;
  if (!url) return [pglite];
  return [pglite, { name: "postgres", open: () => createScratchDatabase(url, "beacon_test") }];
}
