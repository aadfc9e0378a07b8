import type { Embedder } from "./embedder.ts";
import { glossarySize } from "./glossary.ts";
import { lexicalEmbedder } from "./lexical.ts";
import { createOpenAIEmbedder, type OpenAIEmbedderConfig } from "./openai.ts";

/** OpenAI embeddings when OPENAI_API_KEY is set, otherwise the offline lexical embedder. */
export async function chooseEmbedder(config: OpenAIEmbedderConfig): Promise<Embedder> {
  return config.OPENAI_API_KEY ? createOpenAIEmbedder(config) : lexicalEmbedder;
}

/** Human wording for answers' metadata: never call hashed features "semantic". */
export function describeEmbedder(embedder: Pick<Embedder, "kind" | "model" | "dims">): string {
  return embedder.kind === "lexical"
    ? `lexical hashed embedding (${embedder.model}, ${embedder.dims} dims): matches shared words, character n-grams ` +
        `and a bilingual glossary of ${glossarySize()} marketing terms; not a semantic model`
    : `semantic embedding (${embedder.model}, ${embedder.dims} dims)`;
}

/** Embedders whose vectors ingestion keeps: always the offline lexical one (the fallback), plus OpenAI when configured. */
export async function ingestEmbedders(config: OpenAIEmbedderConfig): Promise<Embedder[]> {
  const chosen = await chooseEmbedder(config);
  return chosen === lexicalEmbedder ? [lexicalEmbedder] : [lexicalEmbedder, chosen];
}
