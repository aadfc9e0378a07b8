// Entity detection on the fixture files as exported, and on headers that fit two entities or none.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { CsvRecord } from "../../db/import/csv-reader.ts";
import { detectEntity, detectFromRecords } from "../../db/import/detect.ts";
import { IMPORT_ENTITIES, ImportValidationError } from "../../derived/import.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const header = (...fields: string[]): CsvRecord[] => [{ line: 1, fields }];

// The entity each fixture holds, as a person who exported it would name it.
const EXPECTED: Record<string, string> = {
  "csv/ad-spend-google.csv": "ad_spend",
  "csv/ad-spend-meta.csv": "ad_spend",
  "csv/ad-spend-zh.csv": "ad_spend",
  "csv/customers-bad.csv": "customers",
  "csv/customers-zh.csv": "customers",
  "csv/customers.csv": "customers",
  "csv/journeys.csv": "journeys",
  "csv/nps.csv": "nps",
  "csv/orders-ambiguous.csv": "orders",
  "csv/orders-bad.csv": "orders",
  "csv/orders-dmy.csv": "orders",
  "csv/orders-zh.csv": "orders",
  "csv/orders.csv": "orders",
  "csv/platform-conversions.csv": "platform_conversions",
  "csv/touchpoints.tsv": "touchpoints",
  "exports/baidu-search.csv": "ad_spend",
  "exports/ga4-conversions-legacy.csv": "web_sessions",
  "exports/ga4-exploration.csv": "web_sessions",
  "exports/ga4-traffic-acquisition.csv": "web_sessions",
  "exports/google-ads-campaigns.csv": "ad_spend",
  "exports/meta-ads.csv": "ad_spend",
  "exports/oceanengine.csv": "ad_spend",
  "exports/orders-with-customers-zh.csv": "orders",
  "exports/channels.csv": "channels",
  "exports/fxiaoke-customers.csv": "customers",
  "exports/tencent-ads.csv": "ad_spend",
  "exports/youzan-orders.csv": "orders",
  "exports/zoho-contacts.csv": "customers",
};

describe("entity detection on the fixtures", () => {
  it.each(Object.entries(EXPECTED))("%s is %s, unambiguously", async (file, entity) => {
    const detection = await detectEntity(`${FIXTURES}${file}`);
    expect(detection.proposal?.entity, detection.summary).toBe(entity);
    expect(detection.proposal?.accepted).toBe("yes");
    expect(detection.unambiguous, detection.summary).toBe(true);
    expect(detection.summary).toMatch(new RegExp(`^looks like ${entity} \\(`));
  });

  // Files the proposal reads only a small part of: proposed, but --yes will not import them without the entity named.
  // A Zoho deals export fits customers by its record id, contact name and created time, and nothing else.
  it.each([
    ["exports/shopify-orders.csv", "orders"],
    ["exports/fxiaoke-orders.csv", "orders"],
    ["exports/zoho-deals.csv", "customers"],
  ])("%s is proposed as %s, not unambiguously: it reads under half of the columns", async (file, entity) => {
    const detection = await detectEntity(`${FIXTURES}${file}`);
    const proposal = detection.proposal;
    expect(proposal?.entity, detection.summary).toBe(entity);
    expect(proposal?.accepted).toBe("yes");
    expect(detection.unambiguous).toBe(false);
    expect((proposal?.columnsUsed ?? 0) * 2).toBeLessThan(proposal?.columnsTotal ?? 0);
    expect(proposal?.reason).toContain(
      `reads only ${proposal?.columnsUsed} of the file's ${proposal?.columnsTotal} columns`,
    );
  });

  it("says which columns decided it, and finds the header below a report title", async () => {
    const orders = await detectEntity(`${FIXTURES}csv/orders.csv`);
    expect(orders.proposal?.reason).toBe(
      "orders: 4 of 4 required columns (Order ID, Order Date, Amount, Customer ID); 4 optional (Discount, Margin, Currency, Sales Channel)",
    );
    const google = await detectEntity(`${FIXTURES}exports/google-ads-campaigns.csv`);
    expect(google.proposal?.headerLine).toBe(3);
    expect(google.proposal?.reason).toContain("platform: Google Ads (from the header)");
    const ga4 = await detectEntity(`${FIXTURES}exports/ga4-traffic-acquisition.csv`);
    expect(ga4.proposal?.matched.map((m) => m.header)).toContain("Key events");
  });

  it("proposes nothing for a file no entity takes (exchange rates are `beacon fx import`), naming the closest", async () => {
    const detection = await detectEntity(`${FIXTURES}exports/fx-rates.csv`);
    expect(detection.proposal).toBeNull();
    expect(detection.unambiguous).toBe(false);
    expect(detection.summary).toMatch(/^no entity's required columns are all in the header; closest is \w+: /);
    expect(detection.summary).toContain("missing");
  });

  it("refuses files that are not CSV text with the import's own reasons", async () => {
    await expect(detectEntity(`${FIXTURES}csv/orders-workbook.xlsx`)).rejects.toThrow(/Excel workbook/);
    await expect(detectEntity(`${FIXTURES}csv/orders-workbook.xlsx`)).rejects.toBeInstanceOf(ImportValidationError);
  });

  it("every other fixture gets a proposal or a reason, never a crash", async () => {
    for (const dir of ["csv", "exports"]) {
      for (const name of readdirSync(`${FIXTURES}${dir}`)) {
        const file = `${dir}/${name}`;
        if (file in EXPECTED) continue;
        const outcome = await detectEntity(`${FIXTURES}${file}`).then(
          (d) => d.summary,
          (e: Error) => (e instanceof ImportValidationError ? e.message : `unexpected ${e.name}: ${e.message}`),
        );
        expect(outcome, file).not.toMatch(/^unexpected/);
      }
    }
  });
});

describe("entity detection on headers", () => {
  it("scores every registered importer, so entities added later take part", () => {
    const detection = detectFromRecords(header("Order ID", "Customer ID", "Order Date", "Amount"));
    expect(detection.candidates.map((c) => c.entity).sort()).toEqual([...IMPORT_ENTITIES].sort());
  });

  it("weighs required columns most: three required beat many optional", () => {
    // Customer columns name many optional customer fields, but the order's own columns are what an import needs.
    const detection = detectFromRecords(
      header("Order ID", "Customer ID", "Order Date", "Amount", "E-mail", "Mobile", "City", "Gender"),
    );
    expect(detection.proposal?.entity).toBe("orders");
  });

  it("shows the runner-up and refuses to call it unambiguous when two entities fit equally", () => {
    // id + date + platform is a platform conversion; id + date + score is an NPS answer: this header has both.
    const detection = detectFromRecords(header("ID", "Date", "Score", "Platform"));
    expect(detection.proposal?.accepted).toBe("yes");
    expect(detection.runnerUp).not.toBeNull();
    expect(new Set([detection.proposal?.entity, detection.runnerUp?.entity])).toEqual(
      new Set(["nps", "platform_conversions"]),
    );
    expect(detection.unambiguous).toBe(false);
    expect(detection.summary).toContain("equally");
  });

  it("a one-platform report without a channel column and no platform signature needs --channel", () => {
    const detection = detectFromRecords(header("Date", "Campaign", "Spend", "Clicks"));
    expect(detection.proposal?.entity).toBe("ad_spend");
    expect(detection.proposal?.accepted).toBe("with --channel");
    expect(detection.unambiguous).toBe(false);
    expect(detection.proposal?.reason).toContain("needs --channel");
  });
});
