import { loadConfig } from "../../config.ts";
import { AppError } from "../../errors.ts";
import type { Embedder } from "../../knowledge/embedders/embedder.ts";
import { lexicalEmbedder } from "../../knowledge/embedders/lexical.ts";
import { createOpenAIEmbedder } from "../../knowledge/embedders/openai.ts";

/** Chooses the embedder for a query among those whose vectors are stored. */
export interface QueryEmbedders {
  choose(
    hasVectors: (model: string, dims: number) => Promise<boolean>,
    query: string,
  ): Promise<{ embedder: Embedder | null; fallbackReason: string | null }>;
}

/**
 * Prefers a semantic embedder whose vectors are stored; falls back to the lexical one (with the reason) when it
 * is unreachable. The query vector is computed here so the fallback happens before any SQL.
 */
export function queryEmbeddersFrom(semantic: () => Promise<Embedder | null>): QueryEmbedders {
  return {
    async choose(hasVectors, query) {
      const has = (e: Embedder) => hasVectors(e.model, e.dims);
      const lexical = (await has(lexicalEmbedder)) ? lexicalEmbedder : null;
      let fallbackReason: string | null = null;
      try {
        const candidate = await semantic();
        if (candidate && (await has(candidate))) {
          const [vector] = await candidate.embed([query]);
          return { embedder: withCachedQuery(candidate, query, vector as number[]), fallbackReason: null };
        }
        if (candidate) fallbackReason = `no ${candidate.model} vectors stored yet: run \`beacon ingest\``;
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        fallbackReason = `semantic embedder unavailable (${error.userMessage}); used the lexical embedder`;
      }
      return { embedder: lexical, fallbackReason };
    },
  };
}

// The probe above already embedded the query; reuse that vector instead of calling the API twice.
function withCachedQuery(embedder: Embedder, query: string, vector: number[]): Embedder {
  return {
    model: embedder.model,
    dims: embedder.dims,
    kind: embedder.kind,
    embed: (texts) => (texts.length === 1 && texts[0] === query ? Promise.resolve([vector]) : embedder.embed(texts)),
  };
}

let openai: Promise<Embedder> | undefined;

/** OpenAI (created once per process) when OPENAI_API_KEY is set, else none. */
export const defaultQueryEmbedders = queryEmbeddersFrom(async () => {
  const config = loadConfig();
  if (!config.OPENAI_API_KEY) return null;
  openai ??= createOpenAIEmbedder(config).catch((error: unknown) => {
    openai = undefined;
    throw error;
  });
  return openai;
});
