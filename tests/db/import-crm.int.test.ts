// CRM exports as they are downloaded: Zoho CRM Contacts and 纷享销客 客户 import with their own headers; lead sources map
// to channels through the catalogue and its aliases, unmapped ones are kept as text and listed once; the catalogue
// itself loads from a channels CSV.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aliasChannel } from "../../db/channels.ts";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const EXPORTS = join(import.meta.dirname, "../fixtures/exports");
const exportFile = (name: string) => join(EXPORTS, name);
const opts: ImportOptions = { timezone: "Asia/Shanghai" };

async function customers(db: Database, pattern: string) {
  const { rows } = await db.pool.query(
    `SELECT c.external_id, c.name, c.email, c.phone, c.level, c.address, c.owner, ch.code AS channel, c.source_text,
            c.country, c.region, c.city, to_char(c.signup_date, 'YYYY-MM-DD') AS signup_date, c.birth_year
     FROM customers c LEFT JOIN channels ch ON ch.id = c.acquisition_channel_id
     WHERE c.external_id LIKE $1 ORDER BY c.external_id`,
    [pattern],
  );
  return rows;
}

describe.each(testEngines())("CRM exports on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it("keeps every lead source as text while the catalogue is empty, and says so", async () => {
    const report = await importCsv(db, "customers", exportFile("fxiaoke-customers.csv"), opts);
    expect(report).toMatchObject({ rows: 9, inserted: 9 });
    expect(report.notes[0]).toMatch(/^the channel catalogue is empty, so every lead source is kept as text/);
    const { rows } = await db.pool.query(
      `SELECT source_text, count(*)::int AS n FROM customers WHERE acquisition_channel_id IS NULL
       GROUP BY 1 ORDER BY source_text COLLATE "C"`,
    );
    expect(rows).toEqual([
      { source_text: "客户介绍", n: 2 },
      { source_text: "展会", n: 3 },
      { source_text: "百度推广", n: 3 },
      { source_text: null, n: 1 },
    ]);
  });

  it("loads the channel catalogue with its aliases from a CSV, and re-imports it in place", async () => {
    const report = await importCsv(db, "channels", exportFile("channels.csv"), opts);
    expect(report).toMatchObject({ entity: "channels", rows: 8, inserted: 8, updated: 0 });
    expect(report.notes).toContain("added 8 alias(es)");
    const { rows } = await db.pool.query(
      `SELECT c.code, c.type, c.is_paid, string_agg(a.written, '|' ORDER BY a.written COLLATE "C") AS aliases
       FROM channels c LEFT JOIN channel_aliases a ON a.channel_id = c.id GROUP BY c.id ORDER BY c.code`,
    );
    expect(rows).toEqual([
      { code: "baidu_search", type: "search", is_paid: true, aliases: "百度推广|百度竞价" },
      { code: "direct", type: "direct", is_paid: false, aliases: null },
      { code: "email", type: "email", is_paid: false, aliases: null },
      { code: "google_search", type: "search", is_paid: true, aliases: "Google Ads Search|谷歌搜索" },
      { code: "meta_ads", type: "social", is_paid: true, aliases: "Facebook Ads|Instagram Ads" },
      { code: "offline_events", type: "offline", is_paid: false, aliases: null },
      { code: "organic_search", type: "organic", is_paid: false, aliases: null },
      { code: "referral", type: "affiliate", is_paid: false, aliases: "Partner|客户介绍" },
    ]);
    const again = await importCsv(db, "channels", exportFile("channels.csv"), opts);
    expect(again).toMatchObject({ inserted: 0, updated: 8, unchanged: 8 });
  });

  it("imports a 纷享销客 客户 export: 邮件, 客户级别, 地址, 负责人 kept; 展会 listed once with the command", async () => {
    const report = await importCsv(db, "customers", exportFile("fxiaoke-customers.csv"), opts);
    expect(report).toMatchObject({ rows: 9, inserted: 0, updated: 9 });
    expect(report.ignoredColumns).toEqual(["行业", "网址", "所属部门", "成交状态", "最后跟进时间", "备注"]);
    expect(report.notes).toEqual([
      'column "客户来源" mapped to channels: 百度推广 -> baidu_search (3 rows), 客户介绍 -> referral (2 rows)',
      '3 rows have source "展会": kept as text (source_text) without a channel; map it with `beacon channels alias 展会 <channel_code>` and import again, or leave it',
    ]);
    const rows = await customers(db, "KH-%");
    expect(rows.slice(0, 2)).toEqual([
      {
        external_id: "KH-20250301-0001",
        name: "上海明远贸易有限公司",
        email: "service@mingyuan.example",
        phone: "862164881234",
        level: "重要客户",
        address: "徐汇区漕溪北路88号",
        owner: "王磊",
        channel: "baidu_search",
        source_text: null,
        country: "中国",
        region: "上海",
        city: "上海",
        signup_date: "2025-03-01",
        birth_year: null,
      },
      {
        external_id: "KH-20250315-0002",
        name: "杭州青禾生物科技有限公司",
        email: "info@qinghe.example",
        phone: "8657188123456",
        level: "普通客户",
        address: "西湖区文三路478号",
        owner: "王磊",
        channel: null,
        source_text: "展会",
        country: "中国",
        region: "浙江",
        city: "杭州",
        signup_date: "2025-03-15",
        birth_year: null,
      },
    ]);
    // The row without a source has neither a channel nor a source text.
    expect(rows.find((r) => r.external_id === "KH-20250805-0009")).toMatchObject({ channel: null, source_text: null });
  });

  it("maps 展会 after `beacon channels alias 展会 offline_events` and an import of the same file", async () => {
    const aliased = await aliasChannel(db.pool, "展会", "offline_events");
    expect(aliased).toEqual({ alias: "展会", channel: "offline_events", action: "created" });
    const report = await importCsv(db, "customers", exportFile("fxiaoke-customers.csv"), opts);
    expect(report).toMatchObject({ rows: 9, updated: 9, unchanged: 6 });
    expect(report.notes).toEqual([
      'column "客户来源" mapped to channels: 百度推广 -> baidu_search (3 rows), 展会 -> offline_events (3 rows), 客户介绍 -> referral (2 rows)',
    ]);
    const { rows } = await db.pool.query(
      `SELECT ch.code, count(*)::int AS n, count(c.source_text)::int AS with_text
       FROM customers c LEFT JOIN channels ch ON ch.id = c.acquisition_channel_id
       WHERE c.external_id LIKE 'KH-%' GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { code: "baidu_search", n: 3, with_text: 0 },
      { code: "offline_events", n: 3, with_text: 0 },
      { code: "referral", n: 2, with_text: 0 },
      { code: null, n: 1, with_text: 0 },
    ]);
  });

  it("imports Zoho CRM Contacts: First + Last Name joined, Mobile before Phone, Lead Source mapped or kept", async () => {
    const report = await importCsv(db, "customers", exportFile("zoho-contacts.csv"), { ...opts, phoneRegion: "US" });
    expect(report).toMatchObject({ rows: 8, inserted: 8, updated: 0 });
    expect(report.ignoredColumns).toEqual([
      "Account Name",
      "Title",
      "Department",
      "Home Phone",
      "Fax",
      "Email Opt Out",
      "Created By",
      "Modified By",
      "Modified Time",
      "Mailing Zip",
      "Description",
      "Secondary Email",
      "Last Activity Time",
    ]);
    expect(report.notes).toEqual([
      'phone: "Mobile" where given, else "Phone" (one phone per customer)',
      'name: joined from "First Name" and "Last Name"',
      'column "Lead Source" mapped to channels: Partner -> referral (2 rows)',
      '2 rows have source "Advertisement": kept as text (source_text) without a channel; map it with `beacon channels alias Advertisement <channel_code>` and import again, or leave it',
      "2 rows have source \"Web Download\": kept as text (source_text) without a channel; map it with `beacon channels alias 'Web Download' <channel_code>` and import again, or leave it",
      "1 row has source \"Cold Call\": kept as text (source_text) without a channel; map it with `beacon channels alias 'Cold Call' <channel_code>` and import again, or leave it",
    ]);
    const rows = await customers(db, "zcrm_%");
    expect(rows.map((r) => [r.name, r.phone, r.channel ?? r.source_text])).toEqual([
      ["Anna Schmidt", "14155550187", "Advertisement"],
      ["James O'Neill", "12125550148", "Web Download"],
      ["李伟", "8613800138000", "referral"],
      ["Sophie Martin", "33612345678", "Cold Call"],
      ["Michael Brown", "13035550171", "Advertisement"],
      ["Priya Nair", "16505550123", "Web Download"],
      ["Kenji Tanaka", "81312345678", "referral"],
      ["Laura Garcia", "15125550166", null],
    ]);
    expect(rows[0]).toMatchObject({
      external_id: "zcrm_4876876000000412001",
      email: "anna.schmidt@brightline.example",
      owner: "Emily Carter",
      address: "500 Howard St",
      city: "San Francisco",
      region: "CA",
      country: "United States",
      signup_date: "2025-11-03",
      birth_year: 1986,
      level: null,
    });
    expect(rows[2]).toMatchObject({ owner: "Daniel Wu", address: "徐汇区漕溪北路88号", city: "上海" });
  });

  it("reports US national numbers per line and column under the default region CN, and writes nothing", async () => {
    const before = await db.pool.query("SELECT count(*)::int AS n FROM customers");
    const error = await importCsv(db, "customers", exportFile("zoho-contacts.csv"), opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    const problems = (error as ImportValidationError).problems;
    expect(problems.map((p) => `${p.line} ${p.column}`)).toEqual([
      "2 Phone",
      "2 Mobile",
      "6 Phone",
      "7 Mobile",
      "9 Mobile",
    ]);
    expect(problems[2]?.reason).toBe(
      'not a valid CN phone number (numbers without "+" are read as CN, BEACON_DEFAULT_PHONE_REGION); write other countries\' numbers as +<country code> ...; it is a valid US number: if the file\'s numbers are from US, set BEACON_DEFAULT_PHONE_REGION=US; got "(303) 555-0171"',
    );
    expect(problems[0]?.reason).toMatch(/^reads as the CN number 0415 555 0132 only with its trunk prefix/);
    expect(await db.pool.query("SELECT count(*)::int AS n FROM customers")).toMatchObject({ rows: before.rows });
  });

  it("refuses a Zoho Deals export as orders (deals are opportunities, not orders) and writes nothing", async () => {
    const error = await importCsv(db, "orders", exportFile("zoho-deals.csv"), opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    expect((error as ImportValidationError).problems[0]?.reason).toMatch(
      /^missing required columns: external_id .*; ordered_at /,
    );
    expect(await db.pool.query("SELECT count(*)::int AS n FROM orders")).toMatchObject({ rows: [{ n: 0 }] });
  });

  it("refuses an alias that imports would never use: another channel's unique platform", async () => {
    await expect(aliasChannel(db.pool, "baidu", "google_search")).rejects.toThrow(
      '"baidu" is the platform of channel baidu_search, which imports resolve before aliases; choose another alias, or rename baidu_search',
    );
  });

  it("refuses a channels file with a bad type, a bad code and an alias of another channel, naming each line", async () => {
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const dir = mkdtempSync(join((await import("node:os")).tmpdir(), "beacon-channels-"));
    const file = join(dir, "channels-bad.csv");
    writeFileSync(
      file,
      "code,name,type,platform,aliases\n" +
        "tv_spots,TV spots,television,CCTV,\n" +
        "Trade Shows,Trade shows,offline,Offline,\n" +
        "kol_douyin,抖音达人,kol,Douyin,展会\n",
    );
    const error = await importCsv(db, "channels", file, opts).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    const problems = (error as ImportValidationError).problems;
    expect(problems.map((p) => [p.line, p.column])).toEqual([
      [2, "type"],
      [3, "code"],
      [4, "aliases"],
    ]);
    expect(problems[1]?.reason).toMatch(/use a code such as "trade_shows"/);
    expect(problems[2]?.reason).toBe(
      'alias "展会" already points to channel offline_events; to move it: beacon channels alias 展会 kol_douyin --move',
    );
    expect(await db.pool.query("SELECT count(*)::int AS n FROM channels")).toMatchObject({ rows: [{ n: 8 }] });
  });
});
