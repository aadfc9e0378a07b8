// Issue 21: the daily token quota is counted when a question is accepted, like the rate limit. Each admitted
// question reserves its token budget until its run is recorded, so a burst of questions cannot all pass a check
// that used to read only finished runs. And a delivery failure is audited as outcome 'delivery_failed' (0022).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { admitAndReserve, releaseReservation } from "../../agent/admission.ts";
import { createAnalyst } from "../../agent/analyst.ts";
import { recordDeliveryFailure } from "../../agent/audit.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import type { Caller } from "../../tools/tool.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

const limits = { perMinute: 1000, dailyTokens: 100_000, timezone: "Asia/Shanghai" };

for (const engine of testEngines()) {
  describe(`daily token quota at admission on ${engine.name}`, () => {
    let db: Database;
    let fake: FakeOpenAI;
    beforeAll(async () => {
      db = await engine.open();
      fake = await startFakeOpenAI();
    }, 120_000);
    afterAll(async () => {
      await fake?.close();
      await db?.close();
    });

    it("reserves each admitted question's budget: 3 of 9 concurrent admissions fit a 100k quota at 40k each", async () => {
      const results = await Promise.all(
        Array.from({ length: 9 }, () => admitAndReserve(db.pool, "URESERVE", limits, 40_000)),
      );
      const admitted = results.filter((r) => r.refusal === null);
      expect(admitted).toHaveLength(3);
      expect(results.filter((r) => r.refusal === "quota_exceeded")).toHaveLength(6);
      const reserved = await db.pool.query(
        "SELECT count(*)::int AS n, sum(tokens)::int AS tokens FROM token_reservations WHERE user_id = 'URESERVE'",
      );
      expect(reserved.rows).toEqual([{ n: 3, tokens: 120_000 }]);
      // Released reservations stop counting: the next question fits again.
      for (const { reservationId } of admitted) await releaseReservation(db.pool, reservationId as number);
      expect((await admitAndReserve(db.pool, "URESERVE", limits, 40_000)).refusal).toBeNull();
    });

    it("a reservation older than an hour (a crashed process) no longer counts and is cleared", async () => {
      await db.pool.query(
        "INSERT INTO token_reservations (user_id, tokens, reserved_at) VALUES ('USTALE', 500000, now() - interval '2 hours')",
      );
      expect((await admitAndReserve(db.pool, "USTALE", limits, 40_000)).refusal).toBeNull();
      const left = await db.pool.query("SELECT tokens FROM token_reservations WHERE user_id = 'USTALE'");
      expect(left.rows).toEqual([{ tokens: 40_000 }]);
    });

    it("9 concurrent questions through the analyst: 3 answers, 6 quota refusals, reservations released after", async () => {
      const analyst = createAnalyst({
        db,
        config: parseConfig({
          OPENAI_API_KEY: "sk-test",
          OPENAI_BASE_URL: fake.baseURL,
          OPENAI_MAX_RETRIES: "0",
          BEACON_RATE_LIMIT_PER_MINUTE: "1000",
          BEACON_DAILY_TOKEN_QUOTA: "100000",
          BEACON_QUESTION_TOKEN_BUDGET: "40000",
        }),
      });
      const caller: Caller = { userId: "UBURSTQ", role: "marketer", canSeePii: false };
      fake.respondWith(() => ({ text: "An answer.", usage: { input: 1000, output: 100 } }));
      const answers = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          analyst.ask({ question: `q${i}`, userId: caller.userId, caller, surface: "cli", threadKey: `quota-${i}` }),
        ),
      );
      fake.respondWith(undefined);
      expect(answers.filter((a) => a.outcome === "ok")).toHaveLength(3);
      const refused = answers.filter((a) => a.outcome === "refused");
      expect(refused.map((a) => a.failure?.code)).toEqual(Array(6).fill("quota_exceeded"));
      const open = await db.pool.query("SELECT count(*)::int AS n FROM token_reservations WHERE user_id = 'UBURSTQ'");
      expect(open.rows).toEqual([{ n: 0 }]);
      const spent = await db.pool.query(
        "SELECT sum(tokens_in + tokens_out)::int AS tokens FROM agent_runs WHERE user_id = 'UBURSTQ' AND outcome = 'ok'",
      );
      expect(spent.rows).toEqual([{ tokens: 3300 }]);
    });

    it("records a delivery failure as outcome 'delivery_failed' with Slack's error", async () => {
      const { rows } = await db.pool.query<{ id: number }>(
        `INSERT INTO agent_runs (user_id, role, surface, question, answer, outcome)
         VALUES ('UDELIVER', 'marketer', 'slack', 'q', 'an answer nobody saw', 'ok') RETURNING id`,
      );
      const runId = Number(rows[0]?.id);
      await recordDeliveryFailure(db.pool, runId, "invalid_blocks");
      const audit = await db.pool.query("SELECT outcome, failure_code FROM agent_runs WHERE id = $1", [runId]);
      expect(audit.rows).toEqual([{ outcome: "delivery_failed", failure_code: "invalid_blocks" }]);
      await expect(db.pool.query("UPDATE agent_runs SET outcome = 'lost' WHERE id = $1", [runId])).rejects.toThrow(
        /agent_runs_outcome_check/,
      );
    });
  });
}
