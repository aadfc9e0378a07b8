// Pure rendering: escaping of model output, Block Kit answers within Slack's limits, plain-text tables and CSV.
import { describe, expect, it } from "vitest";
import type { AnswerView } from "../../bot/render/answer-view.ts";
import { answerBlocks, chunkText, SLACK_LIMITS } from "../../bot/render/blocks.ts";
import { plainText, toSafeMrkdwn } from "../../bot/render/escape.ts";
import { prefillFromMessage } from "../../bot/render/feedback-prefill.ts";
import { renderPlainAnswer } from "../../bot/render/plain-answer.ts";
import { renderPlainTable, type Table, tableFromResult, toCsv } from "../../bot/render/table.ts";

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON is inspected loosely.
type Loose = any;

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const view = (over: Partial<AnswerView> = {}): AnswerView => ({
  runId: 7,
  text: "ROAS was highest on **xiaohongshu**.",
  outcome: "ok",
  steps: [{ tool: "compute_kpis", args: {}, ok: true, rows: 3, elapsedMs: 12 }],
  results: [],
  freshness: "orders up to 2026-11-22",
  model: "gpt-4o-mini",
  suggestions: [],
  ...over,
});
const kpiRows = (n: number) => ({
  summary: "s",
  period: { start: "2026-10-01", end: "2026-10-31" },
  rows: Array.from({ length: n }, (_, i) => ({
    key: { channel: `ch_${i}` },
    spend: 1000.5 * i,
    revenue: 2500 * i,
    roas: 2.5,
    cvr: 0.0437,
  })),
});
const allText = (blocks: Loose[]) => JSON.stringify(blocks);

describe("escaping model output", () => {
  it("neutralises mass mentions, user mentions and disguised links", () => {
    const out = toSafeMrkdwn("Hi <!channel> <!here> <@U123> and <https://evil.example|bank.com> @everyone @here");
    expect(out).not.toMatch(/<[!@]/);
    expect(out).not.toContain("<https://");
    expect(out).toContain("&lt;!channel&gt;");
    expect(out).toContain("@\u200Beveryone");
    expect(out).toContain("@\u200Bhere");
  });

  it("shows a Markdown link's real target and converts bold, headings, bullets and tables", () => {
    const out = toSafeMrkdwn(
      "## Result\n**Bold** and [the report](https://ok.example/r)\n- item\n| a | b |\n|---|---|\n| 1 | 2 |\nafter",
    );
    expect(out).toContain("*Result*");
    expect(out).toContain("*Bold*");
    expect(out).toContain("the report (https://ok.example/r)");
    expect(out).toContain("• item");
    expect(out).toContain("```\n| a | b |\n| 1 | 2 |\n```\nafter");
    expect(toSafeMrkdwn("a & b")).toBe("a &amp; b");
  });

  it("plain text fields lose angle brackets and are cut with an ellipsis", () => {
    expect(plainText("<!channel> hello", 100)).toBe("‹!channel› hello");
    expect(plainText("x".repeat(100), 10)).toHaveLength(10);
  });
});

describe("answer blocks", () => {
  it("puts the answer first, then the table, How I got this, follow-ups and 👍/👎", () => {
    const { blocks, csvTables } = answerBlocks(
      view({
        results: [{ tool: "compute_kpis", args: { roi_convention: "google_ads" }, result: kpiRows(3) }],
        suggestions: ["ROAS by week?", "CAC by channel?"],
      }),
      SETTINGS,
    );
    expect(csvTables).toHaveLength(0);
    expect(blocks[0]).toMatchObject({ type: "section", text: { text: "ROAS was highest on *xiaohongshu*." } });
    // A native table block: header with units, numbers without them, right-aligned.
    expect((blocks[1] as Loose).text.text).toBe("*compute_kpis*");
    const table = blocks[2] as Loose;
    expect(table.type).toBe("table");
    expect(table.rows[0].map((c: Loose) => c.text)).toContain("cvr (%)");
    expect(JSON.stringify(table.rows[1])).toContain('"4.37"');
    expect(table.column_settings[1]).toEqual({ align: "right" });
    const context = blocks.find((b) => b.type === "context") as Loose;
    expect(context.elements[0].text).toContain("How I got this: Tools: compute_kpis (3 rows)");
    expect(context.elements[0].text).toContain("Period: 2026-10-01 to 2026-10-31");
    expect(context.elements[0].text).toContain("ROI google_ads");
    expect(context.elements[0].text).toContain("Data: orders up to 2026-11-22");
    const actions = blocks.filter((b) => b.type === "actions") as Loose[];
    // Derived from the call and its period (compute_kpis already compares with the period before; a table without
    // a chart adds "as a chart"), then the analyst's own, three at most.
    expect(actions[0].elements.map((e: Loose) => e.value)).toEqual([
      "Same KPIs by channel from 2026-10-01 to 2026-10-31",
      "Show this as a chart",
      "ROAS by week?",
    ]);
    const feedback = blocks.at(-1) as Loose;
    expect(feedback.type).toBe("context_actions");
    expect(feedback.elements[0].type).toBe("feedback_buttons");
    expect([feedback.elements[0].positive_button.value, feedback.elements[0].negative_button.value]).toEqual([
      "up:7",
      "down:7",
    ]);
  });

  it("sends tables over 20 rows as CSV with a preview, and keeps every section under 3,000 characters", () => {
    const { blocks, csvTables } = answerBlocks(
      view({ results: [{ tool: "compute_kpis", args: {}, result: kpiRows(300) }] }),
      SETTINGS,
    );
    expect(csvTables).toHaveLength(1);
    expect(csvTables[0]?.rows).toHaveLength(300);
    expect(allText(blocks)).toContain("first 99 of 300 rows: the full table is attached as a CSV file");
    expect((blocks.find((b) => b.type === "table") as Loose).rows).toHaveLength(100);
    for (const b of blocks as Loose[])
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
  });

  it("never exceeds 50 blocks or 3,000 characters a section, even for a huge answer", () => {
    const huge = Array.from({ length: 4000 }, (_, i) => `Line ${i} of a very long answer.`).join("\n");
    const { blocks, text } = answerBlocks(view({ text: huge, suggestions: ["a"] }), SETTINGS);
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(allText(blocks).length).toBeLessThan(SLACK_LIMITS.messageChars);
    expect(allText(blocks)).toContain("cut here");
    for (const b of blocks as Loose[])
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionChars);
    expect(text.length).toBeLessThan(3000);
    expect((blocks.at(-1) as Loose).block_id).toBe("rating");
    expect(chunkText("a\nb", 2)).toEqual(["a", "b"]);
  });

  it("adds Approve / Adjust / Reject for a stored budget proposal and flags failures", () => {
    const { blocks } = answerBlocks(
      view({ results: [{ tool: "recommend_budget", args: {}, result: { proposal_id: 12, rows: [] } }] }),
      SETTINGS,
    );
    const budget = blocks.find((b) => (b as Loose).block_id === "budget_12") as Loose;
    expect(budget.elements.map((e: Loose) => [e.action_id, e.value])).toEqual([
      ["budget_approve", "12"],
      ["budget_adjust", "12"],
      ["budget_reject", "12"],
    ]);
    const failed = answerBlocks(
      view({ text: "", runId: null, failure: { code: "model_unavailable", message: "The model is down." } }),
      SETTINGS,
    );
    expect(failed.blocks[0]).toMatchObject({ type: "alert", level: "error", text: { text: "The model is down." } });
    expect(allText(failed.blocks)).not.toContain("rate_up");
  });
});

describe("tables", () => {
  it("flattens grouping keys first, formats by the metric registry, aligns CJK, writes CSV with a BOM", () => {
    const table = tableFromResult("compute_kpis", {
      rows: [{ key: { region: "华东" }, revenue: 12345.678, cvr: 0.05, roas: null }],
    });
    expect(table?.columns).toEqual(["region", "revenue", "roas", "cvr"]);
    expect(table?.formats.map((f) => f.kind)).toEqual(["text", "money", "ratio", "percent"]);
    const text = renderPlainTable(table as Table, SETTINGS);
    expect(text.split("\n")[2]).toBe("华东    ¥12,345.68     –  5.00%");
    const cjk = renderPlainTable(
      {
        title: "t",
        columns: ["城市", "n"],
        rows: [
          ["上海", 1],
          ["Xi'an", 22],
        ],
        formats: [],
      },
      SETTINGS,
    );
    expect(cjk.split("\n")[0]).toBe("城市    n");
    expect(cjk.split("\n")[2]).toBe("上海    1");
    const quoted = { title: "t", columns: ["a", "b"], rows: [["x,y", 'say "hi"']], formats: [] };
    expect(toCsv(quoted, SETTINGS)).toBe('\uFEFFa,b\r\n"x,y","say ""hi"""\r\n');
  });

  it("renders a plain-text answer for the console", () => {
    const out = renderPlainAnswer(
      view({ results: [{ tool: "compute_kpis", args: {}, result: kpiRows(30) }], suggestions: ["Next?"] }),
      SETTINGS,
    );
    expect(out).toContain("ROAS was highest on xiaohongshu.");
    expect(out).toContain("… 5 more rows");
    expect(out).toContain("How I got this:");
    expect(out).toContain("  - Next?");
  });
});

describe("feedback prefill", () => {
  it("guesses customer, category, sentiment and severity from the message", () => {
    expect(prefillFromMessage("CUS-0000702: the parcel arrived broken, I want a refund")).toMatchObject({
      customer: "CUS-0000702",
      category: "delivery",
      sentiment: "negative",
      severity: "high",
    });
    expect(prefillFromMessage("客户 13800138000 投诉广告说买一送一但结账没有")).toMatchObject({
      customer: "13800138000",
      category: "ad_promise",
      sentiment: "negative",
    });
    expect(prefillFromMessage("Thanks, great service from the store staff!")).toMatchObject({
      customer: "",
      category: "service",
      sentiment: "positive",
      severity: "medium",
    });
  });
});
