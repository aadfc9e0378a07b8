import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";
import { referencePath } from "../helpers/reference.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/csv");
const DATA_CSV = referencePath("attribution_channelattribution/Data.csv");
const fixture = (name: string) => join(FIXTURES, name);
const tmp = mkdtempSync(join(tmpdir(), "beacon-import-"));
const opts: ImportOptions = { timezone: "Asia/Shanghai" };

function tempCsv(name: string, content: string | Buffer): string {
  const file = join(tmp, name);
  writeFileSync(file, content);
  return file;
}

const TABLES = [
  "customers",
  "orders",
  "touchpoints",
  "campaigns",
  "ad_spend_daily",
  "platform_conversions",
  "nps_responses",
  "journey_paths",
  "import_log",
] as const;

async function counts(db: Database): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of TABLES) {
    const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
    out[table] = rows[0]?.n ?? -1;
  }
  return out;
}

async function one<T>(db: Database, sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await db.pool.query(sql, params);
  return rows[0] as T;
}

/** Runs an import that must fail; returns the error, and checks that no table changed. */
async function expectRefused(db: Database, run: () => Promise<unknown>): Promise<ImportValidationError> {
  const before = await counts(db);
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportValidationError);
  expect(await counts(db)).toEqual(before);
  return error as ImportValidationError;
}

describe.each(testEngines())("CSV import on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("says so when the channel catalogue is empty", async () => {
    const error = await expectRefused(db, () => importCsv(db, "touchpoints", fixture("touchpoints.tsv"), opts));
    expect(error.message).toMatch(/channels table is empty/);
    // The catalogue the remaining tests use.
    await db.pool.query(`INSERT INTO channels (code, name, type, platform, is_paid) VALUES
      ('google_search', 'Google Search', 'search', 'Google', true),
      ('meta_feed', 'Meta Feed', 'social', 'Meta', true),
      ('baidu_search', '百度搜索', 'search', 'Baidu', true),
      ('wechat_moments', 'WeChat Moments', 'social', 'WeChat', true),
      ('douyin', '抖音', 'short_video', 'Douyin', true),
      ('email', 'Email newsletter', 'email', 'Email', false)`);
    await db.pool.query(`INSERT INTO campaigns (external_id, channel_id, name, start_date)
      SELECT 'GS-100', id, 'Spring Sale', '2026-03-01' FROM channels WHERE code = 'google_search'`);
  });

  it("imports customers with aliases, phones, dates and channel references", async () => {
    const report = await importCsv(db, "customers", fixture("customers.csv"), opts);
    expect(report).toMatchObject({ entity: "customers", rows: 4, inserted: 4, updated: 0, dryRun: false });
    expect(report.ignoredColumns).toEqual(["Lifetime Value"]);
    const { rows } = await db.pool.query(
      `SELECT c.external_id, c.name, c.email, c.phone, c.region, c.signup_date, ch.code AS channel,
              c.marketing_consent, c.birth_year, c.gender
       FROM customers c LEFT JOIN channels ch ON ch.id = c.acquisition_channel_id ORDER BY c.external_id`,
    );
    expect(rows).toEqual([
      {
        external_id: "C001",
        name: "Li Wei",
        email: "li.wei@example.com",
        phone: "8613800138000",
        region: "Guangdong",
        signup_date: "2025-11-02",
        channel: "google_search",
        marketing_consent: true,
        birth_year: 1990,
        gender: "male",
      },
      {
        external_id: "C002",
        name: "Wang, Fang",
        email: "wang.fang@example.com",
        phone: "8613800138001",
        region: "Zhejiang",
        signup_date: "2025-11-03",
        channel: "meta_feed",
        marketing_consent: false,
        birth_year: 1985,
        gender: "female",
      },
      {
        external_id: "C003",
        name: "Zhang Min",
        email: null,
        phone: "8613800138002",
        region: "Beijing",
        signup_date: "2025-11-04",
        channel: "baidu_search",
        marketing_consent: true,
        birth_year: null,
        gender: "female",
      },
      {
        external_id: "C004",
        name: "Chen Jie",
        email: "chen.jie@example.com",
        phone: null,
        region: "Shanghai",
        signup_date: "2025-11-05",
        channel: null,
        marketing_consent: false,
        birth_year: null,
        gender: "other",
      },
    ]);
  });

  it("reads Chinese headers, a BOM, semicolons and Chinese dates", async () => {
    const report = await importCsv(db, "customers", fixture("customers-zh.csv"), opts);
    expect(report).toMatchObject({ rows: 3, inserted: 3, updated: 0 });
    const { rows } = await db.pool.query(
      `SELECT c.external_id, c.name, c.phone, c.city, c.signup_date, ch.code AS channel, c.gender
       FROM customers c JOIN channels ch ON ch.id = c.acquisition_channel_id
       WHERE c.external_id LIKE 'C1%' ORDER BY c.external_id`,
    );
    expect(rows).toEqual([
      {
        external_id: "C101",
        name: "刘洋",
        phone: "8613800138101",
        city: "北京",
        signup_date: "2025-12-01",
        channel: "baidu_search",
        gender: "male",
      },
      {
        external_id: "C102",
        name: "赵丽",
        phone: "8675588881234",
        city: "深圳",
        signup_date: "2025-12-02",
        channel: "wechat_moments",
        gender: "female",
      },
      {
        external_id: "C103",
        name: "孙强",
        phone: "8613912345678",
        city: "成都",
        signup_date: "2025-12-03",
        channel: "douyin",
        gender: "male",
      },
    ]);
  });

  it("re-imports idempotently and counts changed rows", async () => {
    const before = await counts(db);
    const again = await importCsv(db, "customers", fixture("customers.csv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 4, unchanged: 4 });
    const edited = readFileSync(fixture("customers.csv"), "utf8").replace("Li Wei", "Li Wei (VIP)");
    const changed = await importCsv(db, "customers", tempCsv("customers-edited.csv", edited), opts);
    expect(changed).toMatchObject({ inserted: 0, updated: 4, unchanged: 3 });
    const after = await counts(db);
    expect({ ...after, import_log: 0 }).toEqual({ ...before, import_log: 0 });
    expect(after.import_log).toBe(before.import_log + 2);
    expect(await one(db, "SELECT name FROM customers WHERE external_id = 'C001'")).toEqual({ name: "Li Wei (VIP)" });
  });

  it("refuses a bad customers file with line-level problems and writes none of its rows", async () => {
    const error = await expectRefused(db, () => importCsv(db, "customers", fixture("customers-bad.csv"), opts));
    const at = (line: number) => error.problems.filter((p) => p.line === line);
    expect(
      at(3)
        .map((p) => p.column)
        .sort(),
    ).toEqual(["email", "name", "phone", "signup_date"]);
    expect(at(3).find((p) => p.column === "signup_date")?.reason).toMatch(/day 30 does not exist.*got "2026-02-30"/);
    expect(at(5)).toEqual([{ line: 5, reason: "repeats line 2: same customer id (external_id)" }]);
    expect(error.total).toBe(5);
    expect(error.message).toMatch(/line 3, column "email": not an email address; got "bad-email"/);
    // Valid rows of the same file (C201, C203) were not written either.
    expect(await one(db, "SELECT count(*)::int AS n FROM customers WHERE external_id IN ('C201','C203')")).toEqual({
      n: 0,
    });
  });

  it("dry run validates and counts against existing rows but writes nothing", async () => {
    const before = await counts(db);
    const report = await importCsv(db, "orders", fixture("orders.csv"), {
      ...opts,
      dryRun: true,
      fxRates: { USD: "7.2" },
    });
    expect(report).toMatchObject({ dryRun: true, rows: 5, inserted: 5, updated: 0 });
    expect(await counts(db)).toEqual(before);
    const customersAgain = await importCsv(db, "customers", fixture("customers.csv"), { ...opts, dryRun: true });
    expect(customersAgain).toMatchObject({ inserted: 0, updated: 4 });
    expect(await counts(db)).toEqual(before);
  });

  it("imports orders: thousands separators, currency marks, percentages, time zones", async () => {
    const report = await importCsv(db, "orders", fixture("orders.csv"), { ...opts, fxRates: { USD: "7.2" } });
    expect(report).toMatchObject({ rows: 5, inserted: 5, updated: 0, ignoredColumns: ["Status"] });
    const { rows } = await db.pool.query(
      `SELECT o.external_id, c.external_id AS customer, to_char(o.ordered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS utc,
              o.amount::text, o.discount_amount::text AS discount, o.margin::text, o.currency, o.sales_channel
       FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.external_id`,
    );
    expect(rows).toEqual([
      {
        external_id: "O-1001",
        customer: "C001",
        utc: "2026-03-05 06:30",
        amount: "1234.50",
        discount: "123.45",
        margin: "432.08",
        currency: "CNY",
        sales_channel: "online",
      },
      {
        external_id: "O-1002",
        customer: "C002",
        utc: "2026-03-06 02:00",
        amount: "88.00",
        discount: "5.00",
        margin: null,
        currency: "CNY",
        sales_channel: "store",
      },
      {
        external_id: "O-1003",
        customer: "C001",
        utc: "2026-03-07 01:05",
        // $120.00 and a margin of -12.50 USD, stored in CNY at --fx-rate USD=7.2.
        amount: "864.00",
        discount: "0.00",
        margin: "-90.00",
        currency: "CNY",
        sales_channel: "app",
      },
      {
        external_id: "O-1004",
        customer: "C003",
        utc: "2026-03-07 16:00",
        amount: "2000.00",
        discount: "0.00",
        margin: null,
        currency: "CNY",
        sales_channel: "marketplace",
      },
      {
        external_id: "O-1005",
        customer: "C004",
        utc: "2026-03-09 01:00",
        amount: "0.00",
        discount: "0.00",
        margin: null,
        currency: "CNY",
        sales_channel: "online",
      },
    ]);
    const log = await one<Record<string, unknown>>(
      db,
      "SELECT entity, file_name, file_sha256, rows_total, inserted, updated FROM import_log ORDER BY id DESC LIMIT 1",
    );
    expect(log).toMatchObject({ entity: "orders", file_name: "orders.csv", rows_total: 5, inserted: 5, updated: 0 });
    expect(log.file_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("imports tab-separated Chinese exports with full-width currency and compact dates", async () => {
    const report = await importCsv(db, "orders", fixture("orders-zh.csv"), opts);
    expect(report).toMatchObject({ rows: 3, inserted: 3 });
    const { rows } = await db.pool.query(
      `SELECT external_id, to_char(ordered_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS local,
              amount::text, discount_amount::text AS discount, currency
       FROM orders WHERE external_id LIKE 'Z-%' ORDER BY external_id`,
    );
    expect(rows).toEqual([
      { external_id: "Z-1", local: "2026-03-10 00:00", amount: "1288.00", discount: "100.00", currency: "CNY" },
      { external_id: "Z-2", local: "2026-03-11 20:15", amount: "1234.50", discount: "0.00", currency: "CNY" },
      { external_id: "Z-3", local: "2026-03-11 00:00", amount: "12345678.90", discount: "0.00", currency: "CNY" },
    ]);
  });

  it("decides day-first dates from the file, and asks for --date-order when it cannot", async () => {
    await importCsv(db, "orders", fixture("orders-dmy.csv"), opts);
    const { rows } = await db.pool.query(
      `SELECT external_id, (ordered_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, amount::text
       FROM orders WHERE external_id LIKE 'D-%' ORDER BY external_id`,
    );
    expect(rows).toEqual([
      { external_id: "D-1", day: "2026-03-05", amount: "1234.50" },
      { external_id: "D-2", day: "2026-03-25", amount: "99.90" },
    ]);
    const error = await expectRefused(db, () => importCsv(db, "orders", fixture("orders-ambiguous.csv"), opts));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(/line 2, column "date": .*"05\/03\/2026".*--date-order dmy or mdy/);
    await importCsv(db, "orders", fixture("orders-ambiguous.csv"), { ...opts, dateOrder: "mdy" });
    const a1 = await one(
      db,
      "SELECT (ordered_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day FROM orders WHERE external_id = 'A-1'",
    );
    expect(a1).toEqual({ day: "2026-05-03" });
  });

  it("lists every bad order line and writes nothing, not even the valid lines before them", async () => {
    const error = await expectRefused(db, () => importCsv(db, "orders", fixture("orders-bad.csv"), opts));
    const summary = error.problems.map((p) => `${p.line}|${p.column ?? ""}|${p.reason}`);
    expect(summary).toEqual([
      `4|customer_id|unknown customer "C999": import the customers file first (beacon import customers ...)`,
      `5|ordered_at|not a date (expected e.g. 2026-03-05, 2026/03/05, 20260305, 2026年3月5日, Mar 5, 2026 or 5 Mar 2026); got "not a date"`,
      `6|amount|must not be negative; got "-5"`,
      `7|amount|not a number; got "abc"`,
      `8||repeats line 2: same order id (external_id)`,
      `9|amount|currency marks disagree (CNY vs USD); got "$80"`,
      `10||has 6 fields but the header has 5 (an unquoted delimiter?)`,
    ]);
    expect(await one(db, "SELECT count(*)::int AS n FROM orders WHERE external_id LIKE 'B-%'")).toEqual({ n: 0 });
  });

  it("rolls back earlier batches when a late row of a large file is bad", async () => {
    const lines = ["order_id,customer_id,ordered_at,amount"];
    for (let i = 1; i <= 12_000; i++) lines.push(`L-${i},C00${(i % 4) + 1},2026-04-01 10:00,${i}.25`);
    lines[11_500] = "L-11500,C001,2026-04-01 10:00,not money";
    const error = await expectRefused(db, () => importCsv(db, "orders", tempCsv("late.csv", lines.join("\n")), opts));
    expect(error.problems).toEqual([{ line: 11_501, column: "amount", reason: 'not a number; got "not money"' }]);
    lines[11_500] = "L-11500,C001,2026-04-01 10:00,1";
    const report = await importCsv(db, "orders", tempCsv("late-fixed.csv", lines.join("\n")), opts);
    expect(report).toMatchObject({ rows: 12_000, inserted: 12_000 });
    const again = await importCsv(db, "orders", tempCsv("late-fixed.csv", lines.join("\n")), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 12_000, unchanged: 12_000 });
  });

  it("names missing columns and lists the columns found", async () => {
    const file = tempCsv("partial.csv", "Order ID,Total,Note\nX-1,10,hi\n");
    const error = await expectRefused(db, () => importCsv(db, "orders", file, opts));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.line).toBe(1);
    expect(error.problems[0]?.reason).toMatch(
      /missing required columns: ordered_at \(also accepted: .*; customer \(also accepted: customer id.* or customer_email \(also accepted/,
    );
    expect(error.problems[0]?.reason).toMatch(/The file's columns are: "Order ID", "Total", "Note"/);
  });

  it("refuses GBK text and broken quoting", async () => {
    const gbk = Buffer.from([0xbf, 0xcd, 0xbb, 0xa7, 0x2c, 0x61, 0x0a, 0x31, 0x2c, 0x32, 0x0a]);
    const encoding = await expectRefused(db, () => importCsv(db, "customers", tempCsv("gbk.csv", gbk), opts));
    expect(encoding.message).toMatch(/not UTF-8.*CSV UTF-8/);
    const quoting = await expectRefused(db, () => importCsv(db, "nps", fixture("nps-bad-quote.csv"), opts));
    expect(quoting.problems[0]?.reason).toMatch(/not valid CSV/);
  });

  it("imports touchpoints (tab-separated), collapsing repeated touches", async () => {
    const report = await importCsv(db, "touchpoints", fixture("touchpoints.tsv"), opts);
    expect(report).toMatchObject({ rows: 5, inserted: 4, updated: 0 });
    expect(report.notes).toContain("same customer, time, channel and type as an earlier row (stored once): 1 row");
    const { rows } = await db.pool.query(
      `SELECT c.external_id AS customer, ch.code AS channel, t.type, k.external_id AS campaign
       FROM touchpoints t JOIN customers c ON c.id = t.customer_id JOIN channels ch ON ch.id = t.channel_id
       LEFT JOIN campaigns k ON k.id = t.campaign_id ORDER BY t.occurred_at`,
    );
    expect(rows).toEqual([
      { customer: "C001", channel: "google_search", type: "click", campaign: "GS-100" },
      { customer: "C002", channel: "meta_feed", type: "impression", campaign: null },
      { customer: "C003", channel: "baidu_search", type: "visit", campaign: "GS-100" },
      { customer: "C004", channel: "email", type: "email_open", campaign: null },
    ]);
    const again = await importCsv(db, "touchpoints", fixture("touchpoints.tsv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 4 });
  });

  it("lists the known channel codes for an unknown channel", async () => {
    const file = tempCsv("tp-unknown.csv", "customer,time,channel,type\nC001,2026-03-01 10:00,TikTok,click\n");
    const error = await expectRefused(db, () => importCsv(db, "touchpoints", file, opts));
    expect(error.problems[0]?.reason).toBe(
      'unknown channel "TikTok"; known channel codes: baidu_search, douyin, email, google_search, meta_feed, wechat_moments',
    );
  });

  it("imports a Google Ads export: title lines, Total rows, --channel, new campaigns", async () => {
    // Without --channel the header names the platform (Google's "Impr."), and the catalogue's Google channel is used.
    const detected = await importCsv(db, "ad_spend", fixture("ad-spend-google.csv"), { ...opts, dryRun: true });
    expect(detected.notes).toEqual(
      expect.arrayContaining(["platform: Google Ads (from the header)", "channel: google_search"]),
    );
    const report = await importCsv(db, "ad_spend", fixture("ad-spend-google.csv"), {
      ...opts,
      channel: "google_search",
    });
    expect(report).toMatchObject({ rows: 4, inserted: 4, updated: 0 });
    expect(report.ignoredColumns).toEqual(["Campaign status", "CTR"]);
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "skipped 2 line(s) above the header (line 3)",
        "created 1 campaign: GS-200",
        'skipped 2 "Total" row(s) of the report',
      ]),
    );
    const { rows } = await db.pool.query(
      `SELECT k.external_id, k.name, k.start_date, a.day, a.spend::text, a.impressions, a.clicks
       FROM ad_spend_daily a JOIN campaigns k ON k.id = a.campaign_id ORDER BY k.external_id, a.day`,
    );
    expect(rows).toEqual([
      {
        external_id: "GS-100",
        name: "Spring Sale",
        start_date: "2026-03-01",
        day: "2026-03-01",
        spend: "1234.56",
        impressions: 12000,
        clicks: 340,
      },
      {
        external_id: "GS-100",
        name: "Spring Sale",
        start_date: "2026-03-01",
        day: "2026-03-02",
        spend: "980.00",
        impressions: 10500,
        clicks: 298,
      },
      {
        external_id: "GS-200",
        name: "Brand Terms",
        start_date: "2026-03-01",
        day: "2026-03-01",
        spend: "310.20",
        impressions: 4100,
        clicks: 220,
      },
      {
        external_id: "GS-200",
        name: "Brand Terms",
        start_date: "2026-03-01",
        day: "2026-03-02",
        spend: "305.00",
        impressions: 3950,
        clicks: 214,
      },
    ]);
  });

  it("imports a Meta export by platform name, creating <code>:<name> campaigns from their earliest day", async () => {
    const before = await counts(db);
    const dry = await importCsv(db, "ad_spend", fixture("ad-spend-meta.csv"), {
      ...opts,
      channel: "Meta",
      dryRun: true,
    });
    expect(dry).toMatchObject({ inserted: 3, dryRun: true });
    expect(await counts(db)).toEqual(before);
    const report = await importCsv(db, "ad_spend", fixture("ad-spend-meta.csv"), { ...opts, channel: "Meta" });
    expect(report).toMatchObject({ rows: 3, inserted: 3 });
    expect(report.ignoredColumns).toEqual([]); // "Reporting ends" is checked against the day, "Results" stored as claims
    const { rows } = await db.pool.query(
      `SELECT k.external_id, k.start_date, count(*)::int AS days, sum(a.spend)::text AS spend, sum(a.clicks)::int AS clicks
       FROM campaigns k JOIN ad_spend_daily a ON a.campaign_id = k.id
       WHERE k.external_id LIKE 'meta_feed:%' GROUP BY 1, 2 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { external_id: "meta_feed:Lookalike Test", start_date: "2026-03-01", days: 1, spend: "120.00", clicks: 0 },
      { external_id: "meta_feed:Spring Retargeting", start_date: "2026-03-01", days: 2, spend: "1060.40", clicks: 790 },
    ]);
  });

  it("imports a Chinese ad report and re-imports it without new campaigns", async () => {
    const report = await importCsv(db, "ad_spend", fixture("ad-spend-zh.csv"), opts);
    expect(report).toMatchObject({ rows: 2, inserted: 2, ignoredColumns: ["点击率"] });
    const spend = await one(
      db,
      `SELECT sum(spend)::text AS spend, sum(impressions)::int AS impressions FROM ad_spend_daily a
       JOIN campaigns k ON k.id = a.campaign_id WHERE k.external_id = 'baidu_search:春季促销'`,
    );
    expect(spend).toEqual({ spend: "3072.50", impressions: 3072 });
    const before = await counts(db);
    const again = await importCsv(db, "ad_spend", fixture("ad-spend-zh.csv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 2, unchanged: 2 });
    expect({ ...(await counts(db)), import_log: 0 }).toEqual({ ...before, import_log: 0 });
  });

  it("refuses two rows for one campaign and day, and rolls back campaigns it created", async () => {
    const file = tempCsv(
      "spend-dup.csv",
      "date,campaign,channel,cost\n2026-03-05,Ad Set Split,douyin,10\n2026-03-05,Ad Set Split,douyin,12\n",
    );
    const error = await expectRefused(db, () => importCsv(db, "ad_spend", file, opts));
    expect(error.problems[0]?.reason).toMatch(/repeats line 2: same campaign and day \(one row per campaign and day/);
  });

  it("imports platform conversions; unknown customers and campaigns are kept as none", async () => {
    const report = await importCsv(db, "platform_conversions", fixture("platform-conversions.csv"), opts);
    expect(report).toMatchObject({ rows: 4, inserted: 4 });
    expect(report.notes).toEqual([
      "unknown customer, stored without one: 1 row",
      "unknown or ambiguous campaign, stored without one: 1 row",
    ]);
    const { rows } = await db.pool.query(
      `SELECT p.platform, p.external_id, p.order_external_id, c.external_id AS customer, k.external_id AS campaign,
              p.reported_value::text AS value, p.click_at IS NOT NULL AS has_click
       FROM platform_conversions p LEFT JOIN customers c ON c.id = p.customer_id
       LEFT JOIN campaigns k ON k.id = p.campaign_id ORDER BY p.external_id`,
    );
    expect(rows).toEqual([
      {
        platform: "Baidu",
        external_id: "bc-1",
        order_external_id: null,
        customer: null,
        campaign: null,
        value: "0.00",
        has_click: false,
      },
      {
        platform: "Google",
        external_id: "gc-1",
        order_external_id: "O-1001",
        customer: "C001",
        campaign: "GS-100",
        value: "1234.50",
        has_click: true,
      },
      {
        platform: "Meta",
        external_id: "mc-1",
        order_external_id: "O-1001",
        customer: "C001",
        campaign: null,
        value: "1234.50",
        has_click: true,
      },
      {
        platform: "Meta",
        external_id: "mc-2",
        order_external_id: "O-1002",
        customer: null,
        campaign: null,
        value: "88.00",
        has_click: false,
      },
    ]);
  });

  it("imports NPS answers with quoted multi-line comments", async () => {
    const report = await importCsv(db, "nps", fixture("nps.csv"), opts);
    expect(report).toMatchObject({ rows: 4, inserted: 4, ignoredColumns: ["How likely are you to recommend us?"] });
    const r2 = await one(db, "SELECT score, comment, source FROM nps_responses WHERE external_id = 'R-2'");
    expect(r2).toEqual({ score: 6, comment: "The ad promised 20% off\nbut checkout showed 10%", source: "survey" });
    const bad = tempCsv("nps-bad.csv", readFileSync(fixture("nps.csv"), "utf8").replace(",3,", ",11,"));
    const error = await expectRefused(db, () => importCsv(db, "nps", bad, opts));
    // R-2's comment spans lines 3-4, so R-4 is on line 6.
    expect(error.problems).toEqual([
      { line: 6, column: "Score", reason: 'expected a whole number from 0 to 10; got "11"' },
    ]);
  });

  it("imports journeys, summing repeated paths and reading decimal commas", async () => {
    const report = await importCsv(db, "journeys", fixture("journeys.csv"), opts);
    expect(report).toMatchObject({ rows: 4, inserted: 3, updated: 0 });
    const { rows } = await db.pool.query(
      "SELECT path, conversions::text, conversion_value::text AS value, nulls::text FROM journey_paths WHERE dataset = 'journeys' ORDER BY path",
    );
    expect(rows).toEqual([
      { path: "email > search", conversions: "1.5", value: "1234.75", nulls: "2" },
      { path: "search > social > email", conversions: "3", value: "200.00", nulls: "3" },
      { path: "social", conversions: "0", value: "0", nulls: "10" },
    ]);
  });

  it("imports ChannelAttribution's Data.csv with exact sums", async () => {
    const report = await importCsv(db, "journeys", DATA_CSV, { ...opts, dataset: "channelattribution" });
    expect(report.rows).toBe(10_000);
    const sums = await one(
      db,
      `SELECT sum(conversions)::text AS conversions, round(sum(conversion_value), 6)::text AS value6,
              sum(conversion_value)::text AS value, sum(nulls)::text AS nulls
       FROM journey_paths WHERE dataset = 'channelattribution'`,
    );
    expect(sums).toMatchObject({ conversions: "19785", value6: "74802.971587", nulls: "68602" });
    expect((sums as { value: string }).value).toBe(exactSum(DATA_CSV, 2));
    const again = await importCsv(db, "journeys", DATA_CSV, { ...opts, dataset: "channelattribution" });
    expect(again).toMatchObject({ inserted: 0, updated: report.inserted, unchanged: report.inserted });
  });
});

/** Sums column `index` of a ;-separated file exactly with BigInt, as decimal text. */
function exactSum(file: string, index: number): string {
  let scale = 0;
  const values = readFileSync(file, "utf8")
    .split("\n")
    .slice(1)
    .filter(Boolean)
    .map((line) => {
      const [whole = "0", frac = ""] = (line.split(";")[index] ?? "0").split(".");
      scale = Math.max(scale, frac.length);
      return { whole, frac };
    });
  const total = values.reduce((sum, v) => sum + BigInt(v.whole + v.frac.padEnd(scale, "0")), 0n);
  const digits = total.toString().padStart(scale + 1, "0");
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/0+$/, "");
}
