// The analyst's answer when the model endpoint fails: a short sentence for Slack and the console, the operator
// detail beside it (never in the text), and no retries for a wrong key or model name; on every engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnalyst } from "../../agent/analyst.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

for (const engine of testEngines()) {
  describe(`model failures on ${engine.name}`, () => {
    let db: Database;
    let fake: FakeOpenAI;
    let thread = 0;
    const ask = (question: string, env: Record<string, string> = {}) =>
      createAnalyst({
        db,
        config: parseConfig({
          OPENAI_API_KEY: "sk-wrong",
          OPENAI_BASE_URL: fake.baseURL,
          OPENAI_MAX_RETRIES: "2",
          BEACON_RATE_LIMIT_PER_MINUTE: "1000",
          ...env,
        }),
      }).ask({
        question,
        userId: "UADMIN",
        caller: { userId: "UADMIN", role: "admin", canSeePii: true },
        surface: "slack",
        threadKey: `model-errors-${engine.name}-${++thread}`,
      });

    beforeAll(async () => {
      db = await engine.open();
      fake = await startFakeOpenAI();
    });
    afterAll(async () => {
      await fake.close();
      await db.close();
    });

    it("a wrong key: one request, the auth sentence for the user, the detail for the operator", async () => {
      fake.requests.length = 0;
      fake.enqueue({ status: 401, code: "invalid_api_key", message: "Incorrect API key provided" });
      const answer = await ask("What was revenue last month?");
      expect(fake.requests).toHaveLength(1);
      expect(answer.outcome).toBe("error");
      expect(answer.failure?.code).toBe("model_auth_failed");
      expect(answer.text).toBe(
        "The language model refused Beacon's API key, so I can't answer free-text questions. Please tell the Beacon admin (the key needs checking). Deterministic commands (e.g. `kpi`) still work.",
      );
      expect(answer.text).not.toContain(fake.baseURL);
      expect(answer.failure?.detail).toContain(
        `at OPENAI_BASE_URL ${fake.baseURL} (not retried): check OPENAI_API_KEY`,
      );
    });

    it("an unknown model in Chinese: the model-name sentence, not 'not reachable'", async () => {
      fake.requests.length = 0;
      fake.enqueue({ status: 404, code: "model_not_found", message: "The model `gpt-9` does not exist" });
      const answer = await ask("上个月收入多少?", { OPENAI_MODEL: "gpt-9" });
      expect(fake.requests).toHaveLength(1);
      expect(answer.failure?.code).toBe("model_not_found");
      expect(answer.text).toContain("模型名称");
      expect(answer.failure?.detail).toContain("check OPENAI_MODEL");
    });
  });
}
