// Issue 18, "answers that survive real conversations": budgets that degrade instead of discarding a finished
// answer, grounded arithmetic through `calculate`, and the tool router. The fake model reports as usage the
// o200k token count of each request it receives, so budgets meet prompts of realistic size.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createAnalyst } from "../../agent/analyst.ts";
import { OUTPUT_RESERVE } from "../../agent/budget.ts";
import { countTokens } from "../../agent/token-count.ts";
import type { AskRequest } from "../../agent/types.ts";
import { provenance } from "../../bot/render/answer-view.ts";
import { parseConfig } from "../../config.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { TOOLS } from "../../tools/index.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import type { Caller } from "../../tools/tool.ts";
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from "../fakes/fake-openai-server.ts";
import { testEngines } from "../helpers/databases.ts";

const NOW = new Date("2026-11-01T04:00:00Z");
const manager: Caller = { userId: "UMGR", role: "manager", canSeePii: false };
const lastWeek = { start: "2026-10-19", end: "2026-10-25" };
const october = { start: "2026-10-01", end: "2026-10-31" };
const LEADERSHIP = "Give me a summary of last week for the leadership meeting: what moved and why";

type Step = { text: string } | { toolCalls: { name: string; args: unknown }[] };

/** Prompt tokens of a request as sent: its messages and its tool list. */
const requestTokens = (body: RecordedRequest["body"], tools: unknown = body.tools ?? []) =>
  countTokens(JSON.stringify(body.messages)) + countTokens(JSON.stringify(tools));

interface KpiRow {
  key: { channel: string };
  revenue: number;
}
interface Kpis {
  totals: { revenue: number; roas: number; change: { revenue: number } };
  rows: KpiRow[];
}

for (const engine of testEngines()) {
  describe(`budgets and grounded arithmetic on ${engine.name}`, () => {
    let db: Database;
    let fake: FakeOpenAI;
    let week: Kpis;
    let month: Kpis;
    let thread = 0;
    const analyst = (overrides: Record<string, string> = {}) =>
      createAnalyst({
        db,
        config: parseConfig({
          OPENAI_API_KEY: "sk-test",
          OPENAI_BASE_URL: fake.baseURL,
          OPENAI_MAX_RETRIES: "0",
          BEACON_RATE_LIMIT_PER_MINUTE: "1000",
          BEACON_DAILY_TOKEN_QUOTA: "100000000",
          ...overrides,
        }),
      });
    const ask = (question: string): AskRequest => ({
      question,
      userId: manager.userId,
      caller: manager,
      surface: "cli",
      threadKey: `budget-${engine.name}-${++thread}`,
      now: NOW,
    });
    /** Plays `steps` in order, charging each request its measured size; returns each call's usage. */
    const play = (steps: Step[]) => {
      const queue = [...steps];
      const usage: { input: number; output: number }[] = [];
      fake.respondWith((request) => {
        const step = queue.shift();
        if (!step) return { status: 400, message: "fake OpenAI: the script has no step left" };
        const charged = { input: requestTokens(request.body), output: countTokens(JSON.stringify(step)) };
        usage.push(charged);
        return { ...step, usage: charged };
      });
      return usage;
    };
    const kpis = async (args: Record<string, unknown>) =>
      (
        (await invokeTool(db, "compute_kpis", args, {
          caller: manager,
          now: NOW,
          timezone: "Asia/Shanghai",
          currency: "CNY",
        })) as { result: Kpis }
      ).result;
    const money = (value: number) => value.toLocaleString("en-US", { maximumFractionDigits: 2 });

    beforeAll(async () => {
      db = await engine.open();
      await generateDemo(db, { customers: 300, seed: 11, endDate: "2026-10-31" });
      fake = await startFakeOpenAI();
      week = await kpis({ ...lastWeek, group_by: ["channel"] });
      month = await kpis({ ...october, group_by: ["channel"] });
    }, 120_000);
    afterEach(() => {
      fake.respondWith(undefined);
      fake.requests.length = 0;
    });
    afterAll(async () => {
      await fake?.close();
      await db?.close();
    });

    it("delivers the leadership summary: repaired when the budget allows, marked when it does not", async () => {
      const [first, second] = [...week.rows].sort((a, b) => b.revenue - a.revenue);
      if (!first || !second) throw new Error("demo data: expected two channels with revenue");
      const together = money(first.revenue + second.revenue);
      const opening = `Last week revenue was ¥${money(week.totals.revenue)} (ROAS ${week.totals.roas}).`;
      const draft = `${opening} ${first.key.channel} and ${second.key.channel} brought ¥${together} together.`;
      const script = (): Step[] => [
        { toolCalls: [{ name: "compute_kpis", args: { ...lastWeek, group_by: [] } }] },
        { toolCalls: [{ name: "compute_kpis", args: { ...lastWeek, group_by: ["channel"] } }] },
        { text: draft },
        {
          toolCalls: [
            { name: "calculate", args: { calculations: [{ op: "sum", values: [first.revenue, second.revenue] }] } },
          ],
        },
        { text: draft },
      ];

      // The default budget pays for the repair: the model states its sum through calculate and it is verified.
      const usage = play(script());
      const repaired = await analyst().ask(ask(LEADERSHIP));
      expect(repaired.outcome).toBe("ok");
      expect(repaired.failure).toBeUndefined();
      expect(repaired.text).toBe(draft);
      expect(repaired.untraceableNumbers).toEqual([]);
      expect(repaired.derivations).toEqual([
        { number: together, formula: `${money(first.revenue)} + ${money(second.revenue)}`, sources: ["compute_kpis"] },
      ]);
      expect(fake.requests).toHaveLength(5);
      expect(String(fake.requests[3]?.body.messages.at(-1)?.content)).toContain(
        `appear in no tool result: ${together}`,
      );
      expect(repaired.promptTokensPerCall).toEqual(usage.map((u) => u.input));
      expect(repaired.groundingRepairs).toBe(1);

      // A budget that covers the draft but not the repair: the draft is delivered, its sum marked, no failure.
      const spentOnDraft = usage.slice(0, 3).reduce((sum, u) => sum + u.input + u.output, 0);
      const repairPrompt = usage[3]?.input ?? 0;
      fake.requests.length = 0;
      play(script());
      const tight = String(spentOnDraft + Math.round(repairPrompt / 2) + OUTPUT_RESERVE);
      const marked = await analyst({ BEACON_QUESTION_TOKEN_BUDGET: tight }).ask(ask(LEADERSHIP));
      expect(marked.outcome).toBe("ok");
      expect(marked.failure).toBeUndefined();
      expect(marked.untraceableNumbers).toEqual([together]);
      expect(marked.text).toBe(draft.replace(together, `${together} [unverified]`));
      expect(fake.requests).toHaveLength(3);
      expect(marked.groundingRepairs).toBe(0);
      expect(marked.tokens.input + marked.tokens.output).toBeLessThanOrEqual(Number(tight));
    });

    it("sends about a third of the old prompt per call for the leadership summary", async () => {
      play([{ toolCalls: [{ name: "compute_kpis", args: { ...lastWeek, group_by: [] } }] }, { text: "Done." }]);
      await analyst().ask(ask(LEADERSHIP));
      const body = fake.requests[0]?.body;
      if (!body) throw new Error("no request recorded");
      // Before: every manager tool with its full JSON schema, as the analyst sent them until issue 18.
      const everyTool = TOOLS.filter((t) => t.roles.includes("manager")).map((t) => ({
        type: "function",
        function: {
          name: t.name,
          description: t.description,
          parameters: z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }),
        },
      }));
      const before = requestTokens(body, everyTool);
      const after = requestTokens(body);
      expect(body.tools?.map((t) => t.function.name)).toEqual([
        "describe_data",
        "compute_attribution",
        "compute_kpis",
        "summarize_period",
        "calculate",
        "more_tools",
      ]);
      expect(before).toBeGreaterThan(11_000);
      expect(after / before).toBeLessThan(0.35);
    });

    it("grounds a share of a cross-row sum through calculate, refusing an input no tool returned", async () => {
      const [, second, third] = [...month.rows].sort((a, b) => b.revenue - a.revenue);
      if (!second || !third) throw new Error("demo data: expected three channels with revenue");
      const sum = Math.round((second.revenue + third.revenue) * 100) / 100;
      const share = ((100 * sum) / month.totals.revenue).toFixed(1);
      const text = `${second.key.channel} and ${third.key.channel} brought ¥${money(sum)} in October, ${share}% of revenue.`;
      play([
        { toolCalls: [{ name: "compute_kpis", args: { ...october, group_by: ["channel"] } }] },
        {
          toolCalls: [{ name: "calculate", args: { calculations: [{ op: "sum", values: [second.revenue, 999.99] }] } }],
        },
        {
          toolCalls: [
            {
              name: "calculate",
              args: {
                calculations: [
                  { op: "sum", values: [second.revenue, third.revenue] },
                  { op: "share", values: [sum, month.totals.revenue] },
                ],
              },
            },
          ],
        },
        { text },
      ]);
      const answer = await analyst().ask(
        ask("How much did our second and third channels bring in October, and what share?"),
      );
      expect(answer.outcome).toBe("ok");
      expect(answer.text).toBe(text);
      expect(answer.untraceableNumbers).toEqual([]);
      expect(fake.requests).toHaveLength(4); // no grounding repair
      const refused = fake.requests[2]?.body.messages.at(-1);
      expect(String(refused?.content)).toContain("values[1] = 999.99 appears in no tool result");
      expect(answer.steps.map((s) => s.tool)).toEqual(["compute_kpis"]);
      expect(answer.derivations).toEqual([
        {
          number: money(sum),
          formula: `${money(second.revenue)} + ${money(third.revenue)}`,
          sources: ["compute_kpis"],
        },
        {
          number: `${share}%`,
          formula: `${money(sum)} / ${money(month.totals.revenue)}`,
          sources: ["calculate", "compute_kpis"],
        },
      ]);
      const view = provenance({ ...answer, runId: answer.runId });
      expect(view).toContain(
        `Derived: ${share}% = ${money(sum)} / ${money(month.totals.revenue)} from calculate, compute_kpis`,
      );
    });

    it("lets the model ask for tools the router held back", async () => {
      play([{ toolCalls: [{ name: "more_tools", args: { groups: ["sql", "budget"] } }] }, { text: "Ready." }]);
      const answer = await analyst().ask(ask("Revenue last month?"));
      expect(answer.outcome).toBe("ok");
      const offered = (i: number) => fake.requests[i]?.body.tools?.map((t) => t.function.name) ?? [];
      expect(offered(0)).not.toContain("query_database");
      expect(offered(1)).toEqual(
        expect.arrayContaining(["query_database", "recommend_budget", "decide_budget_proposal"]),
      );
      expect(String(fake.requests[1]?.body.messages.at(-1)?.content)).toBe(
        "Added recommend_budget, list_budget_proposals, decide_budget_proposal, query_database; call them in your next step.",
      );
    });
  });
}
