/** Reciprocal rank fusion constant from Cormack, Clarke & Buettcher (2009); damps the weight of the top ranks. */
export const RRF_K = 60;

export interface FusedHit {
  chunkId: number;
  score: number;
  /** 1-based rank in each list, null when absent from it. */
  vectorRank: number | null;
  textRank: number | null;
}

/** Reciprocal rank fusion of two ranked id lists: score = sum of 1 / (k + rank); ties keep the vector order. */
export function reciprocalRankFusion(vectorIds: readonly number[], textIds: readonly number[], k = RRF_K): FusedHit[] {
  const hits = new Map<number, FusedHit>();
  const add = (ids: readonly number[], key: "vectorRank" | "textRank") => {
    ids.forEach((id, index) => {
      const hit = hits.get(id) ?? { chunkId: id, score: 0, vectorRank: null, textRank: null };
      if (hit[key] !== null) return;
      hit[key] = index + 1;
      hit.score += 1 / (k + index + 1);
      hits.set(id, hit);
    });
  };
  add(vectorIds, "vectorRank");
  add(textIds, "textRank");
  return [...hits.values()].sort(
    (a, b) =>
      b.score - a.score ||
      (a.vectorRank ?? Number.POSITIVE_INFINITY) - (b.vectorRank ?? Number.POSITIVE_INFINITY) ||
      (a.textRank ?? Number.POSITIVE_INFINITY) - (b.textRank ?? Number.POSITIVE_INFINITY),
  );
}
