import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMigrations, migrate, migrationStatus, resetDatabase } from "../../db/migrate.ts";
import type { Database } from "../../db/pool.ts";
import { testEngines } from "../helpers/databases.ts";

describe.each(testEngines())("migrations on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("applies every migration once and records it", async () => {
    const status = await migrationStatus(db.pool);
    expect(status.map((s) => s.version)).toEqual(loadMigrations().map((m) => m.version));
    expect(status.every((s) => s.appliedAt !== null)).toBe(true);
    expect(await migrate(db.pool)).toEqual([]);
  });

  it("installs pgvector and pg_trgm", async () => {
    const { rows } = await db.pool.query<{ extname: string }>(
      "SELECT extname FROM pg_extension WHERE extname IN ('vector','pg_trgm') ORDER BY extname",
    );
    expect(rows.map((r) => r.extname)).toEqual(["pg_trgm", "vector"]);
    const distance = await db.pool.query<{ d: number }>("SELECT '[1,0]'::vector <=> '[0,1]'::vector AS d");
    expect(distance.rows[0]?.d).toBeCloseTo(1, 10);
  });

  it("refuses an applied migration whose text changed", async () => {
    const edited = loadMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "edited" } : m));
    await expect(migrate(db.pool, edited)).rejects.toThrow(/was edited after it was applied/);
  });

  it("enforces the data model's checks", async () => {
    await expect(
      db.pool.query("INSERT INTO channels (code, name, type, platform) VALUES ('x', 'X', 'telepathy', 'none')"),
    ).rejects.toThrow(/check constraint/);
    await expect(
      db.pool.query("INSERT INTO nps_responses (external_id, score, responded_at) VALUES ('n1', 11, now())"),
    ).rejects.toThrow(/check constraint/);
  });

  it("reset drops the data and re-migrates", async () => {
    await db.pool.query("INSERT INTO channels (code, name, type, platform) VALUES ('seo', 'SEO', 'organic', 'Web')");
    await resetDatabase(db.pool);
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM channels");
    expect(rows[0]?.n).toBe(0);
    expect((await migrationStatus(db.pool)).every((s) => s.appliedAt !== null)).toBe(true);
  });
});
