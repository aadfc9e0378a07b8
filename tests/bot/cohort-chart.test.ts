// The cohort triangle becomes a heat map (cohorts down, months since acquisition across) that renders to a real PNG.
import { describe, expect, it } from "vitest";
import type { ToolResultRecord } from "../../agent/types.ts";
import { CHART_HEIGHT, CHART_WIDTH, chartsFor } from "../../bot/render/charts.ts";
import { CHART_SCALE, renderChartPng } from "../../bot/render/png.ts";
import { decodePng, distinctColours, inkShare } from "./png-pixels.ts";

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const triangle = (split: string | null): ToolResultRecord => ({
  tool: "cohort_retention",
  args: {},
  result: {
    granularity: "month",
    split_by: split,
    rows: ["2026-08", "2026-09", "2026-10"].map((cohort, i) => ({
      cohort,
      customers: 100,
      month_0: 0.9,
      month_1: i < 2 ? 0.2 : null,
      month_2: i < 1 ? 0.1 : null,
      active: [],
    })),
  },
});

describe("cohort heat map", () => {
  it("plots every observed cell and none of the unobserved ones", () => {
    const [chart] = chartsFor([triangle(null)], SETTINGS);
    expect(chart?.kind).toBe("cohort");
    if (!chart) throw new Error("no cohort chart");
    const values = (chart.spec.data as { values: { cohort: string; k: number; value: number }[] }).values;
    expect(values).toHaveLength(6);
    expect(values.find((v) => v.cohort === "2026-08" && v.k === 2)?.value).toBe(0.1);
    expect(values.some((v) => v.cohort === "2026-10" && v.k === 1)).toBe(false);
  });

  it("draws no chart for a split triangle (one per group would not fit)", () => {
    expect(chartsFor([triangle("acquisition_channel")], SETTINGS)).toEqual([]);
  });

  it("renders a non-blank PNG of the expected size", async () => {
    const [chart] = chartsFor([triangle(null)], SETTINGS);
    const pixels = decodePng(await renderChartPng(chart as NonNullable<typeof chart>));
    expect(pixels.width).toBe(CHART_WIDTH * CHART_SCALE);
    expect(pixels.height).toBe(CHART_HEIGHT * CHART_SCALE);
    expect(distinctColours(pixels)).toBeGreaterThan(8);
    expect(inkShare(pixels, { x: 0, y: 0, w: pixels.width, h: pixels.height })).toBeGreaterThan(0.05);
  });
});
