// Prompt tokens per model call, before and after the tool router and the shorter schemas (o200k_base counts).
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildSystemPrompt } from "../../agent/system-prompt.ts";
import { promptTokens, toolTokens } from "../../agent/token-count.ts";
import { describeTools } from "../../agent/tool-executor.ts";
import { routeTools } from "../../agent/tool-router.ts";
import { turnTools } from "../../agent/turn-middleware.ts";
import { TOOLS } from "../../tools/index.ts";

const QUESTIONS = [
  "Give me a summary of last week for the leadership meeting: what moved and why",
  "上周抖音的收入占比是多少?",
  "How many conversions did Douyin claim versus real orders last week?",
  "Which customers are at risk of churning and what are they worth?",
  "Reallocate next month's budget across channels",
  "Show open complaint tickets about delivery",
  "What does our playbook say about win-back campaigns?",
  "Anything I should know?",
];

const system = new SystemMessage(
  buildSystemPrompt({
    today: "2026-11-01",
    timezone: "Asia/Shanghai",
    currency: "CNY",
    fiscalYearStartMonth: 1,
    role: "manager",
    language: "en",
    freshness: { last_order_at: "2026-10-31T23:00:00Z", last_touch_at: "2026-10-31T23:00:00Z" },
  }),
);

/** The first call's prompt as the analyst sent it before: every manager tool with its full JSON schema. */
function before(question: string): number {
  const tools = TOOLS.filter((t) => t.roles.includes("manager")).map((t) => ({
    name: t.name,
    description: t.description,
    schema: z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }),
  }));
  return promptTokens([system, new HumanMessage(question)], []) + tools.reduce((sum, t) => sum + toolTokens(t), 0);
}

/** The first call's prompt now: the routed tools with compact schemas, plus calculate and more_tools. */
function after(question: string): number {
  const all = [...describeTools(TOOLS, "manager"), ...turnTools()];
  const managerTools = TOOLS.filter((t) => t.roles.includes("manager")).map((t) => t.name);
  const routed = new Set(routeTools(question, [], managerTools));
  const offered = all.filter((t) => routed.has(t.name) || t.name === "calculate" || t.name === "more_tools");
  return promptTokens([system, new HumanMessage(question)], offered);
}

describe("prompt tokens per model call", () => {
  const measured = QUESTIONS.map((q) => ({ question: q, before: before(q), after: after(q) }));

  it("halves the first call's prompt for a typical question", () => {
    const ratios = measured.map((m) => m.after / m.before).sort((a, b) => a - b);
    const median = ((ratios[3] ?? 0) + (ratios[4] ?? 0)) / 2;
    expect(median).toBeLessThanOrEqual(0.5);
    expect(measured[0]?.before).toBeGreaterThan(11_000);
    expect(measured[0]?.after).toBeLessThan(4_000);
  });

  it("costs about the same as before only when the router cannot tell (every role tool)", () => {
    const unsure = measured.at(-1);
    expect(unsure?.after).toBeGreaterThan(0.85 * (unsure?.before ?? 0));
    expect(unsure?.after).toBeLessThan(unsure?.before ?? 0);
  });
});
