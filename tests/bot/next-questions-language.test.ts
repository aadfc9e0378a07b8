// Issue 23: the suggested next questions are worded in the question's language; a button's label is also the
// question its click asks, so both are checked.
import { describe, expect, it } from "vitest";
import { detectLanguage } from "../../agent/replies.ts";
import type { AnswerView } from "../../bot/render/answer-view.ts";
import { answerBlocks } from "../../bot/render/blocks.ts";
import { nextQuestions } from "../../bot/render/next-questions.ts";

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const view = (over: Partial<AnswerView> = {}): AnswerView => ({
  runId: 7,
  text: "ok",
  outcome: "ok",
  steps: [],
  results: [],
  freshness: null,
  model: "test-model",
  suggestions: [],
  ...over,
});
const attribution = {
  tool: "compute_attribution",
  args: { model: "last_touch", start: "2026-09-01", end: "2026-09-30" },
  result: {},
};
const kpis = {
  tool: "compute_kpis",
  args: { group_by: ["channel"], compare: "none", start: "2026-10-01", end: "2026-10-31" },
  result: {},
};
const kpisByWeek = {
  tool: "compute_kpis",
  args: { group_by: ["week"], start: "2026-10-01", end: "2026-10-31" },
  result: {},
};

describe("next questions in the question's language", () => {
  it("Chinese: another model, another grouping and the period before, in Chinese, with the same dates", () => {
    expect(nextQuestions(view({ language: "zh", results: [attribution] }), SETTINGS)).toEqual([
      "改用马尔可夫链模型做同样的归因（2026-09-01 至 2026-09-30）",
      "与上一周期（2026-08-02 至 2026-08-31）对比",
    ]);
    expect(nextQuestions(view({ language: "zh", results: [kpis], suggestions: ["与去年同期对比"] }), SETTINGS)).toEqual(
      [
        "按广告活动看同样的 KPI（2026-10-01 至 2026-10-31）",
        "与上一周期（2026-08-31 至 2026-09-30）对比",
        "与去年同期对比",
      ],
    );
    expect(nextQuestions(view({ language: "zh", results: [kpisByWeek] }), SETTINGS)).toEqual([
      "按渠道看同样的 KPI（2026-10-01 至 2026-10-31）",
    ]);
  });

  it("English (and an answer without a language, e.g. a command) keeps the English wording", () => {
    const english = [
      "Same attribution with the markov model from 2026-09-01 to 2026-09-30",
      "Compare with the previous period (2026-08-02 to 2026-08-31)",
    ];
    expect(nextQuestions(view({ language: "en", results: [attribution] }), SETTINGS)).toEqual(english);
    expect(nextQuestions(view({ results: [attribution] }), SETTINGS)).toEqual(english);
    expect(nextQuestions(view({ language: "en", results: [kpisByWeek] }), SETTINGS)).toEqual([
      "Same KPIs by channel from 2026-10-01 to 2026-10-31",
    ]);
  });

  it("a table without a chart offers the chart in the question's language", () => {
    const table = {
      tool: "query_database",
      args: { sql: "select 1" },
      result: {
        columns: ["name", "n"],
        rows: [
          { name: "a", n: 1 },
          { name: "b", n: 2 },
        ],
        row_count: 2,
      },
    };
    expect(nextQuestions(view({ language: "zh", results: [table] }), SETTINGS)).toEqual(["用图表展示"]);
    expect(nextQuestions(view({ language: "en", results: [table] }), SETTINGS)).toEqual(["Show this as a chart"]);
  });

  it("the Slack buttons carry the Chinese label and ask the Chinese question", () => {
    const { blocks } = answerBlocks(view({ language: "zh", results: [attribution] }), SETTINGS);
    const actions = blocks.find((b) => (b as { block_id?: string }).block_id === "follow_ups") as unknown as {
      elements: { text: { text: string }; value: string }[];
    };
    expect(actions.elements.map((e) => e.value)).toEqual([
      "改用马尔可夫链模型做同样的归因（2026-09-01 至 2026-09-30）",
      "与上一周期（2026-08-02 至 2026-08-31）对比",
    ]);
    expect(actions.elements.map((e) => e.text.text)).toEqual(actions.elements.map((e) => e.value));
    // A click asks the value as the next question: the analyst reads it as Chinese and answers in Chinese.
    for (const e of actions.elements) expect(detectLanguage(e.value)).toBe("zh");
  });
});
