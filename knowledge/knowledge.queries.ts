import type { Queryable } from "../db/pool.ts";
import { KNOWLEDGE_LANGS, type KnowledgeLang } from "./document.ts";

export interface StoredDocument {
  id: number;
  path: string;
  content_hash: string;
}

/** Documents whose path starts with `prefix` (one ingested folder). */
export async function fetchDocumentsUnder(db: Queryable, prefix: string): Promise<StoredDocument[]> {
  const { rows } = await db.query<StoredDocument>(
    "SELECT id, path, content_hash FROM kb_documents WHERE starts_with(path, $1) ORDER BY path",
    [prefix],
  );
  return rows;
}

export interface DocumentRow {
  path: string;
  title: string;
  lang: string;
  tags: string[];
  contentHash: string;
}

/** Inserts or updates a document by path; returns its id. */
export async function upsertDocument(db: Queryable, doc: DocumentRow): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO kb_documents (path, title, lang, tags, content_hash, ingested_at)
     VALUES ($1, $2, $3, $4, $5, now())
     ON CONFLICT (path) DO UPDATE SET title = EXCLUDED.title, lang = EXCLUDED.lang, tags = EXCLUDED.tags,
       content_hash = EXCLUDED.content_hash, ingested_at = now()
     RETURNING id`,
    [doc.path, doc.title, doc.lang, doc.tags, doc.contentHash],
  );
  return (rows[0] as { id: number }).id;
}

/** Removes a document's chunks (their embeddings cascade) and their term counts. */
export async function deleteChunksOf(db: Queryable, documentId: number): Promise<void> {
  await addTermCounts(db, [documentId], -1);
  await db.query("DELETE FROM kb_chunks WHERE document_id = $1", [documentId]);
}

/** Removes documents (chunks and embeddings cascade) and their term counts. */
export async function deleteDocuments(db: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await addTermCounts(db, ids, -1);
  await db.query("DELETE FROM kb_documents WHERE id = ANY($1::int[])", [ids]);
  await db.query("DELETE FROM kb_terms WHERE chunks <= 0");
}

/**
 * Adds (sign 1) or subtracts (sign -1) the documents' chunks to the per-term chunk counts and the total (term '').
 * Rows are written in term order so concurrent ingests lock them in the same order.
 */
export async function addTermCounts(db: Queryable, documentIds: readonly number[], sign: 1 | -1): Promise<void> {
  await db.query(
    `INSERT INTO kb_terms (term, chunks)
     SELECT term, n * $2 FROM (
       SELECT t.term, count(*)::int AS n FROM kb_chunks c, unnest(tsvector_to_array(c.tsv)) AS t(term)
       WHERE c.document_id = ANY($1::int[]) GROUP BY t.term
       UNION ALL
       SELECT '', count(*)::int FROM kb_chunks WHERE document_id = ANY($1::int[])
     ) s
     ORDER BY term
     ON CONFLICT (term) DO UPDATE SET chunks = kb_terms.chunks + EXCLUDED.chunks`,
    [documentIds, sign],
  );
}

/** Chunk counts of the given terms, and the total number of chunks under the key "". */
export async function fetchTermCounts(db: Queryable, terms: readonly string[]): Promise<Map<string, number>> {
  const { rows } = await db.query<{ term: string; chunks: number }>(
    "SELECT term, chunks FROM kb_terms WHERE term = ANY($1::text[])",
    [["", ...terms]],
  );
  return new Map(rows.map((r) => [r.term, r.chunks]));
}

export interface ChunkRow {
  position: number;
  headingPath: string[];
  content: string;
  contentHash: string;
  citationId: string;
  searchTokens: string;
}

/** Inserts a document's chunks in one statement; returns their ids in the given order. */
export async function insertChunks(db: Queryable, documentId: number, chunks: readonly ChunkRow[]): Promise<number[]> {
  if (chunks.length === 0) return [];
  // Heading paths are text[] per row; unnest cannot take a ragged 2-D array, so they travel as JSON.
  const { rows } = await db.query<{ id: string; position: number }>(
    `INSERT INTO kb_chunks (document_id, position, heading_path, content, content_hash, citation_id, search_tokens, tsv)
     SELECT $1, t.position, ARRAY(SELECT jsonb_array_elements_text(t.heading_path)), t.content, t.content_hash,
            t.citation_id, t.search_tokens, to_tsvector('simple', t.search_tokens)
     FROM unnest($2::int[], $3::jsonb[], $4::text[], $5::text[], $6::text[], $7::text[])
          AS t(position, heading_path, content, content_hash, citation_id, search_tokens)
     RETURNING id, position`,
    [
      documentId,
      chunks.map((c) => c.position),
      chunks.map((c) => JSON.stringify(c.headingPath)),
      chunks.map((c) => c.content),
      chunks.map((c) => c.contentHash),
      chunks.map((c) => c.citationId),
      chunks.map((c) => c.searchTokens),
    ],
  );
  const byPosition = new Map(rows.map((r) => [r.position, Number(r.id)]));
  return chunks.map((c) => byPosition.get(c.position) as number);
}

/** Stores vectors (pgvector text literals) of one model, with their document's language (the index partition). */
export async function insertEmbeddings(
  db: Queryable,
  model: string,
  dims: number,
  chunkIds: readonly number[],
  vectors: readonly string[],
): Promise<void> {
  if (chunkIds.length === 0) return;
  await db.query(
    `INSERT INTO kb_embeddings (chunk_id, model, dims, embedding, lang)
     SELECT t.chunk_id, $1, $2, t.embedding::vector, d.lang
     FROM unnest($3::bigint[], $4::text[]) AS t(chunk_id, embedding)
     JOIN kb_chunks c ON c.id = t.chunk_id
     JOIN kb_documents d ON d.id = c.document_id
     ON CONFLICT (chunk_id, model) DO UPDATE SET dims = EXCLUDED.dims, embedding = EXCLUDED.embedding,
       lang = EXCLUDED.lang`,
    [model, dims, chunkIds, vectors],
  );
}

export interface ChunkForEmbedding {
  id: number;
  title: string;
  heading_path: string[];
  content: string;
}

/** Chunks without a vector of `model` (new chunks, or every chunk after switching models). */
export async function fetchChunksWithoutEmbedding(
  db: Queryable,
  model: string,
  limit: number,
): Promise<ChunkForEmbedding[]> {
  const { rows } = await db.query<ChunkForEmbedding & { id: string }>(
    `SELECT c.id, d.title, c.heading_path, c.content
     FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
     WHERE NOT EXISTS (SELECT 1 FROM kb_embeddings e WHERE e.chunk_id = c.id AND e.model = $1)
     ORDER BY c.id LIMIT $2`,
    [model, limit],
  );
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Embedding models that have vectors, with their dimension and vector count. */
export async function fetchStoredModels(db: Queryable): Promise<{ model: string; dims: number; vectors: number }[]> {
  const { rows } = await db.query<{ model: string; dims: number; vectors: string }>(
    "SELECT model, min(dims) AS dims, count(*) AS vectors FROM kb_embeddings GROUP BY model ORDER BY model",
  );
  return rows.map((r) => ({ model: r.model, dims: r.dims, vectors: Number(r.vectors) }));
}

/** Total documents and chunks. */
export async function fetchCounts(db: Queryable): Promise<{ documents: number; chunks: number }> {
  const { rows } = await db.query<{ documents: string; chunks: string }>(
    "SELECT (SELECT count(*) FROM kb_documents) AS documents, (SELECT count(*) FROM kb_chunks) AS chunks",
  );
  return { documents: Number(rows[0]?.documents ?? 0), chunks: Number(rows[0]?.chunks ?? 0) };
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,100}$/;

/** Validates what DDL and typmods have to inline (a model name and a dimension cannot be bind parameters there). */
export function checkModelAndDims(model: string, dims: number): void {
  if (!MODEL_NAME.test(model))
    throw new Error(`embedding model name ${JSON.stringify(model)} has unexpected characters`);
  if (!Number.isInteger(dims) || dims < 1 || dims > 2000) throw new Error(`embedding dims ${dims}: expected 1-2000`);
}

/**
 * Postgres identifier for the HNSW index of one model and document language: a readable slug plus a hash so
 * distinct names never collide (and the whole stays within the 63-character limit).
 */
export function vectorIndexName(model: string, dims: number, lang: KnowledgeLang): string {
  let hash = 0;
  for (const ch of model) hash = (Math.imul(hash, 31) + (ch.codePointAt(0) ?? 0)) >>> 0;
  const slug = model
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .slice(0, 26);
  return `kb_embeddings_hnsw_${lang}_${slug}_${dims}_${hash.toString(36)}`;
}

/**
 * Creates a model's partial HNSW (cosine) expression indexes, one per document language, where missing; returns
 * their names. Why per language (migration 0009): the offline embedder's English and Chinese vectors share almost
 * no features, so in one graph the languages are nearly disconnected and a search entering on the wrong side
 * never crosses over. m 24 / ef_construction 128 rather than 16 / 64: hashed lexical vectors are near-uniform in
 * distance and the default graph loses recall (bench/scenarios/knowledge.ts measures it).
 */
export async function ensureVectorIndex(db: Queryable, model: string, dims: number): Promise<string[]> {
  checkModelAndDims(model, dims);
  // Building the graph in memory is several times faster than spilling; the setting lasts for this transaction.
  await db.query("SET LOCAL maintenance_work_mem = '256MB'");
  const names: string[] = [];
  for (const lang of KNOWLEDGE_LANGS) {
    const name = vectorIndexName(model, dims, lang);
    await db.query(
      `CREATE INDEX IF NOT EXISTS ${name} ON kb_embeddings USING hnsw ((embedding::vector(${dims})) vector_cosine_ops)
       WITH (m = 24, ef_construction = 128) WHERE model = '${model}' AND lang = '${lang}'`,
    );
    names.push(name);
  }
  return names;
}

/** Drops a model's HNSW indexes before a bulk load (building them afterwards is faster than inserting into them). */
export async function dropVectorIndex(db: Queryable, model: string, dims: number): Promise<void> {
  checkModelAndDims(model, dims);
  for (const lang of KNOWLEDGE_LANGS) await db.query(`DROP INDEX IF EXISTS ${vectorIndexName(model, dims, lang)}`);
}

/** Refreshes planner statistics after a large change, so searches pick the HNSW and GIN indexes. */
export async function analyzeKnowledgeTables(db: Queryable): Promise<void> {
  await db.query("ANALYZE kb_documents, kb_chunks, kb_embeddings");
}

export interface SearchFilters {
  /** Document path or title. */
  document: string | null;
  tag: string | null;
  lang: string | null;
}

const FILTER_SQL = `($FIRST::text IS NULL OR d.path = $FIRST OR lower(d.title) = lower($FIRST))
  AND ($SECOND::text IS NULL OR $SECOND = ANY(d.tags))
  AND ($THIRD::text IS NULL OR d.lang = $THIRD)`;

function filterSql(first: number): string {
  return FILTER_SQL.replaceAll("$FIRST", `$${first}`)
    .replaceAll("$SECOND", `$${first + 1}`)
    .replaceAll("$THIRD", `$${first + 2}`);
}

/**
 * The nearest-neighbour statement ($1 vector, $2 model, then $3-$5 filters and $6 limit, or $3 limit without
 * filters); exported so tests can EXPLAIN it. Each language's graph is searched on its own (one partial index
 * each) and the lists merged by distance. Without filters a branch touches kb_embeddings alone; filters need the
 * document join (and the iterative scan). Run it after `prepareVectorSearch`.
 */
export function vectorSearchSql(
  dims: number,
  filtered: boolean,
  langs: readonly KnowledgeLang[] = KNOWLEDGE_LANGS,
): string {
  const distance = `e.embedding::vector(${dims}) <=> $1::vector(${dims})`;
  const limit = filtered ? "$6" : "$3";
  const branch = (lang: KnowledgeLang) =>
    filtered
      ? `(SELECT e.chunk_id, ${distance} AS distance
         FROM kb_embeddings e
         JOIN kb_chunks c ON c.id = e.chunk_id
         JOIN kb_documents d ON d.id = c.document_id
         WHERE e.model = $2 AND e.lang = '${lang}' AND ${filterSql(3)}
         ORDER BY ${distance} LIMIT ${limit})`
      : `(SELECT e.chunk_id, ${distance} AS distance FROM kb_embeddings e
         WHERE e.model = $2 AND e.lang = '${lang}' ORDER BY ${distance} LIMIT ${limit})`;
  return `SELECT chunk_id, distance FROM (${langs.map(branch).join(" UNION ALL ")}) nearest
     ORDER BY distance LIMIT ${limit}`;
}

/**
 * The transaction-local settings a nearest-neighbour search runs with; exported so EXPLAIN sees the plan searches
 * get. Undo with `finishVectorSearch` before other statements of the transaction.
 */
export async function prepareVectorSearch(db: Queryable, filtered: boolean, limit: number): Promise<void> {
  // ef_search 100 (default 40): the recall/latency point measured by bench/scenarios/knowledge.ts.
  await db.query(`SET LOCAL hnsw.ef_search = ${Math.max(100, Math.min(1000, limit * 2))}`);
  // pgvector prices an HNSW scan by the share of the graph it may visit (about 2 m ef_search / vectors): for the
  // smaller language's graph at 50,000 chunks (17,000 vectors) that is 30%, so the planner chose a sequential scan
  // and sort, measured 3-4 times slower than the index on PGlite. The statement only reads kb_embeddings (plus
  // primary-key joins when filtered), so ruling sequential scans out costs nothing elsewhere.
  await db.query("SET LOCAL enable_seqscan = off");
  // With filters, pgvector 0.8's iterative index scan keeps searching the graph until enough rows pass them
  // (otherwise the filter would run on ef_search candidates).
  if (filtered) await db.query("SET LOCAL hnsw.iterative_scan = strict_order");
}

/** Restores the planner settings `prepareVectorSearch` changed, for the rest of the transaction. */
export async function finishVectorSearch(db: Queryable): Promise<void> {
  await db.query("SET LOCAL enable_seqscan = on");
}

/** Nearest chunks by cosine distance through the model's HNSW graphs; a language filter searches that one only. */
export async function vectorCandidates(
  db: Queryable,
  model: string,
  dims: number,
  vector: string,
  filters: SearchFilters,
  limit: number,
): Promise<{ chunk_id: number; distance: number }[]> {
  checkModelAndDims(model, dims);
  const langs = KNOWLEDGE_LANGS.filter((lang) => filters.lang === null || filters.lang === lang);
  if (langs.length === 0) return [];
  const filtered = filters.document !== null || filters.tag !== null || filters.lang !== null;
  await prepareVectorSearch(db, filtered, limit);
  const params = filtered
    ? [vector, model, filters.document, filters.tag, filters.lang, limit]
    : [vector, model, limit];
  const { rows } = await db.query<{ chunk_id: string; distance: number }>(
    vectorSearchSql(dims, filtered, langs),
    params,
  );
  await finishVectorSearch(db);
  return rows.map((r) => ({ chunk_id: Number(r.chunk_id), distance: Number(r.distance) }));
}

/** Exact nearest chunks (sequential scan, no index): the reference for HNSW recall. */
export async function exactVectorCandidates(
  db: Queryable,
  model: string,
  dims: number,
  vector: string,
  limit: number,
): Promise<number[]> {
  checkModelAndDims(model, dims);
  await db.query("SET LOCAL enable_indexscan = off");
  const { rows } = await db.query<{ chunk_id: string }>(
    `SELECT chunk_id FROM kb_embeddings WHERE model = $2
     ORDER BY embedding::vector(${dims}) <=> $1::vector(${dims}) LIMIT $3`,
    [vector, model, limit],
  );
  await db.query("SET LOCAL enable_indexscan = on");
  return rows.map((r) => Number(r.chunk_id));
}

/**
 * Full-text candidates: chunks matching `matchQuery` (the query's rarer terms), ranked by `rankQuery` (all its
 * terms). Both are built by the caller from quoted lexemes, so user text never reaches tsquery as operators.
 */
export async function textCandidates(
  db: Queryable,
  matchQuery: string,
  rankQuery: string,
  filters: SearchFilters,
  limit: number,
): Promise<{ chunk_id: number; rank: number }[]> {
  const { rows } = await db.query<{ chunk_id: string; rank: number }>(
    `SELECT c.id AS chunk_id, ts_rank(c.tsv, to_tsquery('simple', $2), 1) AS rank
     FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
     WHERE c.tsv @@ to_tsquery('simple', $1) AND ${filterSql(3)}
     ORDER BY rank DESC, c.id
     LIMIT $6`,
    [matchQuery, rankQuery, filters.document, filters.tag, filters.lang, limit],
  );
  return rows.map((r) => ({ chunk_id: Number(r.chunk_id), rank: Number(r.rank) }));
}

export interface PassageRow {
  chunk_id: number;
  citation_id: string;
  title: string;
  path: string;
  lang: string;
  tags: string[];
  heading_path: string[];
  position: number;
  content: string;
}

/** The passages of the given chunks, with their document. */
export async function fetchPassages(db: Queryable, chunkIds: readonly number[]): Promise<PassageRow[]> {
  if (chunkIds.length === 0) return [];
  const { rows } = await db.query<PassageRow & { chunk_id: string }>(
    `SELECT c.id AS chunk_id, c.citation_id, d.title, d.path, d.lang, d.tags, c.heading_path, c.position, c.content
     FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
     WHERE c.id = ANY($1::bigint[])`,
    [chunkIds],
  );
  return rows.map((r) => ({ ...r, chunk_id: Number(r.chunk_id) }));
}

/** Whether any document matches the filters (so an empty answer can say which filter matched nothing). */
export async function countDocuments(db: Queryable, filters: SearchFilters): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM kb_documents d WHERE ${filterSql(1)}`, [
    filters.document,
    filters.tag,
    filters.lang,
  ]);
  return Number(rows[0]?.n ?? 0);
}

/** Every document's path, title and language (for "unknown document" errors and `beacon ingest --list`). */
export async function fetchDocumentList(
  db: Queryable,
): Promise<{ path: string; title: string; lang: string; tags: string[] }[]> {
  const { rows } = await db.query<{ path: string; title: string; lang: string; tags: string[] }>(
    "SELECT path, title, lang, tags FROM kb_documents ORDER BY path",
  );
  return rows;
}

/** Whether vectors of this model and dimension exist (an index probe, cheap on any size). */
export async function hasEmbeddings(db: Queryable, model: string, dims: number): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM kb_embeddings WHERE model = $1 AND dims = $2) AS found",
    [model, dims],
  );
  return rows[0]?.found === true;
}

/** Whether the knowledge base holds any passage. */
export async function hasChunks(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ found: boolean }>("SELECT EXISTS (SELECT 1 FROM kb_chunks) AS found");
  return rows[0]?.found === true;
}
