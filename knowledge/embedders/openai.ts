import type { Config } from "../../config.ts";
import { AppError } from "../../errors.ts";
import { type Embedder, l2Normalize } from "./embedder.ts";

/** Inputs per request; far below OpenAI's 2,048-input cap, so one request stays small and quick to retry. */
const BATCH_SIZE = 96;
/** pgvector's HNSW index takes at most 2,000 dimensions; larger models are asked for this many. */
const MAX_INDEXED_DIMS = 1536;
const KNOWN_DIMS: Record<string, number> = {
  "text-embedding-3-small": 1536,
  "text-embedding-3-large": 3072,
  "text-embedding-ada-002": 1536,
};

export type OpenAIEmbedderConfig = Pick<
  Config,
  "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "OPENAI_EMBEDDING_MODEL" | "OPENAI_TIMEOUT_MS" | "OPENAI_MAX_RETRIES"
>;

/**
 * Embeddings from OpenAI or any compatible endpoint, batched; the SDK retries 429/5xx with backoff.
 * Models of unknown size are probed once so the stored dimension is always the real one.
 */
export async function createOpenAIEmbedder(config: OpenAIEmbedderConfig): Promise<Embedder> {
  // Loaded here, not at the top: the SDK costs ~0.1 s to import and most processes never embed through it.
  const { default: OpenAI } = await import("openai");
  const client = new OpenAI({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    timeout: config.OPENAI_TIMEOUT_MS,
    maxRetries: config.OPENAI_MAX_RETRIES,
  });
  const model = config.OPENAI_EMBEDDING_MODEL;
  const known = KNOWN_DIMS[model];
  // text-embedding-3 models can shorten their vectors; others cannot, so they are never asked to.
  const dimensions =
    known !== undefined && known > MAX_INDEXED_DIMS && model.startsWith("text-embedding-3")
      ? MAX_INDEXED_DIMS
      : undefined;

  async function embedBatch(texts: string[]): Promise<number[][]> {
    try {
      const response = await client.embeddings.create({
        model,
        input: texts,
        encoding_format: "float",
        ...(dimensions ? { dimensions } : {}),
      });
      const vectors = [...response.data].sort((a, b) => a.index - b.index).map((d) => d.embedding);
      if (vectors.length !== texts.length) {
        throw new AppError("model_unavailable", `embeddings: asked for ${texts.length}, got ${vectors.length}`);
      }
      return vectors.map((v) => l2Normalize(v));
    } catch (error) {
      if (error instanceof AppError) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      throw new AppError("model_unavailable", `embeddings (${model}): ${detail}`, { cause: error });
    }
  }

  const dims = dimensions ?? known ?? ((await embedBatch(["dimension probe"]))[0]?.length as number);
  if (!dims || dims > 2000) {
    throw new AppError(
      "model_unavailable",
      `embedding model ${model} returns ${dims} dimensions; at most 2000 can be indexed`,
    );
  }
  return {
    model: `openai:${model}${dimensions ? `@${dimensions}` : ""}`,
    dims,
    kind: "semantic",
    async embed(texts: string[]): Promise<number[][]> {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH_SIZE)
        out.push(...(await embedBatch(texts.slice(i, i + BATCH_SIZE))));
      for (const v of out) {
        if (v.length !== dims)
          throw new AppError("model_unavailable", `embedding of ${v.length} dims, expected ${dims}`);
      }
      return out;
    },
  };
}
