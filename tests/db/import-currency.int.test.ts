// Money in its currency for orders: amounts in another currency than BEACON_CURRENCY are converted at the rate of
// the order's day (the original kept), or the import is refused; --currency has a visible effect.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveFxRates } from "../../db/fx.ts";
import type { Database } from "../../db/pool.ts";
import { type ImportOptions, ImportValidationError, importCsv } from "../../derived/import.ts";
import { testEngines } from "../helpers/databases.ts";

const tmp = mkdtempSync(join(tmpdir(), "beacon-currency-"));
const opts: ImportOptions = { timezone: "Asia/Shanghai", baseCurrency: "CNY" };

function csv(name: string, text: string): string {
  const file = join(tmp, name);
  writeFileSync(file, text);
  return file;
}

const CUSTOMERS = csv("customers.csv", "external_id,name,signup_date\nC1,Ann,2026-01-05\nC2,Bo,2026-01-06\n");
// O1 in CNY, O2 marked $ (USD), O3 with a currency column saying EUR; O2 on 1 March, O3 on 2 March (Shanghai time).
const MIXED = csv(
  "orders-mixed.csv",
  "order id,customer id,order date,amount,discount,currency\n" +
    "O1,C1,2026-03-01 10:00,500.00,0,CNY\n" +
    "O2,C2,2026-03-01 23:30,$100.00,10%,\n" +
    "O3,C1,2026-03-02 09:00,50.00,5.00,EUR\n",
);
const PLAIN = csv("orders-plain.csv", "order id,customer id,order date,amount\nP1,C2,2026-03-02 12:00,20.00\n");

async function orders(db: Database) {
  const { rows } = await db.pool.query(
    `SELECT external_id, amount::text, discount_amount::text AS discount, currency, original_currency,
            original_amount::text, fx_rate::float8 AS fx_rate
     FROM orders ORDER BY external_id`,
  );
  return rows;
}

describe.each(testEngines())("order currencies on $name", (engine) => {
  let db: Database;
  beforeAll(async () => {
    db = await engine.open();
    await importCsv(db, "customers", CUSTOMERS, opts);
  });
  afterAll(async () => {
    await db?.close();
  });

  it("refuses orders in a currency without a rate, naming the orders' days and the fixing command", async () => {
    const error = await importCsv(db, "orders", MIXED, opts).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportValidationError);
    const problems = (error as ImportValidationError).problems;
    expect(problems.map((p) => p.reason.split(" must ")[0])).toEqual([
      "1 order(s) in EUR on 2026-03-02..2026-03-02 (e.g. O3)",
      "1 order(s) in USD on 2026-03-01..2026-03-01 (e.g. O2)",
    ]);
    expect(problems[1]?.reason).toContain(`run \`beacon import orders ${MIXED} --fx-rate USD=<CNY per 1 USD>\``);
    expect(await orders(db)).toEqual([]);
  });

  it("converts at the rate of each order's day, keeps the original, and stays converted on re-import", async () => {
    await saveFxRates(db.pool, "CNY", [
      { currency: "USD", validFrom: "2026-02-27", rate: "7.19", source: "test" },
      { currency: "USD", validFrom: "2026-03-02", rate: "7.21", source: "test" },
    ]);
    const report = await importCsv(db, "orders", MIXED, { ...opts, fxRates: { EUR: "7.83" } });
    expect(report.notes).toEqual(
      expect.arrayContaining([
        "converted 1 order (2026-03-02) from EUR to CNY at 7.83 CNY per EUR (--fx-rate); the original amounts are kept (original_amount, original_currency)",
        "converted 1 order (2026-03-01) from USD to CNY at 7.19 CNY per USD (fx_rates from 2026-02-27 (test)); the original amounts are kept (original_amount, original_currency)",
      ]),
    );
    const expected = [
      {
        external_id: "O1",
        amount: "500.00",
        discount: "0.00",
        currency: "CNY",
        original_currency: null,
        original_amount: null,
        fx_rate: null,
      },
      // $100 at 7.19 (23:30 on 1 March in Shanghai is still 1 March); the 10% discount is 10.00 USD = 71.90 CNY.
      {
        external_id: "O2",
        amount: "719.00",
        discount: "71.90",
        currency: "CNY",
        original_currency: "USD",
        original_amount: "100.00",
        fx_rate: 7.19,
      },
      {
        external_id: "O3",
        amount: "391.50",
        discount: "39.15",
        currency: "CNY",
        original_currency: "EUR",
        original_amount: "50.00",
        fx_rate: 7.83,
      },
    ];
    expect(await orders(db)).toEqual(expected);
    await importCsv(db, "orders", MIXED, { ...opts, fxRates: { EUR: "7.83" } });
    expect(await orders(db)).toEqual(expected);
    const revenue = await db.pool.query("SELECT sum(amount)::text AS revenue FROM orders");
    expect(revenue.rows[0]).toEqual({ revenue: "1610.50" });
  });

  it("--currency names the currency of amounts that name none, and the report says what happened", async () => {
    const report = await importCsv(db, "orders", PLAIN, { ...opts, currency: "USD" });
    expect(report.notes).toContain(
      "converted 1 order (2026-03-02) from USD to CNY at 7.21 CNY per USD (fx_rates from 2026-03-02 (test)); the original amounts are kept (original_amount, original_currency)",
    );
    const { rows } = await db.pool.query(
      "SELECT amount::text, currency, original_amount::text FROM orders WHERE external_id = 'P1'",
    );
    expect(rows).toEqual([{ amount: "144.20", currency: "CNY", original_amount: "20.00" }]);
  });

  it("converts a platform's reported conversion value from the currency its header names", async () => {
    await db.pool.query(
      "INSERT INTO channels (code, name, type, platform) VALUES ('meta_ads', 'Meta Ads', 'social', 'Meta')",
    );
    const file = csv(
      "meta-conversions.csv",
      "platform,conversion id,order id,conversion time,conversion value (USD)\n" +
        "Meta,m-1,O2,2026-03-01 23:40,100.00\nMeta,m-2,,2026-03-02 08:00,\n",
    );
    const report = await importCsv(db, "platform_conversions", file, opts);
    expect(report.notes).toContain(
      "converted reported value of 1 row (2026-03-01) from USD to CNY at 7.19 CNY per USD (fx_rates from 2026-02-27 (test))",
    );
    const { rows } = await db.pool.query(
      "SELECT external_id, reported_value::text AS value FROM platform_conversions ORDER BY external_id",
    );
    expect(rows).toEqual([
      { external_id: "m-1", value: "719.00" },
      { external_id: "m-2", value: "0.00" },
    ]);
  });
});
