// Verified answers end to end (issue 25) on every engine: verify an audited run, match a later question, re-run
// the verified tool calls on current data through the fake OpenAI server, and the store's errors.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAnalyst } from "../../agent/analyst.ts";
import type { AskRequest } from "../../agent/types.ts";
import { listVerified, matchVerified, removeVerified, verifyRun } from "../../agent/verified-answers.ts";
import { parseConfig } from "../../config.ts";
import { type Database, withTransaction } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { refreshDerived } from "../../derived/refresh.ts";
import { TOOLS } from "../../tools/index.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { Caller } from "../../tools/tool.ts";
import { type FakeOpenAI, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
const admin: Caller = { userId: "UADMIN", role: "admin", canSeePii: true };
const marketer: Caller = { userId: "UMKT", role: "marketer", canSeePii: false };
const october = { start: "2026-10-01", end: "2026-10-31" };
const context = { now: NOW, timezone: "Asia/Shanghai", currency: "CNY" };

for (const engine of testEngines()) {
  describe(`verified answers on ${engine.name}`, () => {
    let db: Database;
    let fake: FakeOpenAI;
    let thread = 0;
    const analyst = () =>
      createAnalyst({
        db,
        config: parseConfig({
          OPENAI_API_KEY: "sk-test",
          OPENAI_BASE_URL: fake.baseURL,
          OPENAI_MAX_RETRIES: "0",
          OPENAI_TIMEOUT_MS: "5000",
          BEACON_RATE_LIMIT_PER_MINUTE: "1000",
        }),
      });
    const ask = (question: string, caller = admin): AskRequest => ({
      question,
      userId: caller.userId,
      caller,
      surface: "cli",
      threadKey: `verified-${engine.name}-${++thread}`,
      now: NOW,
    });
    const revenue = async () => {
      const kpis = await invokeTool(db, "compute_kpis", october, { caller: admin, ...context });
      return (kpis as { result: { totals: { revenue: number } } }).result.totals.revenue;
    };

    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 200, seed: 5, endDate: "2026-10-31" });
      fake = await startFakeOpenAI();
    }, 120_000);
    afterAll(async () => {
      await fake?.close();
      await db?.close();
    });
    beforeEach(() => {
      fake.requests.length = 0;
    });

    it("re-runs the verified tool calls on current data and says it is a verified answer", async () => {
      const before = await revenue();
      fake.enqueue(
        { toolCalls: [{ name: "compute_kpis", args: october }] },
        { text: `Revenue in October was ¥${before.toLocaleString("en-US")}.` },
      );
      const original = await analyst().ask(ask("What was revenue last month?"));
      expect(original.outcome).toBe("ok");
      const verified = await verifyRun(db.pool, original.runId, "U0MGR1234");
      expect(verified.toolCalls).toEqual([{ tool: "compute_kpis", args: october }]);
      expect(verified.verifiedBy).toBe("U0MGR1234");

      // New data after verification: a late-booked October order of ¥50,000.
      await db.pool.query(
        `INSERT INTO orders (external_id, customer_id, ordered_at, amount)
         SELECT 'verified-late-' || $1, min(id), '2026-10-15T04:00:00Z', 50000 FROM customers`,
        [engine.name],
      );
      await withTransaction(db.pool, (client) => refreshDerived(client, "Asia/Shanghai"));
      const after = await revenue();
      expect(after).toBeCloseTo(before + 50000, 2);

      fake.requests.length = 0;
      fake.enqueue({ text: `Revenue in October was ¥${after.toLocaleString("en-US")}.` });
      const answer = await analyst().ask(ask("what was our revenue last month", marketer));
      // The model got the verified call and its fresh result before writing; it made no tool call of its own.
      const sent = fake.requests[0]?.body.messages ?? [];
      expect(sent.map((m) => m.role)).toEqual(["system", "user", "assistant", "tool", "user"]);
      expect(JSON.stringify(sent[2]?.tool_calls)).toContain("compute_kpis");
      expect(String(sent[3]?.content)).toContain(`"revenue":${after}`);
      expect(fake.requests).toHaveLength(1);
      expect(answer.outcome).toBe("ok");
      expect(answer.verified).toEqual({ id: verified.id, by: "U0MGR1234", at: verified.verifiedAt });
      // "data up to" is the last order's date, as the freshness line states it.
      const upTo = answer.freshness?.match(/^orders up to (\d{4}-\d\d-\d\d)/)?.[1];
      expect(upTo).toMatch(/^2026-10-3[01]$/);
      expect(answer.text).toBe(
        `✅ Verified answer (verified by <@U0MGR1234> on ${verified.verifiedAt.slice(0, 10)}; re-run on data up to ${upTo})\n\n` +
          `Revenue in October was ¥${after.toLocaleString("en-US")}.`,
      );
      expect(answer.untraceableNumbers).toEqual([]);
      expect(answer.steps).toMatchObject([{ tool: "compute_kpis", args: october, ok: true }]);
    });

    it("does not match a question about another period", async () => {
      fake.enqueue({ text: "No data yet for this month." });
      const answer = await analyst().ask(ask("What was revenue this month?"));
      expect(answer.verified).toBeUndefined();
      expect(fake.requests[0]?.body.messages.map((m) => m.role)).toEqual(["system", "user"]);
    });

    it("keeps the role scope: a verified call the caller's role may not run never matches", async () => {
      const { rows } = await db.pool.query<{ id: string }>(
        `INSERT INTO agent_runs (user_id, role, surface, question, answer, tool_calls, outcome, language)
         VALUES ('UADMIN', 'admin', 'cli', 'Budget plan for next month?', 'Move ¥1,000 to Douyin.',
                 '[{"tool":"recommend_budget","args":{"total_budget":100000},"ok":true,"rows":3,"elapsedMs":5}]', 'ok', 'en')
         RETURNING id`,
      );
      const saved = await verifyRun(db.pool, Number(rows[0]?.id), "li");
      expect(await matchVerified(db.pool, "budget plan for next month", "support", TOOLS)).toBeNull();
      const match = await matchVerified(db.pool, "budget plan for next month", "marketer", TOOLS);
      expect(match?.verified.id).toBe(saved.id);
      expect(match?.similarity).toBe(1);
    });

    it("refuses runs that cannot be verified, is idempotent, and removes", async () => {
      await expect(verifyRun(db.pool, 987654321, "li")).rejects.toMatchObject({ code: "not_found" });
      const noTools = await db.pool.query<{ id: string }>(
        `INSERT INTO agent_runs (user_id, role, surface, question, answer, tool_calls, outcome)
         VALUES ('UADMIN', 'admin', 'cli', 'hello', 'Hi!', '[]', 'ok') RETURNING id`,
      );
      await expect(verifyRun(db.pool, Number(noTools.rows[0]?.id), "li")).rejects.toMatchObject({
        code: "invalid_input",
      });
      const failed = await db.pool.query<{ id: string }>(
        `INSERT INTO agent_runs (user_id, role, surface, question, answer, tool_calls, outcome)
         VALUES ('UADMIN', 'admin', 'cli', 'revenue?', 'The model is unavailable.',
                 '[{"tool":"compute_kpis","args":{},"ok":true}]', 'error') RETURNING id`,
      );
      await expect(verifyRun(db.pool, Number(failed.rows[0]?.id), "li")).rejects.toThrow(/outcome "error"/);
      const all = await listVerified(db.pool);
      const first = all[0];
      expect(first).toBeDefined();
      const again = await verifyRun(db.pool, first?.runId as number, "someone-else");
      expect(again).toEqual(first);
      expect(await removeVerified(db.pool, first?.id as number)).toBe(true);
      expect(await removeVerified(db.pool, first?.id as number)).toBe(false);
      expect((await listVerified(db.pool)).map((v) => v.id)).not.toContain(first?.id);
    });
  });
}
