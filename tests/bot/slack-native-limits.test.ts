// The limits module on the new block types (table, context_actions / feedback_buttons, alert), one test per limit,
// and the pieces of a Slack-native answer that need no Slack: table block, alerts, next questions, task steps.
import { describe, expect, it } from "vitest";
import { isThreadFollowUp } from "../../bot/listeners/thread-reply.ts";
import { answerAlerts } from "../../bot/render/answer-alerts.ts";
import type { AnswerView } from "../../bot/render/answer-view.ts";
import { feedbackBlock, parseFeedbackValue } from "../../bot/render/blocks.ts";
import { nextQuestions, previousPeriod } from "../../bot/render/next-questions.ts";
import {
  blockViolation,
  fitBlock,
  fitMessages,
  messageViolation,
  SLACK_LIMITS,
} from "../../bot/render/slack-limits.ts";
import type { Table } from "../../bot/render/table.ts";
import { TABLE_BLOCK_CHARS, tableBlock } from "../../bot/render/table-block.ts";
import { consoleStepLine, TaskSteps } from "../../bot/render/task-steps.ts";
import { toSafeMarkdown } from "../../bot/slack/answer-stream.ts";

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is inspected loosely.
type Loose = any;
const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const cell = (text: string) => ({ type: "raw_text", text });
const table = (rows: number, cells: number, extra: Record<string, unknown> = {}): Loose => ({
  type: "table",
  rows: Array.from({ length: rows }, (_, r) => Array.from({ length: cells }, (_, c) => cell(`${r}.${c}`))),
  ...extra,
});
const view = (over: Partial<AnswerView> = {}): AnswerView => ({
  runId: 7,
  text: "ok",
  outcome: "ok",
  steps: [],
  results: [],
  freshness: null,
  model: null,
  suggestions: [],
  ...over,
});

describe("table block limits", () => {
  it("at most 100 rows: 101 is refused, fitting cuts to 100", () => {
    expect(blockViolation(table(100, 3))).toBeNull();
    expect(blockViolation(table(101, 3))).toBe("table has 101 rows (max 100)");
    const [fitted] = fitBlock(table(150, 3)) as Loose[];
    expect(fitted.rows).toHaveLength(100);
    expect(blockViolation(fitted)).toBeNull();
  });

  it("at most 20 cells a row: 21 is refused, fitting cuts to 20", () => {
    expect(blockViolation(table(2, 21))).toBe("table row 0 has 21 cells (max 20)");
    const [fitted] = fitBlock(table(2, 25)) as Loose[];
    expect(fitted.rows[1]).toHaveLength(20);
  });

  it("no rows, empty rows, empty or unknown cells are refused; fitting fills an empty cell with –", () => {
    expect(blockViolation({ type: "table", rows: [] } as Loose)).toBe("table without rows");
    expect(blockViolation({ type: "table", rows: [[]] } as Loose)).toBe("table row 0 has no cells");
    expect(blockViolation({ type: "table", rows: [[cell("")]] } as Loose)).toBe("empty table cell in row 0");
    expect(blockViolation({ type: "table", rows: [[{ type: "mrkdwn", text: "x" }]] } as Loose)).toBe(
      'table cell of type "mrkdwn" in row 0',
    );
    const [fitted] = fitBlock({ type: "table", rows: [[cell("")]] } as Loose) as Loose[];
    expect(fitted.rows[0][0].text).toBe("–");
  });

  it("a cell is capped at tableCellChars with an ellipsis", () => {
    const [fitted] = fitBlock({ type: "table", rows: [[cell("x".repeat(900))]] } as Loose) as Loose[];
    expect(fitted.rows[0][0].text).toHaveLength(SLACK_LIMITS.tableCellChars);
    expect(fitted.rows[0][0].text.endsWith("…")).toBe(true);
  });

  it("column_settings: at most 20, alignments left / center / right", () => {
    const settings = (n: number) => Array.from({ length: n }, () => ({ align: "right" }));
    expect(blockViolation(table(2, 2, { column_settings: settings(21) }))).toBe(
      "column_settings has more than 20 entries",
    );
    expect(blockViolation(table(2, 2, { column_settings: [{ align: "middle" }] }))).toBe(
      'column alignment "middle" is not left, center or right',
    );
    const [fitted] = fitBlock(table(2, 2, { column_settings: settings(30) })) as Loose[];
    expect(fitted.column_settings).toHaveLength(20);
  });

  it("one table a message: a second is refused, and fitting moves it to the next message", () => {
    const blocks = [table(2, 2), table(2, 2)];
    expect(messageViolation(blocks)).toBe("2 tables (max one a message)");
    const messages = fitMessages(blocks);
    expect(messages.map((m) => m.length)).toEqual([1, 1]);
    for (const m of messages) expect(messageViolation(m)).toBeNull();
  });
});

describe("context_actions and feedback_buttons limits", () => {
  const feedback = (over: Loose = {}) => ({
    type: "feedback_buttons",
    action_id: "f",
    positive_button: { text: { type: "plain_text", text: "👍" }, value: "up:1" },
    negative_button: { text: { type: "plain_text", text: "👎" }, value: "down:1" },
    ...over,
  });
  const actions = (elements: Loose[]): Loose => ({ type: "context_actions", elements });

  it("1 to 5 elements: none or 6 are refused, fitting keeps 5", () => {
    expect(blockViolation(actions([]))).toBe("context_actions without elements");
    expect(blockViolation(actions(Array.from({ length: 6 }, () => feedback())))).toBe(
      "context_actions has 6 elements (max 5)",
    );
    expect((fitBlock(actions(Array.from({ length: 8 }, () => feedback())))[0] as Loose).elements).toHaveLength(5);
  });

  it("only feedback_buttons and icon_button elements", () => {
    expect(blockViolation(actions([{ type: "button", text: { type: "plain_text", text: "x" } }]))).toBe(
      'element "button" is not allowed in context_actions',
    );
  });

  it("feedback button text at most 75, value at most 2,000, accessibility_label at most 75; fitting caps them", () => {
    const long = feedback({ positive_button: { text: { type: "plain_text", text: "y".repeat(80) }, value: "up:1" } });
    expect(blockViolation(actions([long]))).toBe("feedback positive_button text over 75");
    const bigValue = feedback({
      negative_button: { text: { type: "plain_text", text: "n" }, value: "v".repeat(2001) },
    });
    expect(blockViolation(actions([bigValue]))).toBe("feedback negative_button value over 2000");
    const label = feedback({
      positive_button: { text: { type: "plain_text", text: "👍" }, value: "up:1", accessibility_label: "a".repeat(76) },
    });
    expect(blockViolation(actions([label]))).toBe("feedback positive_button accessibility_label over 75");
    const fitted = fitBlock(actions([long, bigValue, label]))[0] as Loose;
    expect(blockViolation(fitted)).toBeNull();
  });

  it("the answer's feedback block is valid and its values parse back to run and rating", () => {
    const block = feedbackBlock(42) as Loose;
    expect(blockViolation(block)).toBeNull();
    expect(parseFeedbackValue(block.elements[0].positive_button.value)).toEqual({ runId: 42, rating: 1 });
    expect(parseFeedbackValue(block.elements[0].negative_button.value)).toEqual({ runId: 42, rating: -1 });
    expect(parseFeedbackValue("sideways:42")).toBeNull();
  });
});

describe("alert block limits", () => {
  it("needs text, a known level and at most 3,000 characters; fitting caps the text", () => {
    const alert = (text: string, level = "warning"): Loose => ({
      type: "alert",
      level,
      text: { type: "mrkdwn", text },
    });
    expect(blockViolation(alert("Stale data"))).toBeNull();
    expect(blockViolation(alert(""))).toBe("alert without text");
    expect(blockViolation(alert("x", "panic"))).toBe('alert level "panic" is not one of Slack\'s');
    expect(blockViolation(alert("x".repeat(3001)))).toBe("alert text has 3001 characters (max 3000)");
    expect(blockViolation(fitBlock(alert("x".repeat(5000)))[0] as Loose)).toBeNull();
  });
});

describe("native table from a result", () => {
  const big: Table = {
    title: "compute_kpis",
    columns: ["day", "revenue", "cvr"],
    rows: Array.from({ length: 300 }, (_, i) => [`2026-10-${String((i % 28) + 1).padStart(2, "0")}`, 1000 + i, 0.05]),
    formats: [{ kind: "date" }, { kind: "money" }, { kind: "percent", decimals: 1 }],
  };

  it("header with units, bare numbers right-aligned, at most 99 data rows, the rest flagged for CSV", () => {
    const fit = tableBlock(big, SETTINGS);
    const block = fit.block as Loose;
    expect(block.rows[0].map((c: Loose) => c.text)).toEqual(["day", "revenue (¥)", "cvr (%)"]);
    expect(block.rows[1].map((c: Loose) => c.text)).toEqual(["2026-10-01", "1,000.00", "5.0"]);
    expect(block.column_settings).toEqual([{ is_wrapped: true }, { align: "right" }, { align: "right" }]);
    expect(fit.shownRows).toBe(99);
    expect(fit.file).toBe(true);
    expect(blockViolation(block)).toBeNull();
  });

  it("stops adding rows at the character budget", () => {
    const wide: Table = { ...big, rows: big.rows.map((r) => [`${"note ".repeat(40)}`, r[1] ?? null, r[2] ?? null]) };
    const fit = tableBlock(wide, SETTINGS);
    const chars = (fit.block as Loose).rows.flat().reduce((s: number, c: Loose) => s + c.text.length, 0);
    expect(chars).toBeLessThanOrEqual(TABLE_BLOCK_CHARS);
    expect(fit.shownRows).toBeLessThan(99);
    expect(fit.file).toBe(true);
  });
});

describe("alerts, next questions, steps, follow-up detection", () => {
  it("alerts for a failure, stale data, a refused action and a partial answer", () => {
    expect(answerAlerts(view({ failure: { code: "model_unavailable", message: "Model down." } }))).toEqual([
      { level: "error", text: "Model down." },
    ]);
    const stale = answerAlerts(
      view({ steps: [{ tool: "compute_kpis", args: {}, ok: false, rows: null, elapsedMs: 4, error: "stale_data" }] }),
    );
    expect(stale[0]?.text).toMatch(/^Stale data: compute_kpis/);
    const refused = answerAlerts(
      view({
        outcome: "refused",
        steps: [{ tool: "recommend_budget", args: {}, ok: false, rows: null, elapsedMs: 0, error: "not asked for" }],
      }),
    );
    expect(refused).toEqual([{ level: "warning", text: "Not done: recommend budget. not asked for" }]);
    const partial = answerAlerts(
      view({
        outcome: "partial",
        steps: [{ tool: "estimate_clv", args: {}, ok: false, rows: null, elapsedMs: 900, error: "timeout" }],
      }),
    );
    expect(partial[0]?.text).toBe(
      "Partial answer (estimate_clv failed): the numbers below cover only the steps that finished.",
    );
    expect(answerAlerts(view())).toEqual([]);
  });

  it("next questions from the arguments: another model, the period before, by campaign", () => {
    expect(previousPeriod({ start: "2026-10-01", end: "2026-10-31" })).toEqual({
      start: "2026-08-31",
      end: "2026-09-30",
    });
    const attribution = nextQuestions(
      view({
        results: [
          {
            tool: "compute_attribution",
            args: { model: "markov", start: "2026-09-01", end: "2026-09-30" },
            result: {},
          },
        ],
      }),
      SETTINGS,
    );
    expect(attribution).toEqual([
      "Same attribution with the last-touch model from 2026-09-01 to 2026-09-30",
      "Compare with the previous period (2026-08-02 to 2026-08-31)",
    ]);
    const kpis = nextQuestions(
      view({
        results: [
          {
            tool: "compute_kpis",
            args: { group_by: ["channel"], compare: "none", start: "2026-10-01", end: "2026-10-31" },
            result: {},
          },
        ],
        suggestions: ["a", "b"],
      }),
      SETTINGS,
    );
    expect(kpis).toEqual([
      "Same KPIs by campaign from 2026-10-01 to 2026-10-31",
      "Compare with the previous period (2026-08-31 to 2026-09-30)",
      "a",
    ]);
  });

  it("task steps: a new progress text finishes the running step; finish() takes rows and time from the trail", () => {
    let now = 0;
    const steps = new TaskSteps(() => now);
    expect(steps.begin("Reading the question")).toEqual([
      { id: "step_0", title: "Reading the question", status: "in_progress" },
    ]);
    now = 300;
    const changed = steps.progress("Aggregating KPIs…");
    expect(changed[0]).toEqual({
      id: "step_0",
      title: "Reading the question",
      status: "complete",
      output: "done, 0.3 s",
    });
    expect(changed[1]?.status).toBe("in_progress");
    const done = steps.finish([{ tool: "compute_kpis", args: {}, ok: true, rows: 48211, elapsedMs: 412 }]);
    expect(done).toEqual([
      { id: "step_1", title: "Aggregating KPIs…", status: "complete", output: "48,211 rows, 0.4 s" },
    ]);
    expect(consoleStepLine(done[0] as Loose)).toBe("  ✓ Aggregating KPIs… 48,211 rows, 0.4 s");
  });

  it("a thread follow-up is a user's plain reply in a channel thread, not a mention, edit, bot or top-level message", () => {
    const base = {
      channel: "C1",
      channel_type: "channel",
      user: "U1",
      text: "and last month?",
      ts: "2.0",
      thread_ts: "1.0",
    };
    expect(isThreadFollowUp(base, "UBEACON")).toBe(true);
    expect(isThreadFollowUp({ ...base, channel_type: "group" }, "UBEACON")).toBe(true);
    expect(isThreadFollowUp({ ...base, channel_type: "im" }, "UBEACON")).toBe(false);
    expect(isThreadFollowUp({ ...base, thread_ts: undefined }, "UBEACON")).toBe(false);
    expect(isThreadFollowUp({ ...base, thread_ts: "2.0" }, "UBEACON")).toBe(false);
    expect(isThreadFollowUp({ ...base, subtype: "message_changed" }, "UBEACON")).toBe(false);
    expect(isThreadFollowUp({ ...base, bot_id: "B1" }, "UBEACON")).toBe(false);
    expect(isThreadFollowUp({ ...base, user: "UBEACON" }, "UBEACON")).toBe(false);
    expect(isThreadFollowUp({ ...base, text: "<@UBEACON> and last month?" }, "UBEACON")).toBe(false);
    expect(isThreadFollowUp({ ...base, text: "<@UALICE> thoughts?" }, "UBEACON")).toBe(false);
  });

  it("streamed markdown cannot mention or disguise a link", () => {
    expect(toSafeMarkdown("Hi <!channel> @here [click](https://evil.example)")).toBe(
      "Hi &lt;!channel&gt; @\u200Bhere click (https://evil.example)",
    );
  });
});
