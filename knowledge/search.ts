import type { Queryable } from "../db/pool.ts";
import { type Embedder, toVectorLiteral } from "./embedders/embedder.ts";
import { glossaryExpansion } from "./embedders/glossary.ts";
import { reciprocalRankFusion } from "./fuse.ts";
import {
  fetchPassages,
  fetchTermCounts,
  type PassageRow,
  type SearchFilters,
  textCandidates,
  vectorCandidates,
} from "./knowledge.queries.ts";
import { searchTokens } from "./segment.ts";

export type SearchMode = "hybrid" | "vector" | "text";

export interface SearchOptions {
  /** Needed for "hybrid" and "vector". */
  embedder?: Embedder;
  mode?: SearchMode;
  filters?: Partial<SearchFilters>;
  limit?: number;
  /** Candidates taken from each list before fusion. */
  candidates?: number;
}

export interface SearchHit extends PassageRow {
  score: number;
  vector_rank: number | null;
  text_rank: number | null;
}

/** A tsquery matching any of the given lexemes, each quoted so no operator can be injected; null when none. */
export function anyOf(terms: readonly string[]): string | null {
  const safe = terms.filter((t) => !t.includes("'") && !t.includes("\\"));
  return safe.length === 0 ? null : safe.map((t) => `'${t}'`).join(" | ");
}

/** Terms rare enough to match on: in at most 1% of chunks (at least 100), else the rarest one if under 20%. */
export function matchTerms(terms: readonly string[], counts: ReadonlyMap<string, number>, maxTerms = 8): string[] {
  const total = counts.get("") ?? 0;
  const present = terms
    .filter((t) => (counts.get(t) ?? 0) > 0)
    .sort((a, b) => (counts.get(a) as number) - (counts.get(b) as number));
  const rare = present.filter((t) => (counts.get(t) as number) <= Math.max(100, total * 0.01));
  if (rare.length > 0) return rare.slice(0, maxTerms);
  const rarest = present[0];
  return rarest !== undefined && (counts.get(rarest) as number) <= total * 0.2 ? [rarest] : [];
}

/** Hybrid retrieval: HNSW cosine neighbours and full-text matches, fused by reciprocal rank. */
export async function searchKnowledge(db: Queryable, query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
  const mode = options.mode ?? "hybrid";
  const limit = options.limit ?? 5;
  const candidates = Math.max(options.candidates ?? 40, limit);
  const filters: SearchFilters = {
    document: options.filters?.document ?? null,
    tag: options.filters?.tag ?? null,
    lang: options.filters?.lang ?? null,
  };
  let vectorIds: number[] = [];
  if (mode !== "text") {
    const embedder = options.embedder;
    if (!embedder) throw new Error(`search mode ${mode} needs an embedder`);
    const [vector] = await embedder.embed([embedder.kind === "lexical" ? expandForLexical(query) : query]);
    if (vector?.some((x) => x !== 0)) {
      const rows = await vectorCandidates(
        db,
        embedder.model,
        embedder.dims,
        toVectorLiteral(vector),
        filters,
        candidates,
      );
      vectorIds = rows.map((r) => r.chunk_id);
    }
  }
  let textIds: number[] = [];
  if (mode !== "vector") {
    const own = [...new Set(searchTokens(query))];
    const translated = glossaryExpansion(own);
    const terms = [...own, ...translated];
    const counts = await fetchTermCounts(db, terms);
    // Rare terms are picked per language side, so the other language's names are never crowded out of the match.
    const match = anyOf([...new Set([...matchTerms(own, counts), ...matchTerms(translated, counts)])]);
    const rank = anyOf(terms.filter((t) => counts.has(t)));
    if (match && rank) textIds = (await textCandidates(db, match, rank, filters, candidates)).map((r) => r.chunk_id);
  }

  const fused = reciprocalRankFusion(vectorIds, textIds).slice(0, limit);
  const passages = new Map(
    (
      await fetchPassages(
        db,
        fused.map((h) => h.chunkId),
      )
    ).map((p) => [p.chunk_id, p]),
  );
  return fused.flatMap((hit) => {
    const passage = passages.get(hit.chunkId);
    return passage ? [{ ...passage, score: hit.score, vector_rank: hit.vectorRank, text_rank: hit.textRank }] : [];
  });
}

/** The query plus the other-language names of its glossary concepts, so hashed features meet the other language. */
export function expandForLexical(query: string): string {
  const extra = glossaryExpansion([...new Set(searchTokens(query))]);
  return extra.length === 0 ? query : `${query}\n${extra.join(" ")}`;
}
