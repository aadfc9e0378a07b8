// Monthly targets from CSV: month formats, metric words in English and Chinese, channels by code or name, updates on
// re-import, and row errors that name the line and the field.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/pool.ts";
import { generateDemo } from "../../derived/demo.ts";
import { ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

function csv(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "beacon-targets-")), "targets.csv");
  writeFileSync(file, text);
  return file;
}

describe.each(testEngines())("targets import on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await generateDemo(db, { customers: 300, seed: 5, endDate: "2026-10-31" });
  });
  afterAll(async () => {
    await db?.close();
  });

  const stored = async () =>
    (
      await db.pool.query<{ month: string; metric: string; channel_code: string; amount: string }>(
        "SELECT to_char(month, 'YYYY-MM-DD') AS month, metric, channel_code, amount::text FROM targets ORDER BY 1, 2, 3",
      )
    ).rows;

  it("stores monthly targets, total and per channel, and updates them on re-import", async () => {
    await importCsv(
      db,
      "targets",
      csv('月份,指标,渠道,目标\n2026-11,收入,,30000000\n2026/11,spend,douyin_ads,"1,250,000.50"\n202612,新客,,8000\n'),
      { timezone: "Asia/Shanghai" },
    );
    expect(await stored()).toEqual([
      { month: "2026-11-01", metric: "revenue", channel_code: "", amount: "30000000.00" },
      { month: "2026-11-01", metric: "spend", channel_code: "douyin_ads", amount: "1250000.50" },
      { month: "2026-12-01", metric: "new_customers", channel_code: "", amount: "8000.00" },
    ]);
    await importCsv(db, "targets", csv("month,metric,amount\n2026-11-15,revenue,32000000\n"), {
      timezone: "Asia/Shanghai",
    });
    expect((await stored())[0]?.amount).toBe("32000000.00");
    expect(await stored()).toHaveLength(3);
  });

  it("refuses the file with the line and field of each bad value", async () => {
    const error = await importCsv(
      db,
      "targets",
      csv(
        "month,metric,channel,amount\n2026-13,revenue,,1\n2026-11,profit,,1\n2026-11,revenue,myspace,1\n2026-11,revenue,,-5\n",
      ),
      { timezone: "Asia/Shanghai" },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportValidationError);
    const text = String((error as Error).message);
    expect(text).toMatch(/line 2.*month.*expected a month such as 2026-11/s);
    expect(text).toMatch(/line 3.*metric.*expected one of revenue, orders, spend, new_customers/s);
    expect(text).toMatch(/line 4.*channel/s);
    expect(text).toMatch(/line 5.*amount.*positive amount/s);
  });
});
