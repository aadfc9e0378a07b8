/** Turns texts into vectors of one fixed dimension; one model name per vector space. */
export interface Embedder {
  /** Stored with every vector so vectors of different models are never mixed. */
  readonly model: string;
  readonly dims: number;
  /** "lexical" = hashed word/character features (no meaning beyond shared words); "semantic" = a trained model. */
  readonly kind: "lexical" | "semantic";
  embed(texts: string[]): Promise<number[][]>;
}

/** A pgvector text literal ("[0.1,0.2]") for a query parameter. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.map((x) => (Number.isFinite(x) ? Number(x.toPrecision(7)) : 0)).join(",")}]`;
}

/** Scales a vector to unit length (cosine distance then equals 1 - dot product); zero vectors stay zero. */
export function l2Normalize(vector: number[]): number[] {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  return vector.map((x) => x * scale);
}
