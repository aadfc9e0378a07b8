// Each chart type renders to a valid, non-blank PNG of the expected size; 中文 labels get real glyphs; a channel has
// the same colour in every chart.
import { describe, expect, it } from "vitest";
import type { ToolResultRecord } from "../../agent/types.ts";
import { CHART_HEIGHT, CHART_WIDTH, type ChartSpec, chartsFor } from "../../bot/render/charts.ts";
import { colorFor } from "../../bot/render/colors.ts";
import { CHART_SCALE, renderChartPng } from "../../bot/render/png.ts";
import { decodePng, distinctColours, inkShare } from "./png-pixels.ts";

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const channels = ["douyin_ads", "xiaohongshu", "wechat_ads", "baidu_search", "meta_ads"];
const kpiByChannel: ToolResultRecord = {
  tool: "compute_kpis",
  args: { group_by: ["channel"] },
  result: {
    group_by: ["channel"],
    rows: channels.map((c, i) => ({ key: { channel: c }, roas: 2 + i, revenue: 1000 * (i + 1) })),
  },
};
const kpiTrend: ToolResultRecord = {
  tool: "compute_kpis",
  args: { group_by: ["week", "channel"] },
  result: {
    group_by: ["week", "channel"],
    rows: ["2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"].flatMap((week, w) =>
      channels.slice(0, 3).map((c, i) => ({ key: { week, channel: c }, revenue: 5000 + 900 * w * (i + 1) })),
    ),
  },
};
const attribution: ToolResultRecord = {
  tool: "compute_attribution",
  args: {},
  result: {
    model: "markov",
    rows: channels.map((c, i) => ({ key: c, conversions: 100 - i * 10 })),
    comparison: channels.map((c, i) => ({ key: c, markov: 100 - i * 10, last_touch: 90 - i * 5, linear: 95 - i * 8 })),
  },
};
const budget: ToolResultRecord = {
  tool: "recommend_budget",
  args: {},
  result: {
    proposal_id: 3,
    rows: channels.map((c, i) => ({ channel: c, current: 10000, recommended: 6000 + 2000 * i })),
  },
};
const segments: ToolResultRecord = {
  tool: "segment_customers",
  args: {},
  result: {
    dimension: "value_tier",
    rows: [
      { segment: "高价值 high", revenue: 800000 },
      { segment: "中价值 mid", revenue: 150000 },
      { segment: "低价值 low", revenue: 50000 },
    ],
  },
};

describe("chart detection", () => {
  it("charts time series and rankings, one per result, and nothing for other results", () => {
    const kinds = chartsFor([kpiByChannel, kpiTrend, attribution, budget, segments], SETTINGS).map((c) => c.kind);
    expect(kinds).toEqual(["channel_ranking", "kpi_trend", "attribution"]);
    expect(chartsFor([budget, segments], SETTINGS).map((c) => c.kind)).toEqual(["budget", "segments"]);
    expect(chartsFor([{ tool: "describe_data", args: {}, result: { tables: [] } }], SETTINGS)).toEqual([]);
    expect(
      chartsFor(
        [{ tool: "compute_kpis", args: {}, result: { group_by: [], rows: [{ key: {}, revenue: 1 }] } }],
        SETTINGS,
      ),
    ).toEqual([]);
  });

  it("gives a channel the same colour in every chart", () => {
    const colourOf = (chart: ChartSpec, channel: string) => {
      const scale = (chart.spec.encoding as { color: { scale: { domain: string[]; range: string[] } } }).color.scale;
      return scale.range[scale.domain.indexOf(channel)];
    };
    const [ranking, trend] = chartsFor([kpiByChannel, kpiTrend], SETTINGS) as [ChartSpec, ChartSpec];
    const [budgetChart] = chartsFor([budget], SETTINGS) as [ChartSpec];
    for (const channel of ["douyin_ads", "xiaohongshu", "wechat_ads"]) {
      expect(colourOf(ranking, channel)).toBe(colorFor(channel));
      expect(colourOf(trend, channel)).toBe(colorFor(channel));
      expect(colourOf(budgetChart, channel)).toBe(colorFor(channel));
    }
    expect(new Set(channels.map(colorFor)).size).toBe(channels.length);
  });
});

describe("chart rendering", () => {
  const all = chartsFor([kpiByChannel, kpiTrend, attribution], SETTINGS).concat(
    chartsFor([budget, segments], SETTINGS),
  );

  it.each(all.map((c) => [c.kind, c] as const))(
    "%s renders a non-blank PNG of the expected size",
    async (_kind, chart) => {
      const png = await renderChartPng(chart);
      const pixels = decodePng(png);
      expect(pixels.width).toBe(CHART_WIDTH * CHART_SCALE);
      expect(pixels.height).toBe(CHART_HEIGHT * CHART_SCALE);
      expect(distinctColours(pixels)).toBeGreaterThan(8);
      const whole = inkShare(pixels, { x: 0, y: 0, w: pixels.width, h: pixels.height });
      expect(whole).toBeGreaterThan(0.02);
      expect(whole).toBeLessThan(0.8);
    },
  );

  it("draws Chinese text with the bundled CJK font (a Chinese-only title leaves ink)", async () => {
    const chart = chartsFor([segments], SETTINGS)[0] as ChartSpec;
    const chinese = { ...chart, spec: { ...chart.spec, title: "各渠道收入排名" } };
    const blankTitle = { ...chart, spec: { ...chart.spec, title: " " } };
    const strip = (p: ReturnType<typeof decodePng>) => inkShare(p, { x: 0, y: 0, w: p.width, h: 40 * CHART_SCALE });
    const withTitle = strip(decodePng(await renderChartPng(chinese)));
    const without = strip(decodePng(await renderChartPng(blankTitle)));
    expect(withTitle).toBeGreaterThan(without + 0.01);
  });
});
