import { randomBytes } from "node:crypto";
import pg from "pg";
import { migrate } from "./migrate.ts";
import { type Database, openDatabase } from "./pool.ts";

/**
 * Creates a fresh, migrated database on the server at `adminUrl` (tests and benchmarks use these so they
 * never touch real data); closing the handle drops it.
 */
export async function createScratchDatabase(adminUrl: string, prefix: string): Promise<Database> {
  const scratch = await createEmptyScratchDatabase(adminUrl, prefix);
  const db = await openDatabase({ url: scratch.url, maxConnections: 4 });
  await migrate(db.pool);
  return {
    ...db,
    async close() {
      await db.close();
      await scratch.drop();
    },
  };
}

/** An empty database on the server at `adminUrl`, for a child process to use through its URL; drop() removes it. */
export async function createEmptyScratchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
