-- Knowledge base: one HNSW graph per embedding model and document language, instead of one per model.
-- The offline embedder hashes words and character n-grams, so English and Chinese chunks share almost no features.
-- In a single graph the two languages were nearly disconnected: a greedy search that entered on the wrong side stayed
-- there, and at 50,000 chunks recall@10 against exact search was 0.92 at ef_search 100 and below 0.97 even at 800.
-- Searching each language's graph and merging by distance gives 0.99 at ef_search 100 (bench/scenarios/knowledge.ts).
-- Each vector carries its document's language, since a partial index can only test its own table's columns.
ALTER TABLE kb_embeddings ADD COLUMN IF NOT EXISTS lang text;
UPDATE kb_embeddings e SET lang = d.lang
  FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
  WHERE c.id = e.chunk_id AND e.lang IS NULL;
ALTER TABLE kb_embeddings ALTER COLUMN lang SET NOT NULL;
-- A new language must get its own graph (KNOWLEDGE_LANGS in knowledge/document.ts), not vanish from search.
ALTER TABLE kb_embeddings ADD CONSTRAINT kb_embeddings_lang_check CHECK (lang IN ('en', 'zh'));
-- The per-model indexes (0005's and those `beacon ingest` made for OpenAI models) give way to per-language ones,
-- which `beacon ingest` builds (knowledge/knowledge.queries.ts, ensureVectorIndex) and `beacon start` runs it.
DO $$
DECLARE
  index_name text;
BEGIN
  FOR index_name IN
    SELECT indexname FROM pg_indexes WHERE tablename = 'kb_embeddings' AND indexdef LIKE '%USING hnsw%'
  LOOP
    EXECUTE format('DROP INDEX %I', index_name);
  END LOOP;
END
$$;
