// Golden files: the real results of the analytics tools on a small fixed demo, rendered as the console and Slack show
// them (summary and table) and as the CSV file Slack receives. A change to any digit shows up as a diff here.
// Regenerate after an intended change with `npx vitest run tests/bot/render-golden.int.test.ts -u`, then read the diff.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPlainTable, tableFromResult, toCsv } from "../../bot/render/table.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const options = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  ...SETTINGS,
  now: new Date("2026-12-01T04:00:00Z"),
};
const month = { start: "2026-11-01", end: "2026-11-30" };

/** One golden file per table: [file name, tool, arguments]. */
const CASES: [string, string, Record<string, unknown>][] = [
  ["kpis-by-channel", "compute_kpis", { ...month, group_by: ["channel"] }],
  ["kpis-by-campaign", "compute_kpis", { ...month, group_by: ["campaign"] }],
  ["kpis-by-week", "compute_kpis", { start: "2026-10-05", end: "2026-11-29", group_by: ["week"] }],
  ["recommend-budget", "recommend_budget", {}],
  ["segment-customers", "segment_customers", { dimension: "value_tier" }],
  ["compute-attribution", "compute_attribution", { ...month, model: "markov" }],
];

/** What a person sees of one tool result: its summary, the full table, and the CSV export. */
function rendered(tool: string, args: unknown, result: unknown): string {
  const table = tableFromResult(tool, result, args);
  if (!table) throw new Error(`${tool} returned no table`);
  const summary = (result as { summary?: string }).summary ?? "";
  return [summary, "", renderPlainTable(table, SETTINGS), "", toCsv(table, SETTINGS).replace(/^\uFEFF/, "")].join("\n");
}

describe.each(testEngines())("rendered tool results on $name match the golden files", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 400, seed: 7, endDate: "2026-11-30" });
  });
  afterAll(async () => {
    await db?.close();
  });

  it.each(CASES)("%s", async (file, tool, args) => {
    const outcome = await invokeTool(db, tool, args, options);
    if (!outcome.ok) throw new Error(outcome.error);
    await expect(rendered(tool, args, outcome.result)).toMatchFileSnapshot(`golden/${file}.txt`);
  });

  it("summaries print money, changes and ratios as the tables do (was 'paid CAC 13840.71', 'revenue 53.6%', 'kol -27,755.2')", async () => {
    const summaryOf = async (tool: string, args: Record<string, unknown>) => {
      const outcome = await invokeTool(db, tool, args, options);
      if (!outcome.ok) throw new Error(outcome.error);
      return (outcome.result as { summary: string }).summary;
    };
    const kpis = await summaryOf("compute_kpis", { ...month, group_by: ["channel"] });
    expect(kpis).toMatch(/revenue ¥\d{1,3}(,\d{3})*\.\d{2} from \d+ orders, ROAS \d+\.\d{2}, paid CAC ¥[\d,]+\.\d{2} /);
    expect(kpis).toMatch(/\(revenue [+−]\d+\.\d% vs previous period\)/);
    const budget = await summaryOf("recommend_budget", {});
    expect(budget).toMatch(/Biggest moves: (\w+ [+−]¥[\d,]+\.\d{2}(, )?){1,3}\./);
    expect(budget).toMatch(/at the current split \([+−]\d+\.\d%\)/);
  });
});
