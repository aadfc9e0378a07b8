import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { inspectDemoReplacement } from "../../cli/commands/demo-guard.ts";
import { aliasChannel } from "../../db/channels.ts";
import { generateDemo } from "../../derived/demo.ts";
import { importCsv } from "../../derived/import.ts";
import { invokeTool } from "../../tools/run-tool.ts";
import { testEngines } from "../helpers/databases.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const CUSTOMERS_CSV = join(ROOT, "tests/fixtures/csv/customers.csv");
const DEMO = { customers: 60, seed: 3, endDate: "2026-10-31" };
const dataDir = mkdtempSync(join(tmpdir(), "beacon-demo-guard-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function beacon(args: string[]) {
  return spawnSync(process.execPath, ["cli/beacon.js", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    // Generous: a demo run on a 2-core machine shared with other work has taken over two minutes.
    timeout: 300_000,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", BEACON_DATA_DIR: dataDir },
  });
}

describe("beacon demo on a database with imported data", () => {
  it("refuses without --yes, names what it would delete, keeps the data, and replaces it with --yes", () => {
    const first = beacon(["demo", "--customers", "40", "--seed", "5", "--end-date", "2026-10-31"]);
    expect(first.status, first.stderr).toBe(0);
    const imported = beacon(["import", "customers", CUSTOMERS_CSV]);
    expect(imported.status, imported.stderr).toBe(0);
    const addedRows = JSON.parse(imported.stdout).inserted as number;
    expect(addedRows).toBeGreaterThan(0);

    const refused = beacon(["demo", "--customers", "40", "--seed", "5", "--end-date", "2026-10-31"]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain("did not come from the demo generator");
    expect(refused.stderr).toContain("imported customers from customers.csv");
    expect(refused.stderr).toContain(`customers: ${40 + addedRows} rows, the last demo wrote 40`);
    expect(refused.stderr).toMatch(/would delete every row of: .*customers 4\d/);
    expect(refused.stderr).toContain("--yes");
    const described = beacon(["tool", "describe_data"]);
    const coverage = JSON.parse(described.stdout).coverage as { entity: string; rows: number }[];
    expect(coverage.find((c) => c.entity === "customers")?.rows).toBe(40 + addedRows);

    const forced = beacon(["demo", "--customers", "40", "--seed", "5", "--end-date", "2026-10-31", "--yes"]);
    expect(forced.status, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ customers: 40 });
    // Whole processes on a busy 2-core machine: each embedded-database start takes seconds.
  }, 600_000);
});

describe.each(testEngines())("inspectDemoReplacement ($name)", (engine) => {
  it("finds nothing foreign in an empty database or one holding only the demo", async () => {
    const db = await engine.open();
    try {
      const empty = await inspectDemoReplacement(db.pool);
      expect(empty.foreign).toEqual([]);
      expect(empty.rows.customers).toBe(0);
      const summary = await generateDemo(db, DEMO);
      const demo = await inspectDemoReplacement(db.pool);
      expect(demo.foreign).toEqual([]);
      expect(demo.rows).toMatchObject({ customers: 60, orders: summary.orders });
      expect(demo.rows.feedback_tickets).toBe(summary.tickets);
    } finally {
      await db.close();
    }
  });

  it("names imports, extra rows and tickets filed by people since the demo", async () => {
    const db = await engine.open();
    try {
      await generateDemo(db, DEMO);
      const report = await importCsv(db, "customers", CUSTOMERS_CSV, { timezone: "Asia/Shanghai" });
      const filed = await invokeTool(
        db,
        "log_feedback_ticket",
        {
          body: "The checkout page ignores the coupon the ad promised",
          source_channel: "chat",
          category: "ad_promise",
          sentiment: "negative",
          severity: "medium",
          customer_hint: "walk-in, Chengdu store",
        },
        { caller: { userId: "U1", role: "support", canSeePii: true }, timezone: "Asia/Shanghai", currency: "CNY" },
      );
      expect(filed.ok, filed.ok ? "" : filed.error).toBe(true);
      const channel = await db.pool.query<{ code: string }>("SELECT code FROM channels ORDER BY code LIMIT 1");
      await aliasChannel(db.pool, "展会", channel.rows[0]?.code ?? "");
      const { foreign, rows } = await inspectDemoReplacement(db.pool);
      expect(rows.customers).toBe(60 + report.inserted);
      expect(foreign).toEqual([
        `customers: ${60 + report.inserted} rows, the last demo wrote 60`,
        "channel_aliases: 1 added by users",
        expect.stringMatching(/^imported customers from customers\.csv at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
        "1 feedback ticket(s) filed by people, not by the demo",
        "1 ticket change(s) made since the last demo",
      ]);
    } finally {
      await db.close();
    }
  });

  it("says so when the data never came from a demo", async () => {
    const db = await engine.open();
    try {
      // Data written by other means: tables filled, but no record of a demo having written them.
      await generateDemo(db, DEMO);
      await db.pool.query("DELETE FROM dataset_facts WHERE key = 'demo'");
      expect((await inspectDemoReplacement(db.pool)).foreign).toEqual([
        "no demo was ever generated into this database: all of it came from elsewhere",
      ]);
    } finally {
      await db.close();
    }
  });
});
