// Prompt tokens per model call, before and after the tool router and the shorter schemas (exact o200k counts of
// what the request carries), and the cheap estimate the budget plans with.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildSystemPrompt } from "../../agent/system-prompt.ts";
import { countTokens, estimateTokens } from "../../agent/token-count.ts";
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

const system = buildSystemPrompt({
  today: "2026-11-01",
  timezone: "Asia/Shanghai",
  currency: "CNY",
  fiscalYearStartMonth: 1,
  role: "manager",
  language: "en",
  freshness: { last_order_at: "2026-10-31T23:00:00Z", last_touch_at: "2026-10-31T23:00:00Z" },
});
const managerTools = TOOLS.filter((t) => t.roles.includes("manager"));

/** Exact tokens of a first call: the messages and the tool list as the request carries them. */
function firstCall(question: string, tools: { name: string; description?: string; schema?: unknown }[]): number {
  const messages = [
    { role: "system", content: system },
    { role: "user", content: question },
  ];
  const functions = tools.map((t) => ({
    type: "function",
    function: { name: t.name, description: t.description, parameters: t.schema },
  }));
  return countTokens(JSON.stringify(messages)) + countTokens(JSON.stringify(functions));
}

/** Before issue 18: every manager tool with its full JSON schema. */
const before = (question: string) =>
  firstCall(
    question,
    managerTools.map((t) => ({
      name: t.name,
      description: t.description,
      schema: z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }),
    })),
  );

/** Now: the routed tools with compact schemas, plus calculate and more_tools. */
function after(question: string): number {
  const routed = new Set(
    routeTools(
      question,
      [],
      managerTools.map((t) => t.name),
    ),
  );
  const all = [...describeTools(TOOLS, "manager"), ...turnTools()];
  return firstCall(
    question,
    all.filter((t) => routed.has(t.name) || t.name === "calculate" || t.name === "more_tools"),
  );
}

describe("prompt tokens per model call", () => {
  const measured = QUESTIONS.map((q) => ({ question: q, before: before(q), after: after(q) }));

  it("at least halves the first call's prompt for a typical question", () => {
    const ratios = measured.map((m) => m.after / m.before).sort((a, b) => a - b);
    expect(((ratios[3] ?? 1) + (ratios[4] ?? 1)) / 2).toBeLessThanOrEqual(0.5);
    expect(measured[0]?.before).toBeGreaterThan(11_000);
    expect(measured[0]?.after).toBeLessThan(3_500);
  });

  it("costs about as much as before only when the router cannot tell (every role tool)", () => {
    const unsure = measured.at(-1);
    expect(unsure?.after).toBeGreaterThan(0.85 * (unsure?.before ?? 0));
    expect(unsure?.after).toBeLessThan(unsure?.before ?? 0);
  });

  it("plans with an estimate within -10%/+75% of the exact count for prose, schemas, JSON and Chinese", () => {
    const samples = [
      system,
      JSON.stringify(managerTools.map((t) => z.toJSONSchema(t.input, { io: "input", unrepresentable: "any" }))),
      JSON.stringify({ totals: { revenue: 1201087.45, spend: 453210.1, roas: 2.65 }, change: { revenue: -0.0978 } }),
      "上周抖音渠道的收入占比为13.7%,主要来自新客户的首单,复购率下降了两个百分点。",
    ];
    for (const text of samples) {
      const ratio = estimateTokens(text) / countTokens(text);
      expect(ratio, text.slice(0, 40)).toBeGreaterThanOrEqual(0.9);
      expect(ratio, text.slice(0, 40)).toBeLessThan(1.75);
    }
  });
});
