// Renders docs/images/table-answer-example.png and streamed-answer-example.png (run from the repository root: npx tsx scripts/render-slack-examples.ts).
import { writeFileSync } from "node:fs";
import { answerImagePng } from "../bot/render/answer-image.ts";
import { answerBlocks } from "../bot/render/blocks.ts";

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const rows = [
  ["xiaohongshu", 2637.5, 9640.76, 27, 3.66, 0.0392],
  ["baidu_search", 2890.29, 12499.07, 40, 4.32, 0.0247],
  ["meta_ads", 1774.83, 4178.87, 12, 2.35, 0.0327],
  ["affiliate", 1556.28, 2592.55, 17, 1.67, 0.0098],
  ["douyin_ads", 5126.52, 7774.32, 48, 1.52, 0.0197],
  ["wechat_ads", 4609.45, 6123.96, 35, 1.33, 0.0319],
].map(([channel, spend, revenue, orders, roas, cvr]) => ({ key: { channel }, spend, revenue, orders, roas, cvr }));
const view = {
  runId: 42,
  text: "**baidu_search** had the best ROAS in October (4.32), ahead of **xiaohongshu** (3.66).",
  outcome: "ok" as const,
  steps: [{ tool: "compute_kpis", args: {}, ok: true, rows: 6, elapsedMs: 412 }],
  results: [
    {
      tool: "compute_kpis",
      args: { start: "2026-10-01", end: "2026-10-31", group_by: ["channel"], compare: "none" },
      result: { period: { start: "2026-10-01", end: "2026-10-31" }, rows },
    },
  ],
  freshness: "orders up to 2026-11-19",
  model: "gpt-4o-mini",
  suggestions: [],
};
const r = answerBlocks(view as never, SETTINGS);
writeFileSync("docs/images/table-answer-example.png", answerImagePng(r.blocks, "10:02"));
const tasks = [
  { id: "step_0", title: "Reading the question", status: "complete" as const, output: "done, 0.6 s" },
  {
    id: "step_1",
    title: "Aggregating KPIs from orders and spend…",
    status: "complete" as const,
    output: "6 rows, 0.4 s",
  },
  {
    id: "grounding",
    title: "Checked every number against the tool results",
    status: "complete" as const,
    output: "all numbers traced",
  },
];
const stale = answerBlocks(
  {
    ...view,
    outcome: "partial",
    steps: [...view.steps, { tool: "estimate_clv", args: {}, ok: false, rows: null, elapsedMs: 900, error: "timeout" }],
  } as never,
  SETTINGS,
);
writeFileSync("docs/images/streamed-answer-example.png", answerImagePng(stale.blocks, "10:03", tasks));
console.log("ok");
