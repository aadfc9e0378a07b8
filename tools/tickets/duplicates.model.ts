// Duplicate detection and theme clustering share one measure: cosine similarity of unit-length text embeddings.

/** An open ticket of the same customer at least this similar is offered for linking (lexical embedder scale). */
export const DUPLICATE_MIN_SIMILARITY = 0.35;

/** Cosine similarity of two unit-length vectors (their dot product). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** Candidates at or above `min` similarity to `target`, most similar first. */
export function similarTo<T>(
  target: readonly number[],
  candidates: readonly { item: T; vector: readonly number[] }[],
  min: number,
): { item: T; similarity: number }[] {
  return candidates
    .map((c) => ({ item: c.item, similarity: cosine(target, c.vector) }))
    .filter((c) => c.similarity >= min)
    .sort((a, b) => b.similarity - a.similarity);
}
