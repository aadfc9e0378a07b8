// GA4 exports imported as downloaded into web_sessions: stored values against sums computed here from the fixture
// text, re-imports in place, unmapped channel groups listed once, refusals that say what to do.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const EXPORTS = join(import.meta.dirname, "../fixtures/exports");
const fixture = (name: string) => join(EXPORTS, name);
const tmp = mkdtempSync(join(tmpdir(), "beacon-web-"));
const opts: ImportOptions = { timezone: "Asia/Shanghai" };

function tempCsv(name: string, content: string): string {
  const file = join(tmp, name);
  writeFileSync(file, content);
  return file;
}

/** The fixture's data rows as header -> cell maps: "#" lines, blank lines and rows without an 8-digit date dropped. */
function fixtureRows(name: string): Record<string, string>[] {
  const lines = readFileSync(fixture(name), "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"));
  const header = (lines[0] ?? "").split(",");
  const dateColumn = header.indexOf("Date");
  return lines
    .slice(1)
    .map((l) => l.split(","))
    .filter((cells) => /^\d{8}$/.test(cells[dateColumn] ?? ""))
    .map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""])));
}

/** Per group: sessions, engaged sessions, key events (x10, exact) and revenue in cents, summed from the fixture. */
function expectedByGroup(rows: Record<string, string>[], groupHeader: string, keyEventsHeader: string) {
  const out = new Map<
    string,
    { rows: number; sessions: number; engaged: number; keyEvents10: number; cents: number }
  >();
  for (const r of rows) {
    const group = r[groupHeader] ?? "";
    const sum = out.get(group) ?? { rows: 0, sessions: 0, engaged: 0, keyEvents10: 0, cents: 0 };
    sum.rows += 1;
    sum.sessions += Number(r.Sessions);
    sum.engaged += Number(r["Engaged sessions"]);
    sum.keyEvents10 += Math.round(Number(r[keyEventsHeader]) * 10);
    sum.cents += Math.round(Number(r["Total revenue"]) * 100);
    out.set(group, sum);
  }
  return out;
}

async function storedByGroup(db: Database, from: string, to: string) {
  const { rows } = await db.pool.query<{
    channel_group: string;
    code: string | null;
    rows: number;
    sessions: number;
    engaged: number;
    key_events10: number;
    cents: number;
  }>(
    `SELECT w.channel_group, min(ch.code) AS code, count(*)::int AS rows, sum(w.sessions)::int AS sessions,
            sum(w.engaged_sessions)::int AS engaged, (sum(w.key_events) * 10)::int AS key_events10,
            (sum(w.revenue) * 100)::bigint::float8 AS cents
     FROM web_sessions w LEFT JOIN channels ch ON ch.id = w.channel_id
     WHERE w.day BETWEEN $1 AND $2 GROUP BY w.channel_group`,
    [from, to],
  );
  return new Map(rows.map((r) => [r.channel_group, r]));
}

async function rowCount(db: Database): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM web_sessions");
  return rows[0]?.n ?? -1;
}

async function refused(db: Database, file: string): Promise<ImportValidationError> {
  const before = await rowCount(db);
  const error = await importCsv(db, "web_sessions", file, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportValidationError);
  expect(await rowCount(db)).toBe(before);
  return error as ImportValidationError;
}

describe.each(testEngines())("web_sessions import on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await db.pool.query(`INSERT INTO channels (code, name, type, platform, is_paid) VALUES
      ('organic_search', 'Organic Search (SEO)', 'organic', 'Organic', false),
      ('direct', 'Direct', 'direct', 'Direct', false),
      ('email', 'Email (EDM)', 'email', 'SendCloud ESP', false),
      ('google_search', 'Google Search Ads', 'search', 'Google Ads', true),
      ('meta_ads', 'Meta Ads (Facebook & Instagram)', 'social', 'Meta', true)`);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("reads a GA4 traffic acquisition report as downloaded (comment lines, 20260301, Grand total)", async () => {
    const report = await importCsv(db, "web_sessions", fixture("ga4-traffic-acquisition.csv"), opts);
    const rows = fixtureRows("ga4-traffic-acquisition.csv");
    expect(rows).toHaveLength(186);
    expect(report.inserted).toBe(186);
    expect(report.ignoredColumns).toEqual(
      expect.arrayContaining(["Engagement rate", "Event count", "Session key event rate"]),
    );
    expect(report.notes).toContain('skipped 9 "#" comment line(s) above the header');
    expect(report.notes).toContain(
      'GA4 export "Traffic acquisition: Session primary channel group (Default channel group)" for 2026-03-01 to 2026-03-31',
    );
    expect(report.notes).toContain("skipped as the report's total row (no date): 1 row");
    expect(report.notes).toContain(
      "mapped to channels: Organic Search -> organic_search, Direct -> direct, Email -> email",
    );
    const expected = expectedByGroup(rows, "Session primary channel group (Default channel group)", "Key events");
    const stored = await storedByGroup(db, "2026-03-01", "2026-03-31");
    expect([...stored.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [group, want] of expected) {
      const got = stored.get(group);
      expect(got, group).toMatchObject({
        rows: want.rows,
        sessions: want.sessions,
        engaged: want.engaged,
        key_events10: want.keyEvents10,
        cents: want.cents,
      });
    }
    expect(stored.get("Organic Search")?.code).toBe("organic_search");
    expect(stored.get("Paid Social")?.code).toBeNull();
    // Fractional key events are kept exactly; absent dimensions are '' (the key stays unique without NULLs).
    const { rows: one } = await db.pool.query<{ key_events: string; source_medium: string; currency: string }>(
      `SELECT key_events::text, source_medium, currency FROM web_sessions
       WHERE day = '2026-03-07' AND channel_group = 'Paid Search'`,
    );
    expect(one).toEqual([{ key_events: "7.5", source_medium: "", currency: "CNY" }]);
  });

  it("lists each unmapped channel group once, with the command that maps it", async () => {
    const report = await importCsv(db, "web_sessions", fixture("ga4-traffic-acquisition.csv"), {
      ...opts,
      dryRun: true,
    });
    const rows = fixtureRows("ga4-traffic-acquisition.csv");
    const paidSocial = rows.filter((r) => r["Session primary channel group (Default channel group)"] === "Paid Social");
    const sessions = paidSocial.reduce((s, r) => s + Number(r.Sessions), 0);
    const unmapped = report.notes.filter((n) => n.includes("maps to no channel"));
    expect(unmapped.map((n) => n.slice(0, n.indexOf('"', 1) + 1)).sort()).toEqual([
      '"Paid Search"',
      '"Paid Social"',
      '"Referral"',
    ]);
    expect(unmapped).toContain(
      `"Paid Social" (31 row(s), ${sessions.toLocaleString("en-US")} sessions) maps to no channel: kept as text without a channel; ` +
        'map it with `beacon channels alias "Paid Social" <code>` and import again, or leave it',
    );
  });

  it("re-imports in place: nothing inserted, every row matched and unchanged", async () => {
    const before = await rowCount(db);
    const report = await importCsv(db, "web_sessions", fixture("ga4-traffic-acquisition.csv"), opts);
    expect(report).toMatchObject({ rows: 187, inserted: 0, updated: 186, unchanged: 186 });
    expect(await rowCount(db)).toBe(before);
  });

  it("reads a free-form exploration (Date, channel group, source / medium, campaign, Totals row)", async () => {
    const report = await importCsv(db, "web_sessions", fixture("ga4-exploration.csv"), opts);
    const rows = fixtureRows("ga4-exploration.csv");
    expect(report.inserted).toBe(rows.length);
    expect(report.notes).toContain('skipped 1 "Total" row(s) of the report');
    expect(report.notes.some((n) => n.startsWith('"Unassigned"'))).toBe(true);
    const expected = expectedByGroup(rows, "Session default channel group", "Key events");
    const stored = await storedByGroup(db, "2026-04-01", "2026-04-14");
    for (const [group, want] of expected) {
      expect(stored.get(group), group).toMatchObject({
        sessions: want.sessions,
        engaged: want.engaged,
        key_events10: want.keyEvents10,
        cents: want.cents,
      });
    }
    const { rows: keyed } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM web_sessions
       WHERE day = '2026-04-01' AND source_medium = 'google / cpc' AND campaign_name = 'spring_tea_sale'`,
    );
    expect(keyed[0]?.n).toBe(1);
  });

  it('reads the older "Conversions" header as key events', async () => {
    const report = await importCsv(db, "web_sessions", fixture("ga4-conversions-legacy.csv"), opts);
    const rows = fixtureRows("ga4-conversions-legacy.csv");
    expect(report.inserted).toBe(28);
    expect(report.ignoredColumns).toEqual(expect.arrayContaining(["Users", "Engaged sessions per user"]));
    const expected = expectedByGroup(rows, "Session default channel group", "Conversions");
    const stored = await storedByGroup(db, "2024-02-05", "2024-02-11");
    for (const [group, want] of expected) {
      expect(stored.get(group)?.key_events10, group).toBe(want.keyEvents10);
      expect(stored.get(group)?.sessions, group).toBe(want.sessions);
    }
  });

  it("refuses a report without the Date dimension, saying how to add it", async () => {
    const text = readFileSync(fixture("ga4-traffic-acquisition.csv"), "utf8").split("\n");
    const noDate = [
      ...text.slice(0, 9),
      "Session primary channel group (Default channel group),Sessions,Engaged sessions,Key events,Total revenue",
      "Organic Search,13210,8712,276,80123.50",
      "Direct,8123,4711,150,40110.00",
    ].join("\n");
    const error = await refused(db, tempCsv("no-date.csv", noDate));
    expect(error.problems).toEqual([
      {
        line: 1,
        reason: expect.stringMatching(
          /no Date column, so its numbers are totals over the whole range \(2026-03-01 to 2026-03-31\).*add the Date dimension/,
        ),
      },
    ]);
  });

  it("refuses engaged sessions above sessions with the line and column", async () => {
    const file = tempCsv(
      "engaged.csv",
      "Date,Session default channel group,Sessions,Engaged sessions\n20260501,Direct,10,8\n20260501,Email,5,9\n",
    );
    const error = await refused(db, file);
    expect(error.problems).toEqual([
      { line: 3, column: "Engaged sessions", reason: 'exceeds the row\'s 5 sessions; got "9"' },
    ]);
  });

  it("skips a totals row whose dimensions are blank, and refuses a data row without a date", async () => {
    const ok = await importCsv(
      db,
      "web_sessions",
      tempCsv(
        "blank-total.csv",
        "Date,Session default channel group,Sessions\n,,15\n20260502,Direct,10\n20260502,Email,5\n",
      ),
      opts,
    );
    expect(ok.inserted).toBe(2);
    const error = await refused(
      db,
      tempCsv("no-day.csv", "Date,Session default channel group,Sessions\n20260503,Direct,10\n,Email,5\n"),
    );
    expect(error.problems).toEqual([{ line: 3, column: "Date", reason: "is required but empty" }]);
  });

  it("stores revenue in BEACON_CURRENCY: --currency USD converted at --fx-rate, refused without a rate", async () => {
    const file = tempCsv(
      "usd.csv",
      "Date,Session default channel group,Sessions,Total revenue\n20260510,Direct,10,100.25\n20260510,Email,4,0\n",
    );
    const usd = { ...opts, baseCurrency: "CNY", currency: "USD" };
    const noRate = await importCsv(db, "web_sessions", file, usd).then(
      () => undefined,
      (e: unknown) => e as ImportValidationError,
    );
    expect(noRate?.problems).toEqual([
      { line: 2, column: "Total revenue", reason: expect.stringContaining("--fx-rate USD=") },
    ]);
    const report = await importCsv(db, "web_sessions", file, { ...usd, fxRates: { USD: "7.2" } });
    expect(report.notes).toContain("revenue in USD (--currency), stored in CNY (BEACON_CURRENCY)");
    const { rows } = await db.pool.query<{ revenue: string; currency: string }>(
      "SELECT revenue::text, currency FROM web_sessions WHERE day = '2026-05-10' AND channel_group = 'Direct'",
    );
    expect(rows).toEqual([{ revenue: "721.80", currency: "CNY" }]);
  });

  it("replaces rows of the same days stored with another breakdown, so sessions are not counted twice", async () => {
    const day = "2026-03-02";
    const finer = tempCsv(
      "by-source.csv",
      [
        "Date,Session primary channel group (Default channel group),Session source / medium,Sessions,Engaged sessions",
        "20260302,Organic Search,google / organic,300,200",
        "20260302,Organic Search,bing / organic,40,20",
      ].join("\n"),
    );
    const report = await importCsv(db, "web_sessions", finer, opts);
    expect(report.notes).toContain(
      "replaced 1 row(s) of the same days stored with another breakdown (other dimensions), so sessions are not counted twice",
    );
    const { rows } = await db.pool.query<{ channel_group: string; sessions: number }>(
      "SELECT channel_group, sum(sessions)::int AS sessions FROM web_sessions WHERE day = $1 GROUP BY 1 ORDER BY 1",
      [day],
    );
    // Organic Search now comes from the finer file only; the other groups of that day are left alone.
    expect(rows.find((r) => r.channel_group === "Organic Search")?.sessions).toBe(340);
    expect(rows).toHaveLength(6);
  });
});
