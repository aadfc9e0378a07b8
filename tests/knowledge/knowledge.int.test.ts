// Ingestion (idempotence, changes, deletions, Chinese chunking, model switches), HNSW use and hybrid search on
// every engine; the retrieval evaluation bar on PGlite.
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, withTransaction } from "../../db/pool.ts";
import type { Embedder } from "../../knowledge/embedders/embedder.ts";
import { lexicalEmbedder, toVectorLiteral } from "../../knowledge/embedders/lexical.ts";
import { evaluateRetrieval } from "../../knowledge/eval/evaluate.ts";
import { ingestFolder } from "../../knowledge/ingest.ts";
import {
  dropVectorIndex,
  fetchStoredModels,
  prepareVectorSearch,
  vectorIndexName,
  vectorSearchSql,
} from "../../knowledge/knowledge.queries.ts";
import { ingestPlaybook } from "../../knowledge/playbook.ts";
import { searchKnowledge } from "../../knowledge/search.ts";
import { testEngines } from "../helpers/databases.ts";

const TIERING = `---
title: Tiering
tags: [segments]
---
# Tiering

## High value
High value customers get tailored service and exclusive offers.

## Low value
Low value customers get trials and engagement activities.
`;

const ZH_LONG = `# 流失预警

## 召回流程
${"高价值客户超过九十天没有下单时，要由专人回访，先确认是否有未解决的投诉。".repeat(12)}
`;

// A stand-in for a semantic model: 8 dimensions from character codes, so no network is needed.
const fakeSemantic: Embedder = {
  model: "test-semantic-8",
  dims: 8,
  kind: "semantic",
  async embed(texts) {
    return texts.map((t) => {
      const v = new Array<number>(8).fill(0);
      for (const ch of t) v[(ch.codePointAt(0) ?? 0) % 8] = (v[(ch.codePointAt(0) ?? 0) % 8] as number) + 1;
      const n = Math.hypot(...v) || 1;
      return v.map((x) => x / n);
    });
  },
};

async function chunkRows(db: Database) {
  const { rows } = await db.pool.query<{ id: string; citation_id: string; path: string; heading_path: string[] }>(
    `SELECT c.id, c.citation_id, d.path, c.heading_path FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
     ORDER BY d.path, c.position`,
  );
  return rows;
}

async function count(db: Database, sql: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>(sql);
  return Number(rows[0]?.n);
}

describe.each(testEngines())("knowledge base on $name", (engine) => {
  let db: Database;
  let dir: string;
  const ingest = (embedders: Embedder[] = [lexicalEmbedder]) =>
    ingestFolder(db, dir, { collection: "team", embedders, chunkOptions: { maxSize: 200, overlap: 40 } });

  beforeAll(async () => {
    db = await engine.open();
    dir = mkdtempSync(join(tmpdir(), "beacon-kb-"));
    writeFileSync(join(dir, "tiering.md"), TIERING);
    writeFileSync(join(dir, "zh-churn.md"), ZH_LONG);
    writeFileSync(join(dir, "notes.txt"), "Budget moves above 30% need a manager's written approval.");
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db.close();
  });

  it("ingests markdown and text files with titles, tags, languages and heading paths", async () => {
    const report = await ingest();
    expect(report.added).toEqual(["team/notes.txt", "team/tiering.md", "team/zh-churn.md"]);
    const docs = await db.pool.query("SELECT path, title, lang, tags FROM kb_documents ORDER BY path");
    expect(docs.rows).toEqual([
      { path: "team/notes.txt", title: "notes", lang: "en", tags: [] },
      { path: "team/tiering.md", title: "Tiering", lang: "en", tags: ["segments"] },
      { path: "team/zh-churn.md", title: "流失预警", lang: "zh", tags: [] },
    ]);
    const chunks = await chunkRows(db);
    expect(chunks.filter((c) => c.path === "team/tiering.md").map((c) => c.heading_path)).toEqual([
      ["High value"],
      ["Low value"],
    ]);
    expect(report.chunks_written).toBe(chunks.length);
    expect(await count(db, "SELECT count(*) AS n FROM kb_embeddings")).toBe(chunks.length);
  });

  it("splits long Chinese sections at sentence ends within the size limit", async () => {
    const { rows } = await db.pool.query<{ content: string; heading_path: string[] }>(
      "SELECT c.content, c.heading_path FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE d.path = 'team/zh-churn.md' ORDER BY c.position",
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.heading_path).toEqual(["召回流程"]);
      expect(row.content.endsWith("。")).toBe(true);
      // maxSize 200 units, a Han character counts 2.
      expect(Array.from(row.content).length).toBeLessThanOrEqual(100);
    }
    const tokens = await db.pool.query<{ search_tokens: string }>(
      "SELECT search_tokens FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE d.path = 'team/zh-churn.md' LIMIT 1",
    );
    expect(tokens.rows[0]?.search_tokens.split(" ")).toEqual(expect.arrayContaining(["价值", "客户", "回访", "投诉"]));
  });

  it("does nothing when nothing changed", async () => {
    const before = await chunkRows(db);
    const report = await ingest();
    expect(report).toMatchObject({
      added: [],
      updated: [],
      deleted: [],
      unchanged: 3,
      chunks_written: 0,
      embedded: {},
    });
    expect(await chunkRows(db)).toEqual(before);
  });

  it("replaces a changed file's chunks; citation ids of unchanged passages survive", async () => {
    const before = await chunkRows(db);
    const highId = before.find((c) => c.heading_path[0] === "High value")?.citation_id;
    const lowId = before.find((c) => c.heading_path[0] === "Low value")?.citation_id;
    writeFileSync(join(dir, "tiering.md"), TIERING.replace("trials and engagement", "samples and engagement"));
    const report = await ingest();
    expect(report).toMatchObject({ added: [], updated: ["team/tiering.md"], unchanged: 2, chunks_written: 2 });
    const after = (await chunkRows(db)).filter((c) => c.path === "team/tiering.md");
    expect(after.map((c) => c.citation_id)).toContain(highId);
    expect(after.map((c) => c.citation_id)).not.toContain(lowId);
    expect(
      await count(
        db,
        "SELECT count(*) AS n FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id WHERE d.path = 'team/tiering.md'",
      ),
    ).toBe(2);
    expect(await count(db, "SELECT count(*) AS n FROM kb_embeddings")).toBe(
      await count(db, "SELECT count(*) AS n FROM kb_chunks"),
    );
  });

  it("keeps the old chunks when storing a changed file fails (one transaction)", async () => {
    const before = await chunkRows(db);
    writeFileSync(join(dir, "notes.txt"), "Budget moves above 25% need a manager's written approval.");
    // An empty vector is rejected by pgvector after the chunks were inserted: everything must roll back.
    const broken: Embedder = { model: "broken", dims: 3, kind: "semantic", embed: async (t) => t.map(() => []) };
    await expect(ingest([lexicalEmbedder, broken])).rejects.toThrow();
    expect(await chunkRows(db)).toEqual(before);
    await dropVectorIndex(db.pool, broken.model, broken.dims);
    const report = await ingest();
    expect(report.updated).toEqual(["team/notes.txt"]);
  });

  it("removes files deleted from the folder, with their chunks and vectors", async () => {
    unlinkSync(join(dir, "notes.txt"));
    const report = await ingest();
    expect(report.deleted).toEqual(["team/notes.txt"]);
    expect(await count(db, "SELECT count(*) AS n FROM kb_documents WHERE path = 'team/notes.txt'")).toBe(0);
    expect(await count(db, "SELECT count(*) AS n FROM kb_embeddings")).toBe(
      await count(db, "SELECT count(*) AS n FROM kb_chunks"),
    );
  });

  it("embeds every existing chunk with a newly configured model, each model in its own dimension", async () => {
    const chunks = await count(db, "SELECT count(*) AS n FROM kb_chunks");
    const report = await ingest([lexicalEmbedder, fakeSemantic]);
    expect(report.embedded).toEqual({ "test-semantic-8": chunks });
    expect(await fetchStoredModels(db.pool)).toEqual([
      { model: "beacon-lexical-v1", dims: 512, vectors: chunks },
      { model: "test-semantic-8", dims: 8, vectors: chunks },
    ]);
    const indexes = await db.pool.query<{ indexname: string }>(
      "SELECT indexname FROM pg_indexes WHERE tablename = 'kb_embeddings' AND indexdef LIKE '%hnsw%' ORDER BY indexname",
    );
    // One graph per model and document language.
    expect(indexes.rows.map((r) => r.indexname)).toEqual([
      expect.stringMatching(/^kb_embeddings_hnsw_en_beacon_lexical_v1_512_[a-z0-9]+$/),
      expect.stringMatching(/^kb_embeddings_hnsw_en_test_semantic_8_8_[a-z0-9]+$/),
      expect.stringMatching(/^kb_embeddings_hnsw_zh_beacon_lexical_v1_512_[a-z0-9]+$/),
      expect.stringMatching(/^kb_embeddings_hnsw_zh_test_semantic_8_8_[a-z0-9]+$/),
    ]);
    const hits = await withTransaction(db.pool, (c) =>
      searchKnowledge(c, "tailored service", { embedder: fakeSemantic }),
    );
    expect(hits.length).toBeGreaterThan(0);
  });

  it("finds passages by hybrid search, in both languages, with filters", async () => {
    const search = (q: string, filters = {}) =>
      withTransaction(db.pool, (c) => searchKnowledge(c, q, { embedder: lexicalEmbedder, filters, limit: 3 }), {
        readOnly: true,
      });
    const en = await search("exclusive offers for high value customers");
    expect(en[0]).toMatchObject({ path: "team/tiering.md", heading_path: ["High value"] });
    expect(en[0]?.vector_rank).toBe(1);
    expect(en[0]?.text_rank).toBe(1);
    const zh = await search("高价值客户多久没下单要回访?");
    expect(zh[0]?.path).toBe("team/zh-churn.md");
    expect(await search("高价值客户", { lang: "en" })).toSatisfy((hits: { lang: string }[]) =>
      hits.every((h) => h.lang === "en"),
    );
    const byTag = await search("customers", { tag: "segments" });
    expect(byTag.length).toBeGreaterThan(0);
    expect(byTag.every((h) => h.path === "team/tiering.md")).toBe(true);
  });

  it("uses the HNSW index for nearest-neighbour search (EXPLAIN)", async () => {
    const [vector] = await lexicalEmbedder.embed(["tailored service for high value customers"]);
    const literal = toVectorLiteral(vector as number[]);
    const plans = await withTransaction(db.pool, async (client) => {
      // With a few dozen vectors, reading them all and sorting is cheaper than walking a graph, and the planner
      // rightly does that. Switching off sequential scans, bitmap scans and sorts leaves one plan without a
      // penalty, the HNSW index scan, if and only if the index can serve the statement: that proves the
      // expression (embedding::vector(512)) and the model predicate match the partial index. (Filling the table
      // with thousands of vectors instead takes minutes on PGlite.) The benchmark checks the plan searches get
      // on 50,000 chunks. Searches' own settings rule out sequential scans and turn on the iterative scan.
      await prepareVectorSearch(client, true, 10);
      await client.query("SET LOCAL enable_bitmapscan = off");
      await client.query("SET LOCAL enable_sort = off");
      const explain = async (sql: string, params: unknown[]) =>
        (await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${sql}`, params)).rows
          .map((r) => r["QUERY PLAN"])
          .join("\n");
      return [
        await explain(vectorSearchSql(512, false), [literal, "beacon-lexical-v1", 10]),
        await explain(vectorSearchSql(512, true, ["en"]), [literal, "beacon-lexical-v1", null, "segments", "en", 10]),
      ];
    });
    const en = `Index Scan using ${vectorIndexName("beacon-lexical-v1", 512, "en")}`;
    const zh = `Index Scan using ${vectorIndexName("beacon-lexical-v1", 512, "zh")}`;
    // Unfiltered: both languages' graphs, merged by distance without a sort; filtered to English: its graph alone.
    expect(plans[0]).toContain(en);
    expect(plans[0]).toContain(zh);
    expect(plans[0]).toMatch(/Merge Append/);
    expect(plans[1]).toContain(en);
    expect(plans[1]).not.toContain(zh);
    // Sort Key also names a Merge Append's order, so look for an actual Sort node.
    expect(plans.join("\n")).not.toMatch(/->\s+Sort\b|^Sort\b/m);
  });
});

describe.each(testEngines().slice(0, 1))("retrieval evaluation on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await ingestPlaybook(db, [lexicalEmbedder]);
  });
  afterAll(() => db.close());

  it("reaches recall@5 >= 0.85 with the lexical embedder on the bundled playbook", async () => {
    const hybrid = await evaluateRetrieval(db, "lexical hybrid", "hybrid", lexicalEmbedder);
    expect(hybrid.questions).toBeGreaterThanOrEqual(40);
    expect(hybrid.recall_at_5).toBeGreaterThanOrEqual(0.85);
    expect(hybrid.mrr).toBeGreaterThan(0.6);
    const text = await evaluateRetrieval(db, "full-text", "text", undefined);
    expect(text.recall_at_5).toBeGreaterThan(0.7);
  }, 60_000);

  it("re-ingesting the unchanged playbook keeps every citation id", async () => {
    const before = await chunkRows(db);
    expect(before.length).toBeGreaterThan(50);
    const report = await ingestPlaybook(db, [lexicalEmbedder]);
    expect(report.unchanged).toBeGreaterThanOrEqual(12);
    expect(report.chunks_written).toBe(0);
    expect(await chunkRows(db)).toEqual(before);
  });
});
