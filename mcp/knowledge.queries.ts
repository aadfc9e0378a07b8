import type { Queryable } from "../db/pool.ts";

export interface KnowledgeDocument {
  path: string;
  title: string;
  lang: string;
  tags: string[];
  chunks: number;
}

export interface KnowledgePassage {
  citation_id: string;
  heading_path: string[];
  content: string;
}

/** Every knowledge-base document with its passage count, by path. */
export async function fetchKnowledgeDocuments(db: Queryable): Promise<KnowledgeDocument[]> {
  const { rows } = await db.query<KnowledgeDocument>(
    `SELECT d.path, d.title, d.lang, d.tags, count(c.id)::int AS chunks
     FROM kb_documents d LEFT JOIN kb_chunks c ON c.document_id = d.id
     GROUP BY d.id ORDER BY d.path`,
  );
  return rows;
}

/** One document's title and passages in reading order, or null when no document has this path. */
export async function fetchKnowledgeDocument(
  db: Queryable,
  path: string,
): Promise<{ title: string; lang: string; passages: KnowledgePassage[] } | null> {
  const { rows } = await db.query<{ title: string; lang: string; passages: KnowledgePassage[] | null }>(
    `SELECT d.title, d.lang,
            (SELECT json_agg(json_build_object('citation_id', c.citation_id, 'heading_path', c.heading_path,
                                               'content', c.content) ORDER BY c.position)
             FROM kb_chunks c WHERE c.document_id = d.id) AS passages
     FROM kb_documents d WHERE d.path = $1`,
    [path],
  );
  const row = rows[0];
  return row ? { title: row.title, lang: row.lang, passages: row.passages ?? [] } : null;
}
