import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { withTransaction } from "./pool.ts";

const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), "migrations");
// Any constant works; it only has to be the same for every Beacon process sharing a server.
const MIGRATION_LOCK_KEY = 7_114_002;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationStatus {
  version: number;
  name: string;
  appliedAt: string | null;
}

/** Reads db/migrations/NNNN_name.sql in version order. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((file) => /^\d{4}_[a-z0-9_]+\.sql$/.test(file))
    .sort()
    .map((file) => {
      const sql = readFileSync(join(dir, file), "utf8");
      return {
        version: Number.parseInt(file.slice(0, 4), 10),
        name: file.slice(5, -4),
        sql,
        checksum: createHash("sha256").update(sql).digest("hex"),
      };
    });
}

async function ensureMigrationsTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

/** Applies pending migrations, each in its own transaction; returns the versions applied. */
export async function migrate(pool: pg.Pool, migrations = loadMigrations()): Promise<number[]> {
  await ensureMigrationsTable(pool);
  // One read settles the usual case (all applied, unchanged) without a locked transaction per migration, which
  // cost every `beacon` call ~0.2 s on the embedded database. Anything else is re-checked under the lock below.
  const { rows } = await pool.query<{ version: number; checksum: string }>(
    "SELECT version, checksum FROM schema_migrations",
  );
  const unchanged = new Set(rows.map((row) => `${row.version}:${row.checksum}`));
  const applied: number[] = [];
  for (const migration of migrations.filter((m) => !unchanged.has(`${m.version}:${m.checksum}`))) {
    const didApply = await withTransaction(pool, async (client) => {
      // Serialises concurrent starters on a shared server; the loser re-checks and skips.
      await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
      const existing = await client.query<{ checksum: string }>(
        "SELECT checksum FROM schema_migrations WHERE version = $1",
        [migration.version],
      );
      if (existing.rows[0]) {
        if (existing.rows[0].checksum !== migration.checksum) {
          throw new Error(
            `Migration ${migration.version}_${migration.name} was edited after it was applied; ` +
              "add a new migration instead of changing an applied one.",
          );
        }
        return false;
      }
      await client.query(migration.sql);
      await client.query("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
      return true;
    });
    if (didApply) applied.push(migration.version);
  }
  return applied;
}

/** Every known migration with the time it was applied (null when pending). */
export async function migrationStatus(pool: pg.Pool, migrations = loadMigrations()): Promise<MigrationStatus[]> {
  await ensureMigrationsTable(pool);
  const { rows } = await pool.query<{ version: number; applied_at: Date }>(
    "SELECT version, applied_at FROM schema_migrations",
  );
  const appliedAt = new Map(rows.map((row) => [row.version, row.applied_at.toISOString()]));
  return migrations.map((m) => ({ version: m.version, name: m.name, appliedAt: appliedAt.get(m.version) ?? null }));
}

/** Drops every Beacon object (the public schema) and migrates from scratch. */
export async function resetDatabase(pool: pg.Pool): Promise<number[]> {
  await withTransaction(pool, async (client) => {
    await client.query("DROP SCHEMA IF EXISTS public CASCADE");
    await client.query("CREATE SCHEMA public");
  });
  return migrate(pool);
}
