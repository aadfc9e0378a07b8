// compute_kpis with GA4 sessions: sessions, engagement rate and session conversion rate checked against sums
// computed here from the fixture text; without web data in the period the fields are absent, never 0.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../../db/pool.ts";
import { generateDemo } from "../../../derived/demo.ts";
import { importCsv } from "../../../derived/import.ts";
import { invokeTool } from "../../../tools/run-tool.ts";
import { testEngines } from "../../helpers/databases.ts";

const FIXTURE = join(import.meta.dirname, "../../fixtures/exports/ga4-traffic-acquisition.csv");
const GROUP = "Session primary channel group (Default channel group)";
const context = {
  caller: { userId: "U1", role: "manager" as const, canSeePii: false },
  timezone: "Asia/Shanghai",
  currency: "CNY",
  now: new Date("2026-04-20T04:00:00Z"),
};
type Value = number | null | { value: null; reason: string };
interface Result {
  summary: string;
  totals: Record<string, Value>;
  rows: (Record<string, Value> & { key: Record<string, string> })[];
  definitions: Record<string, string | undefined>;
}

async function kpis(db: Database, args: Record<string, unknown>): Promise<Result> {
  const outcome = await invokeTool(db, "compute_kpis", args, context);
  if (!outcome.ok) throw new Error(outcome.error);
  return outcome.result as Result;
}

/** Sessions, engaged sessions and key events summed from the fixture's data rows, optionally for some rows only. */
function fixtureSums(keep: (row: Record<string, string>) => boolean = () => true) {
  const lines = readFileSync(FIXTURE, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const header = (lines[0] ?? "").split(",");
  const sums = { sessions: 0, engaged: 0, keyEvents: 0 };
  for (const line of lines.slice(1)) {
    const row = Object.fromEntries(line.split(",").map((cell, i) => [header[i] ?? "", cell]));
    if (!/^\d{8}$/.test(row.Date ?? "") || !keep(row)) continue;
    sums.sessions += Number(row.Sessions);
    sums.engaged += Number(row["Engaged sessions"]);
    sums.keyEvents += Number(row["Key events"]);
  }
  return sums;
}

describe.each(testEngines())("compute_kpis with web sessions on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 600, seed: 11, endDate: "2026-04-15", months: 4 });
  });
  afterAll(async () => {
    await db?.close();
  });

  it("leaves sessions and web rates out when no web data covers the period", async () => {
    const result = await kpis(db, { start: "2026-03-01", end: "2026-03-31", group_by: ["channel"] });
    expect(result.totals).not.toHaveProperty("sessions");
    expect(result.totals).not.toHaveProperty("engagement_rate");
    expect(result.rows.some((r) => "sessions" in r || "session_conversion_rate" in r)).toBe(false);
    expect(result.definitions.web_sessions).toMatch(/No web analytics \(GA4\) data covers this period/);
    expect(result.summary).not.toContain("web sessions");
  });

  it("adds sessions, engagement rate and session conversion rate overall and per mapped channel", async () => {
    await importCsv(db, "web_sessions", FIXTURE, { timezone: "Asia/Shanghai" });
    const result = await kpis(db, { start: "2026-03-01", end: "2026-03-31", group_by: ["channel"], compare: "none" });
    const all = fixtureSums();
    expect(result.totals.sessions).toBe(all.sessions);
    expect(result.totals.engaged_sessions).toBe(all.engaged);
    expect(result.totals.key_events).toBeCloseTo(all.keyEvents, 2);
    expect(result.totals.engagement_rate).toBeCloseTo(all.engaged / all.sessions, 4);
    expect(result.totals.session_conversion_rate).toBeCloseTo(all.keyEvents / all.sessions, 4);
    for (const [code, group] of [
      ["organic_search", "Organic Search"],
      ["direct", "Direct"],
      ["email", "Email"],
    ] as const) {
      const want = fixtureSums((r) => r[GROUP] === group);
      const row = result.rows.find((r) => r.key.channel === code);
      expect(row?.sessions, code).toBe(want.sessions);
      expect(row?.engagement_rate, code).toBeCloseTo(want.engaged / want.sessions, 4);
      expect(row?.session_conversion_rate, code).toBeCloseTo(want.keyEvents / want.sessions, 4);
    }
    // Paid channels have no GA4 group mapped to them: no web fields rather than 0 sessions.
    const google = result.rows.find((r) => r.key.channel === "google_search");
    expect(google).toBeDefined();
    expect(google).not.toHaveProperty("sessions");
    const unmapped = fixtureSums((r) => ["Paid Search", "Paid Social", "Referral"].includes(r[GROUP] ?? ""));
    expect(result.definitions.web_unmapped).toContain(
      `${unmapped.sessions.toLocaleString("en-US")} sessions are in channel groups that map to no channel (Paid Search, Paid Social, Referral)`,
    );
    expect(result.definitions.engagement_rate).toContain("engaged sessions / sessions");
    expect(result.summary).toContain(`${all.sessions.toLocaleString("en-US")} web sessions (engagement rate `);
  });

  it("breaks sessions down by day, and keeps them out of a customer-filtered view", async () => {
    const byDay = await kpis(db, { start: "2026-03-01", end: "2026-03-31", group_by: ["day"], compare: "none" });
    const day = byDay.rows.find((r) => r.key.day === "2026-03-07");
    const want = fixtureSums((r) => r.Date === "20260307");
    expect(day?.sessions).toBe(want.sessions);
    expect(day?.key_events).toBeCloseTo(want.keyEvents, 2);
    // Grouped by region the rows have no sessions (GA4 rows carry no customer), the period's total still does.
    const byRegion = await kpis(db, { start: "2026-03-01", end: "2026-03-31", group_by: ["region"], compare: "none" });
    expect(byRegion.totals.sessions).toBe(fixtureSums().sessions);
    expect(byRegion.rows.some((r) => "sessions" in r)).toBe(false);
    expect(byRegion.definitions.web_rows).toMatch(/in the totals only/);
    const region = await kpis(db, {
      start: "2026-03-01",
      end: "2026-03-31",
      group_by: ["channel"],
      region: "East China",
    });
    expect(region.totals).not.toHaveProperty("sessions");
    expect(region.definitions.web_sessions).toMatch(/not recorded per customer/);
  });

  it("lets query_database read the same sessions from reporting.web_sessions", async () => {
    const outcome = await invokeTool(
      db,
      "query_database",
      {
        sql: `SELECT ch.code, sum(w.sessions)::int AS sessions FROM reporting.web_sessions w
              JOIN reporting.channels ch ON ch.id = w.channel_id
              WHERE w.day BETWEEN '2026-03-01' AND '2026-03-31' GROUP BY ch.code ORDER BY ch.code`,
        purpose: "GA4 sessions per mapped channel in March",
      },
      context,
    );
    if (!outcome.ok) throw new Error(outcome.error);
    const rows = (outcome.result as { rows: { code: string; sessions: number }[] }).rows;
    expect(rows).toEqual([
      { code: "direct", sessions: fixtureSums((r) => r[GROUP] === "Direct").sessions },
      { code: "email", sessions: fixtureSums((r) => r[GROUP] === "Email").sessions },
      { code: "organic_search", sessions: fixtureSums((r) => r[GROUP] === "Organic Search").sessions },
    ]);
  });

  it("has web data only in the part of a period the export covers", async () => {
    const result = await kpis(db, { start: "2026-03-25", end: "2026-04-10", group_by: [], compare: "none" });
    expect(result.totals.sessions).toBe(fixtureSums((r) => (r.Date ?? "") >= "20260325").sessions);
    expect(result.rows[0]?.sessions).toBe(result.totals.sessions);
  });
});
