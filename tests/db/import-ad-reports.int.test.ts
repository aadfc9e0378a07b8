// Ad platform reports as downloaded: the platform read from the header, claimed conversions stored, money
// converted to the base currency with a rate (or refused without one), real line numbers below a title preamble.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readFxRatesCsv, saveFxRates } from "../../db/fx.ts";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const EXPORTS = join(import.meta.dirname, "../fixtures/exports");
const exportFile = (name: string) => join(EXPORTS, name);
const tmp = mkdtempSync(join(tmpdir(), "beacon-ad-reports-"));
const opts: ImportOptions = { timezone: "Asia/Shanghai", baseCurrency: "CNY" };

/** A channel catalogue like a company's own: Douyin for Ocean Engine, WeChat for Tencent, no Google Ads or Baidu. */
const CATALOGUE = `INSERT INTO channels (code, name, type, platform) VALUES
  ('douyin_ads', '抖音广告', 'short_video', 'Douyin'), ('wechat_ads', '微信广告', 'social', 'WeChat'),
  ('meta_ads', 'Meta Ads', 'social', 'Meta')`;

interface SpendRow {
  channel: string;
  campaign: string;
  day: string;
  spend: string;
  impressions: number;
  clicks: number;
  claimed_conversions: string | null;
  claimed_value: string | null;
  original_currency: string | null;
  original_spend: string | null;
  fx_rate: string | null;
}

async function spendRows(db: Database, channel: string): Promise<SpendRow[]> {
  const { rows } = await db.pool.query<SpendRow>(
    `SELECT ch.code AS channel, k.name AS campaign, to_char(a.day, 'YYYY-MM-DD') AS day, a.spend::text, a.impressions::int,
            a.clicks::int, a.claimed_conversions::text, a.claimed_value::text, a.original_currency,
            a.original_spend::text, a.fx_rate::float8::text AS fx_rate
     FROM ad_spend_daily a JOIN campaigns k ON k.id = a.campaign_id JOIN channels ch ON ch.id = k.channel_id
     WHERE ch.code = $1 ORDER BY k.name, a.day`,
    [channel],
  );
  return rows;
}

async function totals(db: Database, channel: string) {
  const { rows } = await db.pool.query(
    `SELECT count(*)::int AS rows, sum(a.spend)::text AS spend, sum(a.impressions)::int AS impressions,
            sum(a.clicks)::int AS clicks, sum(a.claimed_conversions)::text AS conversions, sum(a.claimed_value)::text AS value
     FROM ad_spend_daily a JOIN campaigns k ON k.id = a.campaign_id JOIN channels ch ON ch.id = k.channel_id
     WHERE ch.code = $1`,
    [channel],
  );
  return rows[0];
}

async function loadRates(db: Database): Promise<void> {
  const read = await readFxRatesCsv(exportFile("fx-rates.csv"), "CNY", "fx-rates.csv");
  if (!read.ok) throw new Error(JSON.stringify(read.problems));
  await saveFxRates(db.pool, "CNY", read.rates);
}

async function refused(db: Database, run: () => Promise<unknown>): Promise<ImportValidationError> {
  const before = await db.pool.query(
    "SELECT (SELECT count(*) FROM ad_spend_daily) + (SELECT count(*) FROM campaigns) + (SELECT count(*) FROM channels) AS n",
  );
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportValidationError);
  const after = await db.pool.query(
    "SELECT (SELECT count(*) FROM ad_spend_daily) + (SELECT count(*) FROM campaigns) + (SELECT count(*) FROM channels) AS n",
  );
  expect(after.rows[0]).toEqual(before.rows[0]);
  return error as ImportValidationError;
}

describe.each(testEngines())("ad platform reports on $name", (engine) => {
  let db: Database;
  beforeEach(async () => {
    db = await engine.open();
    await db.pool.query(CATALOGUE);
  });
  afterEach(async () => {
    await db?.close();
  });

  it("Google Ads: platform from the header, channel created, USD converted per day, claims stored, Total rows skipped", async () => {
    await loadRates(db);
    const report = await importCsv(db, "ad_spend", exportFile("google-ads-campaigns.csv"), opts);
    expect(report).toMatchObject({ rows: 6, inserted: 6 });
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "skipped 2 line(s) above the header (line 3)",
        "platform: Google Ads (from the header)",
        'created channel google_search ("Google Ads", type search, platform Google Ads): the catalogue had no Google Ads channel',
        'skipped 2 "Total" row(s) of the report',
        'amounts in the currency of each row\'s "Currency code" (a blank one: CNY, no currency in the file: read as BEACON_CURRENCY; pass --currency if not), stored in CNY (BEACON_CURRENCY)',
        "converted spend and claimed value of 2 rows (2026-03-01) from USD to CNY at 7.19 CNY per USD (fx_rates from 2026-02-27 (PBOC central parity))",
        "converted spend and claimed value of 4 rows (2026-03-02..2026-03-03) from USD to CNY at 7.21 CNY per USD (fx_rates from 2026-03-02 (PBOC central parity))",
      ]),
    );
    expect(
      report.notes.some((n) => n.startsWith('claimed conversions: "Conversions" and "Conv. value" of 6 row(s)')),
    ).toBe(true);
    const channel = await db.pool.query(
      "SELECT code, name, type, platform, is_paid FROM channels WHERE code = 'google_search'",
    );
    expect(channel.rows).toEqual([
      { code: "google_search", name: "Google Ads", type: "search", platform: "Google Ads", is_paid: true },
    ]);
    const rows = await spendRows(db, "google_search");
    // 120.50 USD x 7.19 = 866.395 -> 866.40; 98.10 x 7.21 = 707.301 -> 707.30; the value 1,260.00 x 7.19 = 9059.40.
    expect(rows[0]).toEqual({
      channel: "google_search",
      campaign: "Brand - Search",
      day: "2026-03-01",
      spend: "866.40",
      impressions: 4210,
      clicks: 388,
      claimed_conversions: "14.00",
      claimed_value: "9059.40",
      original_currency: "USD",
      original_spend: "120.50",
      fx_rate: "7.19",
    });
    expect(rows[1]).toMatchObject({
      day: "2026-03-02",
      spend: "707.30",
      claimed_conversions: "11.50",
      fx_rate: "7.21",
    });
    expect(await totals(db, "google_search")).toEqual({
      rows: 6,
      // 866.40 + 707.30 + 757.05 + 2230.70 + 2132.36 + 0.00
      spend: "6693.81",
      impressions: 48699,
      clicks: 2876,
      conversions: "54.50",
      // 9059.40 + 7465.96 + 7786.80 + 5823.90 + 5191.20 + 0.00
      value: "35327.26",
    });
  });

  it("Meta: Amount spent (USD) converted with --fx-rate, Results as claims, the currency said in the report", async () => {
    const report = await importCsv(db, "ad_spend", exportFile("meta-ads.csv"), { ...opts, fxRates: { USD: "7.2" } });
    expect(report).toMatchObject({ rows: 4, inserted: 4 });
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "platform: Meta (from the header)",
        "channel: meta_ads",
        'amounts in USD (the header "Amount spent (USD)"), stored in CNY (BEACON_CURRENCY)',
        "converted spend and claimed value of 4 rows (2026-03-01..2026-03-02) from USD to CNY at 7.2 CNY per USD (--fx-rate)",
      ]),
    );
    expect(report.ignoredColumns).toEqual(["Campaign delivery", "Reach", "Cost per result"]);
    expect(await totals(db, "meta_ads")).toEqual({
      rows: 4,
      // (84.30 + 79.50 + 31.50 + 28.75) x 7.2 = 224.05 x 7.2
      spend: "1613.16",
      impressions: 32950,
      clicks: 524,
      conversions: "15",
      // (640.20 + 455.00 + 297.00) x 7.2
      value: "10023.84",
    });
    // Re-importing at the same rate rewrites nothing: the stored values are the same conversion of the same cells.
    const again = await importCsv(db, "ad_spend", exportFile("meta-ads.csv"), { ...opts, fxRates: { USD: "7.2" } });
    expect(again).toMatchObject({ inserted: 0, updated: 4, unchanged: 4 });
  });

  it("Tencent Ads, Ocean Engine and Baidu: platform from the header, existing channels used or created, CNY kept", async () => {
    const tencent = await importCsv(db, "ad_spend", exportFile("tencent-ads.csv"), opts);
    expect(tencent.notes).toEqual(
      expect.arrayContaining([
        "platform: Tencent Ads (from the header)",
        "channel: wechat_ads",
        'amounts in CNY (the header "花费(元)"), stored as they are',
      ]),
    );
    expect(await totals(db, "wechat_ads")).toEqual({
      rows: 4,
      spend: "3770.70",
      impressions: 170610,
      clicks: 2444,
      conversions: "107",
      value: null,
    });
    const ocean = await importCsv(db, "ad_spend", exportFile("oceanengine.csv"), opts);
    expect(ocean.notes).toEqual(
      expect.arrayContaining([
        "platform: Ocean Engine (from the header)",
        "channel: douyin_ads",
        "amounts in CNY (Ocean Engine reports in CNY), stored as they are",
      ]),
    );
    expect(await totals(db, "douyin_ads")).toEqual({
      rows: 4,
      spend: "6419.00",
      impressions: 539764,
      clicks: 8527,
      conversions: "114",
      value: null,
    });
    const ids = await db.pool.query("SELECT DISTINCT external_id FROM campaigns ORDER BY 1");
    expect(ids.rows.map((r) => r.external_id)).toContain("1792345678901234");
    const baidu = await importCsv(db, "ad_spend", exportFile("baidu-search.csv"), opts);
    expect(baidu.notes).toEqual(expect.arrayContaining(["platform: Baidu (from the header)"]));
    expect(baidu.notes.some((n) => n.startsWith("created channel baidu_search"))).toBe(true);
    expect(baidu.ignoredColumns).toEqual(["账户", "点击率", "平均点击价格"]);
    expect(await totals(db, "baidu_search")).toEqual({
      rows: 4,
      spend: "6942.40",
      impressions: 40968,
      clicks: 3606,
      conversions: "89",
      value: null,
    });
  });

  it("Xiaohongshu 聚光: platform from the header, the channel created or the catalogue's used, 合计 skipped, claims per day", async () => {
    const file = exportFile("xiaohongshu-juguang.csv");
    const report = await importCsv(db, "ad_spend", file, opts);
    expect(report).toMatchObject({ rows: 12, inserted: 12 });
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "platform: Xiaohongshu (from the header)",
        'created channel xiaohongshu ("小红书 Xiaohongshu", type social, platform Xiaohongshu): the catalogue had no Xiaohongshu channel',
        'skipped 1 "Total" row(s) of the report',
        "amounts in CNY (Xiaohongshu reports in CNY), stored as they are",
      ]),
    );
    expect(report.ignoredColumns).toEqual(["点击率", "平均点击成本", "互动量", "私信咨询数", "表单提交"]);
    const rows = await spendRows(db, "xiaohongshu");
    const byCampaignDay = rows.map((r) => [r.campaign, r.day, r.spend, r.impressions, r.clicks, r.claimed_conversions]);
    expect(byCampaignDay).toEqual([
      ["搜索-品牌词", "2026-03-01", "1623.99", 5056, 694, "4"],
      ["搜索-品牌词", "2026-03-02", "1845.66", 11755, 1293, "9"],
      ["搜索-品牌词", "2026-03-03", "400.90", 5023, 475, "1"],
      ["搜索-品牌词", "2026-03-04", "3069.00", 10777, 1284, "7"],
      ["春季新品-种草笔记", "2026-03-01", "1881.91", 25669, 1117, "6"],
      ["春季新品-种草笔记", "2026-03-02", "2696.38", 89363, 2563, "12"],
      ["春季新品-种草笔记", "2026-03-03", "6844.58", 62908, 3085, "25"],
      ["春季新品-种草笔记", "2026-03-04", "973.64", 22996, 852, "3"],
      ["私信获客-护肤咨询", "2026-03-01", "5164.33", 79717, 2523, "41"],
      ["私信获客-护肤咨询", "2026-03-02", "4744.05", 75467, 3220, "57"],
      ["私信获客-护肤咨询", "2026-03-03", "4320.23", 40777, 1784, "41"],
      ["私信获客-护肤咨询", "2026-03-04", "1548.11", 47174, 1495, "17"],
    ]);
    expect(rows.every((r) => r.original_currency === null && r.fx_rate === null)).toBe(true);
    // The file's own 合计 row: 35,112.78 spent, 476,682 impressions, 20,385 clicks, 223 conversions.
    expect(await totals(db, "xiaohongshu")).toEqual({
      rows: 12,
      spend: "35112.78",
      impressions: 476682,
      clicks: 20385,
      conversions: "223",
      value: null,
    });
    const ids = await db.pool.query(
      "SELECT external_id, name FROM campaigns WHERE external_id LIKE '318256%' ORDER BY external_id",
    );
    expect(ids.rows).toEqual([
      { external_id: "31825601", name: "春季新品-种草笔记" },
      { external_id: "31825602", name: "私信获客-护肤咨询" },
      { external_id: "31825617", name: "搜索-品牌词" },
    ]);
  });

  it("Xiaohongshu 聚光: the catalogue's channel of the platform (spelled 小红书) is used; a header without 聚光's own columns is not taken for it", async () => {
    await db.pool.query(
      "INSERT INTO channels (code, name, type, platform) VALUES ('xhs_feed', '小红书信息流', 'social', '小红书')",
    );
    const report = await importCsv(db, "ad_spend", exportFile("xiaohongshu-juguang.csv"), opts);
    expect(report.notes).toEqual(
      expect.arrayContaining(["platform: Xiaohongshu (from the header)", "channel: xhs_feed"]),
    );
    expect(report.notes.some((n) => n.startsWith("created channel"))).toBe(false);
    expect((await totals(db, "xhs_feed"))?.spend).toBe("35112.78");
    // Without a note-interaction or DM column the header is not 聚光's: a Baidu feed report shares the other three.
    const file = join(tmp, "juguang-bare.csv");
    writeFileSync(file, "时间,计划名称,消费,展现量,点击量\n2026-03-01,搜索-品牌词,10.00,100,5\n");
    const bare = await refused(db, () => importCsv(db, "ad_spend", file, opts));
    expect(bare.problems[0]?.reason).toMatch(/^missing required column: channel/);
  });

  it("--channel overrides the header; --currency is said and converted; a header contradicting --currency refuses", async () => {
    const report = await importCsv(db, "ad_spend", exportFile("tencent-ads.csv"), { ...opts, channel: "douyin_ads" });
    expect(report.notes.some((n) => n.includes("from the header"))).toBe(false);
    expect((await totals(db, "douyin_ads"))?.rows).toBe(4);
    const file = join(tmp, "spend-plain.csv");
    writeFileSync(file, "date,campaign,channel,cost\n2026-03-02,Plain,meta_ads,10.00\n");
    const usd = await importCsv(db, "ad_spend", file, { ...opts, currency: "USD", fxRates: { USD: "7.2" } });
    expect(usd.notes).toEqual(
      expect.arrayContaining([
        "amounts in USD (--currency), stored in CNY (BEACON_CURRENCY)",
        "converted spend and claimed value of 1 row (2026-03-02) from USD to CNY at 7.2 CNY per USD (--fx-rate)",
      ]),
    );
    const stored = await db.pool.query(
      "SELECT a.spend::text, a.original_spend::text, a.original_currency FROM ad_spend_daily a JOIN campaigns k ON k.id = a.campaign_id WHERE k.name = 'Plain'",
    );
    expect(stored.rows).toEqual([{ spend: "72.00", original_spend: "10.00", original_currency: "USD" }]);
    const plain = await importCsv(db, "ad_spend", file, opts);
    expect(plain.notes).toContain(
      "amounts in CNY (no currency in the file: read as BEACON_CURRENCY; pass --currency if not), stored as they are",
    );
    const clash = await refused(db, () =>
      importCsv(db, "ad_spend", exportFile("meta-ads.csv"), { ...opts, currency: "EUR", fxRates: { EUR: "7.8" } }),
    );
    expect(clash.problems[0]).toEqual({
      line: 1,
      column: "Amount spent (USD)",
      reason: "the header says the amounts are in USD but --currency says EUR; drop --currency or fix the header",
    });
  });

  it("refuses amounts in a currency without a rate, with the reason and the command that fixes it", async () => {
    const file = exportFile("meta-ads.csv");
    const error = await refused(db, () => importCsv(db, "ad_spend", file, opts));
    expect(error.problems).toEqual([
      {
        line: 2,
        column: "Amount spent (USD)",
        reason: `amounts in USD must be converted to CNY (BEACON_CURRENCY) and there is no USD->CNY rate for 2026-03-01: run \`beacon import ad_spend ${file} --fx-rate USD=<CNY per 1 USD>\`, or load a rate table first with \`beacon fx import <rates.csv>\` (columns: currency, valid_from, rate_to_base)`,
      },
    ]);
    // A rate table that starts after the report's first day does not cover it either.
    await saveFxRates(db.pool, "CNY", [{ currency: "USD", validFrom: "2026-03-02", rate: "7.21", source: "test" }]);
    const early = await refused(db, () => importCsv(db, "ad_spend", file, opts));
    expect(early.problems[0]?.reason).toContain("no USD->CNY rate for 2026-03-01");
  });

  it("reports real file lines below the Google Ads title lines", async () => {
    const lines = readFileSync(exportFile("google-ads-campaigns.csv"), "utf8").split("\n");
    // Line 6 (the third data row): a cost that is not a number; the header without "Cost" is a column problem.
    lines[5] = lines[5]?.replace("105.00", "one hundred") ?? "";
    const broken = join(tmp, "google-ads-broken.csv");
    writeFileSync(broken, lines.join("\n"));
    const error = await refused(db, () => importCsv(db, "ad_spend", broken, { ...opts, fxRates: { USD: "7.2" } }));
    expect(error.problems).toEqual([{ line: 6, column: "Cost", reason: 'not a number; got "one hundred"' }]);
    const noCost = join(tmp, "google-ads-no-cost.csv");
    writeFileSync(noCost, lines.map((l, i) => (i === 2 ? l.replace(",Cost,", ",Costs,") : l)).join("\n"));
    const header = await refused(db, () => importCsv(db, "ad_spend", noCost, opts));
    expect(header.problems[0]?.line).toBe(3);
    expect(header.problems[0]?.reason).toMatch(/^missing required columns: channel .*; spend \(also accepted: cost/);
  });

  it("an empty catalogue gets the platform's channel; several channels of one platform ask for --channel", async () => {
    await db.pool.query("DELETE FROM channels");
    const report = await importCsv(db, "ad_spend", exportFile("oceanengine.csv"), opts);
    expect(report.notes.some((n) => n.startsWith("created channel douyin_ads"))).toBe(true);
    await db.pool.query(
      "INSERT INTO channels (code, name, type, platform) VALUES ('baidu_brand', 'Baidu brand', 'search', 'Baidu'), ('baidu_feed', 'Baidu feed', 'display', '百度')",
    );
    const error = await refused(db, () => importCsv(db, "ad_spend", exportFile("baidu-search.csv"), opts));
    expect(error.problems[0]).toMatchObject({
      line: 1,
      reason:
        'the catalogue has several Baidu channels (baidu_brand, baidu_feed); pass --channel CODE to say which this report is for, or map the platform once: beacon channels alias "Baidu" CODE',
    });
    // The owner's alias for the platform settles it for every later report.
    await db.pool.query(
      "INSERT INTO channel_aliases (alias, written, channel_id) SELECT 'baidu', 'Baidu', id FROM channels WHERE code = 'baidu_brand'",
    );
    const aliased = await importCsv(db, "ad_spend", exportFile("baidu-search.csv"), { ...opts, dryRun: true });
    expect(aliased.notes).toContain('channel: baidu_brand (the alias "Baidu")');
    const dry = await importCsv(db, "ad_spend", exportFile("baidu-search.csv"), {
      ...opts,
      channel: "baidu_feed",
      dryRun: true,
    });
    expect(dry).toMatchObject({ rows: 4, inserted: 4, dryRun: true });
  });

  it("stores no claim for Meta Results whose Result indicator is not a conversion", async () => {
    const file = join(tmp, "meta-link-clicks.csv");
    const text = readFileSync(exportFile("meta-ads.csv"), "utf8").split("\n");
    // The traffic campaign's results on 1 March are link clicks, not purchases.
    text[3] = text[3]?.replace("actions:offsite_conversion.fb_pixel_purchase", "actions:link_click") ?? "";
    writeFileSync(file, text.join("\n"));
    const report = await importCsv(db, "ad_spend", file, { ...opts, fxRates: { USD: "7.2" } });
    expect(report.notes).toContain(
      "results that are not conversions (Result indicator), stored without a claim: 1 row",
    );
    const rows = await spendRows(db, "meta_ads");
    expect(rows.map((r) => [r.campaign, r.day, r.claimed_conversions])).toEqual([
      ["Retargeting - Cart", "2026-03-01", null],
      ["Retargeting - Cart", "2026-03-02", "0"],
      ["Spring Sale - Advantage+", "2026-03-01", "7"],
      ["Spring Sale - Advantage+", "2026-03-02", "5"],
    ]);
  });

  it("refuses a Meta row that covers more than one day", async () => {
    const file = join(tmp, "meta-month.csv");
    const [header = "", first = ""] = readFileSync(exportFile("meta-ads.csv"), "utf8").split("\n");
    writeFileSync(file, `${header}\n${first.replace("2026-03-01,2026-03-01", "2026-03-01,2026-03-31")}\n`);
    const error = await refused(db, () => importCsv(db, "ad_spend", file, { ...opts, fxRates: { USD: "7.2" } }));
    expect(error.problems[0]).toMatchObject({ line: 2, column: "Reporting ends" });
    expect(error.problems[0]?.reason).toMatch(/covers 2026-03-01\.\.2026-03-31, not one day/);
  });
});
