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

  it("upgrades a knowledge base to one HNSW graph per language (0009): vectors keep their document's language", async () => {
    await db.pool.query("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    await migrate(
      db.pool,
      loadMigrations().filter((m) => m.version < 9),
    );
    await db.pool.query(`INSERT INTO kb_documents (id, path, title, lang, content_hash) VALUES
      (1, 'a.md', 'A', 'en', 'h1'), (2, 'b.md', 'B', 'zh', 'h2')`);
    await db.pool.query(`INSERT INTO kb_chunks (id, document_id, position, content, content_hash, citation_id) VALUES
      (10, 1, 0, 'alpha', 'c1', 'kb-1'), (20, 2, 0, '乙', 'c2', 'kb-2')`);
    await db.pool.query(`INSERT INTO kb_embeddings (chunk_id, model, dims, embedding) VALUES
      (10, 'test-2d', 2, '[1,0]'), (20, 'test-2d', 2, '[0,1]')`);
    // 0009 and every later migration.
    expect(await migrate(db.pool)).toEqual(
      loadMigrations()
        .filter((m) => m.version >= 9)
        .map((m) => m.version),
    );
    const { rows } = await db.pool.query<{ chunk_id: string; lang: string }>(
      "SELECT chunk_id, lang FROM kb_embeddings ORDER BY chunk_id",
    );
    expect(rows.map((r) => [Number(r.chunk_id), r.lang])).toEqual([
      [10, "en"],
      [20, "zh"],
    ]);
    const hnsw = await db.pool.query("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING hnsw%'");
    expect(hnsw.rows).toEqual([]);
    await expect(db.pool.query("UPDATE kb_embeddings SET lang = 'fr' WHERE chunk_id = 10")).rejects.toThrow(
      /kb_embeddings_lang_check/,
    );
  });
});
