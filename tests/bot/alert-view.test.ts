import { describe, expect, it } from "vitest";
import {
  ALERT_ACTIONS,
  type AlertAnomaly,
  type AlertChartPoint,
  alertBlocks,
  alertChart,
  whyQuestion,
} from "../../bot/render/alert-view.ts";
import { CHART_HEIGHT, CHART_WIDTH } from "../../bot/render/charts.ts";
import { CHART_SCALE, renderChartPng } from "../../bot/render/png.ts";
import { addDays } from "../../tools/period.ts";
import { decodePng, distinctColours } from "./png-pixels.ts";

const SETTINGS = { currency: "CNY", timezone: "Asia/Shanghai" };
const CPC: AlertAnomaly = {
  series: "cpc",
  level: "channel",
  channel: "douyin",
  campaign: null,
  category: null,
  day: "2026-11-28",
  actual: 2.1,
  expected: 1.3,
  expected_low: 1.1,
  expected_high: 1.5,
  severity: "high",
  score: 6.42,
  driver: "CVR normal, CPC +55% on 抖音 from 11-28",
};
const blockText = (value: unknown) => JSON.stringify(value);

describe("alert message", () => {
  it("shows actual vs expected with the range, driver, severity and the two buttons carrying the alert id", () => {
    const { blocks, text } = alertBlocks(CPC, { alertId: 42, channelName: "抖音" }, SETTINGS);
    const all = blockText(blocks);
    expect(all).toContain("*CPC on 抖音 (douyin) rose on 2026-11-28*");
    expect(all).toContain("¥2.10 (+61.5% vs expected)");
    expect(all).toContain("¥1.30 (range ¥1.10 to ¥1.50)");
    expect(all).toContain("high (score 6.4)");
    expect(all).toContain("CVR normal, CPC +55% on 抖音 from 11-28");
    const actions = blocks.find((b) => b.type === "actions") as { elements: { action_id: string; value: string }[] };
    expect(actions.elements.map((e) => [e.action_id, e.value])).toEqual([
      [ALERT_ACTIONS.why, "42"],
      [ALERT_ACTIONS.mute, "42"],
    ]);
    expect(text).toBe(
      "CPC 抖音 (douyin) rose on 2026-11-28: ¥2.10 (+61.5% vs expected), expected ¥1.30 (range ¥1.10 to ¥1.50)",
    );
  });

  it("escapes channel names, categories and drivers so no data can mention or link", () => {
    const hostile: AlertAnomaly = {
      ...CPC,
      series: "tickets",
      level: "category",
      channel: null,
      category: "<!channel> refunds & <@U123>",
      actual: 40,
      expected: 10,
      expected_low: 6,
      expected_high: 14,
      driver: "surge about <https://evil.example|your bank>",
    };
    const all = blockText(alertBlocks(hostile, { alertId: 1, channelName: "<!here>" }, SETTINGS).blocks);
    expect(all).not.toMatch(/<!channel>|<@U123>|<https:/);
    expect(all).toContain("&lt;!channel&gt; refunds &amp; &lt;@U123&gt;");
    expect(all).toContain("&lt;https://evil.example|your bank&gt;");
    const { text } = alertBlocks(hostile, { alertId: 1 }, SETTINGS);
    expect(text).not.toMatch(/[<>]/);
  });

  it("after a mute shows who muted until when instead of the buttons", () => {
    const until = new Date("2026-12-08T01:30:00Z");
    const { blocks } = alertBlocks(CPC, { alertId: 42, mutedBy: "UMGR", mutedUntil: until }, SETTINGS);
    expect(blocks.some((b) => b.type === "actions")).toBe(false);
    expect(blockText(blocks)).toContain("Muted by <@UMGR> until 2026-12-08 09:30");
  });

  it("asks Why? about the series, place, direction and day", () => {
    expect(whyQuestion(CPC)).toBe("Why did CPC on douyin rise on 2026-11-28?");
    expect(whyQuestion({ ...CPC, series: "orders", actual: 0, campaign: "DY-01" })).toBe(
      "Why did orders on campaign DY-01 on douyin fall on 2026-11-28?",
    );
    expect(whyQuestion({ ...CPC, through: "2026-11-30", direction: "down" })).toBe(
      "Why did CPC on douyin fall from 2026-11-28 through 2026-11-30?",
    );
    expect(whyQuestion({ ...CPC, series: "tickets", channel: null, category: "delivery" })).toBe(
      "Why did ticket volume about delivery rise on 2026-11-28?",
    );
  });
});

describe("alert chart", () => {
  const points: AlertChartPoint[] = Array.from({ length: 42 }, (_, i) => {
    const day = addDays("2026-10-18", i);
    const base = 1.3 + 0.05 * Math.sin(i);
    return {
      day,
      actual: day === CPC.day ? 2.1 : base,
      expected_low: i < 28 ? null : 1.1,
      expected_high: i < 28 ? null : 1.5,
    };
  });

  it("draws the series, the expected band and the anomalous day at the answer charts' size", async () => {
    const chart = alertChart(CPC, points, SETTINGS);
    expect(chart.title).toBe("CPC, douyin: daily vs expected range");
    expect(chart.filename).toBe("alert-cpc-2026-11-28.png");
    const png = await renderChartPng(chart);
    const pixels = decodePng(png);
    expect(pixels.width).toBe(CHART_WIDTH * CHART_SCALE);
    expect(pixels.height).toBe(CHART_HEIGHT * CHART_SCALE);
    expect(distinctColours(pixels)).toBeGreaterThan(8);
    // The red anomaly point is drawn (#e15759).
    let red = 0;
    for (let i = 0; i < pixels.data.length; i += pixels.channels) {
      if (pixels.data[i] === 0xe1 && pixels.data[i + 1] === 0x57 && pixels.data[i + 2] === 0x59) red += 1;
    }
    expect(red).toBeGreaterThan(50);
  }, 180_000); // rendering is CPU-bound: minutes on a busy shared machine
});
