// Each way a model endpoint can fail, produced by the real openai SDK (through ChatOpenAI and LangChain's retrying
// caller) against the local fake server, and classified into one specific failure with its operator detail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createChatModel } from "../../agent/model.ts";
import { classifyModelError, type ModelFailure } from "../../agent/model-errors.ts";
import { parseConfig } from "../../config.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { closedPort } from "../helpers/closed-port.ts";

let fake: FakeOpenAI;

/** Calls the model once with these settings and classifies what it threw. */
async function failureOf(env: Record<string, string>): Promise<ModelFailure | null> {
  const config = parseConfig({ OPENAI_API_KEY: "sk-wrong", OPENAI_BASE_URL: fake.baseURL, ...env });
  const error = await createChatModel(config)
    .invoke("hello")
    .then(
      () => new Error("the model answered"),
      (e: unknown) => e,
    );
  return classifyModelError(error, config);
}

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
});

describe("model errors", () => {
  it("a wrong API key (401 invalid_api_key) is an auth failure, never retried, naming OPENAI_API_KEY and the endpoint", async () => {
    fake.enqueue({
      status: 401,
      code: "invalid_api_key",
      type: "invalid_request_error",
      message: "Incorrect API key provided: sk-wrong.",
    });
    const failure = await failureOf({ OPENAI_MAX_RETRIES: "2" });
    expect(fake.requests).toHaveLength(1);
    expect(failure).toEqual({
      code: "model_auth_failed",
      retries: 0,
      detail: `the model endpoint refused the API key (401 invalid_api_key: Incorrect API key provided: sk-wrong.) at OPENAI_BASE_URL ${fake.baseURL} (not retried): check OPENAI_API_KEY (and that it belongs to this endpoint)`,
    });
  });

  it("an unknown model name (404 model_not_found) is never retried and names OPENAI_MODEL", async () => {
    fake.enqueue({ status: 404, code: "model_not_found", message: "The model `gpt-9` does not exist." });
    const failure = await failureOf({ OPENAI_MAX_RETRIES: "2", OPENAI_MODEL: "gpt-9" });
    expect(fake.requests).toHaveLength(1);
    expect(failure?.code).toBe("model_not_found");
    expect(failure?.retries).toBe(0);
    expect(failure?.detail).toBe(
      `the endpoint has no model "gpt-9" (404 model_not_found: The model \`gpt-9\` does not exist.) at OPENAI_BASE_URL ${fake.baseURL} (not retried): check OPENAI_MODEL (the model or deployment name this endpoint serves)`,
    );
  });

  it("a refused connection names the endpoint, ECONNREFUSED and OPENAI_BASE_URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const failure = await failureOf({ OPENAI_BASE_URL: url, OPENAI_MAX_RETRIES: "0" });
    expect(failure).toEqual({
      code: "model_unreachable",
      retries: 0,
      detail: `could not connect to the model endpoint (ECONNREFUSED) at OPENAI_BASE_URL ${url} (not retried): check OPENAI_BASE_URL (host, port, /v1) and that the server is running and reachable from here`,
    });
  });

  it("a host that does not resolve is unreachable (DNS), after the configured retries", async () => {
    const failure = await failureOf({ OPENAI_BASE_URL: "http://beacon-model.invalid/v1", OPENAI_MAX_RETRIES: "1" });
    expect(failure?.code).toBe("model_unreachable");
    expect(failure?.detail).toMatch(/^could not connect to the model endpoint \((ENOTFOUND|EAI_AGAIN)\)/);
    expect(failure?.detail).toContain("at OPENAI_BASE_URL http://beacon-model.invalid/v1 (gave up after 1 retry)");
  });

  it("the default endpoint is named when OPENAI_BASE_URL is not set", () => {
    const config = parseConfig({ OPENAI_API_KEY: "sk-wrong", OPENAI_MAX_RETRIES: "0" });
    const auth = Object.assign(new Error("401 Incorrect API key"), { status: 401 });
    expect(classifyModelError(auth, config)?.detail).toContain("at the default endpoint https://api.openai.com/v1");
  });

  it("a timeout names OPENAI_TIMEOUT_MS and counts its retries (one retry = two requests)", async () => {
    fake.enqueue({ text: "late", delayMs: 1500 }, { text: "late", delayMs: 1500 });
    const failure = await failureOf({ OPENAI_TIMEOUT_MS: "1000", OPENAI_MAX_RETRIES: "1" });
    expect(fake.requests).toHaveLength(2);
    expect(failure?.code).toBe("model_timeout");
    expect(failure?.retries).toBe(1);
    expect(failure?.detail).toBe(
      `the model did not answer within OPENAI_TIMEOUT_MS=1000 ms at OPENAI_BASE_URL ${fake.baseURL} (gave up after 1 retry): check that the endpoint is up and not overloaded, or raise OPENAI_TIMEOUT_MS`,
    );
  }, 15_000);

  it("a rate limit with Retry-After is retried; one without a wait hint, or a spent quota, is not", async () => {
    fake.enqueue({ status: 429, retryAfterSeconds: 1 }, { status: 429, retryAfterSeconds: 1 });
    const waited = await failureOf({ OPENAI_MAX_RETRIES: "1" });
    expect(fake.requests).toHaveLength(2);
    expect(waited?.code).toBe("model_rate_limited");
    expect(waited?.detail).toContain("(gave up after 1 retry)");

    fake.requests.length = 0;
    fake.enqueue({ status: 429, message: "Rate limit reached" });
    const capacity = await failureOf({ OPENAI_MAX_RETRIES: "2" });
    expect(fake.requests).toHaveLength(1);
    expect(capacity?.retries).toBe(0);
    expect(capacity?.detail).toContain("rate-limiting Beacon (429: Rate limit reached)");

    fake.requests.length = 0;
    fake.enqueue({ status: 429, code: "insufficient_quota", message: "You exceeded your current quota" });
    const quota = await failureOf({ OPENAI_MAX_RETRIES: "2" });
    expect(fake.requests).toHaveLength(1);
    expect(quota?.detail).toContain("quota is used up");
    expect(quota?.detail).toContain("check the billing and quota of the account behind OPENAI_API_KEY");
  }, 15_000);

  it("server errors are retried as configured and reported with their status", async () => {
    fake.enqueue({ status: 503, message: "overloaded" }, { status: 503, message: "overloaded" });
    const failure = await failureOf({ OPENAI_MAX_RETRIES: "1" });
    expect(fake.requests).toHaveLength(2);
    expect(failure?.code).toBe("model_unavailable");
    expect(failure?.detail).toContain("failed with 503 (overloaded)");
    expect(failure?.detail).toContain("(gave up after 1 retry)");
  }, 15_000);

  it("errors that did not come from the endpoint are not classified", () => {
    const config = parseConfig({ OPENAI_API_KEY: "sk" });
    expect(classifyModelError(new Error("bug in a tool"), config)).toBeNull();
  });
});
