// The docs' digest example: a real digest of the demo data (content, blocks, chart) drawn as a PNG. With
// BEACON_WRITE_DOC_IMAGES=1 it is written to docs/images/digest-example.png.
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { digestBlocks } from "../../bot/render/digest-blocks.ts";
import { digestImagePng } from "../../bot/render/digest-image.ts";
import { renderChartPng } from "../../bot/render/png.ts";
import { digestContent } from "../../bot/slack/digest-content.ts";
import { lateNote } from "../../bot/slack/digest-runner.ts";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { testEngines } from "../helpers/databases.ts";
import { decodePng } from "./png-pixels.ts";

const display = { timezone: "Asia/Shanghai", currency: "CNY" };
const SLOT = new Date("2026-11-30T01:00:00Z"); // Monday 09:00 in Shanghai
let db: Database;

beforeAll(async () => {
  db = await (testEngines().at(-1) as ReturnType<typeof testEngines>[number]).open();
  await generateDemo(db, { customers: 3000, seed: 11, endDate: "2026-11-30", months: 6 });
});
afterAll(async () => {
  await db?.close();
});

// Generous: summarize_period plus a trend on a shared, loaded machine.
it("a digest renders as a message image with its summary, buttons and chart", { timeout: 300_000 }, async () => {
  const started = performance.now();
  const content = await digestContent(
    { db, ...display, caller: { userId: "UMGR", role: "manager", canSeePii: false } },
    { view: "manager", period: "last_week" },
    SLOT,
  );
  process.stdout.write(`digest content in ${Math.round(performance.now() - started)} ms\n`);
  expect(content.dates).toEqual({ start: "2026-11-23", end: "2026-11-29" });
  expect(content.charts.map((c) => c.kind)).toEqual(["summary", "kpi_trend"]);
  const rendered = digestBlocks(
    content.view,
    {
      digestId: 1,
      runId: 7,
      title: "Weekly digest: last week",
      dates: content.dates,
      view: "manager",
      lateNote: lateNote({ scheduled_for: SLOT, skipped_slots: 0 }, display.timezone),
    },
    display,
  );
  const chart = await renderChartPng(content.charts[0] as (typeof content.charts)[number]);
  const png = digestImagePng(rendered.blocks as Parameters<typeof digestImagePng>[0], chart, "Mon 10:42");
  const pixels = decodePng(png);
  expect(pixels.width).toBe(960);
  expect(pixels.height).toBeGreaterThan(700);
  if (process.env.BEACON_WRITE_DOC_IMAGES === "1") {
    mkdirSync("docs/images", { recursive: true });
    writeFileSync("docs/images/digest-example.png", png);
  }
});
