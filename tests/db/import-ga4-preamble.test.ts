// The "#" lines GA4 puts above its header: skipped by the reader (only at the top of a file), read by web_sessions.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { leadingComments, openCsv } from "../../db/import/csv-reader.ts";
import { ga4ReportRange } from "../../db/import/entities/ga4-preamble.ts";

const dir = mkdtempSync(join(tmpdir(), "beacon-ga4-"));

describe("leading comment lines", () => {
  it("counts the '#' lines (and blank lines between them) above the header, and keeps their text", () => {
    const text = "# ----\n# Traffic acquisition: X\n#\n# Start date: 20260301\n\nDate,Sessions\n20260301,5\n";
    expect(leadingComments(text)).toEqual({
      lines: 4,
      preamble: ["----", "Traffic acquisition: X", "", "Start date: 20260301"],
      rest: "\nDate,Sessions\n20260301,5\n",
    });
  });

  it("leaves a header that starts with # alone: a column named #, a Shopify order name", () => {
    expect(leadingComments("#,Name\n1,Ann\n").lines).toBe(0);
    expect(leadingComments("#1001,ann@example.com\n").lines).toBe(0);
  });

  it("streams the records after the comments with their real file lines, and only at the top", async () => {
    const file = join(dir, "ga4.csv");
    writeFileSync(
      file,
      "# Account: Lumen Tea Co., Ltd\n# End date: 20260331\nDate,Sessions\n20260301,5\n# not a comment here\n",
    );
    const reader = await openCsv(file);
    const records = [];
    for await (const r of reader.records) records.push(r);
    expect(reader.preamble).toEqual(["Account: Lumen Tea Co., Ltd", "End date: 20260331"]);
    expect(records).toEqual([
      { line: 3, fields: ["Date", "Sessions"] },
      { line: 4, fields: ["20260301", "5"] },
      { line: 5, fields: ["# not a comment here"] },
    ]);
  });
});

describe("GA4 report range", () => {
  it("reads a standard report's title and Start/End date lines", () => {
    expect(
      ga4ReportRange([
        "----------------------------------------",
        "Traffic acquisition: Session primary channel group (Default channel group)",
        "Account: Lumen Tea Co., Ltd",
        "Property: lumentea.com - GA4",
        "",
        "All Users",
        "Start date: 20260301",
        "End date: 20260331",
      ]),
    ).toEqual({
      title: "Traffic acquisition: Session primary channel group (Default channel group)",
      start: "2026-03-01",
      end: "2026-03-31",
    });
  });

  it("reads an exploration's YYYYMMDD-YYYYMMDD line", () => {
    expect(ga4ReportRange(["Lumen Tea - GA4", "Free form-Web sessions by source", "20260401-20260414"])).toEqual({
      title: "Lumen Tea - GA4",
      start: "2026-04-01",
      end: "2026-04-14",
    });
    expect(ga4ReportRange([])).toEqual({ title: null, start: null, end: null });
  });
});
