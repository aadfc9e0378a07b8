import { describe, expect, it } from "vitest";
import { matchHeader, normaliseKey } from "../../db/import/columns.ts";
import { IMPORT_ENTITIES, IMPORT_FORMATS, renderImportFormatsMarkdown } from "../../derived/import.ts";

const adSpend = IMPORT_FORMATS.ad_spend.columns;

describe("header matching", () => {
  it("normalises case, spacing, underscores, punctuation and full-width characters", () => {
    expect(normaliseKey("E-mail")).toBe("email");
    expect(normaliseKey("Impr.")).toBe("impr");
    expect(normaliseKey(" Campaign_Name ")).toBe("campaignname");
    expect(normaliseKey("花费（元）")).toBe("花费元");
  });

  it("matches real export headers to fields", () => {
    const google = matchHeader(["Day", "Campaign", "Campaign ID", "Cost", "Impr.", "Clicks", "CTR"], adSpend);
    expect(Object.fromEntries(google.columns)).toEqual({
      day: 0,
      campaign: 1,
      campaign_id: 2,
      spend: 3,
      impressions: 4,
      clicks: 5,
    });
    expect(google.ignored).toEqual(["CTR"]);
    const meta = matchHeader(["Reporting starts", "Campaign name", "Amount spent (CNY)", "Link clicks"], adSpend);
    expect(Object.fromEntries(meta.columns)).toEqual({ day: 0, campaign: 1, spend: 2, clicks: 3 });
    const chinese = matchHeader(["日期", "推广计划", "展现", "点击", "花费(元)"], adSpend);
    expect(Object.fromEntries(chinese.columns)).toEqual({ day: 0, campaign: 1, impressions: 2, clicks: 3, spend: 4 });
  });

  it("strips a bracketed unit only when the full header matches nothing", () => {
    const m = matchHeader(["Cost (USD)", "Clicks"], adSpend);
    expect(m.columns.get("spend")).toBe(0);
  });

  it("prefers the earlier alias and reports the other header as superseded", () => {
    const m = matchHeader(["Date", "Reporting starts"], adSpend);
    expect(m.columns.get("day")).toBe(0);
    expect(m.superseded).toEqual([{ header: "Reporting starts", field: "day", usedHeader: "Date" }]);
  });

  it("reports two headers that mean the same field equally well", () => {
    const m = matchHeader(["Cost", "cost"], adSpend);
    expect(m.conflicts).toEqual([{ field: "spend", headers: ["Cost", "cost"] }]);
  });

  it("has no alias that means two fields within one entity", () => {
    for (const entity of IMPORT_ENTITIES) {
      const owners = new Map<string, string>();
      for (const column of IMPORT_FORMATS[entity].columns) {
        for (const alias of [column.name, ...column.aliases]) {
          const key = normaliseKey(alias);
          const owner = owners.get(key);
          expect(
            owner === undefined || owner === column.name,
            `${entity}: "${alias}" -> ${owner} and ${column.name}`,
          ).toBe(true);
          owners.set(key, column.name);
        }
      }
    }
  });
});

describe("import formats", () => {
  it("describes every entity's columns with type, required flag, aliases and description", () => {
    expect(Object.keys(IMPORT_FORMATS)).toEqual([...IMPORT_ENTITIES]);
    for (const entity of IMPORT_ENTITIES) {
      const format = IMPORT_FORMATS[entity];
      expect(format.columns.length).toBeGreaterThan(1);
      for (const c of format.columns) {
        expect(c.description.length, `${entity}.${c.name}`).toBeGreaterThan(5);
        expect(typeof c.type).toBe("string");
      }
      expect(format.exampleHeader.length).toBeGreaterThan(0);
    }
    // The ChannelAttribution header, exactly.
    expect(IMPORT_FORMATS.journeys.exampleHeader).toBe("path;total_conversions;total_conversion_value;total_null");
    expect(IMPORT_FORMATS.ad_spend.requireOneOf).toEqual([["campaign", "campaign_id"]]);
    expect(IMPORT_FORMATS.orders.columns.find((c) => c.name === "sales_channel")?.values).toEqual([
      "online",
      "store",
      "app",
      "marketplace",
    ]);
  });

  it("renders the README section with one table per entity", () => {
    const markdown = renderImportFormatsMarkdown();
    for (const entity of IMPORT_ENTITIES) expect(markdown).toContain(`### ${entity}`);
    expect(markdown.match(/\| column \| type \| required \| aliases \| notes \|/g)).toHaveLength(
      IMPORT_ENTITIES.length,
    );
  });
});
