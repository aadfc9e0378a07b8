// Rate limits are counted when a question is accepted: a burst of concurrent questions can never get more answers
// than BEACON_RATE_LIMIT_PER_MINUTE, on PGlite and on the server (also from two connection pools, i.e. processes).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admitQuestion } from "../../agent/admission.ts";
import { createAnalyst } from "../../agent/analyst.ts";
import { loadConfig, parseConfig } from "../../config.ts";
import { migrate } from "../../db/migrate.ts";
import { type Database, openDatabase } from "../../db/pool.ts";
import { createEmptyScratchDatabase } from "../../db/scratch.ts";
import type { Caller } from "../../tools/tool.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

const limits = { perMinute: 6, dailyTokens: 1_000_000, timezone: "Asia/Shanghai" };

for (const engine of testEngines()) {
  describe(`question admission on ${engine.name}`, () => {
    let db: Database;
    let fake: FakeOpenAI;
    beforeAll(async () => {
      db = await engine.open();
      fake = await startFakeOpenAI();
    });
    afterAll(async () => {
      await fake?.close();
      await db?.close();
    });

    it("admits exactly 6 of 9 concurrent questions", async () => {
      const results = await Promise.all(Array.from({ length: 9 }, () => admitQuestion(db.pool, "UBURST", limits)));
      expect(results.filter((r) => r === null)).toHaveLength(6);
      expect(results.filter((r) => r === "rate_limited")).toHaveLength(3);
      // Another user has their own window.
      expect(await admitQuestion(db.pool, "UOTHER", limits)).toBeNull();
    });

    it("9 quick questions through the analyst get 6 answers and 3 clear refusals", async () => {
      const analyst = createAnalyst({
        db,
        config: parseConfig({
          OPENAI_API_KEY: "sk-test",
          OPENAI_BASE_URL: fake.baseURL,
          OPENAI_MAX_RETRIES: "0",
          BEACON_RATE_LIMIT_PER_MINUTE: "6",
        }),
      });
      const caller: Caller = { userId: "UQUICK", role: "marketer", canSeePii: false };
      fake.respondWith(() => ({ text: "An answer." }));
      const answers = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          analyst.ask({ question: `q${i}`, userId: caller.userId, caller, surface: "cli", threadKey: `rl-${i}` }),
        ),
      );
      expect(answers.filter((a) => a.outcome === "ok")).toHaveLength(6);
      const refused = answers.filter((a) => a.outcome === "refused");
      expect(refused).toHaveLength(3);
      for (const answer of refused) {
        expect(answer.failure?.code).toBe("rate_limited");
        expect(answer.text).toContain("wait a minute");
      }
    });
  });
}

const serverUrl = loadConfig().TEST_DATABASE_URL;
describe.skipIf(!serverUrl)("question admission across two processes' pools on the server", () => {
  it("admits exactly 6 of 9 questions sent through two pools at once", async () => {
    const scratch = await createEmptyScratchDatabase(serverUrl as string, "beacon_test_admission");
    const [a, b] = [await openDatabase({ url: scratch.url }), await openDatabase({ url: scratch.url })];
    try {
      await migrate(a.pool);
      const results = await Promise.all(
        Array.from({ length: 9 }, (_, i) => admitQuestion((i % 2 ? a : b).pool, "UTWO", limits)),
      );
      expect(results.filter((r) => r === null)).toHaveLength(6);
    } finally {
      await a.close();
      await b.close();
      await scratch.drop();
    }
  });
});
