import { randomBytes } from "node:crypto";
import pg from "pg";
import { loadConfig } from "../../config.ts";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";

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

function serverEngine(adminUrl: string): TestEngine {
  return {
    name: "postgres",
    async open() {
      const dbName = `beacon_test_${process.pid}_${randomBytes(4).toString("hex")}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      await admin.end();
      const url = new URL(adminUrl);
      url.pathname = `/${dbName}`;
      const db = await openDatabase({ url: url.toString(), maxConnections: 4 });
      await migrate(db.pool);
      return {
        ...db,
        async close() {
          await db.close();
          const cleanup = new pg.Client({ connectionString: adminUrl });
          await cleanup.connect();
          await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
          await cleanup.end();
        },
      };
    },
  };
}

/** PGlite always; the PostgreSQL server too when TEST_DATABASE_URL is set. */
export function testEngines(): TestEngine[] {
  const url = loadConfig().TEST_DATABASE_URL;
  return url ? [pglite, serverEngine(url)] : [pglite];
}
