-- Knowledge base: the HNSW (cosine) index for the offline lexical embedder's 512-dimension vectors.
-- kb_embeddings.embedding is an untyped vector so each model can have its own dimension; an HNSW index needs a
-- fixed one, hence one partial expression index per model. Indexes for OpenAI models are created by
-- `beacon ingest` when it first stores that model's vectors (knowledge/knowledge.queries.ts, ensureVectorIndex).
-- m 24 / ef_construction 128 rather than 16 / 64: hashed lexical vectors are sparse and near-uniform in distance,
-- and the default graph found only 0.87-0.90 of the exact top 10 at ef_search 80 (0.97 with these settings).
CREATE INDEX IF NOT EXISTS kb_embeddings_hnsw_beacon_lexical_v1
  ON kb_embeddings USING hnsw ((embedding::vector(512)) vector_cosine_ops) WITH (m = 24, ef_construction = 128)
  WHERE model = 'beacon-lexical-v1';
-- "Which models have vectors, and for how many chunks?" and the per-model anti-join of re-embedding.
CREATE INDEX IF NOT EXISTS kb_embeddings_model_idx ON kb_embeddings (model, chunk_id);
-- How many chunks contain each full-text term (term '' holds the total number of chunks), maintained by ingestion
-- in the same transaction as the chunks. Search matches on the query's rarer terms only: an OR over common words
-- would rank most of a large knowledge base on every question.
CREATE TABLE IF NOT EXISTS kb_terms (
  term    text PRIMARY KEY,
  chunks  integer NOT NULL
);
