// Turns a failed chat-model call into one specific failure: what went wrong, at which endpoint, which
// variable to check, and how many retries were spent, instead of one "not reachable" for every cause.
import type { Config } from "../config.ts";

/** The failure codes of model calls, each with its own user sentence (replies.ts) and operator detail. */
export type ModelFailureCode =
  | "model_auth_failed"
  | "model_not_found"
  | "model_unreachable"
  | "model_timeout"
  | "model_rate_limited"
  | "model_unavailable";

/** A classified model failure: the code users see a sentence for, and the detail for the operator's log. */
export interface ModelFailure {
  code: ModelFailureCode;
  /** Retries spent before giving up: 0 for errors that are never retried (401, 404, quota, a 429 with no wait). */
  retries: number;
  /** One line for the operator: endpoint, what failed, the variable to check, the retries used. */
  detail: string;
}

type ModelConfig = Pick<Config, "OPENAI_BASE_URL" | "OPENAI_MODEL" | "OPENAI_TIMEOUT_MS" | "OPENAI_MAX_RETRIES">;

const DEFAULT_ENDPOINT = "https://api.openai.com/v1";
// Errors on the refused/unresolvable/unroutable side of the connection: the endpoint address is the suspect.
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNRESET",
]);

/** The failure a model-call error stands for, or null when the error did not come from the model endpoint. */
export function classifyModelError(error: unknown, config: ModelConfig): ModelFailure | null {
  // LangChain's agent middleware wraps the SDK's error (MiddlewareError): the cause chain holds the real one.
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const failure = classifyOne(current, config);
    if (failure) return failure;
    current = current.cause;
  }
  return null;
}

function classifyOne(error: Error, config: ModelConfig): ModelFailure | null {
  const endpoint = config.OPENAI_BASE_URL
    ? `OPENAI_BASE_URL ${config.OPENAI_BASE_URL}`
    : `the default endpoint ${DEFAULT_ENDPOINT}`;
  const status = numberField(error, "status");
  const apiCode = stringField(error, "code");
  const message = oneLine(error);
  const spent = (retries: number) =>
    retries === 0 ? "not retried" : `gave up after ${retries} ${retries === 1 ? "retry" : "retries"}`;
  const build = (code: ModelFailureCode, retries: number, what: string, check: string): ModelFailure => ({
    code,
    retries,
    detail: `${what} at ${endpoint} (${spent(retries)}): ${check}`,
  });
  if (status === 401 || status === 403) {
    return build(
      "model_auth_failed",
      0,
      `the model endpoint refused the API key (${status}${apiCode ? ` ${apiCode}` : ""}: ${message})`,
      "check OPENAI_API_KEY (and that it belongs to this endpoint)",
    );
  }
  if (status === 404) {
    const model = apiCode === "model_not_found" || /model/i.test(message);
    return build(
      "model_not_found",
      0,
      model
        ? `the endpoint has no model "${config.OPENAI_MODEL}" (404${apiCode ? ` ${apiCode}` : ""}: ${message})`
        : `the endpoint answered 404 for the chat-completions path (${message})`,
      model
        ? "check OPENAI_MODEL (the model or deployment name this endpoint serves)"
        : "check OPENAI_BASE_URL (it usually ends in /v1)",
    );
  }
  if (status === 429) {
    const waited = stringField(error, "rateLimitType") === "wait";
    const quota = apiCode === "insufficient_quota" || stringField(error, "rateLimitType") === "stop";
    return build(
      "model_rate_limited",
      waited ? config.OPENAI_MAX_RETRIES : 0,
      quota
        ? `the model endpoint says the account's quota is used up (429: ${message})`
        : `the model endpoint is rate-limiting Beacon (429: ${message})`,
      quota
        ? "check the billing and quota of the account behind OPENAI_API_KEY"
        : "wait, or raise the endpoint's rate limit; OPENAI_MAX_RETRIES sets how often Beacon retries",
    );
  }
  if (errorName(error) === "TimeoutError" || errorName(error) === "APIConnectionTimeoutError") {
    return build(
      "model_timeout",
      config.OPENAI_MAX_RETRIES,
      `the model did not answer within OPENAI_TIMEOUT_MS=${config.OPENAI_TIMEOUT_MS} ms`,
      "check that the endpoint is up and not overloaded, or raise OPENAI_TIMEOUT_MS",
    );
  }
  const network = networkCode(error);
  if (network || errorName(error) === "APIConnectionError") {
    return build(
      "model_unreachable",
      config.OPENAI_MAX_RETRIES,
      `could not connect to the model endpoint (${network ?? message})`,
      "check OPENAI_BASE_URL (host, port, /v1) and that the server is running and reachable from here",
    );
  }
  if (status !== undefined && status >= 500) {
    return build(
      "model_unavailable",
      config.OPENAI_MAX_RETRIES,
      `the model endpoint failed with ${status} (${message})`,
      "the server's own error: check its status or logs and try again later",
    );
  }
  if (status !== undefined) {
    return build(
      "model_unavailable",
      0,
      `the model endpoint rejected the request with ${status} (${message})`,
      "check OPENAI_MODEL and OPENAI_BASE_URL point at an OpenAI-compatible chat-completions server",
    );
  }
  return null;
}

/** The system error code (ECONNREFUSED, ENOTFOUND, ...) anywhere in the error's cause chain. */
function networkCode(error: unknown, depth = 0): string | undefined {
  if (depth > 5 || typeof error !== "object" || error === null) return undefined;
  const code = stringField(error, "code");
  if (code && CONNECTION_CODES.has(code)) return code;
  // Node's fetch reports a refused dual-stack connection as an AggregateError with one error per address.
  const nested = [(error as { cause?: unknown }).cause, ...((error as { errors?: unknown[] }).errors ?? [])];
  for (const inner of nested) {
    const found = networkCode(inner, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function numberField(error: unknown, key: string): number | undefined {
  const value = typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined;
  return typeof value === "number" ? value : undefined;
}

function stringField(error: unknown, key: string): string | undefined {
  const value = typeof error === "object" && error !== null ? (error as Record<string, unknown>)[key] : undefined;
  return typeof value === "string" ? value : undefined;
}

function errorName(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return error.name !== "Error" ? error.name : error.constructor.name;
}

/** The error's message without LangChain's "Troubleshooting URL" lines or the SDK's repeated status prefix. */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const first = text.split("\n")[0] ?? "";
  return first.replace(/^\d{3}\s+/, "").slice(0, 200);
}
