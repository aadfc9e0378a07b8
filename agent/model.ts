import { ChatOpenAI } from "@langchain/openai";
import type { Config } from "../config.ts";

/** The chat model for any OpenAI-compatible endpoint, with chat-sized timeouts and retries. */
export function createChatModel(config: Config): ChatOpenAI {
  return new ChatOpenAI({
    model: config.OPENAI_MODEL,
    apiKey: config.OPENAI_API_KEY,
    configuration: config.OPENAI_BASE_URL ? { baseURL: config.OPENAI_BASE_URL } : undefined,
    timeout: config.OPENAI_TIMEOUT_MS,
    // LangChain's caller retries 429/5xx/timeouts and honours Retry-After; the SDK's own retries are off.
    maxRetries: config.OPENAI_MAX_RETRIES,
    temperature: 0,
    // Chat Completions is what every OpenAI-compatible server (vLLM, Ollama, LM Studio, Azure) speaks.
    useResponsesApi: false,
  });
}

/** Estimated cost in US dollars of a run's tokens. */
export function estimateCost(config: Config, tokens: { input: number; output: number }): number {
  const cost =
    (tokens.input * config.OPENAI_PRICE_INPUT_PER_MTOK + tokens.output * config.OPENAI_PRICE_OUTPUT_PER_MTOK) / 1e6;
  return Math.round(cost * 1e6) / 1e6;
}
