// The one number formatter: properties over random tool-result rows, and one test per defect found in issue 17.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ChartSpec, chartsFor } from "../../bot/render/charts.ts";
import { renderPlainTable, type Table, tableFromResult, toCsv } from "../../bot/render/table.ts";
import {
  currencySymbol,
  type DisplaySettings,
  formatChange,
  formatMoney,
  formatPercent,
  formatRatio,
} from "../../tools/number-format.ts";

const SHANGHAI: DisplaySettings = { currency: "CNY", timezone: "Asia/Shanghai" };

/** The table a tool result renders to, as cells: header -> cell text, one object per row. */
function cells(tool: string, rows: Record<string, unknown>[], settings = SHANGHAI): Record<string, string>[] {
  const table = tableFromResult(tool, { rows }) as Table;
  const lines = renderPlainTable(table, settings).split("\n").slice(2);
  return lines.map((line) => {
    // Cells never contain two spaces in a row; columns are separated by at least two.
    const texts = line.trim().split(/ {2,}/);
    return Object.fromEntries(table.columns.map((c, i) => [c, texts[i] ?? ""]));
  });
}

const decimalsOf = (text: string) => /\.(\d+)/.exec(text)?.[1]?.length ?? 0;
const SEPARATED = "\\d{1,3}(,\\d{3})*";
// Zones without daylight saving since the 1990s, so the wall clock is the instant plus a fixed offset.
const ZONES: [string, number][] = [
  ["Asia/Shanghai", 8 * 60],
  ["UTC", 0],
  ["Asia/Kolkata", 5 * 60 + 30],
];

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 4 });
const money = fc.double({ min: -5e7, max: 5e7, noNaN: true, noDefaultInfinity: true });
const instant = fc.date({
  min: new Date("2000-01-01T00:00:00Z"),
  max: new Date("2035-12-31T00:00:00Z"),
  noInvalidDate: true,
});
const row = fc.record({
  channel: fc.constantFrom("affiliate", "kol", "douyin_ads", "小红书"),
  id: fc.integer({ min: 1, max: 50_000_000 }),
  customer_id: fc.integer({ min: 1, max: 50_000_000 }),
  spend: maybe(money),
  change: maybe(money),
  orders: maybe(fc.integer({ min: 0, max: 50_000_000 })),
  roas: maybe(fc.double({ min: 0, max: 5000, noNaN: true })),
  share: maybe(fc.double({ min: 0, max: 1, noNaN: true })),
  change_pct: maybe(fc.double({ min: -1, max: 50, noNaN: true })),
  // What reaches the renderer: pg's text form or ISO with Z (a tool that bypassed the run-tool conversion).
  created_at: maybe(fc.tuple(instant, fc.boolean())),
});

describe("number formatter properties over random tool rows", () => {
  it("ids are never grouped, money has the currency and 2 decimals, changes carry a sign, nulls are –, one decimals count per column", () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 12 }),
        fc.constantFrom("CNY", "USD", "EUR"),
        fc.constantFrom(...ZONES),
        fc.constantFrom("recommend_budget", "query_database", "list_budget_proposals"),
        (generated, currency, [timezone, offsetMinutes], tool) => {
          const rows = generated.map((r) => ({
            ...r,
            created_at:
              r.created_at === null
                ? null
                : r.created_at[1]
                  ? r.created_at[0].toISOString()
                  : `${r.created_at[0].toISOString().replace("T", " ").replace("Z", "")}+00`,
          }));
          const settings = { currency, timezone };
          const symbol = currencySymbol(currency).replace("$", "\\$");
          const shown = cells(tool, rows, settings);
          const moneyCell = new RegExp(`^−?${symbol}${SEPARATED}\\.\\d{2}$`);
          const signedMoney = new RegExp(`^([+−]${symbol}${SEPARATED}\\.\\d{2}|${symbol}0\\.00)$`);
          rows.forEach((r, i) => {
            const c = shown[i] as Record<string, string>;
            expect(c.id).toBe(String(r.id));
            expect(c.customer_id).toBe(String(r.customer_id));
            if (r.spend === null) expect(c.spend).toBe("–");
            else {
              expect(c.spend).toMatch(moneyCell);
              const back = Number((c.spend as string).replace(/[^\d.]/g, "")) * (c.spend?.startsWith("−") ? -1 : 1);
              expect(Math.abs(back - r.spend)).toBeLessThanOrEqual(0.005 + Math.abs(r.spend) * 1e-12);
            }
            if (r.change === null) expect(c.change).toBe("–");
            else {
              expect(c.change).toMatch(signedMoney);
              if (Math.round(Math.abs(r.change) * 100) >= 1) expect(c.change?.[0]).toBe(r.change > 0 ? "+" : "−");
            }
            expect(c.orders).toMatch(r.orders === null ? /^–$/ : new RegExp(`^${SEPARATED}$`));
            expect(c.roas).toMatch(r.roas === null ? /^–$/ : new RegExp(`^${SEPARATED}\\.\\d{2}$`));
            expect(c.share).toMatch(r.share === null ? /^–$/ : /^\d{1,3}\.\d%$/);
            if (r.change_pct === null) expect(c.change_pct).toBe("–");
            else if (Math.abs(r.change_pct) >= 0.0005) expect(c.change_pct).toMatch(/^[+−][\d,]+\.\d%$/);
            else expect(c.change_pct).toBe("0.0%");
            if (r.created_at === null) expect(c.created_at).toBe("–");
            else {
              const wall = new Date(
                Date.parse(r.created_at.replace(" ", "T").replace("+00", "Z")) + offsetMinutes * 60_000,
              );
              expect(c.created_at).toBe(wall.toISOString().slice(0, 16).replace("T", " "));
            }
          });
          for (const column of ["spend", "change", "orders", "roas", "share", "change_pct"]) {
            const numbers = shown.map((c) => c[column] as string).filter((t) => t !== "–");
            expect(new Set(numbers.map(decimalsOf)).size, column).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("CSV numbers are machine-readable with the table's decimals, ids exact, times ISO in the business zone", () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (generated) => {
        const rows = generated.map((r) => ({ ...r, created_at: r.created_at?.[0].toISOString() ?? null }));
        const table = tableFromResult("recommend_budget", { rows }) as Table;
        const [header = "", ...lines] = toCsv(table, SHANGHAI)
          .replace(/^\uFEFF/, "")
          .trimEnd()
          .split("\r\n");
        const columns = header.split(",");
        lines.forEach((line, i) => {
          const r = rows[i] as (typeof rows)[number];
          const c = Object.fromEntries(line.split(",").map((v, j) => [columns[j], v]));
          expect(c.id).toBe(String(r.id));
          expect(c.spend).toMatch(r.spend === null ? /^$/ : /^-?\d+\.\d{2}$/);
          expect(c.change).toMatch(r.change === null ? /^$/ : /^-?\d+\.\d{2}$/);
          expect(c.share).toMatch(r.share === null ? /^$/ : /^\d\.\d{3}$/);
          expect(c.orders).toMatch(r.orders === null ? /^$/ : /^\d+$/);
          if (r.created_at !== null) {
            expect(c.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?\+08:00$/);
            expect(Date.parse(c.created_at as string)).toBe(Date.parse(r.created_at));
          }
        });
      }),
      { numRuns: 100 },
    );
  });
});

describe("issue 17 defects, one test each", () => {
  it("the budget table's money change is money with a sign, not a percentage (was 'affiliate … 2458198.0%')", () => {
    const [affiliate] = cells("recommend_budget", [
      { channel: "affiliate", current: 1000, recommended: 25_581.98, change: 24_581.98, change_pct: 24.5819 },
    ]);
    expect(affiliate?.change).toBe("+¥24,581.98");
    expect(affiliate?.change_pct).toBe("+2,458.2%");
  });

  it("one number of decimals within a column (was '843.96' next to '3,765')", () => {
    const shown = cells("compute_kpis", [
      { key: { channel: "kol" }, revenue: 843.96, roas: 4.2812 },
      { key: { channel: "affiliate" }, revenue: 3765, roas: 12 },
    ]);
    expect(shown.map((c) => c.revenue)).toEqual(["¥843.96", "¥3,765.00"]);
    expect(shown.map((c) => c.roas)).toEqual(["4.28", "12.00"]);
  });

  it("ids are not grouped (was customer '1,061')", () => {
    const [first] = cells("query_database", [{ id: 20_431, customer: 1061, customer_id: 1061, ticket: 12_345 }]);
    expect(first).toEqual({ id: "20431", customer: "1061", customer_id: "1061", ticket: "12345" });
  });

  it("summaries use the same styles (was 'paid CAC 13840.71', 'kol -27,755.2')", () => {
    expect(formatMoney(13_840.71, "CNY")).toBe("¥13,840.71");
    expect(formatMoney(-27_755.2, "CNY", true)).toBe("−¥27,755.20");
    expect(formatRatio(4.2812)).toBe("4.28");
    expect(formatPercent(0.245)).toBe("24.5%");
  });

  it("rises carry a sign like falls (was 'revenue 53.6%')", () => {
    expect(formatChange(0.536)).toBe("+53.6%");
    expect(formatChange(-0.12)).toBe("−12.0%");
    expect(formatChange(0.00001)).toBe("0.0%");
  });

  it("timestamps show in the business time zone (was '2026-12-04 14:33:07.969+00')", () => {
    const [proposal] = cells("list_budget_proposals", [
      { id: 3, status: "proposed", created_at: "2026-12-04 14:33:07.969+00", decided_at: null },
    ]);
    expect(proposal?.created_at).toBe("2026-12-04 22:33");
    expect(proposal?.decided_at).toBe("–");
    const [day] = cells("query_database", [{ day: "2026-03-05", week: "2026-03-04T16:00:00Z" }]);
    expect(day).toEqual({ day: "2026-03-05", week: "2026-03-05" });
  });

  it("chart axes print money with the currency's symbol and ROAS with 2 decimals", () => {
    const budget = {
      tool: "recommend_budget",
      args: {},
      result: { rows: ["a", "b"].map((channel, i) => ({ channel, current: 1000, recommended: 2000 * i })) },
    };
    const ranking = {
      tool: "compute_kpis",
      args: {},
      result: { group_by: ["channel"], rows: ["a", "b"].map((c, i) => ({ key: { channel: c }, roas: 2 + i })) },
    };
    const [budgetChart, rankingChart] = chartsFor([budget, ranking], SHANGHAI) as [ChartSpec, ChartSpec];
    const axisOf = (chart: ChartSpec) => (chart.spec.encoding as { x: { axis: { format: string } } }).x.axis.format;
    expect(axisOf(budgetChart)).toBe("$~s");
    expect(budgetChart.spec.config).toMatchObject({ locale: { number: { currency: ["¥", ""] } } });
    expect(axisOf(rankingChart)).toBe(",.2f");
  });
});
