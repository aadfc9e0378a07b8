import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../config.ts";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase, withTransaction } from "../../db/pool.ts";
import { createScratchDatabase } from "../../db/scratch.ts";
import { KNOWLEDGE_LANGS } from "../../knowledge/document.ts";
import { lexicalEmbedder, toVectorLiteral } from "../../knowledge/embedders/lexical.ts";
import { loadQuestions } from "../../knowledge/eval/evaluate.ts";
import { ingestFolder, listKnowledgeFiles } from "../../knowledge/ingest.ts";
import {
  checkModelAndDims,
  exactVectorCandidates,
  prepareVectorSearch,
  vectorCandidates,
  vectorIndexName,
  vectorSearchSql,
} from "../../knowledge/knowledge.queries.ts";
import { PLAYBOOK_DIR } from "../../knowledge/playbook.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { type BenchRow, peakRssMiB } from "../report.ts";
import type { BenchSettings } from "../settings.ts";
import { percentile } from "../stats.ts";

const SECTIONS_PER_DOC = 25;
const SEARCHES = 200;
const RECALL_QUERIES = 100;
const OPTIONS = {
  caller: { userId: "bench", role: "marketer" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
};

/** Seeded xorshift32, so every run generates the same corpus. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

/** Sentences of the bundled playbook, English and Chinese, as raw material for generated documents. */
function playbookSentences(): { en: string[]; zh: string[] } {
  const en: string[] = [];
  const zh: string[] = [];
  for (const file of listKnowledgeFiles(PLAYBOOK_DIR)) {
    const text = readFileSync(file, "utf8").replace(/^---[\s\S]*?---/, "");
    for (const line of text.split("\n")) {
      const clean = line.replace(/^[#>*\-|\d. ]+/, "").trim();
      if (clean.length < 20) continue;
      for (const s of clean.split(/(?<=[.。！？；!?])\s*/u)) {
        if (s.length >= 12) (/\p{Script=Han}/u.test(s) && !/^[\x20-\x7e]+$/.test(s) ? zh : en).push(s);
      }
    }
  }
  return { en, zh };
}

/**
 * Writes `docs` markdown files of SECTIONS_PER_DOC sections (one chunk each): shuffled playbook sentences with a
 * per-document product and region word, a third of the documents in Chinese.
 */
export function generateCorpus(dir: string, docs: number): void {
  const { en, zh } = playbookSentences();
  const next = random(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  for (let d = 0; d < docs; d++) {
    const chinese = d % 3 === 2;
    const pool = chinese ? zh : en;
    const sections: string[] = [];
    for (let s = 0; s < SECTIONS_PER_DOC; s++) {
      const sentences = Array.from({ length: 3 + Math.floor(next() * 3) }, () => pick(pool));
      const marker = chinese
        ? `产品${d % 97}号在区域${s % 13}的执行要点。`
        : `Product line ${d % 97}, region ${s % 13}.`;
      sections.push(`## ${chinese ? "章节" : "Section"} ${s + 1}\n${marker} ${sentences.join(" ")}`);
    }
    const title = chinese ? `生成文档 ${d}` : `Generated document ${d}`;
    writeFileSync(join(dir, `doc-${String(d).padStart(4, "0")}.md`), `# ${title}\n\n${sections.join("\n\n")}\n`);
  }
}

/** Queries: the evaluation questions plus sentences of the generated corpus, cycled to `count`. */
export function benchQueries(count: number): string[] {
  const { en, zh } = playbookSentences();
  const base = [...loadQuestions().map((q) => q.question), ...en.slice(0, 40), ...zh.slice(0, 40)];
  return Array.from({ length: count }, (_, i) => base[i % base.length] as string);
}

/**
 * Recall@10 of the HNSW list the search uses (its first 10 of 40 candidates) against an exact scan, counting a
 * result as found when its distance is within the exact 10th distance (generated text has exact ties).
 */
async function hnswRecall(db: Database, queries: readonly string[]): Promise<number> {
  const { model, dims } = lexicalEmbedder;
  checkModelAndDims(model, dims);
  let found = 0;
  let total = 0;
  for (const query of queries) {
    const [vector] = await lexicalEmbedder.embed([query]);
    const literal = toVectorLiteral(vector as number[]);
    const filters = { document: null, tag: null, lang: null };
    const approx = await withTransaction(db.pool, (c) => vectorCandidates(c, model, dims, literal, filters, 40), {
      readOnly: true,
    });
    const exact = await withTransaction(db.pool, (c) => exactVectorCandidates(c, model, dims, literal, 10), {
      readOnly: true,
    });
    const { rows } = await db.pool.query<{ d: number }>(
      `SELECT max(embedding::vector(${dims}) <=> $1::vector(${dims})) AS d FROM kb_embeddings
       WHERE model = $2 AND chunk_id = ANY($3::bigint[])`,
      [literal, model, exact],
    );
    const tenth = Number(rows[0]?.d ?? 0);
    found += approx.slice(0, 10).filter((a) => a.distance <= tenth + 1e-6).length;
    total += Math.min(10, exact.length);
  }
  return total === 0 ? 0 : found / total;
}

/** Whether the nearest-neighbour statement, planned as searches run it, reads both languages' HNSW graphs (1) or not (0). */
async function usesHnsw(db: Database, query: string): Promise<number> {
  const [vector] = await lexicalEmbedder.embed([query]);
  const plan = await withTransaction(
    db.pool,
    async (client) => {
      await prepareVectorSearch(client, false, 40);
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`EXPLAIN ${vectorSearchSql(512, false)}`, [
        toVectorLiteral(vector as number[]),
        lexicalEmbedder.model,
        40,
      ]);
      return rows.map((r) => r["QUERY PLAN"]).join("\n");
    },
    { readOnly: true },
  );
  const graphs = KNOWLEDGE_LANGS.map((lang) => vectorIndexName(lexicalEmbedder.model, lexicalEmbedder.dims, lang));
  return graphs.every((name) => plan.includes(`Index Scan using ${name}`)) ? 1 : 0;
}

/** Ingest 2,000 generated documents (50,000 chunks), then search latency and HNSW recall, per engine. */
export async function benchKnowledge(settings: BenchSettings): Promise<BenchRow[]> {
  const docs = settings.quick ? 200 : 2_000;
  const dir = mkdtempSync(join(tmpdir(), "beacon-kb-bench-"));
  const corpus = join(dir, "corpus");
  mkdirSync(corpus);
  generateCorpus(corpus, docs);
  const rows: BenchRow[] = [];
  const serverUrl = settings.fixtures.hasServer() ? loadConfig().BENCH_DATABASE_URL : undefined;
  try {
    for (const engine of ["pglite", "postgres"] as const) {
      if (engine === "postgres" && !serverUrl) continue;
      let db: Database;
      let cleanup: () => Promise<void>;
      if (engine === "postgres") {
        db = await createScratchDatabase(serverUrl as string, "beacon_bench_kb");
        cleanup = () => db.close();
      } else {
        const dataDir = join(dir, "pglite");
        db = await openDatabase({ dataDir });
        await migrate(db.pool);
        cleanup = async () => {
          await db.close();
          rmSync(dataDir, { recursive: true, force: true });
        };
      }
      try {
        process.stderr.write(`bench: knowledge: ingesting ${docs} documents on ${engine}\n`);
        const started = performance.now();
        const report = await ingestFolder(db, corpus, { collection: "bench", embedders: [lexicalEmbedder] });
        const ingestS = (performance.now() - started) / 1000;
        const again = performance.now();
        await ingestFolder(db, corpus, { collection: "bench", embedders: [lexicalEmbedder] });
        const reingestS = (performance.now() - again) / 1000;

        const queries = benchQueries(SEARCHES);
        await invokeTool(db, "search_knowledge", { query: queries[0] }, OPTIONS);
        const times: number[] = [];
        for (const query of queries) {
          const t = performance.now();
          const outcome = await invokeTool(db, "search_knowledge", { query, limit: 5 }, OPTIONS);
          times.push(performance.now() - t);
          if (!outcome.ok) throw new Error(`search_knowledge: ${outcome.error}`);
        }
        times.sort((a, b) => a - b);
        const recall = await hnswRecall(db, queries.slice(0, RECALL_QUERIES));
        const hnswPlan = await usesHnsw(db, queries[0] as string);
        const p95 = percentile(times, 95);
        rows.push({
          scenario: "knowledge ingest (lexical embedder; bulk load, HNSW built after)",
          engine,
          size: `${docs.toLocaleString("en-US")} docs, ${report.chunks_written.toLocaleString("en-US")} chunks`,
          metrics: {
            ingest_s: Number(ingestS.toFixed(1)),
            chunks_per_s: Math.round(report.chunks_written / ingestS),
            reingest_unchanged_s: Number(reingestS.toFixed(2)),
            peak_rss_mib: peakRssMiB(),
          },
        });
        rows.push({
          scenario: `search_knowledge hybrid, ${SEARCHES} queries (EN + 中文)`,
          engine,
          size: `${report.chunks_written.toLocaleString("en-US")} chunks`,
          metrics: {
            p50_ms: percentile(times, 50),
            p95_ms: p95,
            hnsw_recall_at_10: Number(recall.toFixed(3)),
            hnsw_in_plan: hnswPlan,
          },
          target: engine === "postgres" ? "p95 <= 50 ms; HNSW recall@10 >= 0.95" : "HNSW recall@10 >= 0.95",
          met: (engine !== "postgres" || p95 <= 50) && recall >= 0.95 && hnswPlan === 1,
        });
      } finally {
        await cleanup();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
